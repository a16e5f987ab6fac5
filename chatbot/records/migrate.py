"""The numbered SQL migrations of each backend, shipped in `migrations/<backend>/NNNN_name.sql`.

A database keeps the numbers applied in its `schema_version` table. `chatbot records
migrate` applies the missing ones in order, each in its own transaction with its row
in `schema_version`; a writer checks the highest number at start (`store.check_version`).
"""

from __future__ import annotations

import re
from importlib import resources
from typing import NamedTuple

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

SCHEMA_TABLE = {
    "sqlite": "CREATE TABLE IF NOT EXISTS schema_version "
              "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    "postgresql": "CREATE TABLE IF NOT EXISTS schema_version "
                  "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
}


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
