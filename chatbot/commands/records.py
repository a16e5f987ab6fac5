"""`chatbot records migrate|list|show|export|purge|import`: the kept sessions, for staff.

Every action takes `--database URL` (default: `CHATBOT_DATABASE`, else the SQLite file in
the platform's data folder). Anything wrong (a bad URL, an unreachable server, a wrong
password, an unknown id) is one line on stderr and exit status 2; a URL's password is
never printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from chatbot.printable import json_line, printable, printable_json, printable_lines
from chatbot.privatefile import write_private
from chatbot.records.store import STATUSES, StoredSession, iso
from chatbot.records.url import RecordsError, redact

NAME = "records"
HELP = "the kept session records: migrate, list, show, export, purge, import"
DEFAULT_RETENTION = "30d"  # README: how long ended sessions are kept before `purge` removes them

_DURATION = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def duration(text: str) -> timedelta:
    """`30d`, `12h`, `2w` as a timedelta; argparse reports anything else."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a period such as 30d, 12h or 2w")
    return int(match.group(1)) * _UNITS[match.group(2)]


def moment(text: str) -> datetime:
    """A date or time (2026-11-01, 2026-11-01T08:00), or a period back from now (7d)."""
    if _DURATION.match(text):
        return datetime.now(timezone.utc) - duration(text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (2026-11-01), a time "
                                         "(2026-11-01T08:00) or a period (7d)") from None
    return when.astimezone() if when.tzinfo is None else when


def session_id(text: str) -> str:
    """An argparse type: a session's id, or the start of one (`chatbot.identifiers`)."""
    from chatbot.identifiers import NameRefused, checked

    try:
        return checked("session id", text)
    except NameRefused as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", default=None,
                        help="sqlite:///PATH or postgresql://USER@HOST:PORT/DB (default: CHATBOT_DATABASE, "
                             "else the SQLite file in the data folder)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("migrate", parents=[common], help="create or update the database's tables (and, on "
                       "PostgreSQL, the chatbot_kiosk and chatbot_staff roles)")
    listing = actions.add_parser("list", parents=[common], help="the sessions, newest first")
    listing.add_argument("--status", choices=STATUSES, help="only sessions in this state")
    listing.add_argument("--since", type=moment, metavar="WHEN",
                         help="only sessions started since WHEN: a date, a time or a period (7d)")
    listing.add_argument("--json", action="store_true", help="one JSON object per session and line")
    show = actions.add_parser("show", parents=[common], help="the nurse's summary of one session")
    show.add_argument("id", metavar="ID", type=session_id, help="the session's id, or enough of its start to name one")
    export = actions.add_parser("export", parents=[common], help="every session with its answers")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl",
                        help="jsonl: a session per line; csv: an answer per row (default: jsonl)")
    export.add_argument("--status", choices=STATUSES, help="only sessions in this state")
    export.add_argument("--since", type=moment, metavar="WHEN", help="only sessions started since WHEN")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (owner-only, written whole) instead of the standard output")
    export.add_argument("--fhir", nargs="*", metavar="ID", type=session_id, default=None,
                        help="FHIR R4 Bundles of these sessions (default: all): one as JSON, several as JSON Lines")
    export.add_argument("--fhir-url", metavar="URL",
                        help="with --fhir: send each Bundle to this FHIR server as a transaction")
    export.add_argument("--observations", action="store_true",
                        help="with --fhir: also an Observation per answered finding (temperatures to chart)")
    purge = actions.add_parser("purge", parents=[common],
                               help=f"delete ended sessions older than a period (default {DEFAULT_RETENTION})")
    purge.add_argument("--older-than", type=duration, default=duration(DEFAULT_RETENTION), metavar="PERIOD",
                       help=f"30d, 12h, 2w (default {DEFAULT_RETENTION})")
    load = actions.add_parser("import", parents=[common],
                              help="write the answers a chatbot saved to a file when the database was away")
    load.add_argument("file", metavar="FILE", help="an unsaved-*.jsonl file")


def run(args: argparse.Namespace) -> int:
    try:
        return ACTIONS[args.action](args)
    except (RecordsError, OSError) as error:
        print(f"chatbot records {args.action}: {printable(redact(said(error)))}", file=sys.stderr)
        return 2


def said(error: Exception) -> str:
    """An error in one line; a file's with the name the person gave it ("out/x.jsonl: there is no folder out")."""
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


def _reader(args):
    from chatbot.records.backends import open_reader

    return open_reader(args.database)


def _migrate(args) -> int:
    from chatbot.records.backends import migrate
    from chatbot.records.url import parse_database_url

    url = parse_database_url(args.database)
    before, after = migrate(url)
    if before == after:
        print(f"{url}: schema version {after}, nothing to do")
    else:
        print(f"{url}: schema version {before} -> {after}")
    return 0


