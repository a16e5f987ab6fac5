"""A kiosk login floods the station's channel with NOTIFYs: do the station's keys stay answered? (issue 21 item 4)

PostgreSQL has no privilege for LISTEN or NOTIFY: any login may send `chatbot_sessions`
notifications. A hostile kiosk sends 20,000 in one statement (about 0.02 s of its time);
the station (the real app, headless at 80x24 under Pilot, signed in, on a store of
`--sessions` sessions) must stay answering its keys, and show a session a kiosk finishes
right after. Measured: the slowest and the median of the keys pressed in the 5 s after the
flood (each `f`, the queue's filter, from the press to the frame after it), against the same
before the flood, and the time from the real session's commit to the frame that shows it.

    source .ci/postgres && python3 bench/notify_flood.py [--notifies 20000] [--sessions 200]

It runs an older checkout's code too (PYTHONPATH=that checkout) for the "before" figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def database(admin: str) -> tuple[str, str, callable]:
    """A fresh migrated database, a kiosk login on it, and a function that drops both."""
    import psycopg

    from chatbot.records.backends import migrate

    name, login = f"flood_{uuid.uuid4().hex[:8]}", f"flood_kiosk_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    migrate(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE chatbot_kiosk')
    parts = urlsplit(url)
    kiosk = urlunsplit(parts._replace(netloc=f"{login}@{parts.netloc.rsplit('@', 1)[-1]}"))

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'DROP ROLE IF EXISTS "{login}"')
    return url, kiosk, drop


def finished_session(url: str, findings: dict) -> str:
    from chatbot.engine import Conversation
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.recorder import Recorder
    from chatbot.replay.patients import typed_answer

    flow = load_flow(None)
    recorder = Recorder(url, place="kiosk:flood")
    conversation = Conversation(flow, "en")
    conversation.start()
    session_id = recorder.begin(conversation)
    while not conversation.finished:
        conversation.answer(typed_answer(conversation.current.question, findings, flow))
        recorder.answered(conversation)
    recorder.wait()
    recorder.close(wait=None)
    return session_id


async def keys(app, pilot, seconds: float) -> list[float]:
    """Each `f` pressed for `seconds`: from the press to the frame after it."""
    took, until = [], time.monotonic() + seconds
    while time.monotonic() < until:
        start = time.monotonic()
        await pilot.press("f")
        await pilot.pause()
        took.append(time.monotonic() - start)
    return took


async def measure(url: str, kiosk: str, notifies: int) -> dict:
    import psycopg

    from chatbot.flowfile.loader import load_flow
    from chatbot.nurse.app import NurseApp
    from chatbot.nurse.options import NurseOptions

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    app = NurseApp(NurseOptions(database=url), load_flow(None))
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.row_shown:
            await asyncio.sleep(0.01)
        try:
            from chatbot.records.staff import try_pin  # noqa: F401  (this code signs in through the store)
            from nurse import signed_in

            await signed_in(app)
        except ImportError:  # an older checkout: the station's name was enough
            app.staff = "bench"
            app.pop_screen()
        await pilot.pause()
        calm = await keys(app, pilot, 3.0)
        with psycopg.connect(kiosk, autocommit=True) as connection:
            start = time.monotonic()
            connection.execute("SELECT pg_notify('chatbot_sessions', g::text) FROM generate_series(1, %s) g",
                               (notifies,))
            sent = time.monotonic() - start
        recorded: list = []
        thread = threading.Thread(target=lambda: recorded.append(
            (finished_session(kiosk, {"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6}),
             time.monotonic())))
        thread.start()
        flooded = await keys(app, pilot, 5.0)
        thread.join()
        session_id, committed = recorded[0]
        deadline = time.monotonic() + 120
        while app.row_status.get(session_id) != "finished" and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        shown = app.row_shown.get(session_id, float("nan")) - committed
    return {"sent": sent, "calm": calm, "flooded": flooded, "shown": shown}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifies", type=int, default=20000)
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()
    url, kiosk, drop = database(args.postgres or os.environ["CHATBOT_TEST_POSTGRES"])
    try:
        for number in range(20):
            finished_session(kiosk, {"known_low_white_count": True} if number % 2 else {})
        found = asyncio.run(measure(url, kiosk, args.notifies))
    finally:
        drop()
    ms = lambda values: f"median {statistics.median(values) * 1000:.0f} ms, slowest {max(values) * 1000:.0f} ms"  # noqa: E731
    print(f"{args.notifies} NOTIFYs sent by a kiosk login in {found['sent'] * 1000:.0f} ms")
    print(f"a key before the flood ({len(found['calm'])} keys): {ms(found['calm'])}")
    print(f"a key in the 5 s after it ({len(found['flooded'])} keys): {ms(found['flooded'])}")
    print(f"a session finished right after the flood, commit to the station's frame: {found['shown'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
