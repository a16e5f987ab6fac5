"""The records at a clinic's scale: 1k, 10k, 100k and 1M sessions, on SQLite and on PostgreSQL.

Goals (issue 20): the station opens in at most 0.5 s; a kiosk's commit is on the station's
screen within 250 ms (p95) at every size on both backends; `chatbot records list` and
`chatbot records export --fhir` take time linear in the store, with memory that does not
grow with it.

    python3 bench/records_scale.py [--sizes 1000,10000,100000,1000000] [--backends sqlite,postgresql]
                                   [--postgres URL] [--trials 20] [--fhir-most 10000] [--export-most 100000]
                                   [--keep DIR] [--only station|commands]

Each store is built in bulk (not through `simulate`: by the database itself, `SQL`, 50,000 sessions a
statement; on SQLite a transaction each; on PostgreSQL one transaction, its keys and indexes dropped
during the load and made again from their own definitions after it, then VACUUM (FREEZE, ANALYZE) so
that no autovacuum runs during the measurement; 100k in about a minute, 1M in minutes): a clinic seeing 100 people a day, the
sessions spread over the days before today (100 of them today), each with its answers and
events as a kiosk writes them (copied from three conversations run on the engine: an
emergency, an urgent and a routine one), nearly all reviewed, one in 500 left unreviewed,
one in ten stopped or started over. The station is the real app under Pilot, headless at
80x24, signed in; its open is timed from its construction to the first frame with the queue.
A kiosk is another process (a `Recorder`) that prints when each session's last answer was
acknowledged and when the database had it (`time.monotonic()`, one clock for every process
on Linux); the station notes when the frame showing the row was drawn (`NurseApp.row_shown`).
`records list` and `export --fhir` run as commands, each in its own process, their peak memory
read by /usr/bin/time (a child forked straight from this process would inherit its high-water
mark). Every store lives in a temporary folder (or a fresh database on the PostgreSQL server:
`--postgres URL` or CHATBOT_TEST_POSTGRES), removed at the end.

Measuring again without building again (`--keep DIR`): the stores are kept in DIR, SQLite's as
files, PostgreSQL's in a cluster of the bench's own (DIR/data, made by `initdb` at the first run,
started for each run with the settings of .ci/postgres and stopped after; `--postgres` is then not
used). A store built earlier the same day is measured as it is (its "today" is still today); one
built on another day is built again; a kept store is migrated to the code's schema before it is measured.
Each run adds its kiosk sessions to today's rows. So a quiet
measurement of PostgreSQL at 1M is, after one build (a few minutes) by the same command:

    python3 bench/records_scale.py --sizes 1000000 --backends postgresql --trials 20 \
        --keep /tmp/records-scale --only station

(`--only station`: the station's open and commit -> row only, not `records list`, which reads the
whole store: minutes at 1M.) One run at a time per DIR.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
OPEN_GOAL = 0.5
ROW_GOAL = 0.250
WAIT_MOST = 60.0  # seconds the bench waits for a frame before it counts it as never drawn (runs unattended)
FINDINGS = ({"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6},  # emergency
            {"fever_feeling": True, "temperature": 37.0},  # urgent
            {"known_low_white_count": True})  # routine
PER_DAY = 100


# -- the store, built in bulk ---------------------------------------------------------------------


def templates():
    """Three conversations run on the engine, as a kiosk would keep them: their answers and endings."""
    from chatbot.engine import Conversation
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.transcript import answer_record, ending
    from chatbot.replay.patients import typed_answer

    flow = load_flow(None)
    made = []
    for findings in FINDINGS:
        conversation = Conversation(flow)
        conversation.start()
        while not conversation.finished:
            conversation.answer(typed_answer(conversation.current.question, findings, flow))
        at = datetime.now(timezone.utc)
        seqs = list(range(1, len(conversation.transcript) + 1))
        answers = [answer_record("x", seq, turn, "en", at) for seq, turn in zip(seqs, conversation.transcript)]
        made.append((flow, answers, ending(conversation, "x", seqs, at)))
    return made


# Each session is the number `n` it is built as (0 oldest): from it its template (n % 3: an emergency, an
# urgent, a routine conversation), its day (100 a day, the newest today), its start (08:00 and five minutes
# apart), how it ended (n % 10: eight finished, one wiped, one restarted: the last two kept two answers),
# its language (one in four Spanish), its kiosk, and whether a nurse reviewed it (every finished one before
# today, but one in 500). The rows are made by the database itself, a batch of sessions per statement
# (`SQL`): a million sessions is some 25 million rows, too many to send one by one.

BATCH = 50_000  # sessions a transaction
DIALECT = {
    # an epoch second as the column's type, a random key as a kiosk makes it (32 hex digits), a JSON object
    "sqlite": {"time": "strftime('%Y-%m-%dT%H:%M:%S', {0}, 'unixepoch') || '.000000+00:00'",
               "key": "lower(hex(randomblob(16)))", "object": "json_object({0})", "json": "{0}",
               "numbers": "WITH RECURSIVE numbers(n) AS (SELECT :low UNION ALL SELECT n + 1 FROM numbers "
                          "WHERE n + 1 < :high) SELECT n FROM numbers"},
    "postgresql": {"time": "to_timestamp({0})", "key": "md5(random()::text || clock_timestamp()::text || n)",
                   "object": "jsonb_build_object({0})", "json": "CAST({0} AS jsonb)",
                   "numbers": "SELECT generate_series(CAST(:low AS bigint), CAST(:high AS bigint) - 1) AS n"},
}
SQL = """
CREATE TEMPORARY TABLE bulk_templates (template INTEGER, flow_name TEXT, flow_version INTEGER, level TEXT,
    outcome TEXT, outcome_title TEXT, reasons TEXT, because TEXT, answers INTEGER);
