"""The clinic backend: PostgreSQL through psycopg 3, for kiosks and staff on several machines.

The only module that imports psycopg. A writer calls the `rec_*` functions of the
schema (`migrations/postgresql/`), which a kiosk role may execute without being able
to read any table; each write is one statement, so one round trip and one commit.
A reader (staff) reads the tables themselves.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

import psycopg
from psycopg import errors

from chatbot.records.migrate import SCHEMA_TABLE, pending
from chatbot.records.store import (AnswerRecord, Ending, Event, SessionReader, SessionStart, SessionWriter,
                                   StoreUnavailable, StoredSession, check_version, id_prefix_pattern, now,
                                   the_one_row)
from chatbot.records.url import DatabaseURL, RecordsError, redact

CONNECT_TIMEOUT = 5  # seconds: an unreachable server is reported, not waited for


def _one_line(error: Exception) -> str:
    """The server's own message (without its CONTEXT lines: where in a function it was raised)."""
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    text = re.sub(r"\s+", " ", primary or str(error)).strip()
    return redact(text) or type(error).__name__


def _problem(url: DatabaseURL, error: Exception) -> RecordsError:
    if isinstance(error, errors.InsufficientPrivilege):
        return RecordsError(f"the records database {url} refused: {_one_line(error)}")
    if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
        return StoreUnavailable(f"the records database {url} cannot be reached: {_one_line(error)}")
    return RecordsError(f"the records database {url} refused: {_one_line(error)}")


def connect(url: DatabaseURL) -> psycopg.Connection:
    try:
        return psycopg.connect(url.target, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                               application_name="chatbot")
    except psycopg.Error as error:
        raise _problem(url, error) from None
    except Exception as error:  # a URL libpq cannot read: ProgrammingError, ValueError
        raise RecordsError(f"database URL {url}: {_one_line(error)}") from None


def schema_version(connection: psycopg.Connection) -> int:
    with connection.cursor() as cursor:
        exists = cursor.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
        if not exists:
            return 0
        return cursor.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate_postgres(url: DatabaseURL) -> tuple[int, int]:
    """Apply the missing migrations, each with its `schema_version` row, in one transaction."""
    connection = connect(url)
    try:
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute(SCHEMA_TABLE["postgresql"])
            cursor.execute("LOCK TABLE schema_version IN EXCLUSIVE MODE")  # one migrate at a time
            before = schema_version(connection)
            after = before
            for migration in pending("postgresql", before):
                cursor.execute(migration.sql.encode())
                cursor.execute("INSERT INTO schema_version (version) VALUES (%s)", (migration.number,))
                after = migration.number
        return before, after
    except psycopg.Error as error:
        raise _problem(url, error) from None
    finally:
        connection.close()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_EVENT_CALL = "rec_record_event(%s, %s, %s, %s, %s, %s::jsonb)"
NOTIFIED_EVENTS = frozenset({"help_requested"})
"""Events a station must hear at once though no session row changes with them (0002's trigger is on rows)."""


def _event_args(event: Event) -> tuple:
    return (event.session_id, event.seq, event.kind, event.actor, event.at, _json(event.detail))


class _Connected:
    def __init__(self, url: DatabaseURL, *, writing: bool):
        self.url = url
        self.connection = connect(url)
        try:
            check_version(schema_version(self.connection), url, writing=writing)
        except psycopg.Error as error:
            self.connection.close()
            raise _problem(url, error) from None
        except BaseException:
            self.connection.close()
            raise

    def _execute(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, parameters)
                return cursor.fetchall() if cursor.description else []
        except psycopg.Error as error:
            raise _problem(self.url, error) from None

    def close(self) -> None:
        self.connection.close()


class PostgresWriter(_Connected, SessionWriter):
    """A kiosk's writes, each a single statement calling the schema's functions (one commit)."""

    def __init__(self, url: DatabaseURL):
        super().__init__(url, writing=True)

    def start_session(self, start: SessionStart, event: Event) -> None:
        self._execute(f"SELECT rec_start_session(%s, %s, %s, %s, %s, %s, %s), {_EVENT_CALL}",
                      (start.id, start.flow_name, start.flow_version, start.flow_hash, start.language,
                       start.place, start.started_at, *_event_args(event)))

    def record_answer(self, answer: AnswerRecord, event: Event) -> None:
        self._execute("SELECT rec_record_answer(%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s), "
                      + _EVENT_CALL,
                      (answer.session_id, answer.seq, answer.question_id, answer.question_text,
                       answer.question_kind, answer.typed, answer.shown, _json(answer.value),
                       _json(answer.findings), answer.answered_at, *_event_args(event)))

    def withdraw_answers(self, session_id: str, after_seq: int, event: Event) -> None:
        self._execute(f"SELECT rec_withdraw_answers(%s, %s, %s), {_EVENT_CALL}",
                      (session_id, after_seq, event.at, *_event_args(event)))

    def record_event(self, event: Event) -> None:
        if event.kind in NOTIFIED_EVENTS:  # the session row does not change: the stations are told here
            self._execute(f"SELECT {_EVENT_CALL}, pg_notify('{CHANNEL}', %s)", (*_event_args(event), event.session_id))
        else:
            self._execute(f"SELECT {_EVENT_CALL}", _event_args(event))

    def end_session(self, ending: Ending, event: Event) -> None:
        self._execute(f"SELECT rec_end_session(%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb), {_EVENT_CALL}",
                      (ending.session_id, ending.status, ending.at, ending.level, ending.outcome,
                       ending.outcome_title, _json(list(ending.reasons)), _json(list(ending.because)),
                       *_event_args(event)))

    def identify(self, session_id: str, identification: dict[str, Any]) -> None:
        self._execute("SELECT rec_identify(%s, %s::jsonb)", (session_id, _json(identification)))


