"""The command line of `chatbot`: its options, its commands, and what each may be given.

Building it imports argparse and the modules of the commands named, so plain
`chatbot` (no arguments at all) skips it: see `chatbot.cli.main`. The options of the
UI leave here as typed values (`ui_options`, `kiosk_options`): no `Namespace` goes
further down.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Iterable

from chatbot import __version__
from chatbot.commands import COMMANDS, load
from chatbot.kiosk.rules import DEFAULT_IDLE_TIMEOUT, DEFAULT_IDLE_WARNING, WCAG_LEAST_WARNING, KioskOptions
from chatbot.options import UIOptions, default_place
from chatbot.catalog import LANGUAGE_CHOICES, message, plural
from chatbot.commands.argwords import Parser, language, language_of, speak

THEMES = ("default", "high-contrast")


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; only `commands` (all by default) have their module imported.

    The others are only named, so `chatbot` alone opens the UI without importing them.
    """
    parser = Parser(
        prog="chatbot",
        description=message("A symptom checker for people living with bone marrow failure. With no command, it opens the conversation in the terminal."))
    parser.add_argument("--version", action="version", version=f"chatbot {__version__}",
                        help=message("show program's version number and exit"))
    parser.add_argument("--flow", dest="global_flow", metavar="FILE",
                        help=message("the flow file to use (default: the bundled flow)"))
    parser.add_argument("--emergency-number", default=None, metavar="NUMBER",
                        help=message("the local emergency number to tell people to call (default: the flow's, 911)"))
    parser.add_argument("--language", default=None, metavar="CODE", choices=LANGUAGE_CHOICES,
                        help=message("the language of the conversation: en or es, or qps, the pseudo-locale (docs/translating.md) (default: the flow's first)"))
    parser.add_argument("--summary-dir", default=None, metavar="DIR",
                        help=message("where the nurse's summary is saved (default: the current directory)"))
    parser.add_argument("--record", default=None, metavar="FILE",
                        help=message("keep the session as a replay script in FILE (docs/replay.md), written when an outcome is reached and again on exit; the w key saves it there too"))
    parser.add_argument("--tester", action="store_true",
                        help=message("for testers and nurses: the s key shows the nurse's summary and w saves the session as a replay script (a patient's screen has neither; --record implies it)"))
    add_database_argument(parser, dest="global_database")
    parser.add_argument("--no-record", dest="record_sessions", action="store_false",
                        help=message("keep nothing of this conversation in the session records"))
    add_speak_argument(parser)
    add_kiosk_arguments(parser)
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)  # a `chatbot serve` tab
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if commands is not None and name not in commands:
            subparsers.add_parser(command_name(name))
            continue
        module = load(name)
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        sub.add_argument("--flow", dest="flow", metavar="FILE", default=None,
                         help=message("the flow file to use (default: the bundled flow)"))
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
        return message("--record keeps a conversation in the UI; it does nothing for '{command}'").fill(command=args.command)
    if getattr(args, "kiosk", False):
        return message("--record cannot be used with --kiosk: a kiosk keeps nothing of the person who used it")
    if Path(args.record).is_dir():
        return message("--record {record}: that is a folder; name the script file to write").fill(record=args.record)
    folder = Path(args.record).parent
    if not folder.is_dir():
        return message("--record {record}: there is no folder {folder}").fill(record=args.record, folder=folder)
    return None


def tester_refused(args: argparse.Namespace) -> str | None:
    """Why `--tester` cannot be used here, or None."""
    if args.command is not None:
        return message("--tester changes the conversation in the terminal; it does nothing for '{command}'").fill(
            command=args.command)
    if getattr(args, "kiosk", False):
        return message("--tester cannot be used with --kiosk: a kiosk is a patient's screen")
    return None


def parse(argv: list[str]) -> argparse.Namespace:
    """The options and command in `argv`; a mistake ends the program with a usage message (exit status 2)."""
    speak(language_of(argv))
    parser = build_parser(named_commands(argv))
    args = parser.parse_args(argv)
    refused = (kiosk_refused(args) or (record_refused(args) if args.record is not None else None)
               or (tester_refused(args) if args.tester else None))
    if refused:
        parser.error(refused)
    return args


def ui_options(args: argparse.Namespace) -> UIOptions:
    """The UI's settings from the parsed command line."""
    flow = getattr(args, "global_flow", None)
    if args.served:
        place = default_place("serve")
    elif args.kiosk:
        place = f"kiosk:{args.kiosk_id}" if args.kiosk_id else default_place("kiosk")
    else:
        place = default_place("terminal")
    return UIOptions(flow=Path(flow) if flow else None, emergency_number=args.emergency_number,
                     language=args.language, summary_dir=Path(args.summary_dir) if args.summary_dir else None,
                     record=Path(args.record) if args.record else None, theme=args.theme,
                     database=args.global_database, record_sessions=args.record_sessions, place=place,
                     tester=args.tester or args.record is not None, speak=args.speak)


def add_speak_argument(parser: argparse.ArgumentParser, *, dest: str = "speak") -> None:
    """`--speak`: every new screen read aloud by itself (espeak-ng); for `chatbot`, the kiosk and serve."""
    parser.add_argument("--speak", dest=dest, action="store_true",
                        help=message("read every new screen aloud by itself with espeak-ng (the Listen button and the l key read the screen on demand without it)"))


def add_database_argument(parser: argparse.ArgumentParser, *, dest: str = "database") -> None:
    """`--database URL`: the session records' database, for the UI and the commands that record."""
    from chatbot.records.url import DATABASE_ENV

    parser.add_argument("--database", dest=dest, default=None, metavar="URL",
                        help=message("keep the session records in this database: sqlite:///PATH or postgresql://USER@HOST:PORT/DB (default: ${DATABASE_ENV}, else SQLite in the data folder)").fill(DATABASE_ENV=DATABASE_ENV))


