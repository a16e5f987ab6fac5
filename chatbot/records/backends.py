"""Open the store a database URL names: its SQLite or PostgreSQL backend, imported only when chosen.

Apart from `store.py` (the interface the backends implement), so that the
interface never imports a backend.
"""

from __future__ import annotations

from chatbot.records.store import SessionReader, SessionWriter
from chatbot.records.url import DatabaseURL, parse_database_url


def open_writer(url: str | DatabaseURL | None = None) -> SessionWriter:
    """A writer on `url` (the default database when None); the schema is checked first."""
    url = url if isinstance(url, DatabaseURL) else parse_database_url(url)
    if url.backend == "sqlite":
        from chatbot.records.sqlite import SQLiteWriter

        return SQLiteWriter(url)
    from chatbot.records.postgres import PostgresWriter

    return PostgresWriter(url)


def open_reader(url: str | DatabaseURL | None = None) -> SessionReader:
    url = url if isinstance(url, DatabaseURL) else parse_database_url(url)
    if url.backend == "sqlite":
        from chatbot.records.sqlite import SQLiteReader

        return SQLiteReader(url)
    from chatbot.records.postgres import PostgresReader

    return PostgresReader(url)


def migrate(url: str | DatabaseURL | None = None) -> tuple[int, int]:
    """Bring the database at `url` to SCHEMA_VERSION; the versions before and after."""
    url = url if isinstance(url, DatabaseURL) else parse_database_url(url)
    if url.backend == "sqlite":
        from chatbot.records.sqlite import migrate_sqlite

        return migrate_sqlite(url)
    from chatbot.records.postgres import migrate_postgres

    return migrate_postgres(url)
