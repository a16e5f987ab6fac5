"""`chatbot replay PATH...`: replay scripted conversations and say where each went wrong.

Exit status: 0 when every script passes (and coverage is at least --fail-under),
1 when any fails (or coverage is below it), 2 when a script or flow cannot be read
(the scripts that can be read still run and are reported).
"""

from __future__ import annotations

import argparse
import sys
import time

from chatbot.catalog import message, plural
from chatbot.commands.said import complain, language, say
from chatbot.formats import decimal
from chatbot.commands.arguments import add_database_argument, finish_recording, recorder_for
from chatbot.replay.coverage import coverage_of
from chatbot.replay.junit import write_junit, write_screens
from chatbot.flow.problems import FlowError
from chatbot.replay import EngineDriver, ScriptReader, run_script

NAME = "replay"
HELP = message("replay scripted conversations (docs/replay.md) and check that each goes where its script says")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=message("script files, or folders of them"))
    parser.add_argument("--junit", metavar="FILE",
                        help=message("also write the results as JUnit XML, for CI (with --tui, an SVG of each failed script's screen beside it)"))
    parser.add_argument("--coverage", action="store_true",
                        help=message("report the questions, answers, transitions and outcomes the scripts reached, and where in the flow file each one never reached is"))
    parser.add_argument("--fail-under", type=float, metavar="PCT",
                        help=message("exit 1 when coverage is below PCT percent (implies --coverage)"))
    parser.add_argument("--tui", action="store_true",
                        help=message("replay through the Textual UI, headless: the keys a person would press, and the checks made on what the screen shows"))
    add_database_argument(parser)  # each script a session in the records: for demos and load tests


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    scripts, problems = ScriptReader(args.flow or args.global_flow).read_each(args.paths)
    if problems and not scripts:
        if args.junit:
            write_junit(args.junit, [], problems)
        raise FlowError(problems)
    if not scripts:
        complain(message("no scripts in {paths} (openings alone are not scripts)"), paths=", ".join(args.paths))
        return 2
    recorder = recorder_for(args, "replay")
    try:
        runs = replay_all(scripts, args.tui, recorder)
    finally:
        unsaved = finish_recording(recorder, "replay") if recorder is not None else 0
    speaking = language()
    for run in runs:
        where = f"{run.script.file}:{run.script.at.line}"
        if run.passed:  # `ok` and `FAIL` are marks a tester's script may look for: the same in every language
            print(f"ok    {where}: {run.script.name} -> {run.summary(speaking)}")
        else:
            print(f"FAIL  {where}: {run.script.name}")
            print("\n".join("      " + line for line in run.failure.lines(speaking)))
    failed = sum(1 for run in runs if not run.passed)
    seconds = time.perf_counter() - started
    outcome = SOME_FAILED.count(failed).fill(passed=len(runs) - failed) if failed else ALL_PASSED
    say(THROUGH_UI if args.tui else REPLAYED, scripts=SCRIPTS.count(len(runs)), outcome=outcome,
        seconds=decimal(seconds, speaking, 2))
    status = 1 if failed or unsaved else 0
    if problems:  # the scripts that could be read ran; those that could not make it an error
        print("\n".join(str(problem) for problem in problems), file=sys.stderr)
        count = sum(1 for problem in problems if problem.severity == "error")
        complain(plural("{count} problem found: those scripts did not run",
                        "{count} problems found: those scripts did not run").count(count))
        status = 2
    coverage = coverage_of(runs) if args.coverage or args.fail_under is not None else []
    for each in coverage:
        print("\n".join(each.report(speaking)))
        if args.fail_under is not None and each.percent < args.fail_under:
            complain(message("coverage of {file} is {percent}%, below --fail-under {least}%"), file=each.file,
                     percent=decimal(each.percent, speaking), least=f"{args.fail_under:g}")
            status = 1
    if args.junit:
        write_junit(args.junit, runs, problems, coverage=coverage, seconds=seconds)
        for path in write_screens(args.junit, runs):
            say(message("the screen of a failed script: {path}"), path=path)
    return status


SCRIPTS = plural("{count} script", "{count} scripts")
ALL_PASSED = message("all passed")
SOME_FAILED = plural("{count} failed, {passed} passed", "{count} failed, {passed} passed")
REPLAYED = message("{scripts}: {outcome} in {seconds} s")
THROUGH_UI = message("{scripts}: {outcome} in {seconds} s, through the Textual UI")


def replay_all(scripts, tui: bool, recorder) -> list:
    """Every script's run, on the engine or through the UI (`tui`), each a session for `recorder` if given."""
    if tui:
        from chatbot.replay.pilot import replay_through_ui
        from chatbot.tui import SymptomCheckerApp  # Textual loads only here, for --tui

        def make_app(flow, **options):
            app = SymptomCheckerApp(flow, tester=True, **options)  # a tester's run: every key of the UI
            app.recorder = recorder
            return app

        return replay_through_ui(scripts, make_app)
    return [run_script(script, EngineDriver(script.flow, script.language, recorder)) for script in scripts]
