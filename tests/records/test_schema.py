"""Both backends' migrations build one store, and a database of the last release migrates forward to it.

Each migrated database is read back from the database itself (`schematools.built`) and held to
the one description of the store (`chatbot.records.schema`): tables, columns and types, what may
be empty, keys, checks, indexes, triggers and PostgreSQL's grants. A test fails with every
difference listed, naming the backend.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from chatbot.records import schema
from chatbot.records.backends import connector_for, migrate, open_reader
from chatbot.records.migrate import SCHEMA_VERSION, apply_migrations
from chatbot.records.url import parse_database_url

from schematools import built


def described(dialect: str) -> dict:
    """The description, in the shape `built` reads a database in."""
    tables = {name: {"columns": dict(table.columns), "primary_key": table.primary_key, "unique": set(table.unique),
                     "foreign_keys": set(table.foreign_keys), "checks": dict(table.checks)}
              for name, table in schema.TABLES.items()}
    grants = {role: set(granted) for role, granted in schema.GRANTS.items()} if dialect == "postgresql" else None
    return {"tables": tables, "indexes": dict(schema.INDEXES), "triggers": schema.TRIGGERS | schema.ONLY[dialect],
            "grants": grants}


def declared() -> dict:
    return {(table, column): kind for table, spec in schema.TABLES.items()
            for column, (kind, _) in spec.columns.items()}


def differences(found: dict, wanted: dict, where: str = "") -> list[str]:
    """Every way `found` is not `wanted`, one line each."""
    if isinstance(found, dict) and isinstance(wanted, dict):
        out = []
        for key in sorted(set(found) | set(wanted), key=str):
            if key not in found:
                out.append(f"{where}{key}: missing")
            elif key not in wanted:
                out.append(f"{where}{key}: not in the description ({found[key]!r})")
            else:
                out += differences(found[key], wanted[key], f"{where}{key}.")
        return out
    if isinstance(found, set) and isinstance(wanted, set):
        return [f"{where.rstrip('.')}: has {item!r}, not described" for item in sorted(found - wanted, key=str)] + \
               [f"{where.rstrip('.')}: lacks {item!r}" for item in sorted(wanted - found, key=str)]
    return [] if found == wanted else [f"{where.rstrip('.')}: {found!r}, described as {wanted!r}"]


def test_each_backend_migrates_to_the_one_described_store(empty_database, backend):
    """A new database, migrated: exactly the store `chatbot.records.schema` describes."""
    migrate(empty_database)
    problems = differences(built(empty_database, declared()), described(backend))
    assert not problems, f"{backend}:\n" + "\n".join(problems)


def test_sqlite_and_postgresql_describe_the_same_store(postgres_server, tmp_path):
    """Side by side, the two migrated databases differ only in what the description says one of them has."""
    sqlite_url, postgres_url = f"sqlite://{tmp_path / 'records.sqlite3'}", postgres_server.database()
    for url in (sqlite_url, postgres_url):
        migrate(url)
    found = {name: built(url, declared()) for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_url))}
    for name in found:
        found[name]["triggers"] -= schema.ONLY[name]
        found[name]["grants"] = None
    problems = differences(found["sqlite"], found["postgresql"])
    assert not problems, "SQLite against PostgreSQL:\n" + "\n".join(problems)


def test_the_description_would_catch_a_store_that_drifted(database, backend):
    """The comparison is not blind: a column one backend lacks (or types another way) is found."""
    drifted = described(backend)
    drifted["tables"]["answers"]["columns"]["given_by"] = ("json", False)
    del drifted["tables"]["sessions"]["columns"]["changed"]
    problems = differences(built(database, declared()), drifted)
    assert any("given_by" in line for line in problems) and any("changed" in line for line in problems)


# -- a database of the last release (schema 2), migrated forward ---------------------------------

T0, T1, T2 = "2026-11-02T09:00:00.000000+00:00", "2026-11-02T09:05:00.000000+00:00", "2026-11-02T09:20:00.000000+00:00"
SESSIONS = [  # id, status, level, finished_at
    ("a" * 32, "finished", "emergency", T1),  # finished, then amended by a nurse
    ("b" * 32, "abandoned", None, T1),  # the person walked away: wiped
    ("c" * 32, "abandoned", None, T1),  # started over
    ("d" * 32, "unfinished", None, None),  # still being answered
]


def _last_release(url: str) -> None:
    """Schema 2 with sessions written as the last release wrote them (its SQL, its JSON)."""
    connector = connector_for(url, create=True)
    try:
        apply_migrations(connector, upto=2)
    finally:
        connector.close()
    parsed = parse_database_url(url)
    rows = []
    for id_, status, level, finished in SESSIONS:
        rows.append(("INSERT INTO sessions (id, flow_name, flow_version, flow_hash, language, place, started_at, "
                     "finished_at, status, level, reasons, because, recorded_by) "
                     "VALUES (?, 'bmf-symptoms', 1, 'h', 'en', 'kiosk:k1', ?, ?, ?, ?, '[]', '[]', 'kiosk')",
                     (id_, T0, finished, status, level)))
        for seq, question, typed in ((1, "danger_signs", "7"), (2, "white_count", "no")):
            rows.append(("INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, "
                         "shown, value, findings, answered_at) VALUES (?, ?, ?, 'q', 'yes_no', ?, ?, 'false', '{}', ?)",
                         (id_, seq, question, typed, typed, T0)))
    ended = {"a" * 32: "finished", "b" * 32: "wiped", "c" * 32: "restarted"}
    for id_, kind in ended.items():
        rows.append(("INSERT INTO events (session_id, seq, kind, actor, at, detail) VALUES (?, 9, ?, 'person', ?, '{}')",
                     (id_, kind, T1)))
    # The amendment: the answer to white_count withdrawn, given again by the nurse, the event saying so.
    rows.append(("UPDATE answers SET withdrawn_at = ? WHERE session_id = ? AND seq = 2", (T2, "a" * 32)))
    rows.append(("INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, "
                 "value, findings, answered_at) VALUES (?, 3, 'white_count', 'q', 'yes_no', 'yes', 'yes', 'true', "
                 "'{}', ?)", ("a" * 32, T2)))
    detail = json.dumps({"question_id": "white_count", "old": {"typed": "no"}, "new": {"typed": "yes"},
                         "reason": "the lab said so", "version": 2})
    rows.append(("INSERT INTO events (session_id, seq, kind, actor, at, detail) VALUES (?, NULL, 'amended', 'Rosa', "
                 "?, ?)", ("a" * 32, T2, detail)))
    if parsed.backend == "sqlite":
        with sqlite3.connect(parsed.target) as connection:
            for sql, parameters in rows:
                connection.execute(sql, parameters)
        return
    import psycopg

    with psycopg.connect(parsed.target, autocommit=True) as connection:
        for sql, parameters in rows:
            connection.execute(sql.replace("?", "%s").replace("'[]'", "'[]'::jsonb"),
                               tuple(f"{value}" if value is not None else None for value in parameters))


def test_a_database_of_the_last_release_migrates_forward(empty_database, backend):
    """`chatbot records migrate` on a clinic's database of the last release: the schema it ends with is the
    described store, and what the new columns say is filled in from what was kept."""
    _last_release(empty_database)
    assert migrate(empty_database) == (2, SCHEMA_VERSION)
    problems = differences(built(empty_database, declared()), described(backend))
    assert not problems, f"{backend}:\n" + "\n".join(problems)
    with open_reader(empty_database) as reader:
        sessions = {session.id[0]: reader.get_session(session.id) for session in reader.list_sessions()}
    assert {key: session.ended_by for key, session in sessions.items()} == {
        "a": "finished", "b": "wiped", "c": "restarted", "d": None}
    assert {key: session.state(sessions["a"].started_at) for key, session in sessions.items()} == {
        "a": "waiting", "b": "stopped", "c": "abandoned", "d": "in_progress"}
    amended = sessions["a"]
    assert [(answer.seq, answer.given_by) for answer in amended.answers] == [(1, "person"), (2, "person"), (3, "Rosa")]
    [current] = [line for line in amended.current() if line.answer.question_id == "white_count"]
    assert (current.amendment.by, current.amendment.reason, current.earlier.typed) == ("Rosa", "the lab said so", "no")
    changes = sorted(session.changed for session in sessions.values())
    assert changes == [1, 2, 3, 4]  # every row numbered, in the order the sessions started


@pytest.mark.parametrize("backend", ["sqlite"])
def test_migrate_keeps_every_row_of_a_rebuilt_table(empty_database, backend):
    """SQLite rebuilds `sessions` (to make a column NOT NULL): its answers, held by a foreign key that
    cascades on delete, all stay."""
    _last_release(empty_database)
    migrate(empty_database)
    with sqlite3.connect(parse_database_url(empty_database).target) as connection:
        assert connection.execute("SELECT count(*) FROM answers").fetchone()[0] == 2 * len(SESSIONS) + 1
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