def database_given(args: argparse.Namespace) -> str | None:
    """The `--database` given after the command, else before it."""
    return getattr(args, "database", None) or getattr(args, "global_database", None)


def recorder_for(args: argparse.Namespace, place: str):
    """A `Recorder` for a command given `--database URL` (replay, simulate), else None;
    a wrong URL ends the command with one line (exit status 2)."""
    url = database_given(args)
    if url is None:
        return None
    from chatbot.records.recorder import Recorder
    from chatbot.records.url import RecordsError

    try:
        return Recorder(url, place=place)
    except RecordsError as error:
        from chatbot.commands.said import error_said

        print(f"chatbot {args.command}: {error_said(error)}", file=sys.stderr)
        raise SystemExit(2) from None


def finish_recording(recorder, command: str) -> int:
    """Close a command's recorder, once the database has everything (or cannot take it): 0, or 1 after
    saying where the answers not written wait."""
    import logging

    logging.getLogger("chatbot.records").addHandler(logging.NullHandler())  # said once, below (as `chatbot.cli`)
    from chatbot.commands.said import language as commands_language

    words = recorder.left_behind(recorder.close(wait=None), commands_language())
    if words is None:
        return 0
    print(f"chatbot {command}: {words}", file=sys.stderr)
    return 1


def kiosk_options(args: argparse.Namespace) -> KioskOptions:
    """How the kiosk behaves (`chatbot --kiosk`, `chatbot serve`)."""
    return KioskOptions(idle_timeout=args.idle_timeout or DEFAULT_IDLE_TIMEOUT,
                        idle_warning=args.idle_warning or DEFAULT_IDLE_WARNING,
                        staffed=bool(getattr(args, "staffed", False)),
                        identify=(getattr(args, "identify", None) or "none").replace("-", "_"))


# -- the kiosk's options -----------------------------------------------------------------------

def seconds(text: str) -> float:
    """An argparse type: a number of seconds, more than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r}: it must be more than 0 seconds")
    return value


def kiosk_id(text: str) -> str:
    """An argparse type: a kiosk's name in the records (`chatbot.identifiers`), refused in one line."""
    from chatbot.identifiers import NameRefused, checked

    try:
        return checked("kiosk id", text)
    except NameRefused as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_kiosk_arguments(parser: argparse.ArgumentParser, *, switch: bool = True) -> None:
    """The kiosk's options, for `chatbot` itself (with `--kiosk`) and for `chatbot serve`."""
    group = parser.add_argument_group(message("kiosk mode").get(language()))
    if switch:
        group.add_argument("--kiosk", action="store_true",
                           help=message("run unattended in a waiting room: nothing quits or suspends it, each person is wiped when done or gone; staff leave by pressing F12 three times within 2 seconds, then typing the PIN set with `chatbot set-staff-pin`"))
        group.add_argument("--kiosk-id", type=kiosk_id, default=None, metavar="ID",
                           help=message("this kiosk's name in the session records, kiosk:ID (default: the host name)"))
    group.add_argument("--idle-timeout", type=seconds, default=None, metavar="SECONDS",
                       help=message("ask 'Are you still there?' after this long with no key, click or tap (default: {DEFAULT_IDLE_TIMEOUT})").fill(DEFAULT_IDLE_TIMEOUT=format(DEFAULT_IDLE_TIMEOUT, 'g')))
    group.add_argument("--idle-warning", type=seconds, default=None, metavar="SECONDS",
                       help=message("how long that question waits before the answers are wiped (default: {DEFAULT_IDLE_WARNING}; WCAG 2.2.1 asks for at least {WCAG_LEAST_WARNING}, shorter is accepted for testing)").fill(DEFAULT_IDLE_WARNING=format(DEFAULT_IDLE_WARNING, 'g'), WCAG_LEAST_WARNING=format(WCAG_LEAST_WARNING, 'g')))
    group.add_argument("--staffed", action="store_true", default=None,
                       help=message("staff sit at a desk nearby: an emergency ending says first and largest 'Tell the staff at the desk now', above the call instructions"))
    group.add_argument("--identify", choices=("ticket", "name-dob", "none"), default=None,
                       help=message("what the kiosk asks so that the desk can match the person, right after the first question (or on the emergency screen): the number on the check-in ticket, or first name and date of birth; the person may skip it (default: none)"))
    group.add_argument("--theme", choices=THEMES, default=None,
                       help=message("the look: high-contrast (large, black, white and yellow; the kiosk's default) or default"))


def _and(names: list[str]) -> object:
    """`a and b and c`, each `and` in the language it is said in."""
    joined: object = names[0]
    for name in names[1:]:
        joined = message("{first} and {second}").fill(first=joined, second=name)
    return joined


def kiosk_refused(args: argparse.Namespace) -> str | None:
    """Why the kiosk options given cannot be used here, or None."""
    if getattr(args, "command", None) is None and not getattr(args, "kiosk", False):
        given = [name for name, value in (("--idle-timeout", args.idle_timeout), ("--idle-warning", args.idle_warning),
                                          ("--kiosk-id", getattr(args, "kiosk_id", None)),
                                          ("--staffed", getattr(args, "staffed", None)),
                                          ("--identify", getattr(args, "identify", None))) if value is not None]
        if given:
            return plural("{options} applies only with --kiosk", "{options} apply only with --kiosk").count(len(given)).fill(
                options=_and(given))
    return None
