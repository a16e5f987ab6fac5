"""The numbered SQL migrations of each backend, shipped in `migrations/<backend>/NNNN_name.sql`.

A database keeps the numbers applied in its `schema_version` table. `chatbot records
migrate` applies the missing ones in order, in one transaction with their rows in
`schema_version` (one migrating chatbot at a time); a store checks the highest number
when it opens (`check_version`). Both backends' migrations describe one store:
`tests/records/test_schema.py` migrates each and compares them with `schema.py`.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import NamedTuple

from chatbot.catalog import message
from chatbot.records.connector import Connector
from chatbot.records.model import now
from chatbot.records.url import DatabaseURL, RecordsError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
SCHEMA_VERSION = 8  # the highest migration this code knows; tests hold it to migrations/


class SchemaMismatch(RecordsError):
    """The database's schema is older or newer than this code: migrate, or upgrade the chatbot."""


class Migration(NamedTuple):
    number: int
    name: str
    sql: str


def migrations(backend: str) -> list[Migration]:
    """Every migration of `backend`, in order of number."""
    folder = resources.files("chatbot.records").joinpath("migrations", backend)
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [migration.number for migration in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"the {backend} migrations are not numbered 1, 2, 3...: {numbers}")
    return found


def pending(backend: str, applied: int) -> list[Migration]:
    return [migration for migration in migrations(backend) if migration.number > applied]


def schema_version(connector: Connector) -> int:
    """The highest migration applied; 0 for a database without the table."""
    if not connector.one("schema_table_exists")["found"]:
        return 0
    return connector.one("schema_version")["version"]


def apply_migrations(connector: Connector, upto: int = SCHEMA_VERSION) -> tuple[int, int]:
    """Bring the database to SCHEMA_VERSION (tests: to `upto`); the versions before and after."""
    connector.run("create_schema_table")
    with connector.migrating():
        before = schema_version(connector)
        after = before
        for migration in pending(connector.dialect, before):
            if migration.number > upto:
                break
            connector.apply_script(migration.sql)
            connector.run("note_migration", version=migration.number, applied_at=now())
            after = migration.number
    return before, after


def check_version(found: int, url: DatabaseURL, *, writing: bool) -> None:
    """Refuse a schema this code does not match, saying what to do."""
    if found > SCHEMA_VERSION:
        raise SchemaMismatch((message("the records database {url} has schema version {found}, newer than this "
                                      "chatbot's {ours}: refusing to write to it; upgrade the chatbot") if writing else
                              message("the records database {url} has schema version {found}, newer than this "
                                      "chatbot's {ours}: this chatbot may misread it; upgrade the chatbot")).fill(
            url=str(url), found=str(found), ours=str(SCHEMA_VERSION)))
    if found < SCHEMA_VERSION:
        raise SchemaMismatch(message("the records database {url} has schema version {found}, older than this "
                                     "chatbot's {ours}: run `chatbot records migrate --database {url}`").fill(
            url=str(url), found=str(found), ours=str(SCHEMA_VERSION)))
