"""The command line of `chatbot`: its options, its commands, and what each may be given.

Building it imports argparse and the modules of the commands named, so plain
`chatbot` (no arguments at all) skips it: see `chatbot.cli.main`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Iterable

from chatbot import __version__
from chatbot.commands import COMMANDS, load
from chatbot.kiosk.rules import add_kiosk_arguments, kiosk_refused


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
    parser.add_argument("--record", default=None, metavar="FILE",
                        help="keep the session as a replay script in FILE (docs/replay.md), written when an "
                             "outcome is reached and again on exit; the w key saves it there too")
    add_kiosk_arguments(parser)
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


def record_refused(args: argparse.Namespace) -> str | None:
    """Why `--record FILE` cannot be used here, or None."""
    if args.command is not None:
        return f"--record keeps a conversation in the UI; it does nothing for '{args.command}'"
    if getattr(args, "kiosk", False):
        return "--record cannot be used with --kiosk: a kiosk keeps nothing of the person who used it"
    if Path(args.record).is_dir():
        return f"--record {args.record}: that is a folder; name the script file to write"
    folder = Path(args.record).parent
    if not folder.is_dir():
        return f"--record {args.record}: there is no folder {folder}"
    return None


def parse(argv: list[str]) -> argparse.Namespace:
    """The options and command in `argv`; a mistake ends the program with a usage message (exit status 2)."""
    parser = build_parser(named_commands(argv))
    args = parser.parse_args(argv)
    refused = kiosk_refused(args) or (record_refused(args) if args.record is not None else None)
    if refused:
        parser.error(refused)
    return args
