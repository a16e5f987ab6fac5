"""How long recording one answer takes, and whether many kiosks writing at once lose anything.

Goals (issue 12): the p95 time to record one answer (`Recorder.answered`: kept, committed to
disk, before the next question is drawn) is at most 5 ms on SQLite with `synchronous=FULL`
and on a local PostgreSQL; 20 kiosk processes writing at once for 30 s lose nothing and never
see "database is locked". Since issue 20 an answer is kept in the kiosk's local outbox (an
SQLite file, `synchronous=FULL`) and written to the database by the recorder's own thread:
both are timed, the first on the screen's time, the second from the answer to its commit in
the database (`Recorder.wait`).

    python3 bench/records.py [--answers 2000] [--postgres URL] [--processes 20] [--seconds 30]

The PostgreSQL URL comes from `--postgres` or CHATBOT_TEST_POSTGRES (`source .ci/postgres`
starts a throwaway server); a fresh database is made on it for the run when the user may,
and dropped after. Without one, only SQLite is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FINDINGS = ({"known_low_white_count": False, "bleeding_now": True, "new_bruising": True, "fatigue": True}, {},
            {"fever_feeling": True, "temperature": "37.2"})
GOAL_MS = 5.0


def conversations(flow):
    """Endless conversations of simulated patients, each yielding after every answer."""
    from chatbot.engine import Conversation
    from chatbot.replay.patients import typed_answer

    number = 0
    while True:
        findings = FINDINGS[number % len(FINDINGS)]
        conversation = Conversation(flow)
        conversation.start()
        yield "begin", conversation
        while not conversation.finished:
            conversation.answer(typed_answer(conversation.current.question, findings, flow))
            yield "answered", conversation
        number += 1


def latency(url: str, answers: int) -> tuple[list[float], list[float]]:
    """Milliseconds for each `Recorder.answered` call (kept in the outbox), and from each answer to its
    commit in the database, over `answers` answers."""
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.recorder import Recorder

    flow = load_flow(None)
    recorder = Recorder(url, place="bench")
    recorder.open()
    kept, committed = [], []
    for kind, conversation in conversations(flow):
        if kind == "begin":
            recorder.begin(conversation)
            continue
        begin = time.perf_counter()
        recorder.answered(conversation)
        kept.append((time.perf_counter() - begin) * 1000)
        if not recorder.wait(10):
            raise SystemExit(f"recording failed: {recorder.problem}")
        committed.append((time.perf_counter() - begin) * 1000)
        if len(kept) >= answers:
            break
    recorder.close()
    return kept, committed


def worker(url: str, seconds: float, start_at: float) -> None:
    """One kiosk: record answers as fast as it can for `seconds`; report what was acknowledged."""
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.recorder import Recorder

    flow = load_flow(None)
    recorder = Recorder(url, place=f"kiosk:bench-{os.getpid()}")  # its outbox: in the run's CHATBOT_DATA_DIR
    acknowledged: dict[str, int] = {}
    locked = problems = 0
    time.sleep(max(0.0, start_at - time.time()))  # every kiosk starts together
    end = time.monotonic() + seconds
    for kind, conversation in conversations(flow):
        if kind == "begin":
            if time.monotonic() >= end:
                break
            recorder.begin(conversation)
            continue
        recorder.answered(conversation)  # kept (the outbox) when it returns: acknowledged on the screen
        if recorder.problem:
            problems += 1
            locked += "database is locked" in recorder.problem
        acknowledged[recorder.session_id] = len(conversation.transcript)
    saved = recorder.close(wait=None)
    print(json.dumps({"acknowledged": acknowledged, "locked": locked, "problems": problems,
                      "saved_to_file": str(saved) if saved else None}))


def concurrent(url: str, processes: int, seconds: float) -> dict:
    start_at = time.time() + 3.0
    children = [subprocess.Popen([sys.executable, __file__, "--worker", url, "--seconds", str(seconds),
                                  "--start-at", str(start_at)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
                for _ in range(processes)]
    reports = []
    for child in children:
        out, _ = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"a kiosk process failed (status {child.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    from chatbot.records.backends import open_reader

    acknowledged = {sid: count for report in reports for sid, count in report["acknowledged"].items()}
    with open_reader(url) as reader:
        stored = {session.id: len(session.answers) for session in reader.iter_sessions(whole=True)}
    lost = sum(max(0, count - stored.get(sid, 0)) for sid, count in acknowledged.items())
    return {"answers": sum(acknowledged.values()), "sessions": len(acknowledged), "lost": lost,
            "locked": sum(r["locked"] for r in reports), "problems": sum(r["problems"] for r in reports),
            "saved_to_file": sum(1 for r in reports if r["saved_to_file"])}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report_latency(name: str, times: tuple[list[float], list[float]]) -> bool:
    kept, committed = times
    p95 = percentile(kept, 0.95)
    met = p95 <= GOAL_MS
    print(f"{name}: record one answer (kept, on the screen's time) over {len(kept)} answers: median "
          f"{statistics.median(kept):.2f} ms, p95 {p95:.2f} ms, p99 {percentile(kept, 0.99):.2f} ms, max "
          f"{max(kept):.2f} ms  (goal p95 <= {GOAL_MS:.0f} ms: {'met' if met else 'NOT met'}); answer -> "
          f"committed in the database: median {statistics.median(committed):.2f} ms, p95 "
          f"{percentile(committed, 0.95):.2f} ms")
    return met


def report_concurrent(name: str, processes: int, seconds: float, result: dict) -> bool:
    met = result["lost"] == 0 and result["locked"] == 0
    print(f"{name}: {processes} kiosk processes for {seconds:.0f} s: {result['answers']:,} answers acknowledged "
          f"in {result['sessions']:,} sessions ({result['answers'] / seconds:,.0f} a second), lost "
          f"{result['lost']}, 'database is locked' {result['locked']}, other problems {result['problems']}, "
          f"saved to a file at exit {result['saved_to_file']}  (goal: none lost, none locked: "
          f"{'met' if met else 'NOT met'})")
    return met


class FreshPostgres:
    """A new database on the server for the run (dropped after), or the URL's own when that is refused."""

    def __init__(self, url: str, migrate_it: bool = True):
        import psycopg

        self.url, self.name, self.admin = url, None, url
        try:
            with psycopg.connect(url, autocommit=True) as connection:
                name = f"chatbot_bench_{uuid.uuid4().hex[:10]}"
                connection.execute(f'CREATE DATABASE "{name}"')
            self.name = name
            self.url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        except psycopg.Error:
            pass
        if migrate_it:
            from chatbot.records.backends import migrate

            migrate(self.url)

    def drop(self) -> None:
        if self.name:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000, help="answers timed on each backend")
    parser.add_argument("--postgres", default=os.environ.get("CHATBOT_TEST_POSTGRES"), metavar="URL")
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-concurrent", action="store_true")
    parser.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.seconds, args.start_at)
    with tempfile.TemporaryDirectory(prefix="bench-records-folders-") as folders:
        private_folders(folders)  # the outboxes, logs and settings of this run, never the user's
        run(args)


