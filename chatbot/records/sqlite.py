"""The embedded backend: one SQLite file, WAL, `synchronous=FULL`, a busy timeout.

Each write is one `BEGIN IMMEDIATE ... COMMIT` transaction (the write lock is taken
first, so a busy database waits rather than failing with "database is locked"), and
with `synchronous=FULL` a commit that returned survives `kill -9` and a power cut.
The file and its folder are created owner-only on first use, and a new file gets the
schema at once; an existing file with another schema is refused (`store.check_version`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

from chatbot.records.migrate import SCHEMA_TABLE, pending
from chatbot.records.store import (AnswerRecord, Ending, Event, SessionReader, SessionStart, SessionWriter,
                                   StoreUnavailable, StoredSession, check_version, id_prefix_pattern, iso,
                                   now, the_one_row)
from chatbot.records.url import DatabaseURL, RecordsError

BUSY_TIMEOUT = 15.0  # seconds a write waits for another process's transaction


def _unavailable(url: DatabaseURL, error: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"the records database {url} cannot be used: {error}")


def connect(url: DatabaseURL, *, create: bool) -> sqlite3.Connection:
    """An autocommit connection (transactions are explicit) to the file, made owner-only if new."""
    path = Path(url.target)
    try:
        if not path.exists():
            if not create:
                raise RecordsError(f"there is no records database at {url}")
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            raise sqlite3.OperationalError(f"cannot switch to WAL (journal mode is {mode})")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        return connection
    except (sqlite3.Error, OSError) as error:
        raise _unavailable(url, error) from None


def schema_version(connection: sqlite3.Connection) -> int:
    """The highest migration applied; 0 for a database without the table."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not exists:
        return 0
    return connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def _is_empty(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _statements(sql: str) -> Iterator[str]:
    """The statements of a migration one by one (a trigger's body keeps its semicolons)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buffer.splitlines()):
        raise RuntimeError(f"an unfinished statement at the end of a migration: {buffer[:60]!r}")


@contextmanager
def immediate(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, the write lock taken first (`BEGIN IMMEDIATE`): committed at the
    end, rolled back on any exception."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _apply_pending(connection: sqlite3.Connection) -> tuple[int, int]:
    with immediate(connection):
        connection.execute(SCHEMA_TABLE["sqlite"])
        before = schema_version(connection)
        after = before
        for migration in pending("sqlite", before):
            for statement in _statements(migration.sql):
                connection.execute(statement)
            connection.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                               (migration.number, iso(now())))
            after = migration.number
    return before, after


def migrate_sqlite(url: DatabaseURL) -> tuple[int, int]:
    connection = connect(url, create=True)
    try:
        return _apply_pending(connection)
    except sqlite3.Error as error:
        raise _unavailable(url, error) from None
    finally:
        connection.close()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Connected:
    def __init__(self, url: DatabaseURL, *, create: bool, writing: bool):
        self.url = url
        self.connection = connect(url, create=create)
        try:
            version = schema_version(self.connection)
            if version == 0 and create and _is_empty(self.connection):
                _apply_pending(self.connection)  # a new file: created with the schema on first use
                version = schema_version(self.connection)
            check_version(version, url, writing=writing)
        except sqlite3.Error as error:
            self.connection.close()
            raise _unavailable(url, error) from None
        except BaseException:
            self.connection.close()
            raise

    def _write(self, *statements: tuple[str, tuple]) -> None:
        """The statements in one immediate transaction, committed before returning."""
        try:
            with immediate(self.connection) as connection:
                for sql, parameters in statements:
                    connection.execute(sql, parameters)
        except sqlite3.IntegrityError as error:
            raise RecordsError(f"the records database {self.url} refused a write: {error}") from None
        except sqlite3.Error as error:
            raise _unavailable(self.url, error) from None

    def close(self) -> None:
        self.connection.close()


_EVENT = ("INSERT INTO events (session_id, seq, kind, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (session_id, seq) DO NOTHING")


def _event(event: Event) -> tuple[str, tuple]:
    return _EVENT, (event.session_id, event.seq, event.kind, event.actor, iso(event.at), _json(event.detail))


class SQLiteWriter(_Connected, SessionWriter):
    """The kiosk's side of an SQLite store: writes only."""

    def __init__(self, url: DatabaseURL):
        super().__init__(url, create=True, writing=True)

    def start_session(self, start: SessionStart, event: Event) -> None:
        self._write(
            ("INSERT INTO sessions (id, flow_name, flow_version, flow_hash, language, place, started_at, "
             "recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
             (start.id, start.flow_name, start.flow_version, start.flow_hash, start.language, start.place,
              iso(start.started_at), _process_user())),
            _event(event))

    def record_answer(self, answer: AnswerRecord, event: Event) -> None:
        self._write(
            ("INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, "
             "value, findings, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (session_id, seq) DO NOTHING",
             (answer.session_id, answer.seq, answer.question_id, answer.question_text, answer.question_kind,
              answer.typed, answer.shown, _json(answer.value), _json(answer.findings), iso(answer.answered_at))),
            _event(event))

    def withdraw_answers(self, session_id: str, after_seq: int, event: Event) -> None:
        self._write(
            ("UPDATE answers SET withdrawn_at = ? WHERE session_id = ? AND seq > ? AND withdrawn_at IS NULL",
             (iso(event.at), session_id, after_seq)),
            _event(event))

    def record_event(self, event: Event) -> None:
        self._write(_event(event))

    def end_session(self, ending: Ending, event: Event) -> None:
        self._write(
            ("UPDATE sessions SET status = ?, finished_at = ?, level = ?, outcome = ?, outcome_title = ?, "
             "reasons = ?, because = ? WHERE id = ?",
             (ending.status, iso(ending.at), ending.level, ending.outcome, ending.outcome_title,
              _json(list(ending.reasons)), _json(list(ending.because)), ending.session_id)),
            _event(event))

    def identify(self, session_id: str, identification: dict[str, Any]) -> None:
        self._write(("UPDATE sessions SET identification = ? WHERE id = ?", (_json(identification), session_id)))


def _process_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in a bare container: the record says so
        return "unknown"


_SESSION_COLUMNS = ("id, flow_name, flow_version, flow_hash, language, place, started_at, finished_at, status, "
                    "level, outcome, outcome_title, reasons, because, recorded_by, version, identification")
_ANSWER_COLUMNS = ("seq, question_id, question_text, question_kind, typed, shown, value, findings, answered_at, "
                   "withdrawn_at")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _session(row: tuple) -> StoredSession:
    (id_, flow_name, flow_version, flow_hash, language, place, started, finished, status, level, outcome,
     title, reasons, because, recorded_by, version, identification) = row
    return StoredSession(id_, flow_name, flow_version, flow_hash, language, place, _time(started), _time(finished),
                         status, level, outcome, title, json.loads(reasons), json.loads(because), recorded_by,
                         version, json.loads(identification) if identification is not None else None)


def _answer(row: tuple) -> dict[str, Any]:
    seq, question_id, text, kind, typed, shown, value, findings, answered, withdrawn = row
    return {"seq": seq, "question_id": question_id, "question_text": text, "question_kind": kind, "typed": typed,
            "shown": shown, "value": json.loads(value) if value is not None else None,
            "findings": json.loads(findings), "answered_at": _time(answered), "withdrawn_at": _time(withdrawn)}


class SQLiteReader(_Connected, SessionReader):
    """The staff's side of an SQLite store."""

    def __init__(self, url: DatabaseURL):
        super().__init__(url, create=False, writing=False)

    def _read(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise _unavailable(self.url, error) from None

    @staticmethod
    def _where(status: str | None, since: datetime | None) -> tuple[str, tuple]:
        clauses, parameters = [], []
        if status is not None:
            clauses.append("status = ?")
            parameters.append(status)
        if since is not None:
            clauses.append("started_at >= ?")
            parameters.append(iso(since))
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(parameters)

    def list_sessions(self, status=None, since=None) -> list[StoredSession]:
        where, parameters = self._where(status, since)
        rows = self._read(f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started_at DESC, id",
                          parameters)
        return [_session(row) for row in rows]

    def _complete(self, session: StoredSession, events: bool = True) -> StoredSession:
        session.answers = [_answer(row) for row in self._read(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE session_id = ? ORDER BY seq", (session.id,))]
        if events:
            session.events = [
                {"seq": seq, "kind": kind, "actor": actor, "at": _time(at), "detail": json.loads(detail)}
                for seq, kind, actor, at, detail in self._read(
                    "SELECT seq, kind, actor, at, detail FROM events WHERE session_id = ? ORDER BY id",
                    (session.id,))]
        return session

    def get_session(self, session_id: str) -> StoredSession:
        rows = self._read(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                          (id_prefix_pattern(session_id),))
        return self._complete(_session(the_one_row(session_id, rows, self.url)))

    def iter_sessions(self, status=None, since=None) -> Iterator[StoredSession]:
        where, parameters = self._where(status, since)
        for row in self._read(f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started_at, id",
                              parameters):
            yield self._complete(_session(row), events=False)

    def purge(self, older_than: timedelta, actor: str, at: datetime | None = None) -> int:
        at = at or now()
        cutoff = iso(at - older_than)
        try:
            with immediate(self.connection) as connection:
                ids = [row[0] for row in connection.execute(
                    "SELECT id FROM sessions WHERE status IN ('finished', 'abandoned') AND finished_at < ?",
                    (cutoff,))]
                for id_ in ids:
                    connection.execute("DELETE FROM sessions WHERE id = ?", (id_,))
                    connection.execute(*_event(Event(id_, None, "purged", at, actor, {"ended_before": cutoff})))
                connection.execute(*_event(Event(None, None, "purged", at, actor,
                                                 {"sessions": len(ids), "ended_before": cutoff})))
        except sqlite3.Error as error:
            raise _unavailable(self.url, error) from None
        return len(ids)

    def record_event(self, event: Event) -> None:
        self._write(_event(event))