def _list(args) -> int:
    with _reader(args) as reader:
        sessions = reader.list_sessions(args.status, args.since)
    for session in sessions:
        if args.json:
            print(json_line(session.row()))
        else:
            started = f"{session.started_at.astimezone():%Y-%m-%d %H:%M}"
            print(f"{printable(session.id[:12])}  {started}  {printable(session.place):<16} {session.status:<10} "
                  f"{session.level or '-':<9} {printable(session.outcome or '-')}")
    if not args.json:
        print(f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}", file=sys.stderr)
    return 0


def _show(args) -> int:
    from chatbot.records.summary import stored_summary

    with _reader(args) as reader:
        session = reader.get_session(args.id)
    sys.stdout.write(printable_lines(stored_summary(session)))
    return 0


CSV_COLUMNS = ("session_id", "flow_name", "flow_version", "flow_hash", "language", "place", "started_at",
               "finished_at", "status", "level", "outcome", "seq", "question_id", "typed", "shown", "value",
               "findings", "answered_at", "withdrawn_at")


def _answer_json(answer: dict) -> dict:
    return {**answer, "answered_at": iso(answer["answered_at"]), "withdrawn_at": iso(answer["withdrawn_at"])}


def export_text(sessions: list[StoredSession], form: str) -> str:
    out = io.StringIO()
    if form == "jsonl":
        for session in sessions:
            out.write(json.dumps({**session.row(), "answers": [_answer_json(a) for a in session.answers]},
                                 ensure_ascii=False) + "\n")
        return out.getvalue()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for session in sessions:
        row = session.row()
        for answer in session.answers:
            writer.writerow([session.id, *(row[key] for key in CSV_COLUMNS[1:11]), answer["seq"],
                             answer["question_id"], answer["typed"], answer["shown"],
                             json.dumps(answer["value"], ensure_ascii=False),
                             json.dumps(answer["findings"], ensure_ascii=False),
                             iso(answer["answered_at"]), iso(answer["withdrawn_at"])])
    return out.getvalue()


def _export(args) -> int:
    if args.fhir is not None or args.fhir_url:
        return _export_fhir(args)
    with _reader(args) as reader:
        sessions = list(reader.iter_sessions(args.status, args.since))
    text = export_text(sessions, args.format)
    if args.format == "jsonl":
        text = printable_json(text)  # the same data, every character that acts written as an escape
    elif not args.output and sys.stdout.isatty():
        text = printable_lines(text)  # CSV on a terminal is read, not loaded: nothing in it may act
    if args.output:
        write_private(Path(args.output), text)
        print(f"{len(sessions)} sessions written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _export_fhir(args) -> int:
    """`--fhir`: handed to chatbot.fhir with typed options; a refused export or send is one line."""
    from chatbot.fhir.check import FhirError
    from chatbot.fhir.export import SessionExport, export_sessions
    from chatbot.fhir.send import SendError

    options = SessionExport(args.database, tuple(args.fhir or ()), Path(args.output) if args.output else None,
                            args.fhir_url, args.global_flow, _staff(), observations=args.observations)
    try:
        done = export_sessions(options, say=lambda line: print(printable(redact(line)), file=sys.stderr))
    except SendError as error:
        print(f"chatbot records export: {printable(redact(str(error)))}", file=sys.stderr)
        return 1
    except FhirError as error:
        print(f"chatbot records export: {printable(redact(str(error)))}", file=sys.stderr)
        return 2
    if done.text is not None:
        sys.stdout.write(printable_json(done.text))
    elif args.output:
        print(f"{done.count} FHIR Bundles written to {args.output}", file=sys.stderr)
    return 0


def _staff() -> str:
    try:
        import getpass

        return f"staff:{getpass.getuser()}"
    except Exception:
        return "staff"


def _purge(args) -> int:
    with _reader(args) as reader:
        count = reader.purge(args.older_than, _staff())
    print(f"purged {count} ended session{'s' if count != 1 else ''} older than {args.older_than.days} days"
          if args.older_than.days else f"purged {count} ended sessions older than {args.older_than}")
    return 0


def _import(args) -> int:
    from chatbot.records.recorder import read_unwritten
    from chatbot.records.backends import open_writer

    pending = read_unwritten(args.file)
    written = 0
    try:
        with open_writer(args.database) as writer:
            for operation, arguments in pending:
                writer.apply(operation, arguments)
                written += 1
    except RecordsError as error:  # said with the file's name, and what of it is in the records
        raise RecordsError(f"{args.file}: {written} of {len(pending)} saved writes are in the records, the next was "
                           f"refused ({error}); the file is kept, to import again once that is put right") from None
    print(f"{len(pending)} saved writes from {args.file} are in the records; the file can be removed")
    return 0


ACTIONS = {"migrate": _migrate, "list": _list, "show": _show, "export": _export, "purge": _purge,
           "import": _import}
