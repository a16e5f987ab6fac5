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
from typing import Iterable, Iterator

from chatbot.catalog import message, plural
from chatbot.commands.said import complain, error_said, language, said as said_now, say
from chatbot.printable import json_line, printable, printable_json, printable_lines
from chatbot.privatefile import write_private
from chatbot.records.model import STATUSES, StoredSession, iso
from chatbot.records.url import RecordsError, redact

NAME = "records"
HELP = message("the kept session records: migrate, list, show, export, purge, import")
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
                        help=message("sqlite:///PATH or postgresql://USER@HOST:PORT/DB (default: CHATBOT_DATABASE, else the SQLite file in the data folder)"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("migrate", parents=[common], help=message("create or update the database's tables (and, on PostgreSQL, the chatbot_kiosk, chatbot_staff and chatbot_admin roles)"))
    listing = actions.add_parser("list", parents=[common], help=message("the sessions, newest first"))
    listing.add_argument("--status", choices=STATUSES, help=message("only sessions in this state"))
    listing.add_argument("--since", type=moment, metavar="WHEN",
                         help=message("only sessions started since WHEN: a date, a time or a period (7d)"))
    listing.add_argument("--json", action="store_true", help=message("one JSON object per session and line"))
    show = actions.add_parser("show", parents=[common], help=message("the nurse's summary of one session"))
    show.add_argument("id", metavar="ID", type=session_id, help=message("the session's id, or enough of its start to name one"))
    show.add_argument("--language", choices=("en", "es"), default=None,
                      help=message("the summary's language (default: the language the session was answered in)"))
    export = actions.add_parser("export", parents=[common], help=message("every session with its answers"))
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl",
                        help=message("jsonl: a session per line; csv: an answer per row (default: jsonl)"))
    export.add_argument("--status", choices=STATUSES, help=message("only sessions in this state"))
    export.add_argument("--since", type=moment, metavar="WHEN", help=message("only sessions started since WHEN"))
    export.add_argument("-o", "--output", metavar="FILE",
                        help=message("write to FILE (owner-only, written whole) instead of the standard output"))
    export.add_argument("--fhir", nargs="*", metavar="ID", type=session_id, default=None,
                        help=message("FHIR R4 Bundles of these sessions (default: all): one as JSON, several as JSON Lines"))
    export.add_argument("--fhir-url", metavar="URL",
                        help=message("with --fhir: send each Bundle to this FHIR server as a transaction"))
    export.add_argument("--observations", action="store_true",
                        help=message("with --fhir: also an Observation per answered finding (temperatures to chart)"))
    purge = actions.add_parser("purge", parents=[common],
                               help=message("delete ended sessions older than a period (default {DEFAULT_RETENTION})").fill(DEFAULT_RETENTION=DEFAULT_RETENTION))
    purge.add_argument("--older-than", type=duration, default=duration(DEFAULT_RETENTION), metavar="PERIOD",
                       help=message("30d, 12h, 2w (default {DEFAULT_RETENTION})").fill(DEFAULT_RETENTION=DEFAULT_RETENTION))
    load = actions.add_parser("import", parents=[common],
                              help=message("write the answers a chatbot kept on its disk while the database was away"))
    load.add_argument("file", metavar="FILE", help=message("an outbox-*.sqlite3 file a chatbot left in the data folder's outbox/, or an unsaved-*.jsonl file"))


def run(args: argparse.Namespace) -> int:
    try:
        return ACTIONS[args.action](args)
    except (RecordsError, OSError) as error:
        complain(message("chatbot records {action}: {error}"), action=args.action, error=printable(redact(said(error))))
        return 2


def said(error: Exception) -> str:
    """An error in one line; a file's with the name the person gave it ("out/x.jsonl: there is no folder out")."""
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return error_said(error)


SESSIONS = plural("{count} session", "{count} sessions")


def _reader(args):
    from chatbot.records.backends import open_reader

    return open_reader(args.database)


