"""The embedded backend: one SQLite file, WAL, `synchronous=FULL`, a busy timeout.

What differs from PostgreSQL, and nothing else: connecting (the file and its folder made
owner-only on first use, and made so with a warning when found open to others; WAL,
foreign keys), a transaction (`BEGIN IMMEDIATE`: the write lock first, so a busy database
waits rather than failing), errors, how JSON (text) and
times (UTC ISO text, which sorts) are kept, how a migration's statements are split, and
how changes are watched (`PRAGMA data_version`, then the rows whose change number moved).
A file replaced under a running chatbot (restored from a backup) is noticed by its inode
and opened again.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from chatbot.records.connector import Connector, StoreUnavailable
from chatbot.records.model import iso
from chatbot.catalog import message, plural
from chatbot.records.url import RecordsError
from chatbot.records.watch import Watcher

_log = logging.getLogger(__name__)
NO_DATABASE = message("there is no records database at {url}")
CANNOT_BE_USED = message("the records database {url} cannot be used: {error}")  # SQLite's own words as {error}
BUSY_TIMEOUT = 15.0  # seconds a write waits for another process's transaction (on a writer's own thread)
WATCH_BUSY_TIMEOUT = 2.0  # a station's watcher says "locked" sooner


def owner_only(path: Path) -> None:
    """The database file and its -wal and -shm readable by their owner only: one found open to others (made
    by hand, or by an older chatbot) is tightened to 0600 with a warning, or refused when it cannot be (SQLite
    makes a new -wal or -shm with the database file's mode: 0600 once the file is)."""
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(part.stat().st_mode)
        except FileNotFoundError:
            continue
        if not mode & 0o077:
            continue
        try:
            os.chmod(part, 0o600)
        except OSError as error:
            raise RecordsError(message(
                "the records database file {file} can be read by others (mode {mode}) and cannot be made owner-only "
                "({error}): run `chmod 600 {file}` as its owner").fill(
                    file=str(part), mode=f"{mode:04o}", error=str(error.strerror))) from None
        _log.warning("the records database file %s could be read by others (mode %04o): made owner-only (0600)",
                     part, mode)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


class SQLiteConnector(Connector):
    dialect = "sqlite"

    def __init__(self, url, *, create: bool = False, busy_timeout: float = BUSY_TIMEOUT):
        super().__init__(url, create=create)
        self.path = Path(url.target)
        self.busy_timeout = busy_timeout
        self._file: tuple[int, int] | None = None  # the file the connection has open

    def connect(self) -> sqlite3.Connection:
        """An autocommit connection to the file (made owner-only, with its folder, on a first connect
        that may create it; never on a reconnect: a file gone meanwhile is a problem, not a new store)."""
        path = self.path
        try:
            if not path.exists():
                if not self.create or self._file is not None:
                    raise RecordsError(NO_DATABASE.fill(url=str(self.url))) if self._file is None \
                        else StoreUnavailable(message("the records database {url} is gone (moved or deleted)").fill(
                            url=str(self.url)))
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            owner_only(path)
            connection = sqlite3.connect(path, timeout=self.busy_timeout, isolation_level=None,
                                         check_same_thread=False)
            connection.row_factory = sqlite3.Row
            mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise sqlite3.OperationalError(f"cannot switch to WAL (journal mode is {mode})")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            self._file = _identity(path)
            return connection
        except (sqlite3.Error, OSError) as error:
            raise StoreUnavailable(CANNOT_BE_USED.fill(url=str(self.url), error=str(error))) from None

    def lost(self, connection: sqlite3.Connection) -> bool:
        return _identity(self.path) != self._file

    @contextmanager
    def begin(self, connection: sqlite3.Connection) -> Iterator[None]:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            try:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise

    def cursor(self, connection: sqlite3.Connection, sql: str, parameters: dict[str, Any]) -> sqlite3.Cursor:
        return connection.execute(sql, parameters)

    def problem(self, error: BaseException) -> RecordsError | None:
        if isinstance(error, sqlite3.IntegrityError):
            return RecordsError(message("the records database {url} refused a write: {error}").fill(
                url=str(self.url), error=str(error)))
        if isinstance(error, (sqlite3.Error, OSError)):
            return StoreUnavailable(CANNOT_BE_USED.fill(url=str(self.url), error=str(error)))
        return None

    def json_in(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def json_out(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def array_in(self, values: list[Any]) -> str:
        return self.json_in(values)

    def time_in(self, value: datetime) -> str:
        return iso(value)

    def time_out(self, value: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    # -- migrations -----------------------------------------------------------------------------

    def apply_script(self, sql: str) -> None:
        """A migration's statements, one by one, inside the caller's transaction."""
        for statement in statements(sql):
            self.connection.execute(statement)

    @contextmanager
    def migrating(self) -> Iterator[None]:
        """A migration may rebuild a table: foreign keys are off meanwhile (only outside a transaction can
        they be), and checked before it commits."""
        connection = self.connection
        connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with self.transaction():
                yield
                broken = connection.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RecordsError(plural("the migration broke {count} reference; nothing was changed",
                                              "the migration broke {count} references; nothing was changed").count(
                                                  len(broken)))
        finally:
            connection.execute("PRAGMA foreign_keys=ON")


def statements(sql: str) -> Iterator[str]:
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


class SQLiteWatcher(Watcher):
    """Asks `PRAGMA data_version` every `every` seconds (it changes when another connection commits),
    then reads which rows changed since the last change number seen; a replaced file is lost, then back."""

    def open(self) -> None:
        self.connector = SQLiteConnector(self.url, busy_timeout=WATCH_BUSY_TIMEOUT)
        self.last = self.connector.one("last_change")["changed"]
        self.version = self._data_version()

    def _data_version(self) -> int:
        try:
            return self.connector.connection.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as error:
            raise self.connector.problem(error) from None

    def wait(self, timeout: float) -> frozenset[str] | None:
        if self._stop.wait(timeout):
            return frozenset()
        connector = self.connector
        if connector.replaced():
            raise StoreUnavailable(message("the records database {url} was replaced or moved").fill(url=str(self.url)))
        version = self._data_version()
        if version == self.version:
            return frozenset()
        self.version = version
        return self.changed_rows()

    def close(self) -> None:
        connector = getattr(self, "connector", None)
        if connector is not None:
            connector.close()
