"""JUnit XML for CI: one test case per replayed script, its failure at the script's line.

The format most CI systems read (Jenkins, GitLab, GitHub test reporters): a
`testsuite` of `testcase`s with `classname`, `name`, `file`, `line` and `time`; a
failed script has a `failure` whose message is its first line (`file:line:col: ...`).
Unreadable scripts become one errored case that lists every problem, so CI shows
why they did not run. Through the UI, each failed script's screen is saved as an
SVG beside the file (`write_screens`), to look at what the person would have seen.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable

from chatbot.replay.coverage import Coverage
from chatbot.flow.problems import Problem
from chatbot.replay.runner import ScriptRun

SUITE_NAME = "chatbot replay"


def junit_xml(runs: Iterable[ScriptRun], problems: Iterable[Problem] = (),
              coverage: Iterable[Coverage] = (), seconds: float | None = None) -> str:
    """The JUnit XML text for these runs (and problems that kept scripts from running)."""
    runs, problems, coverage = list(runs), list(problems), list(coverage)
    failures = sum(1 for run in runs if run.failure is not None and not run.failure.broken)
    errors = sum(1 for run in runs if run.failure is not None and run.failure.broken) + (1 if problems else 0)
    total = seconds if seconds is not None else sum(run.seconds for run in runs)
    suite = ET.Element("testsuite", name=SUITE_NAME, tests=str(len(runs) + (1 if problems else 0)),
                       failures=str(failures), errors=str(errors), skipped="0", time=f"{total:.3f}")
    if coverage:
        properties = ET.SubElement(suite, "properties")
        for each in coverage:
            ET.SubElement(properties, "property", name=f"coverage {each.file}", value=f"{each.percent:.1f}")
    if problems:
        case = ET.SubElement(suite, "testcase", classname="scripts", name="reading the scripts", time="0")
        error = ET.SubElement(case, "error", message=str(problems[0]), type="unreadable")
        error.text = "\n".join(str(problem) for problem in problems)
    for run in runs:
        case = ET.SubElement(suite, "testcase", classname=_classname(run.script.file), name=run.script.name,
                             file=run.script.file, line=str(run.script.at.line), time=f"{run.seconds:.6f}")
        if run.failure is not None:
            tag = "error" if run.failure.broken else "failure"
            outcome = ET.SubElement(case, tag, message=run.failure.headline(), type=f"replay {tag}")
            outcome.text = str(run.failure)
    root = ET.Element("testsuites", name=SUITE_NAME, tests=suite.get("tests"), failures=suite.get("failures"),
                      errors=suite.get("errors"), time=suite.get("time"))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: str | Path, runs: Iterable[ScriptRun], problems: Iterable[Problem] = (),
                coverage: Iterable[Coverage] = (), seconds: float | None = None) -> None:
    """The JUnit XML in `path`, its folder made first (`--junit build/replay.xml` in a fresh clone)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(junit_xml(runs, problems, coverage, seconds), encoding="utf-8")


def write_screens(junit_path: str | Path, runs: Iterable[ScriptRun]) -> list[Path]:
    """Each failed script's screen (`--tui`) as an SVG beside the JUnit file, named for the script."""
    folder, written = Path(junit_path).parent, []
    for run in runs:
        if run.screen is None:
            continue
        name = re.sub(r"[^a-z0-9]+", "-", f"{Path(run.script.file).stem} {run.script.name}".casefold()).strip("-")
        path = folder / f"{name[:80]}-line-{run.script.at.line}.svg"
        path.write_text(run.screen, encoding="utf-8")
        written.append(path)
    return written


def _classname(file: str) -> str:
    """`tests/conversations/fever.yaml` -> `tests.conversations.fever`, as CI groups cases by it."""
    path = Path(file)
    folders = [part for part in path.parent.parts if part not in (path.anchor, ".", "..")]
    return ".".join((*folders, path.stem))