CREATE TEMPORARY TABLE bulk_answers (template INTEGER, seq INTEGER, question_id TEXT, question_text TEXT,
    question_kind TEXT, typed TEXT, shown TEXT, value TEXT, findings TEXT);
CREATE TEMPORARY TABLE bulk_sessions (n BIGINT PRIMARY KEY, id TEXT, template INTEGER, started BIGINT,
    ended_by TEXT, kept INTEGER, reviewed INTEGER);
-- numbered --
INSERT INTO bulk_sessions (n, id, template, started, ended_by, kept, reviewed)
SELECT n, {key}, n % 3, :first_day + (n / 100) * 86400 + 28800 + (n % 100) * 300,
       CASE n % 10 WHEN 8 THEN 'wiped' WHEN 9 THEN 'restarted' ELSE 'finished' END,
       CASE WHEN n % 10 >= 8 THEN 2 ELSE 999 END,
       CASE WHEN n % 10 < 8 AND n / 100 < :days - 1 AND n % 500 <> 7 THEN 1 ELSE 0 END
FROM ({numbers}) AS numbers
-- sessions --
INSERT INTO sessions (id, flow_name, flow_version, flow_hash, language, place, started_at, finished_at, status,
                      level, outcome, outcome_title, reasons, because, recorded_by, version, ended_by, reviewed_by,
                      reviewed_at)
SELECT s.id, t.flow_name, t.flow_version, 'bulk', CASE WHEN s.n % 4 = 0 THEN 'es' ELSE 'en' END,
       'kiosk:lobby-' || CAST(s.n % 3 + 1 AS TEXT), {time:s.started}, {time:s.started + 240},
       CASE s.kept WHEN 2 THEN 'abandoned' ELSE 'finished' END,
       CASE s.kept WHEN 2 THEN NULL ELSE t.level END, CASE s.kept WHEN 2 THEN NULL ELSE t.outcome END,
       CASE s.kept WHEN 2 THEN NULL ELSE t.outcome_title END,
       {json:CASE s.kept WHEN 2 THEN '[]' ELSE t.reasons END}, {json:CASE s.kept WHEN 2 THEN '[]' ELSE t.because END},
       'bulk', 1 + s.reviewed, s.ended_by, CASE s.reviewed WHEN 1 THEN 'Rosa' END,
       CASE s.reviewed WHEN 1 THEN {time:s.started + 780} END
