"""What a migrated database holds, read back from the database itself, in the words of `chatbot.records.schema`.

`built(url)` reads a SQLite file (its `sqlite_master` and pragmas) or a PostgreSQL database
(its catalogs) and says, the same way for both: each table's columns (the store's type, may be
empty), primary key, unique keys, foreign keys and the values its checks allow; the indexes;
the triggers (on which table, what they do, on which change); and on PostgreSQL each group
role's grants.
"""

from __future__ import annotations

import re
import sqlite3

from chatbot.records.schema import TYPES
from chatbot.records.url import parse_database_url

_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)", re.IGNORECASE)
_ANY = re.compile(r"\(\(?(\w+)\s*=\s*ANY\s*\(\s*ARRAY\[(.*?)\]", re.IGNORECASE)
_QUOTED = re.compile(r"'([^']*)'")
_COLUMNS = re.compile(r"\(([^)]*)\)")


def purpose(body: str) -> str:
    """What a trigger does, read from its body (SQL, or its function's)."""
    if "comes with its event" in body:
        return "evented"
    if "help_asked_at" in body:
        return "help"
    if "append-only" in body:
        return "refuse"
    if "never deleted" in body:
        return "keep"
    if "may not have" in body:
        return "names"
    if "pg_notify" in body:
        return "notify"
    if re.search(r"\bversion\b", body) and "changed" not in body:
        return "version"
    if "changed" in body:
        return "changed"
    return f"unknown: {body[:40]}"


def logical(dialect: str, physical: str, declared: str | None) -> str:
    """The store's type a column's physical type stands for (`declared`, when it is one of those it may be)."""
    types = TYPES[dialect]
    if declared is not None and physical in types.get(declared, ()):
        return declared
    return next((name for name, spelled in types.items() if physical in spelled), f"?{physical}")


def built(url: str, declared: dict | None = None) -> dict:
    """The schema of the database at `url`, normalized (see the module's text)."""
    parsed = parse_database_url(url)
    return _sqlite(parsed.target, declared or {}) if parsed.backend == "sqlite" else _postgres(parsed.target,
                                                                                              declared or {})


def _sqlite(path: str, declared: dict) -> dict:
    connection = sqlite3.connect(path)
    try:
        tables = {}
        names = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in names:
            info = connection.execute(f"PRAGMA table_info({table})").fetchall()
            key = tuple(name for _, name, _, _, _, pk in sorted(info, key=lambda row: row[5]) if pk)
            columns = {name: (logical("sqlite", kind.upper(), declared.get((table, name))),
                              not notnull and name not in key)
                       for _, name, kind, notnull, _, _ in info}
            unique = set()
            for _, index, is_unique, origin, _ in connection.execute(f"PRAGMA index_list({table})"):
                if is_unique and origin == "u":
                    unique.add(tuple(row[2] for row in connection.execute(f"PRAGMA index_info({index})")))
            foreign = {((row[3],), row[2], (row[4],), row[6]) for row in
                       connection.execute(f"PRAGMA foreign_key_list({table})")}
            sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            checks = {column: frozenset(_QUOTED.findall(values)) for column, values in _IN.findall(sql)}
            tables[table] = {"columns": columns, "primary_key": key, "unique": unique, "foreign_keys": foreign,
                             "checks": checks}
        indexes = {}
        for name, table, sql in connection.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"):
            columns = tuple(row[2] for row in connection.execute(f"PRAGMA index_info({name})"))
            indexes[name] = (table, columns, " WHERE " in sql.upper())
        triggers = set()
        for table, sql in connection.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"):
            event = re.search(r"\b(?:BEFORE|AFTER|INSTEAD OF)\s+(INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE)
            body = sql[sql.upper().index("BEGIN"):]
            triggers.add((table, purpose(body), event.group(1).upper()))
        return {"tables": tables, "indexes": indexes, "triggers": triggers, "grants": None}
    finally:
        connection.close()


_TRIGGER_EVENTS = {4: "INSERT", 8: "DELETE", 16: "UPDATE", 32: "TRUNCATE"}


def _postgres(target: str, declared: dict) -> dict:
    import psycopg

    with psycopg.connect(target, autocommit=True) as connection:
        run = lambda sql, *args: connection.execute(sql, args).fetchall()  # noqa: E731
        tables = {}
        names = [name for (name,) in run("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                         "ORDER BY tablename")]
        for table in names:
            info = run("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND table_name = %s", table)
            constraints = run("SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint "
                              "WHERE conrelid = %s::regclass", table)
            key = ()
            unique, foreign, checks = set(), set(), {}
            for kind, definition in constraints:
                if kind == "p":
                    key = tuple(part.strip() for part in _COLUMNS.search(definition).group(1).split(","))
                elif kind == "u":
                    unique.add(tuple(part.strip() for part in _COLUMNS.search(definition).group(1).split(",")))
                elif kind == "f":
                    found = re.match(r"FOREIGN KEY \((.*?)\) REFERENCES (\w+)\((.*?)\)(?: ON DELETE (\w+))?",
                                     definition)
                    foreign.add(((found.group(1),), found.group(2), (found.group(3),), found.group(4) or "NO ACTION"))
                elif kind == "c":
                    any_ = _ANY.search(definition)
                    if any_:
                        checks[any_.group(1)] = frozenset(_QUOTED.findall(any_.group(2)))
            columns = {name: (logical("postgresql", kind, declared.get((table, name))), nullable == "YES")
                       for name, kind, nullable in info}
            tables[table] = {"columns": columns, "primary_key": key, "unique": unique, "foreign_keys": foreign,
                             "checks": checks}
        indexes = {}
        for name, table, definition in run(
                "SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"):
            columns = tuple(part.strip() for part in _COLUMNS.search(definition[definition.index(" USING "):])
                            .group(1).split(","))
            indexes[name] = (table, columns, " WHERE " in definition)
        triggers = set()
        for table, kind, body in run(
                "SELECT c.relname, t.tgtype, p.prosrc FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"):
            for bit, event in _TRIGGER_EVENTS.items():
                if kind & bit:
                    triggers.add((table, purpose(body), event))
        grants: dict[str, set[str]] = {"chatbot_kiosk": set(), "chatbot_staff": set(), "chatbot_admin": set()}
        for role in grants:
            for name, privilege in run(
                    "SELECT c.relname, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
                    "WHERE c.relnamespace = current_schema()::regnamespace AND a.grantee = %s::regrole", role):
                grants[role].add(f"{privilege} {name}")
            columns: dict[tuple[str, str], list[str]] = {}
            for table, column, privilege in run(
                    "SELECT c.relname, t.attname, a.privilege_type FROM pg_attribute t JOIN pg_class c "
                    "ON c.oid = t.attrelid, aclexplode(t.attacl) a WHERE c.relnamespace = current_schema()::regnamespace "
                    "AND a.grantee = %s::regrole", role):
                columns.setdefault((privilege, table), []).append(column)
            for (privilege, table), names_ in columns.items():
                grants[role].add(f"{privilege} {table}({', '.join(sorted(names_))})")
            for (name,) in run(
                    "SELECT p.proname FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace = "
                    "current_schema()::regnamespace AND a.grantee = %s::regrole AND a.privilege_type = 'EXECUTE'",
                    role):
                grants[role].add(f"EXECUTE {name}")
        return {"tables": tables, "indexes": indexes, "triggers": triggers, "grants": grants}
