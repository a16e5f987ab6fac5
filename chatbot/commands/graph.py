"""`chatbot graph [FLOW] --format mermaid|dot`: the flow as a diagram for clinical review."""

from __future__ import annotations

import argparse
from pathlib import Path

from chatbot.catalog import message, plural
from chatbot.commands.said import say
from chatbot.flowfile.loader import load_flow

NAME = "graph"
HELP = message("draw the flow as a Mermaid or Graphviz diagram, outcomes coloured by level")
FORMATS = ("mermaid", "dot")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", nargs="?", metavar="FLOW", help=message("the flow file (default: the bundled flow)"))
    parser.add_argument("--format", choices=FORMATS, default="mermaid",
                        help=message("mermaid (paste into a Markdown file or mermaid.live) or dot (Graphviz); default: mermaid"))
    parser.add_argument("--output", "-o", metavar="FILE", help=message("write the diagram here instead of printing it"))


def run(args: argparse.Namespace) -> int:
    from chatbot.flowfile.diagram import render  # transitions' diagram support loads only when drawing

    flow = load_flow(args.flow or args.global_flow)
    text = render(flow, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        say(message("{path}: {format} diagram of {flow} ({questions}, {outcomes})"), path=args.output,
            format=args.format, flow=flow.file,
            questions=plural("{count} question", "{count} questions").count(len(flow.questions)),
            outcomes=plural("{count} outcome", "{count} outcomes").count(len(flow.outcomes)))
    else:
        print(text, end="")
    return 0