FROM bulk_sessions AS s JOIN bulk_templates AS t ON t.template = s.template
WHERE s.n >= :low AND s.n < :high ORDER BY s.n
-- answers --
INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, value, findings,
                     answered_at, given_by)
SELECT s.id, a.seq, a.question_id, a.question_text, a.question_kind, a.typed, a.shown, {json:a.value},
       {json:a.findings}, {time:s.started + 20 * a.seq}, 'person'
FROM bulk_sessions AS s JOIN bulk_answers AS a ON a.template = s.template AND a.seq <= s.kept
WHERE s.n >= :low AND s.n < :high ORDER BY s.n, a.seq
-- events --
INSERT INTO events (session_id, seq, kind, actor, at, detail, recorded_by)
SELECT id, seq, kind, actor, at, detail, 'bulk' FROM (
    SELECT s.n, 0 AS step, s.id, 1 AS seq, 'created' AS kind, 'person' AS actor, {time:s.started} AS at,
           {object:'place', 'kiosk:lobby-' || CAST(s.n % 3 + 1 AS TEXT)} AS detail
    FROM bulk_sessions AS s WHERE s.n >= :low AND s.n < :high
    UNION ALL
    SELECT s.n, a.seq, s.id, a.seq + 1, 'answered', 'person', {time:s.started + 20 * a.seq},
           {object:'question', a.question_id, 'answer', a.seq}
    FROM bulk_sessions AS s JOIN bulk_answers AS a ON a.template = s.template AND a.seq <= s.kept
    WHERE s.n >= :low AND s.n < :high
    UNION ALL
    SELECT s.n, 1000, s.id, CASE s.kept WHEN 2 THEN 4 ELSE t.answers + 2 END, s.ended_by, 'person',
           {time:s.started + 240}, {object:}
    FROM bulk_sessions AS s JOIN bulk_templates AS t ON t.template = s.template
    WHERE s.n >= :low AND s.n < :high
    UNION ALL
    SELECT s.n, 1001, s.id, NULL, 'reviewed', 'Rosa', {time:s.started + 780}, {object:'version', 2}
    FROM bulk_sessions AS s WHERE s.n >= :low AND s.n < :high AND s.reviewed = 1
) AS made ORDER BY n, step
"""


def bulk_sql(dialect: str) -> dict[str, str]:
    """The statements that build a store, by name, in `dialect` (`:named` parameters)."""
    import re

    words = DIALECT[dialect]

    def fill(match: re.Match) -> str:
        word, _, inside = match.group(1).partition(":")
        return words[word].replace("{0}", inside) if inside or word == "object" else words[word]

    text = re.sub(r"\{(time:[^{}]*|json:[^{}]*|object:[^{}]*|key|numbers)\}", fill, SQL)
    parts = re.split(r"^-- ([a-z]+) --$", text, flags=re.MULTILINE)
    named = {"tables": parts[0]}
    named.update(zip(parts[1::2], parts[2::2]))
    return named

def build(url: str, count: int) -> float:
    """A migrated store at `url` with `count` sessions (see `SQL`); the seconds it took."""
    from chatbot.records.backends import migrate
    from chatbot.records.url import parse_database_url

    began = time.monotonic()
    migrate(url)
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    days = max(1, -(-count // PER_DAY))
    first_day = int((today - timedelta(days=days - 1)).timestamp())
    target = parse_database_url(url)
    sql = bulk_sql(target.backend)
    made = templates()
    template_rows = [(number, flow.name, flow.version, end.level, end.outcome, end.outcome_title,
                      json.dumps(list(end.reasons), ensure_ascii=False),
                      json.dumps(list(end.because), ensure_ascii=False), len(answers))
                     for number, (flow, answers, end) in enumerate(made)]
    answer_rows = [(number, answer.seq, answer.question_id, answer.question_text, answer.question_kind, answer.typed,
                    answer.shown, json.dumps(answer.value, ensure_ascii=False),
                    json.dumps(answer.findings, ensure_ascii=False))
                   for number, (_, answers, _) in enumerate(made) for answer in answers]
    batches = [(low, min(low + BATCH, count)) for low in range(0, count, BATCH)]
    if target.backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(target.target, isolation_level=None)
        connection.execute("PRAGMA journal_mode=OFF")  # no write-ahead log to copy every page through
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-4000000")  # the indexes' pages stay in memory (random keys)
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.executescript(sql["tables"])
        connection.executemany("INSERT INTO bulk_templates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", template_rows)
        connection.executemany("INSERT INTO bulk_answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", answer_rows)
        for low, high in batches:
            connection.execute("BEGIN")
            for name in ("numbered", "sessions", "answers", "events"):
                connection.execute(sql[name], {"low": low, "high": high, "first_day": first_day, "days": days})
            connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode=WAL")  # as the chatbot keeps it
        connection.close()
    else:
        build_postgresql(target.target, sql, template_rows, answer_rows, batches,
                         {"first_day": first_day, "days": days})
    return time.monotonic() - began


# The tables the bulk rows go into, and what slows a bulk load into them: their indexes, keys and references
# (every row's random key would land on a random page of each, 25 million times). They are dropped before the
# load and made again after it, from their own definitions (`pg_get_constraintdef`, `pg_get_indexdef`), so the
# store ends with exactly the schema its migrations made.
BULK_TABLES = ("sessions", "answers", "events")
KEYS_AND_INDEXES = """
SELECT 'constraint', c.contype, c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint AS c
WHERE c.contype IN ('p', 'u', 'f') AND (c.conrelid = ANY(%(tables)s::regclass[]) OR c.confrelid = ANY(%(tables)s::regclass[]))
UNION ALL
SELECT 'index', '', i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index AS i
WHERE i.indrelid = ANY(%(tables)s::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
"""


def build_postgresql(url: str, sql: dict[str, str], template_rows: list, answer_rows: list, batches: list,
                     params: dict) -> None:
    """The bulk rows into a migrated PostgreSQL store: one transaction, its keys and indexes dropped during the
    load and made again after it, the templates sent by COPY, every session's rows made by the server; then
    VACUUM and ANALYZE, so that the planner knows the tables and no autovacuum starts during the measurement."""
    import psycopg

    from chatbot.records.queries import for_postgresql

    phases, began = [], time.monotonic()

    def phase(name: str) -> None:
        nonlocal began
        phases.append(f"{name} {time.monotonic() - began:.0f} s")
        began = time.monotonic()

    with psycopg.connect(url) as connection:  # one transaction, committed when the block ends
        connection.execute("SET LOCAL synchronous_commit = off")
        connection.execute("SET LOCAL maintenance_work_mem = '1GB'")  # each index sorted in memory
        connection.execute("SET LOCAL work_mem = '256MB'")
        found = connection.execute(KEYS_AND_INDEXES, {"tables": list(BULK_TABLES)}).fetchall()
        constraints = [(kind, table, name, definition) for what, kind, table, name, definition in found
                       if what == "constraint"]
        indexes = [(name, definition) for what, _, _, name, definition in found if what == "index"]
        for kind, table, name, _ in sorted(constraints, key=lambda each: each[0] != "f"):  # references first
            connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            connection.execute(f"DROP INDEX {name}")
        connection.execute("ALTER TABLE sessions DISABLE TRIGGER sessions_notify")  # no NOTIFY per bulk row
        connection.execute(sql["tables"])
        with connection.cursor() as cursor:
            for table, rows in (("bulk_templates", template_rows), ("bulk_answers", answer_rows)):
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        for table, column in (("bulk_answers", "value"), ("bulk_answers", "findings"),
                              ("bulk_templates", "reasons"), ("bulk_templates", "because")):
            # parsed once here, not once for each of a million sessions' rows
            connection.execute(f"ALTER TABLE {table} ALTER {column} TYPE jsonb USING CAST({column} AS jsonb)")
        for low, high in batches:
            for name in ("numbered", "sessions", "answers", "events"):
                connection.execute(for_postgresql(sql[name]), {"low": low, "high": high, **params})
        phase("rows")
        for kind, table, name, definition in sorted(constraints, key=lambda each: each[0] == "f"):  # keys first
            connection.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            connection.execute(definition)
        connection.execute("ALTER TABLE sessions ENABLE TRIGGER sessions_notify")
        phase("keys and indexes")
    phase("commit")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (FREEZE, ANALYZE) sessions, answers, events")
    phase("vacuum and analyze")
    print(f"    PostgreSQL build: {', '.join(phases)}", flush=True)


# -- what is measured ------------------------------------------------------------------------------


def kiosk(url: str, count: int) -> None:
    """Record `count` finished sessions, one per line on stdin; print each one's id, when its last answer
    was acknowledged, and when the database had it."""
    from chatbot.engine import Conversation
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.recorder import Recorder
    from chatbot.replay.patients import typed_answer

    flow = load_flow(None)
    recorder = Recorder(url, place="kiosk:bench")
    recorder.open()
    for number in range(count):
        if not sys.stdin.readline():
            break
        conversation = Conversation(flow, "es" if number % 3 == 0 else "en")
        conversation.start()
        recorder.begin(conversation)
        findings = FINDINGS[number % len(FINDINGS)]
        while not conversation.finished:
            conversation.answer(typed_answer(conversation.current.question, findings, flow))
            recorder.answered(conversation)
        acknowledged = time.monotonic()
        session_id = recorder.session_id
        recorder.wait()
        print(f"{session_id} {acknowledged} {time.monotonic()}", flush=True)
    recorder.close()


async def open_station(url: str, flow) -> tuple[float, int]:
    """Seconds from a station's construction to the first frame of its queue, and the rows it shows."""
    from chatbot.nurse.app import NurseApp
    from chatbot.nurse.options import NurseOptions

    began = time.monotonic()
    app = NurseApp(NurseOptions(database=url), flow)
    async with app.run_test(size=(80, 24)):
        deadline = time.monotonic() + WAIT_MOST
        while not app.row_shown and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        if not app.row_shown:
            return float("inf"), 0
        return min(app.row_shown.values()) - began, len(app.row_shown)


async def station(url: str, trials: int) -> dict:
    """The station's open (the median of three, after one to warm the process up), then `trials` kiosk
    sessions from commit to the row on screen."""
    from chatbot.flowfile.loader import load_flow
    from chatbot.nurse.app import NurseApp
    from chatbot.nurse.options import NurseOptions

    flow = load_flow(None)
    await open_station(url, flow)
    opens = [await open_station(url, flow) for _ in range(3)]
    opened, shown_rows = statistics.median(took for took, _ in opens), opens[0][1]
    app = NurseApp(NurseOptions(database=url), flow)
    writer = subprocess.Popen([sys.executable, __file__, "--kiosk", url, str(trials)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    committed, answered = [], []
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.row_shown:
            await asyncio.sleep(0.002)
        from nurse import signed_in

        await signed_in(app)
        await pilot.pause()
        for _ in range(trials):
            writer.stdin.write("go\n")
            writer.stdin.flush()
            session_id, acknowledged, commit = (await asyncio.to_thread(writer.stdout.readline)).split()
            deadline = time.monotonic() + WAIT_MOST
            while app.row_status.get(session_id) != "finished" and time.monotonic() < deadline:
                await asyncio.sleep(0.002)  # the frame showing it finished
            if app.row_status.get(session_id) != "finished":  # never shown: counted as never, and said
                print(f"    the session {session_id} did not reach the station in {WAIT_MOST:.0f} s", flush=True)
                committed.append(float("inf"))
                answered.append(float("inf"))
                continue
            committed.append(app.row_shown[session_id] - float(commit))
            answered.append(app.row_shown[session_id] - float(acknowledged))
        reads = {"rows_read": app.rows_read, "full_reads": app.full_reads}
    writer.stdin.close()
    writer.wait(timeout=60)
    return {"open": opened, "rows": shown_rows, "commit": committed, "answer": answered, **reads}


def command(argv: list[str], env: dict) -> tuple[float, float, int]:
    """A `chatbot` command in its own process: seconds, peak memory (MiB), bytes written to stdout.

    The peak is measured by /usr/bin/time, itself a small process: a child forked straight from this
    one would count this process's memory as its own (Linux keeps the high-water mark across exec)."""
    timer = ["/usr/bin/time", "-f", "peak %M"] if os.path.exists("/usr/bin/time") else []
    began = time.monotonic()
    with tempfile.TemporaryFile() as out:
        done = subprocess.run([*timer, sys.executable, "-m", "chatbot", *argv], stdout=out,
                              stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True)
        took = time.monotonic() - began
        if done.returncode != 0:
            raise SystemExit(f"chatbot {' '.join(argv)}: {done.stderr}")
        peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("peak ")]
        return took, (int(peaks[-1]) / 1024 if peaks else float("nan")), out.tell()


def p95(values: list[float]) -> float:
    """The 95th percentile, within the values measured (the default method reaches past the largest of a
    small sample: 20 trials gave a p95 above their maximum)."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def measure(name: str, store: "Store", size: int, trials: int, fhir_most: int, export_most: int,
            only: str | None = None) -> dict:
    """Build the store (unless it was kept from a run earlier today), then measure what `only` names (the
    station, the commands) or both."""
    url = store.url
    reused = store.built is not None
    if reused:  # a store kept from a run earlier today: brought to the schema of this code (as a clinic's is)
        from chatbot.records.backends import migrate

        migrate(url)
    built = store.built if reused else build(url, size)
    if store.kept:
        store.kept(built)
    load = os.getloadavg()[0]  # as the measurement starts
    env = dict(os.environ)
    nothing = {"open": float("nan"), "rows": 0, "commit": [float("nan")] * 2, "answer": [float("nan")] * 2}
    seen = asyncio.run(station(url, trials)) if only != "commands" else nothing
    result = {"backend": name, "size": size, "built": built, "reused": reused, "open": seen["open"],
              "rows": seen["rows"], "commit_p95": p95(seen["commit"]), "commit_median": statistics.median(seen["commit"]),
              "answer_p95": p95(seen["answer"]), "load": (load, os.getloadavg()[0]),
              "reads": (seen.get("rows_read", 0), seen.get("full_reads", 0))}
    report_station(result)  # now: the commands below may take minutes
    if only != "station":
        load = os.getloadavg()[0]
        listed = command(["records", "list", "--database", url], env)
        exported = command(["records", "export", "--database", url], env) if size <= export_most else None
        fhir = command(["records", "export", "--fhir", "--database", url], env) if size <= fhir_most else None
        result.update({"list": listed, "export": exported, "fhir": fhir, "commands_load": (load, os.getloadavg()[0])})
        report_commands(result)
    return result


def report_station(r: dict) -> None:
    ms = lambda value: f"{value * 1000:.0f} ms"  # noqa: E731
    met_open = r["open"] <= OPEN_GOAL
    met_row = r["commit_p95"] <= ROW_GOAL
    built = f"kept (built in {r['built']:.0f} s)" if r["reused"] else f"built in {r['built']:.0f} s"
    print(f"{r['backend']} {r['size']:>9,}: {built} | station open {ms(r['open'])} "
          f"({r['rows']} rows; goal <= 500 ms: {'met' if met_open else 'NOT met'}) | kiosk commit -> row median "
          f"{ms(r['commit_median'])}, p95 {ms(r['commit_p95'])} (goal <= 250 ms: {'met' if met_row else 'NOT met'}); "
          f"answer -> row p95 {ms(r['answer_p95'])} | the station read {r['reads'][0]} session rows "
          f"({r['reads'][1]} full reads of the queue, the rest only what changed) | load average {r['load'][0]:.1f} as it began, "
          f"{r['load'][1]:.1f} at its end", flush=True)


def report_commands(r: dict) -> None:
    per = lambda took: f"{took[0]:.1f} s ({took[0] / r['size'] * 1e6:.0f} µs a session), peak {took[1]:.0f} MiB"  # noqa
    print(f"    records list: {per(r['list'])} | records export: "
          + (per(r["export"]) if r["export"] else "not run at this size (--export-most)") + " | export --fhir: "
          + (per(r["fhir"]) if r["fhir"] else "not run at this size (--fhir-most)")
          + f" | load average {r['commands_load'][0]:.1f} as they began, {r['commands_load'][1]:.1f} at their end",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="sessions in each store (comma-separated)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("CHATBOT_TEST_POSTGRES"), metavar="URL")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--fhir-most", type=int, default=10000, help="export --fhir only up to this size "
                        "(it validates every Bundle: about 30 ms a session here)")
    parser.add_argument("--export-most", type=int, default=100000, help="records export only up to this size "
                        "(about half a millisecond a session here: a million would take many minutes)")
    parser.add_argument("--only", choices=("station", "commands"), help="only the station's open and commit -> "
                        "row, or only `records list` and the exports")
    parser.add_argument("--keep", metavar="DIR", help="keep the stores in DIR between runs (SQLite files, and "
                        "PostgreSQL's own cluster in DIR/data): a store built earlier today is measured again "
                        "without being built")
    parser.add_argument("--kiosk", nargs=2, metavar=("URL", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kiosk:
        return kiosk(args.kiosk[0], int(args.kiosk[1]))
    from records import private_folders

    with tempfile.TemporaryDirectory(prefix="bench-records-scale-folders-") as folders:
        private_folders(folders)  # the outboxes, logs and settings of this run, never the user's
        run(args)


def run(args) -> None:
    results = []
    kept = Path(args.keep).resolve() if args.keep else None
    for backend in args.backends.split(","):
        if backend == "postgresql" and not (args.postgres or kept):
            print("PostgreSQL: not measured (give --postgres URL, set CHATBOT_TEST_POSTGRES, or --keep DIR)")
            continue
        server = KeptPostgres(kept) if backend == "postgresql" and kept else None
        try:
            for size in (int(each) for each in args.sizes.split(",")):
                with tempfile.TemporaryDirectory(prefix="bench-records-scale-") as folder:
                    if kept:
                        store = kept_store(backend, kept, server, size)
                    elif backend == "sqlite":
                        store = Store(f"sqlite://{folder}/records.sqlite3")
                    else:
                        from records import FreshPostgres

                        fresh = FreshPostgres(args.postgres, migrate_it=False)
                        store = Store(fresh.url, drop=fresh.drop)
                    try:
                        results.append(measure("SQLite" if backend == "sqlite" else "PostgreSQL", store, size,
                                               args.trials, args.fhir_most, args.export_most, args.only))
                    finally:
                        store.drop()
        finally:
            if server:
                server.stop()
    met = all(r["open"] <= OPEN_GOAL and r["commit_p95"] <= ROW_GOAL for r in results if r["open"] == r["open"])
    print(f"all goals: {'met' if met else 'NOT met'} (figures on a shared, loaded machine)")


# -- stores kept between runs (--keep DIR) -----------------------------------------------------------


class Store:
    """A store the bench measures: its URL, whether it is already built (kept from a run earlier today: the
    seconds its build took, else None), and how to remove it after the run (nothing when it is kept)."""

    def __init__(self, url: str, built: float | None = None, drop=None, kept=None):
        self.url, self.built, self._drop, self.kept = url, built, drop, kept

    def drop(self) -> None:
        if self._drop:
            self._drop()


def today() -> str:
    """The day a store is built for (its sessions of today): a kept store built on another day is built again."""
    return datetime.now().astimezone().date().isoformat()


def kept_store(backend: str, folder: Path, server: "KeptPostgres | None", size: int) -> Store:
    """The store of `size` sessions kept in `folder`: reused when it was built today, else made empty (built
    by `measure`); `kept(seconds)` marks it built once its build is done."""
    if backend == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        path, mark = folder / f"sqlite-{size}.sqlite3", folder / f"sqlite-{size}.json"
        built = json.loads(mark.read_text()) if mark.exists() else {}
        if built.get("day") == today() and path.exists():
            return Store(f"sqlite://{path}", built["seconds"])
        mark.unlink(missing_ok=True)
        for stale in folder.glob(f"sqlite-{size}.sqlite3*"):
            stale.unlink()
        return Store(f"sqlite://{path}", kept=lambda seconds: mark.write_text(
            json.dumps({"day": today(), "seconds": seconds})))
    return server.store(size)


class KeptPostgres:
    """A PostgreSQL cluster of the bench's own in `folder/data`, made by `initdb` at the first run and kept
    between runs (started on a free port, its socket in `folder`, stopped at the end), with the server
    settings of .ci/postgres. Each size is a database `records_scale_<size>`, its comment saying the day it was
    built for and how long its build took."""

    def __init__(self, folder: Path):
        import glob
        import socket

        self.folder, self.data = folder, folder / "data"
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda each: int(each.split("/")[-2]))
        self.bin = Path(bins[-1]) if bins else Path(subprocess.run(["sh", "-c", "command -v initdb"],
                                                                   capture_output=True, text=True).stdout).parent
        if not self.data.exists():
            folder.mkdir(parents=True, exist_ok=True)
            if os.getuid() == 0:  # PostgreSQL refuses root: the cluster is the postgres user's
                subprocess.run(["chown", "postgres:", str(folder)], check=True)
            folder.chmod(0o700)
            self._as_postgres("initdb", "--no-sync", "--auth-local=trust", "--username=postgres", "--encoding=UTF8",
                              "--locale=C.UTF-8", "-D", str(self.data))
        if self._as_postgres("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0:
            self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")  # left by a run killed
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(folder / "server.log"), "-w", "-t", "120", "-o",
                          f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c listen_addresses='' "
                          f"-p {port} -k {folder}", "start")
        self.url = f"postgresql://postgres@/postgres?host={folder}&port={port}"

    def _as_postgres(self, program: str, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *argv]
        if os.getuid() == 0:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex.quote(each) for each in command)]
        return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def store(self, size: int) -> Store:
        import psycopg

        name = f"records_scale_{size}"
        url = self.url.replace("/postgres?", f"/{name}?", 1)
        with psycopg.connect(self.url, autocommit=True) as connection:
            found = connection.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                       "WHERE datname = %s", (name,)).fetchone()
            built = json.loads(found[0]) if found and found[0] else {}
            if built.get("day") == today():
                return Store(url, built["seconds"])
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')

        def kept(seconds: float) -> None:
            with psycopg.connect(self.url, autocommit=True) as connection:
                mark = json.dumps({"day": today(), "seconds": seconds}).replace("'", "''")
                connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{mark}'")

        return Store(url, kept=kept)

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

if __name__ == "__main__":
    main()