_SESSION_COLUMNS = ("id, flow_name, flow_version, flow_hash, language, place, started_at, finished_at, status, "
                    "level, outcome, outcome_title, reasons, because, recorded_by, version, identification")
_ANSWER_COLUMNS = ("seq, question_id, question_text, question_kind, typed, shown, value, findings, answered_at, "
                   "withdrawn_at")


def _session(row: tuple) -> StoredSession:
    return StoredSession(*row[:12], list(row[12]), list(row[13]), row[14], row[15], row[16])


def _answer(row: tuple) -> dict[str, Any]:
    keys = [name.strip() for name in _ANSWER_COLUMNS.split(",")]
    return dict(zip(keys, row))


class PostgresReader(_Connected, SessionReader):
    """Staff's reads, purges and review events, on the tables themselves."""

    def __init__(self, url: DatabaseURL):
        super().__init__(url, writing=False)

    @staticmethod
    def _where(status: str | None, since: datetime | None) -> tuple[str, tuple]:
        clauses, parameters = [], []
        if status is not None:
            clauses.append("status = %s")
            parameters.append(status)
        if since is not None:
            clauses.append("started_at >= %s")
            parameters.append(since)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(parameters)

    def list_sessions(self, status=None, since=None) -> list[StoredSession]:
        where, parameters = self._where(status, since)
        return [_session(row) for row in self._execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started_at DESC, id", parameters)]

    def _complete(self, session: StoredSession, events: bool = True) -> StoredSession:
        session.answers = [_answer(row) for row in self._execute(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE session_id = %s ORDER BY seq", (session.id,))]
        if events:
            session.events = [
                {"seq": seq, "kind": kind, "actor": actor, "at": at, "detail": detail}
                for seq, kind, actor, at, detail in self._execute(
                    "SELECT seq, kind, actor, at, detail FROM events WHERE session_id = %s ORDER BY id",
                    (session.id,))]
        return session

    def get_session(self, session_id: str) -> StoredSession:
        rows = self._execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id LIKE %s LIMIT 2",
                             (id_prefix_pattern(session_id),))
        return self._complete(_session(the_one_row(session_id, rows, self.url)))

    def iter_sessions(self, status=None, since=None) -> Iterator[StoredSession]:
        where, parameters = self._where(status, since)
        for row in self._execute(f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started_at, id",
                                 parameters):
            yield self._complete(_session(row), events=False)

    def purge(self, older_than: timedelta, actor: str, at: datetime | None = None) -> int:
        at = at or now()
        cutoff = at - older_than
        try:
            with self.connection.transaction(), self.connection.cursor() as cursor:
                ids = [row[0] for row in cursor.execute(
                    "DELETE FROM sessions WHERE status IN ('finished', 'abandoned') AND finished_at < %s "
                    "RETURNING id", (cutoff,)).fetchall()]
                detail = {"ended_before": cutoff.isoformat()}
                for id_ in ids:
                    cursor.execute("INSERT INTO events (session_id, seq, kind, actor, at, detail) "
                                   "VALUES (%s, NULL, 'purged', %s, %s, %s::jsonb)", (id_, actor, at, _json(detail)))
                cursor.execute("INSERT INTO events (session_id, seq, kind, actor, at, detail) "
                               "VALUES (NULL, NULL, 'purged', %s, %s, %s::jsonb)",
                               (actor, at, _json({**detail, "sessions": len(ids)})))
        except psycopg.Error as error:
            raise _problem(self.url, error) from None
        return len(ids)

    def record_event(self, event: Event) -> None:
        self._execute("INSERT INTO events (session_id, seq, kind, actor, at, detail) "
                      "VALUES (%s, %s, %s, %s, %s, %s::jsonb) ON CONFLICT (session_id, seq) DO NOTHING",
                      _event_args(event))


CHANNEL = "chatbot_sessions"  # migrations/postgresql/0002: every change to a session is NOTIFYed here


def session_changes(url: DatabaseURL, stop: Callable[[], bool], every: float = 0.25) -> Iterator[str]:
    """The id of each session changed from now on, as its NOTIFY arrives, on a connection of its own;
    ends when `stop()` is true (looked at every `every` seconds)."""
    connection = connect(url)
    try:
        connection.execute(f"LISTEN {CHANNEL}")
        while not stop():
            for notify in connection.notifies(timeout=every):
                yield notify.payload
    except psycopg.Error as error:
        raise _problem(url, error) from None
    finally:
        connection.close()


def jsonb(value: Any) -> Any:
    """A parameter sent as `jsonb` (for `chatbot.records.tables`)."""
    from psycopg.types.json import Jsonb

    return Jsonb(value)


ERRORS = (psycopg.Error,)
