"""Open what a database URL names: its backend's connector, imported only when chosen, and the store on it.

Apart from `store.py` (written once for both backends), so that the store never
imports a backend, and `psycopg` is imported only for a `postgresql://` URL.
"""

from __future__ import annotations

from typing import Callable

from chatbot.records.connector import Connector
from chatbot.records.migrate import apply_migrations
from chatbot.records.store import SessionReader, SessionWriter
from chatbot.records.url import DatabaseURL, parse_database_url
from chatbot.records.watch import Notice, Watcher


def _url(url: str | DatabaseURL | None) -> DatabaseURL:
    return url if isinstance(url, DatabaseURL) else parse_database_url(url)


def connector_for(url: str | DatabaseURL | None, *, create: bool = False, **options) -> Connector:
    """The connector of `url`'s backend (nothing is connected yet). `create`: a SQLite file may be made."""
    url = _url(url)
    if url.backend == "sqlite":
        from chatbot.records.sqlite import SQLiteConnector

        return SQLiteConnector(url, create=create, **options)
    from chatbot.records.postgres import PostgresConnector

    return PostgresConnector(url)


def open_writer(url: str | DatabaseURL | None = None) -> SessionWriter:
    """A kiosk's writer on `url` (the default database when None); a new SQLite file gets the schema."""
    connector = connector_for(url, create=True)
    if connector.dialect == "sqlite":
        try:
            if not connector.one("tables")["found"]:
                apply_migrations(connector)  # a new file: created with the schema on first use
        except BaseException:
            connector.close()
            raise
    return SessionWriter(connector)


def open_reader(url: str | DatabaseURL | None = None, **options) -> SessionReader:
    """Staff's reader on `url`: the database must be there already (a mistyped path makes no new file)."""
    return SessionReader(connector_for(url, **options))


def migrate(url: str | DatabaseURL | None = None) -> tuple[int, int]:
    """Bring the database at `url` to the schema this code knows; the versions before and after."""
    connector = connector_for(url, create=True)
    try:
        return apply_migrations(connector)
    finally:
        connector.close()


def watcher_for(url: str | DatabaseURL | None, tell: Callable[[Notice], None], **options) -> Watcher:
    """The watcher of `url`'s backend (`watch`; its module imported only now), not yet started."""
    url = _url(url)
    if url.backend == "sqlite":
        from chatbot.records.sqlite import SQLiteWatcher

        return SQLiteWatcher(url, tell, **options)
    from chatbot.records.postgres import PostgresWatcher

    return PostgresWatcher(url, tell, **options)
