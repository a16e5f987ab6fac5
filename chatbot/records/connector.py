"""The one connection to a records database, thin: named queries, values in and out, errors in one line.

Everything above (`store`, `review`, `staff`, `watch`) runs queries by name
(`chatbot.records.queries`) with Python values: a `Json` parameter, a `datetime`.
A backend (`sqlite`, `postgres`) says only what differs: how to connect, how a
transaction begins, how its driver's errors read, and how JSON and times are kept.
A connection that was lost (the server restarted, the SQLite file was replaced) is
dropped at the error that showed it, and made again by the next call: the caller
sees `StoreUnavailable` once, and may simply try again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ContextManager, Iterator

from chatbot.records.queries import queries
from chatbot.records.url import DatabaseURL, RecordsError

JSON_COLUMNS = frozenset({"reasons", "because", "identification", "value", "findings", "detail"})
TIME_COLUMNS = frozenset({"started_at", "finished_at", "answered_at", "withdrawn_at", "at", "in_review_at",
                          "reviewed_at", "added_at", "locked_until", "applied_at", "help_asked_at", "help_last_at",
                          "help_answered_at"})


class StoreUnavailable(RecordsError):
    """The database cannot be reached or written just now; the same call may work later."""


class ConnectionLost(StoreUnavailable):
    """The connection was lost since its last use (the server restarted): a new one may work at once."""


@dataclass(frozen=True)
class Json:
    """A parameter kept as JSON."""

    value: Any


class Connector(ABC):
    """Named queries on one connection, made when first needed and again after it was lost."""

    dialect: str
    # PostgreSQL: the desk's writes are the database's own functions, which take the nurse from the
    # connection's sign-in and record the event themselves; SQLite: the store's code does both.
    definer = False

    def __init__(self, url: DatabaseURL, *, create: bool = False):
        self.url = url
        self.create = create  # SQLite: make the file (owner-only) when it is not there
        self._queries = queries(self.dialect)
        self.setup: dict[str, dict[str, Any]] = {}  # queries run on every new connection first (a sign-in)
        self._connection: Any = None
        self._in_transaction = False

    # -- what a backend says --------------------------------------------------------------------

    @abstractmethod
    def connect(self) -> Any:
        """A new connection in autocommit (transactions are explicit); RecordsError when it cannot be made."""

    @abstractmethod
    def begin(self, connection: Any) -> ContextManager[None]:
        """One transaction: committed at the end, rolled back on any exception."""

    @abstractmethod
    def cursor(self, connection: Any, sql: str, parameters: dict[str, Any]) -> Any:
        """The executed cursor (rows as mappings of column name to value)."""

    @abstractmethod
    def problem(self, error: BaseException) -> RecordsError | None:
        """The driver's error as one line: `StoreUnavailable` when it may pass; None for other errors."""

    @abstractmethod
    def json_in(self, value: Any) -> Any: ...

    def json_out(self, value: Any) -> Any:
        return value

    def array_in(self, values: list[Any]) -> Any:
        """A list as one parameter (`= ANY(:ids)` on PostgreSQL; SQLite reads a JSON array with json_each)."""
        return values

    @abstractmethod
    def apply_script(self, sql: str) -> None:
        """A migration's SQL, inside the caller's transaction."""

    @abstractmethod
    def migrating(self) -> ContextManager[None]:
        """The transaction migrations run in, one migrating chatbot at a time."""

    def time_in(self, value: datetime) -> Any:
        return value

    def time_out(self, value: Any) -> datetime | None:
        return value

    def lost(self, connection: Any) -> bool:
        """Whether `connection` no longer reaches the database this URL names (checked before each use)."""
        return False

    def close_quietly(self, connection: Any) -> None:
        try:
            connection.close()
        except Exception:  # a connection that failed may fail to close too
            pass

    # -- what everything above uses -------------------------------------------------------------

    @property
    def connection(self) -> Any:
        if self._connection is not None and not self._in_transaction and self.lost(self._connection):
            self.drop()
        if self._connection is None:
            connection = self.connect()
            try:
                for name, parameters in self.setup.items():
                    self.cursor(connection, self._queries[name],
                                {key: self._parameter(value) for key, value in parameters.items()})
            except BaseException:
                self.close_quietly(connection)
                raise
            self._connection = connection
        return self._connection

    def replaced(self) -> bool:
        """The open connection no longer reaches the database the URL names (the next call opens it again)."""
        return self._connection is not None and self.lost(self._connection)

    def drop(self) -> None:
        """Forget the connection (closing it if it will close); the next call makes a new one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            self.close_quietly(connection)

    def sql(self, name: str) -> str:
        return self._queries[name]

    def has(self, name: str) -> bool:
        return name in self._queries

    def _parameter(self, value: Any) -> Any:
        if isinstance(value, Json):
            return self.json_in(value.value)
        if isinstance(value, datetime):
            return self.time_in(value)
        return value

    def _row(self, row: Any) -> dict[str, Any]:
        out = {}
        for key in row.keys():
            value = row[key]
            if key in JSON_COLUMNS and value is not None:
                value = self.json_out(value)
            elif key in TIME_COLUMNS:
                value = self.time_out(value)
            out[key] = value
        return out

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except RecordsError as error:
            if isinstance(error, StoreUnavailable) and not self._in_transaction:
                self.drop()
            raise
        except Exception as error:
            problem = self.problem(error)
            if problem is None:
                raise
            if isinstance(problem, StoreUnavailable) and not self._in_transaction:
                self.drop()
            raise problem from None

    def run(self, name: str, /, **parameters: Any) -> Any:
        """Run the query `name`; its cursor."""
        with self._errors():
            return self.cursor(self.connection, self._queries[name],
                               {key: self._parameter(value) for key, value in parameters.items()})

    def fetch(self, name: str, /, **parameters: Any) -> list[dict[str, Any]]:
        """The rows of the query `name`, each a dict of its columns (JSON and times read). A read on a
        connection lost since its last use is tried once more, on a new one."""
        try:
            return self._fetch(name, parameters)
        except ConnectionLost:
            if self._in_transaction:
                raise
            return self._fetch(name, parameters)

    def _fetch(self, name: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        with self._errors():
            cursor = self.run(name, **parameters)
            return [self._row(row) for row in cursor.fetchall()]

    def one(self, name: str, /, **parameters: Any) -> dict[str, Any] | None:
        rows = self.fetch(name, **parameters)
        return rows[0] if rows else None

    def execute(self, name: str, /, **parameters: Any) -> int:
        """Run the query `name`; the number of rows it changed."""
        return self.run(name, **parameters).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every query run inside is one transaction (a transaction inside one is part of it)."""
        if self._in_transaction:
            yield
            return
        with self._errors():
            connection = self.connection
            self._in_transaction = True
            try:
                with self.begin(connection):
                    yield
            finally:
                self._in_transaction = False

    def close(self) -> None:
        self.drop()
