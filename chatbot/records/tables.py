"""Plain SQL on a staff reader's own connection, the same text on SQLite and PostgreSQL.

The nurse station's modules (`staff`, `review`) write `?` placeholders; here they become
`%s` on PostgreSQL, a `Json` value becomes JSON text (SQLite) or `jsonb` (PostgreSQL),
and a `datetime` becomes UTC ISO text on SQLite, as the rest of its schema keeps times.
A transaction is `BEGIN IMMEDIATE` on SQLite (the write lock first) and psycopg's own
on PostgreSQL. Errors become `RecordsError`/`StoreUnavailable` with one line to show.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from chatbot.records.sqlite import immediate
from chatbot.records.store import SessionReader, StoreUnavailable, iso
from chatbot.records.url import RecordsError


@dataclass(frozen=True)
class Json:
    """A parameter kept as JSON."""

    value: Any


class Tables:
    """SQL on `reader`'s connection (the reader stays the owner: close it, not this)."""

    def __init__(self, reader: SessionReader):
        self.reader = reader
        self.url = reader.url
        self.postgres = reader.url.backend == "postgresql"
        self.connection = reader.connection  # type: ignore[attr-defined]

    # -- values in and out ------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def _parameter(self, value: Any) -> Any:
        if isinstance(value, Json):
            if self.postgres:
                from chatbot.records.postgres import jsonb

                return jsonb(value.value)
            return json.dumps(value.value, ensure_ascii=False, separators=(",", ":"))
        if isinstance(value, datetime) and not self.postgres:
            return iso(value)
        return value

    def time(self, value: Any) -> datetime | None:
        if value is None or isinstance(value, datetime):
            return value
        return datetime.fromisoformat(value)

    def json(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) and not self.postgres else value

    # -- running ----------------------------------------------------------------------------

    def _problem(self, error: Exception) -> RecordsError:
        if isinstance(error, RecordsError):
            return error
        if self.postgres:
            from chatbot.records.postgres import _problem

            return _problem(self.url, error)
        if isinstance(error, sqlite3.IntegrityError):
            return RecordsError(f"the records database {self.url} refused a write: {error}")
        return StoreUnavailable(f"the records database {self.url} cannot be used: {error}")

    def _errors(self) -> tuple[type[BaseException], ...]:
        if self.postgres:
            from chatbot.records.postgres import ERRORS

            return ERRORS
        return (sqlite3.Error,)

    def _run(self, cursor: Any, sql: str, parameters: tuple) -> Any:
        return cursor.execute(self._sql(sql), tuple(self._parameter(value) for value in parameters))

    def rows(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """A query's rows (outside any transaction: one statement, autocommit)."""
        try:
            if self.postgres:
                with self.connection.cursor() as cursor:
                    return self._run(cursor, sql, parameters).fetchall()
            return self._run(self.connection, sql, parameters).fetchall()
        except self._errors() as error:
            raise self._problem(error) from None

    @contextmanager
    def transaction(self) -> Iterator[Callable[..., Any]]:
        """`with tables.transaction() as run: run(sql, params)` (a cursor: `.rowcount`, `.fetchall()`);
        committed at the end, rolled back on any exception."""
        try:
            if self.postgres:
                with self.connection.transaction(), self.connection.cursor() as cursor:
                    yield lambda sql, parameters=(): self._run(cursor, sql, parameters)
                return
            with immediate(self.connection) as connection:
                yield lambda sql, parameters=(): self._run(connection, sql, parameters)
        except self._errors() as error:
            raise self._problem(error) from None

    def data_version(self) -> int:
        """SQLite only: a number that changes when another connection commits to the file."""
        return self.rows("PRAGMA data_version")[0][0]

    def changes(self, stop: Callable[[], bool]) -> Iterator[str]:
        """PostgreSQL only: the id of each session changed from now on (LISTEN/NOTIFY), until `stop()`."""
        from chatbot.records.postgres import session_changes

        return session_changes(self.url, stop)

    def write(self, sql: str, parameters: tuple = ()) -> int:
        """One statement in its own transaction; the number of rows it changed."""
        with self.transaction() as run:
            return run(sql, parameters).rowcount
