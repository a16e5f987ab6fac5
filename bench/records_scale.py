"""The records at a clinic's scale: 1k, 10k, 100k and 1M sessions, on SQLite and on PostgreSQL.

Goals (issue 20): the station opens in at most 0.5 s; a kiosk's commit is on the station's
screen within 250 ms (p95) at every size on both backends; `chatbot records list` and
`chatbot records export --fhir` take time linear in the store, with memory that does not
grow with it.

    python3 bench/records_scale.py [--sizes 1000,10000,100000,1000000] [--backends sqlite,postgresql]
                                   [--postgres URL] [--trials 20] [--fhir-most 10000] [--keep DIR]

Each store is built in bulk (not through `simulate`): a clinic seeing 100 people a day, the
sessions spread over the days before today (100 of them today), each with its answers and
events as a kiosk writes them (copied from three conversations run on the engine: an
emergency, an urgent and a routine one), nearly all reviewed, one in 500 left unreviewed,
one in ten stopped or started over. The station is the real app under Pilot, headless at
80x24, signed in; its open is timed from its construction to the first frame with the queue.
A kiosk is another process (a `Recorder`) that prints when each session's last answer was
acknowledged and when the database had it (`time.monotonic()`, one clock for every process
on Linux); the station notes when the frame showing the row was drawn (`NurseApp.row_shown`).
`records list` and `export --fhir` run as commands, each in its own process, their peak memory
read by /usr/bin/time (a child forked straight from this process would inherit its high-water mark). Every store lives in a temporary folder (or a fresh database on
the PostgreSQL server: `--postgres URL` or CHATBOT_TEST_POSTGRES), removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
OPEN_GOAL = 0.5
ROW_GOAL = 0.250
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


def rows(count: int, today: datetime):
    """The rows of `count` sessions: (session, answers, events) each, oldest first, 100 a day up to today."""
    made = templates()
    days = max(1, -(-count // PER_DAY))
    for number in range(count):
        flow, answers, end = made[number % len(made)]
        day = today - timedelta(days=days - 1 - number // PER_DAY)
        started = day + timedelta(hours=8, seconds=(number % PER_DAY) * 300)
        finished = started + timedelta(minutes=4)
        id_ = uuid.uuid4().hex
        ended_by = ("finished", "finished", "finished", "finished", "finished", "finished", "finished", "finished",
                    "wiped", "restarted")[number % 10]
        status = "finished" if ended_by == "finished" else "abandoned"
        kept = answers if status == "finished" else answers[:2]
        reviewed = status == "finished" and day < today and number % 500 != 7
        session = {"id": id_, "flow_name": flow.name, "flow_version": flow.version, "flow_hash": "bulk",
                   "language": "es" if number % 4 == 0 else "en", "place": f"kiosk:lobby-{number % 3 + 1}",
                   "started_at": started, "finished_at": finished, "status": status,
                   "level": end.level if status == "finished" else None,
                   "outcome": end.outcome if status == "finished" else None,
                   "outcome_title": end.outcome_title if status == "finished" else None,
                   "reasons": list(end.reasons) if status == "finished" else [],
                   "because": list(end.because) if status == "finished" else [], "recorded_by": "bulk",
                   "version": 2 if reviewed else 1, "ended_by": ended_by,
                   "reviewed_by": "Rosa" if reviewed else None, "reviewed_at": finished + timedelta(minutes=9)
                   if reviewed else None}
        answer_rows = [{"session_id": id_, "seq": answer.seq, "question_id": answer.question_id,
                        "question_text": answer.question_text, "question_kind": answer.question_kind,
                        "typed": answer.typed, "shown": answer.shown, "value": answer.value,
                        "findings": answer.findings, "answered_at": started + timedelta(seconds=20 * answer.seq),
                        "given_by": "person"} for answer in kept]
        events = [(id_, 1, "created", "person", started, {"place": session["place"]})]
        events += [(id_, answer["seq"] + 1, "answered", "person", answer["answered_at"],
                    {"question": answer["question_id"], "answer": answer["seq"]}) for answer in answer_rows]
        events.append((id_, len(answer_rows) + 2, ended_by, "person", finished, {}))
        if reviewed:
            events.append((id_, None, "reviewed", "Rosa", session["reviewed_at"], {"version": 2}))
        yield session, answer_rows, events


SESSION_COLUMNS = ("id", "flow_name", "flow_version", "flow_hash", "language", "place", "started_at", "finished_at",
                   "status", "level", "outcome", "outcome_title", "reasons", "because", "recorded_by", "version",
                   "ended_by", "reviewed_by", "reviewed_at")
ANSWER_COLUMNS = ("session_id", "seq", "question_id", "question_text", "question_kind", "typed", "shown", "value",
                  "findings", "answered_at", "given_by")
EVENT_COLUMNS = ("session_id", "seq", "kind", "actor", "at", "detail", "recorded_by")
JSON = {"reasons", "because", "value", "findings", "detail"}


def build(url: str, count: int) -> float:
    """A migrated store at `url` with `count` sessions; the seconds it took."""
    from chatbot.records.backends import migrate
    from chatbot.records.model import iso
    from chatbot.records.url import parse_database_url

    began = time.monotonic()
    migrate(url)
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    target = parse_database_url(url)
    batches = _batches(rows(count, today), 10000)
    if target.backend == "sqlite":
        import sqlite3

        def value(column, item):
            if column in JSON:
                return json.dumps(item, ensure_ascii=False)
            return iso(item) if isinstance(item, datetime) else item

        connection = sqlite3.connect(target.target, isolation_level=None)
        connection.execute("PRAGMA synchronous=OFF")
        for batch in batches:
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO sessions ({', '.join(SESSION_COLUMNS)}) VALUES "
                                   f"({', '.join('?' * len(SESSION_COLUMNS))})",
                                   [[value(c, s[c]) for c in SESSION_COLUMNS] for s, _, _ in batch])
            connection.executemany(f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES "
                                   f"({', '.join('?' * len(ANSWER_COLUMNS))})",
                                   [[value(c, a[c]) for c in ANSWER_COLUMNS] for _, answers, _ in batch for a in answers])
            connection.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES "
                                   f"({', '.join('?' * len(EVENT_COLUMNS))})",
                                   [[*(value(c, v) for c, v in zip(EVENT_COLUMNS, e)), "bulk"]
                                    for _, _, events in batch for e in events])
            connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.close()
    else:
        import psycopg
        from psycopg.types.json import Jsonb

        with psycopg.connect(target.target, autocommit=True) as connection:
            connection.execute("ALTER TABLE sessions DISABLE TRIGGER sessions_notify")  # no NOTIFY per bulk row
            for batch in batches:
                with connection.transaction(), connection.cursor() as cursor:
                    for table, columns, items in (
                            ("sessions", SESSION_COLUMNS, [[s[c] for c in SESSION_COLUMNS] for s, _, _ in batch]),
                            ("answers", ANSWER_COLUMNS, [[a[c] for c in ANSWER_COLUMNS]
                                                         for _, answers, _ in batch for a in answers]),
                            ("events", EVENT_COLUMNS, [[*e, "bulk"] for _, _, events in batch for e in events])):
                        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                            for item in items:
                                copy.write_row([Jsonb(v) if c in JSON else v for c, v in zip(columns, item)])
            connection.execute("ALTER TABLE sessions ENABLE TRIGGER sessions_notify")
            connection.execute("ANALYZE")
    return time.monotonic() - began


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
        while not app.row_shown:
            await asyncio.sleep(0.002)
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
            while app.row_status.get(session_id) != "finished":  # the frame showing it finished
                await asyncio.sleep(0.002)
            committed.append(app.row_shown[session_id] - float(commit))
            answered.append(app.row_shown[session_id] - float(acknowledged))
    writer.stdin.close()
    writer.wait(timeout=60)
    return {"open": opened, "rows": shown_rows, "commit": committed, "answer": answered}


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
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def measure(name: str, url: str, size: int, trials: int, fhir_most: int, folder: str,
            commands_only: bool = False) -> dict:
    built = build(url, size)
    env = dict(os.environ)
    seen = asyncio.run(station(url, trials)) if not commands_only else \
        {"open": float("nan"), "rows": 0, "commit": [float("nan")] * 2, "answer": [float("nan")] * 2}
    listed = command(["records", "list", "--database", url], env)
    exported = command(["records", "export", "--database", url], env)
    fhir = command(["records", "export", "--fhir", "--database", url], env) if size <= fhir_most else None
    result = {"backend": name, "size": size, "built": built, "open": seen["open"], "rows": seen["rows"],
              "commit_p95": p95(seen["commit"]), "commit_median": statistics.median(seen["commit"]),
              "answer_p95": p95(seen["answer"]), "list": listed, "export": exported, "fhir": fhir}
    report(result)
    return result


def report(r: dict) -> None:
    ms = lambda value: f"{value * 1000:.0f} ms"  # noqa: E731
    per = lambda took: f"{took[0]:.1f} s ({took[0] / r['size'] * 1e6:.0f} µs a session), peak {took[1]:.0f} MiB"  # noqa
    met_open = r["open"] <= OPEN_GOAL
    met_row = r["commit_p95"] <= ROW_GOAL
    print(f"{r['backend']} {r['size']:>9,}: built in {r['built']:.0f} s | station open {ms(r['open'])} "
          f"({r['rows']} rows; goal <= 500 ms: {'met' if met_open else 'NOT met'}) | kiosk commit -> row median "
          f"{ms(r['commit_median'])}, p95 {ms(r['commit_p95'])} (goal <= 250 ms: {'met' if met_row else 'NOT met'}); "
          f"answer -> row p95 {ms(r['answer_p95'])}", flush=True)
    print(f"    records list: {per(r['list'])} | records export: {per(r['export'])} | export --fhir: "
          + (per(r["fhir"]) if r["fhir"] else "not run at this size (--fhir-most)"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="sessions in each store (comma-separated)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("CHATBOT_TEST_POSTGRES"), metavar="URL")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--fhir-most", type=int, default=10000, help="export --fhir only up to this size "
                        "(it validates every Bundle: about 30 ms a session here)")
    parser.add_argument("--commands-only", action="store_true", help="only `records list` and the exports")
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
    for backend in args.backends.split(","):
        for size in (int(each) for each in args.sizes.split(",")):
            with tempfile.TemporaryDirectory(prefix="bench-records-scale-") as folder:
                if backend == "sqlite":
                    results.append(measure("SQLite", f"sqlite://{folder}/records.sqlite3", size, args.trials,
                                           args.fhir_most, folder, args.commands_only))
                elif args.postgres:
                    from records import FreshPostgres

                    fresh = FreshPostgres(args.postgres, migrate_it=False)
                    try:
                        results.append(measure("PostgreSQL", fresh.url, size, args.trials, args.fhir_most, folder,
                                               args.commands_only))
                    finally:
                        fresh.drop()
                else:
                    print("PostgreSQL: not measured (give --postgres URL or set CHATBOT_TEST_POSTGRES)")
                    break
    met = all(r["open"] <= OPEN_GOAL and r["commit_p95"] <= ROW_GOAL for r in results)
    print(f"all goals: {'met' if met else 'NOT met'} (figures on a shared, loaded machine)")


if __name__ == "__main__":
    main()
