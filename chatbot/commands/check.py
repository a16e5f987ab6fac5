"""`chatbot check [FLOW]`: report every problem of a flow file, then prove it path by path.

First the loader's checks (shape and meaning), and the hazard log beside the flow
(`hazards.yaml`, when there is one: every rule and outcome it names must be the
flow's); if they pass, the exhaustive path analysis (`chatbot.proof.analysis`): every path must reach the level the flow's own
triage rules give. Each problem is printed as `path:line:col: kind: message`
with the answers of an example path, then one summary line.

Exit status: 0 proved, 1 warnings only with `--strict`, 2 errors.
"""

from __future__ import annotations

import argparse
import json


from chatbot.catalog import message
from chatbot.commands.said import language, said
from chatbot.proof.analysis import Analysis, Issue, analyse
from chatbot.flowfile.hazards import beside, load_hazards
from chatbot.flowfile.loader import bundled_flow_path, load_flow
from chatbot.flow.problems import FlowError

NAME = "check"
HELP = message("check a flow file and prove every path reaches the level its triage rules give")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", nargs="?", metavar="FLOW", help=message("the flow file (default: the bundled flow)"))
    parser.add_argument("--strict", action="store_true", help=message("exit 1 when there are warnings"))
    parser.add_argument("--json", action="store_true", help=message("print one JSON object for machines"))


def run(args: argparse.Namespace) -> int:
    path = args.flow or args.global_flow or bundled_flow_path()
    try:
        flow = load_flow(path)
        hazards = beside(path)
        if hazards is not None:
            load_hazards(hazards, flow)
    except FlowError as error:
        if not args.json:
            raise  # printed by the cli, positioned, with exit 2
        print(json.dumps({"file": error.problems[0].file if error.problems else None, "verdict": "unloadable",
                          "errors": sum(p.severity == "error" for p in error.problems),
                          "problems": [{"file": p.file, "line": p.line, "col": p.col, "severity": p.severity,
                                        "kind": "load", "message": p.message} for p in error.problems]},
                         ensure_ascii=False))
        return 2
    analysis = analyse(flow)
    if args.json:
        print(json.dumps({**analysis.as_json(), "exit": exit_status(analysis, args.strict)},
                         ensure_ascii=False))
    else:
        for issue in analysis.issues:
            print(describe(issue, flow.file))
        print(analysis.summary(language()))
    return exit_status(analysis, args.strict)


def exit_status(analysis: Analysis, strict: bool) -> int:
    if analysis.errors:
        return 2
    return 1 if strict and analysis.warnings else 0


ANSWERS = message("answers: {answers}")
ANSWERING_NO = message("answering no: {answers}")
ANSWERING_YES = message("answering yes: {answers}")


def describe(issue: Issue, file: str) -> str:
    """The problem line, then the answers of an example path (two for a monotonicity problem)."""
    lines = [issue.problem(file).said(language())]
    examples = [(ANSWERS, issue.answers)] if not issue.other_answers else [
        (ANSWERING_NO, issue.answers), (ANSWERING_YES, issue.other_answers)]
    for label, answers in examples:
        if answers:
            lines.append("    " + said(label, answers="; ".join(f"{q} = {a}" for q, a in answers)))
    return "\n".join(lines)
