"""The clinic backend: PostgreSQL through psycopg 3, for kiosks and staff on several machines.

The only module that imports psycopg, and only what differs from SQLite: connecting
(autocommit, a connect timeout), a transaction (psycopg's own), errors, JSON (`jsonb`)
and times (`timestamptz`, as they are), a migration run whole, and how changes are
watched: LISTEN on the channel every change to a session is NOTIFYed on (saying only
that something changed), then the rows whose change number moved. A kiosk's writes, and
the desk's, call the schema's functions (`sql/postgresql.sql`), which their roles may
execute without being able to write any table.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
from psycopg import errors
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from chatbot.catalog import message
from chatbot.records.connector import ConnectionLost, Connector, StoreUnavailable
from chatbot.records.url import RecordsError, redact
from chatbot.records.watch import Watcher

CONNECT_TIMEOUT = 5  # seconds: an unreachable server is reported, not waited for
REFUSED = message("the records database {url} refused: {error}")  # the server's own words as {error}


def _one_line(error: BaseException) -> str:
    """The server's own message (without its CONTEXT lines: where in a function it was raised)."""
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    text = re.sub(r"\s+", " ", primary or str(error)).strip()
    return redact(text) or type(error).__name__


class PostgresConnector(Connector):
    dialect = "postgresql"
    definer = True

    def connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url.target, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                   application_name="chatbot", row_factory=dict_row)
        except psycopg.Error as error:
            raise self.problem(error) from None
        except Exception as error:  # a URL libpq cannot read: ProgrammingError, ValueError
            raise RecordsError(message("database URL {url}: {error}").fill(url=str(self.url), error=_one_line(error))) \
                from None

    def lost(self, connection: psycopg.Connection) -> bool:
        return connection.closed or connection.broken

    def begin(self, connection: psycopg.Connection):
        return connection.transaction()

    def cursor(self, connection: psycopg.Connection, sql: str, parameters: dict[str, Any]) -> psycopg.Cursor:
        return connection.execute(sql, parameters)

    def problem(self, error: BaseException) -> RecordsError | None:
        if not isinstance(error, psycopg.Error):
            return None
        if isinstance(error, errors.InsufficientPrivilege):
            return RecordsError(REFUSED.fill(url=str(self.url), error=_one_line(error)))
        if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
            connection = self._connection
            kind = ConnectionLost if connection is not None and self.lost(connection) else StoreUnavailable
            return kind(message("the records database {url} cannot be reached: {error}").fill(
                url=str(self.url), error=_one_line(error)))
        return RecordsError(REFUSED.fill(url=str(self.url), error=_one_line(error)))

    def json_in(self, value: Any) -> Jsonb:
        return Jsonb(value)

    # -- migrations -----------------------------------------------------------------------------

    def apply_script(self, sql: str) -> None:
        """A migration, whole (PL/pgSQL bodies and all), inside the caller's transaction."""
        self.connection.execute(sql.encode())

    @contextmanager
    def migrating(self) -> Iterator[None]:
        """One transaction, one migrating chatbot at a time."""
        with self.transaction():
            self.connection.execute("LOCK TABLE schema_version IN EXCLUSIVE MODE")
            yield


LOOK_BACK = 1000  # change numbers read again when a watcher starts while writers are at work
HOLD_BACK_MOST = 120.0  # seconds a transaction in progress may hold the watcher's reads back (a hung one)


def _snapshot(text: str) -> tuple[int, int, frozenset[int]]:
    """`pg_current_snapshot()` as text ("xmin:xmax:xip,..."): every transaction below xmin has ended, and
    below xmax every one but those listed."""
    low, high, running = text.split(":")
    return int(low), int(high), frozenset(int(xid) for xid in running.split(",") if xid)


def in_progress(text: str | None) -> frozenset[int]:
    return _snapshot(text)[2] if text else frozenset()


class PostgresWatcher(Watcher):
    """LISTENs on a connection of its own. A NOTIFY says only that something changed (a kiosk may LISTEN and
    NOTIFY too: nothing in one is trusted or revealing); every NOTIFY waiting is taken at once, then the rows
    whose change number moved are read, once: a flood of them costs one read."""

    def open(self) -> None:
        self.connector = PostgresConnector(self.url)
        self.connector.run("listen")
        # Both reads in one snapshot: a transaction in progress at the first that committed before a second
        # read of its own would be counted as seen at its new number, and never told.
        with self.connector.transaction():
            self.connector.run("one_snapshot")
            latest = self.connector.one("last_change")
            last, seen = latest["changed"], {}
            if in_progress(latest["snapshot"]):  # a writer may hold a number below it: the last few read again
                last = max(latest["changed"] - LOOK_BACK, 0)
                seen = {row["id"]: row["changed"] for row in self.connector.fetch(
                    "sessions_changed_since", changed=last, page=LOOK_BACK)}
        self.last = last
        self.seen: dict[str, int] = seen  # rows read above `last`, by their change number: told once
        self.pending: list[tuple[frozenset[int], int, float]] = []
        self.settle(latest["changed"], [latest["snapshot"]], {})

    def settle(self, highest: int, snapshots: list, found: dict[str, dict]) -> dict[str, dict]:
        """PostgreSQL numbers a change when it is made, and a transaction may commit after one that took a
        later number: reading past it would lose it (a kiosk's emergency that never reached the desk). So
        `last` moves up to what a read saw only once every transaction in progress during that read has
        ended (`pg_current_snapshot()`, taken by the read itself); until then changes are read again from
        where it was, and a row is told only when its number is new. (A transaction is listed in a snapshot
        once it has written: one whose first write is the sessions row takes its number a moment before;
        a kiosk's ending, like every write after a session's start, records its event first.)"""
        new = {id_: row for id_, row in found.items() if self.seen.get(id_) != row["changed"]}
        self.seen.update((id_, row["changed"]) for id_, row in found.items())
        xids = frozenset().union(*(in_progress(snapshot) for snapshot in snapshots))
        self.pending.append((xids, highest, time.monotonic()))
        if len(self.pending) > 32:  # a long transaction: one entry for all it holds back
            (first, low, began), (second, high, _) = self.pending[:2]
            self.pending[:2] = [(first | second, max(low, high), began)]
        low, high, running = _snapshot(snapshots[-1]) if snapshots else (0, 0, frozenset())
        for index in range(len(self.pending) - 1, -1, -1):
            xids, seen, began = self.pending[index]
            ended = snapshots and all(xid < low or (xid < high and xid not in running) for xid in xids)
            if ended or time.monotonic() - began > HOLD_BACK_MOST:  # no kiosk's write is still open after that
                self.last = max(self.last, seen)
                del self.pending[:index + 1]
                self.seen = {id_: changed for id_, changed in self.seen.items() if changed > self.last}
                break
        return new

    def wait(self, timeout: float) -> frozenset[str] | None:
        if self.connector.replaced():  # a new connection would not be listening
            raise StoreUnavailable(message("the records database {url} closed the connection").fill(url=str(self.url)))
        connection = self.connector.connection
        try:  # the first as soon as it comes, then every one already here
            if not any(True for _ in connection.notifies(timeout=timeout, stop_after=1)):
                return frozenset()
            for _ in connection.notifies(timeout=0.01):
                pass
        except psycopg.Error as error:
            raise self.connector.problem(error) or StoreUnavailable(_one_line(error)) from None
        return self.changed_rows()

    def close(self) -> None:
        connector = getattr(self, "connector", None)
        if connector is not None:
            connector.close()
