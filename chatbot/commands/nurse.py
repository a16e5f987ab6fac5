"""`chatbot nurse`: the nurse station, a live queue of the sessions kept in the store.

Builds `NurseOptions` and hands them to the station (`chatbot.nurse.app`), which loads
Textual only here, when it draws. A database that cannot be opened is one line on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatbot.nurse.options import NurseOptions
from chatbot.printable import printable
from chatbot.records.url import RecordsError, redact
from chatbot.catalog import message, LANGUAGE_CHOICES
from chatbot.commands.said import error_said

NAME = "nurse"
HELP = message("the nurse station: the live queue of sessions, review, amend and handover")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL", default=None,
                        help=message("sqlite:///PATH or postgresql://USER@HOST:PORT/DB (default: CHATBOT_DATABASE, else the SQLite file in the data folder)"))
    parser.add_argument("--language", dest="station_language", metavar="CODE", choices=LANGUAGE_CHOICES, default=None,
                        help=message("the station's language: en or es, or qps, the pseudo-locale (docs/translating.md) (default en)"))
    parser.add_argument("--save-dir", metavar="DIR", default=None,
                        help=message("where handovers and printable pages are saved (default: the current folder)"))
    parser.add_argument("--idle-lock", metavar="SECONDS", type=float, default=300.0,
                        help=message("lock the station after this long without a key or click (default 300)"))


def options(args: argparse.Namespace) -> NurseOptions:
    flow = args.flow or getattr(args, "global_flow", None)
    return NurseOptions(database=args.database, language=args.station_language or args.language or "en",
                        flow=Path(flow) if flow else None,
                        save_dir=Path(args.save_dir) if args.save_dir else None,
                        idle_lock=max(args.idle_lock, 10.0))


def run(args: argparse.Namespace) -> int:
    from chatbot.flowfile.cache import load_flow_cached

    chosen = options(args)
    flow = load_flow_cached(chosen.flow)
    try:
        from chatbot.nurse.app import run_station  # Textual only loads when the station is drawn

        return run_station(chosen, flow)
    except RecordsError as error:
        print(f"chatbot nurse: {printable(redact(error_said(error)))}", file=sys.stderr)
        return 2