def private_folders(folders: str) -> None:
    """Point every folder a chatbot writes to (its data, with the kiosk's outbox; its log; its settings)
    at `folders`, for this process and those it starts."""
    for name in ("CHATBOT_DATA_DIR", "CHATBOT_LOG_DIR", "CHATBOT_CONFIG_DIR", "XDG_CACHE_HOME"):
        os.environ[name] = os.path.join(folders, name.lower())


def run(args) -> None:
    met = []
    with tempfile.TemporaryDirectory(prefix="bench-records-") as folder:
        sqlite = f"sqlite://{folder}/latency.sqlite3"
        met.append(report_latency("SQLite (WAL, synchronous=FULL)", latency(sqlite, args.answers)))
        if not args.skip_concurrent:
            shared = f"sqlite://{folder}/kiosks.sqlite3"
            from chatbot.records.backends import migrate

            migrate(shared)
            met.append(report_concurrent("SQLite", args.processes, args.seconds,
                                         concurrent(shared, args.processes, args.seconds)))
    if args.postgres:
        for purpose in ("latency", "concurrent"):
            if purpose == "concurrent" and args.skip_concurrent:
                continue
            fresh = FreshPostgres(args.postgres)
            try:
                if purpose == "latency":
                    met.append(report_latency("PostgreSQL", latency(fresh.url, args.answers)))
                else:
                    met.append(report_concurrent("PostgreSQL", args.processes, args.seconds,
                                                 concurrent(fresh.url, args.processes, args.seconds)))
            finally:
                fresh.drop()
    else:
        print("PostgreSQL: not measured (give --postgres URL or set CHATBOT_TEST_POSTGRES)")
    print(f"all goals: {'met' if all(met) else 'NOT met'}")


if __name__ == "__main__":
    main()