def _migrate(args) -> int:
    from chatbot.records.backends import migrate
    from chatbot.records.url import parse_database_url

    url = parse_database_url(args.database)
    before, after = migrate(url)
    if before == after:
        say(message("{url}: schema version {version}, nothing to do"), url=url, version=str(after))
    else:
        say(message("{url}: schema version {before} -> {after}"), url=url, before=str(before), after=str(after))
    return 0


def _state(session: StoredSession, at: datetime) -> str:
    from chatbot.nurse.words import say as state_said

    state = session.state(at)
    return state_said(state, language(), name=session.reviewed_by or session.in_review_by or "").rstrip(": ")


def _list(args) -> int:
    at = datetime.now(timezone.utc)
    count = 0
    with _reader(args) as reader:
        for session in reader.iter_sessions(args.status, args.since, newest_first=True):
            if args.json:
                print(json_line({**session.row(), "state": session.state(at)}))
            else:
                started = f"{session.started_at.astimezone():%Y-%m-%d %H:%M}"
                print(f"{printable(session.id[:12])}  {started}  {printable(session.place):<16} "
                      f"{_state(session, at):<18} {session.level or '-':<9} {printable(session.outcome or '-')}")
            count += 1
    if not args.json:
        complain(SESSIONS.count(count))
    return 0


def _show(args) -> int:
    from chatbot.flowfile.loader import load_flow
    from chatbot.nurse.handover import summary
    from chatbot.nurse.reading import read_session

    with _reader(args) as reader:
        session = reader.get_session(args.id)
    language = args.language or session.language
    sys.stdout.write(summary(read_session(session, load_flow(args.global_flow), language,
                                          datetime.now(timezone.utc)), language))  # nothing in it acts
    return 0


