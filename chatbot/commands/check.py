"""`chatbot check [FLOW]`: report every problem of a flow file at once."""

from __future__ import annotations

import argparse

from chatbot.loader import load_flow

NAME = "check"
HELP = "check a flow file and report every problem as path:line:col: message"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", nargs="?", metavar="FLOW", help="the flow file (default: the bundled flow)")


def run(args: argparse.Namespace) -> int:
    flow = load_flow(args.flow or args.global_flow)
    print(f"{flow.file}: no problems ({len(flow.questions)} questions, {len(flow.outcomes)} outcomes, "
          f"{len(flow.rules)} rules)")
    return 0
