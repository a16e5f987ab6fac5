"""Every query of the session store, by name, read from `sql/`: shared ones, and each backend's own.

`sql/queries.sql` holds what SQLite and PostgreSQL share; `sql/sqlite.sql` and
`sql/postgresql.sql` hold what differs (a query there takes the shared one's place).
A query is introduced by a line `-- name --` and may carry `-- comment` lines; its
parameters are `:named`. PostgreSQL's driver wants `%(named)s`: `for_postgresql`
rewrites a query once, when it is loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_HEADER = re.compile(r"^-- ([a-z0-9_]+) --$", re.MULTILINE)
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")
DIALECTS = ("sqlite", "postgresql")


def parse(text: str) -> dict[str, str]:
    """The named queries of one file, comments dropped."""
    parts = _HEADER.split(text)
    found = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        sql = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("--")).strip()
        if name in found:
            raise RuntimeError(f"the query {name!r} is named twice")
        found[name] = sql
    return found


def for_postgresql(sql: str) -> str:
    """`:name` as psycopg's `%(name)s` (and a literal % doubled)."""
    return _PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


def _read(name: str) -> str:
    return resources.files("chatbot.records").joinpath("sql", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def queries(dialect: str) -> dict[str, str]:
    """Every query `dialect` runs, by name, ready for its driver."""
    if dialect not in DIALECTS:
        raise ValueError(f"no SQL dialect called {dialect!r}")
    named = {**parse(_read("queries.sql")), **parse(_read(f"{dialect}.sql"))}
    if dialect == "postgresql":
        named = {name: for_postgresql(sql) for name, sql in named.items()}
    return named