CSV_COLUMNS = ("session_id", "flow_name", "flow_version", "flow_hash", "language", "place", "started_at",
               "finished_at", "status", "ended_by", "level", "outcome", "seq", "question_id", "typed", "shown",
               "value", "findings", "answered_at", "withdrawn_at", "given_by", "amended_at", "amended_reason",
               "replaced")


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def cell(value) -> str:
    """A CSV cell a spreadsheet shows as text, never runs (OWASP's advice on CSV injection: every cell quoted,
    and one that starts with = + - @, a tab or a carriage return given a leading apostrophe; a plain negative
    number stays a number)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA) and not _NUMBER.match(text):
        return "'" + text
    return text


def _amended(session: StoredSession) -> dict[int, dict]:
    """For each current answer a nurse gave: who, when, why, and the answer it replaced."""
    out = {}
    for current in session.current():
        if current.amendment is not None:
            amendment = current.amendment
            out[current.answer.seq] = {
                "by": amendment.by, "at": iso(amendment.at), "reason": amendment.reason,
                "replaced": current.earlier.shown if current.earlier is not None else amendment.old.shown}
    return out


def export_lines(sessions: Iterable[StoredSession], form: str) -> Iterator[str]:
    """The export a line at a time (JSON Lines: a session per line; CSV: an answer per row): every answer,
    withdrawn ones too, and for each a nurse changed, who, when, why and what it replaced."""
    if form == "jsonl":
        for session in sessions:
            amended = _amended(session)
            answers = [{**answer.to_json(), **({"amended": amended[answer.seq]} if answer.seq in amended else {})}
                       for answer in session.answers]
            yield json.dumps({**session.row(), "answers": answers}, ensure_ascii=False) + "\n"
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)  # every cell quoted, as OWASP advises
    writer.writerow(CSV_COLUMNS)
    for session in sessions:
        row = session.row()
        amended = _amended(session)
        for answer in session.answers:
            change = amended.get(answer.seq, {})
            writer.writerow([cell(value) for value in (
                session.id, *(row[key] for key in CSV_COLUMNS[1:12]), answer.seq, answer.question_id, answer.typed,
                answer.shown, json.dumps(answer.value, ensure_ascii=False),
                json.dumps(answer.findings, ensure_ascii=False), iso(answer.answered_at), iso(answer.withdrawn_at),
                answer.given_by, change.get("at"), change.get("reason"), change.get("replaced"))])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def export_text(sessions: Iterable[StoredSession], form: str) -> str:
    return "".join(export_lines(sessions, form))


def _export(args) -> int:
    if args.fhir is not None or args.fhir_url:
        return _export_fhir(args)
    counted = 0
    with _reader(args) as reader:
        def sessions():
            nonlocal counted
            for session in reader.iter_sessions(args.status, args.since, whole=True):
                counted += 1
                yield session

        lines = export_lines(sessions(), args.format)
        if args.format == "jsonl":  # the same data, every character that acts written as an escape
            lines = (printable_json(line) for line in lines)
        elif not args.output and sys.stdout.isatty():  # CSV on a terminal is read, not loaded: nothing may act
            lines = (printable_lines(line) for line in lines)
        if args.output:
            write_private(Path(args.output), lines)
            complain(plural("{count} session written to {path}", "{count} sessions written to {path}").count(counted),
                     path=args.output)
        else:
            for line in lines:
                sys.stdout.write(line)
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
        complain(message("chatbot records {action}: {error}"), action="export", error=printable(redact(error_said(error))))
        return 1
    except FhirError as error:
        complain(message("chatbot records {action}: {error}"), action="export", error=printable(redact(error_said(error))))
        return 2
    if done.spooled is not None:
        done.spooled.seek(0)
        for line in io.TextIOWrapper(done.spooled, encoding="utf-8", newline=""):  # a Bundle a line
            sys.stdout.write(printable_json(line))
        done.spooled.close()
    elif args.output:
        complain(plural("{count} FHIR Bundle written to {path}", "{count} FHIR Bundles written to {path}").count(
            done.count), path=args.output)
    return 0


def _staff() -> str:
    try:
        import getpass

        return f"staff:{getpass.getuser()}"
    except Exception:
        return "staff"


def _purge(args) -> int:
    with _reader(args) as reader:
        count = reader.purge(args.older_than)
    older = (plural("{count} day", "{count} days").count(args.older_than.days) if args.older_than.days
             else plural("{count} hour", "{count} hours").count(args.older_than.seconds // 3600))
    say(plural("purged {count} ended session older than {older}", "purged {count} ended sessions older than {older}")
        .count(count), older=older)
    return 0


def _import(args) -> int:
    """A file of writes kept while the database was away: an outbox a chatbot left (its process gone), or
    the JSON Lines file an older chatbot saved; delivered in order, then the outbox removed."""
    from chatbot.records.backends import open_writer
    from chatbot.records.outbox import is_outbox, read_unwritten, take_over

    path = Path(args.file)
    if is_outbox(path):
        outbox = take_over(path)
        written = 0
        try:
            count = len(outbox)
            with open_writer(args.database) as writer:
                while batch := outbox.head(200):
                    writer.deliver([write for _, write in batch])
                    outbox.done([key for key, _ in batch])
                    written += len(batch)
        except RecordsError as error:  # said with the file's name, and what of it is in the records
            raise RecordsError(said_now(message(
                "{file}: {written} of {count} saved writes are in the records, the next were refused ({error}); the "
                "rest stay in the outbox, to import again once that is put right"), file=args.file, written=written,
                count=count, error=error_said(error))) from None
        finally:
            outbox.close()
        say(plural("{count} saved write from {file} is in the records; the outbox is removed",
                   "{count} saved writes from {file} are in the records; the outbox is removed").count(count),
            file=args.file)
        return 0
    writes = read_unwritten(path)
    try:
        with open_writer(args.database) as writer:
            writer.deliver(writes)  # all of them, or none
    except RecordsError as error:  # said with the file's name, and what of it is in the records
        raise RecordsError(said_now(message(
            "{file}: 0 of {count} saved writes are in the records, one was refused ({error}); the file is kept, to "
            "import again once that is put right"), file=args.file, count=len(writes), error=error_said(error))) from None
    say(plural("{count} saved write from {file} is in the records; the file can be removed",
               "{count} saved writes from {file} are in the records; the file can be removed").count(len(writes)),
        file=args.file)
    return 0


ACTIONS = {"migrate": _migrate, "list": _list, "show": _show, "export": _export, "purge": _purge,
           "import": _import}
