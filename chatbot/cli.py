"""The `chatbot` command: the Textual UI by default, headless commands by name."""

from __future__ import annotations

import argparse
import sys
from typing import Iterable

from chatbot import __version__
from chatbot.commands import COMMANDS, load
from chatbot.problems import FlowError


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; only `commands` (all by default) have their module imported.

    The others are only named, so `chatbot` alone opens the UI without importing them.
    """
    parser = argparse.ArgumentParser(
        prog="chatbot",
        description="A symptom checker for people living with bone marrow failure. "
                    "With no command, it opens the conversation in the terminal.")
    parser.add_argument("--version", action="version", version=f"chatbot {__version__}")
    parser.add_argument("--flow", dest="global_flow", metavar="FILE",
                        help="the flow file to use (default: the bundled flow)")
    parser.add_argument("--emergency-number", default=None, metavar="NUMBER",
                        help="the local emergency number to tell people to call (default: the flow's, 911)")
    parser.add_argument("--language", default=None, metavar="CODE", choices=("en", "es"),
                        help="the language of the conversation: en or es (default: the flow's first)")
    parser.add_argument("--summary-dir", default=None, metavar="DIR",
                        help="where the nurse's summary is saved (default: the current directory)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if commands is not None and name not in commands:
            subparsers.add_parser(command_name(name))
            continue
        module = load(name)
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        sub.add_argument("--flow", dest="flow", metavar="FILE", default=None,
                         help="the flow file to use (default: the bundled flow)")
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def command_name(module_name: str) -> str:
    return module_name.replace("_", "-")


def named_commands(argv: list[str]) -> list[str] | None:
    """The command modules `argv` may run (all of them when it asks for help)."""
    if any(arg in ("-h", "--help") for arg in argv):
        return None
    return [name for name in COMMANDS if command_name(name) in argv]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(named_commands(argv))
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from chatbot.tui import run_app  # Textual only loads when a screen is drawn

            return run_app(args)
        return args.run(args)
    except FlowError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = sum(1 for p in error.problems if p.severity == "error")
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
