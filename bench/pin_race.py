"""How many wrong PINs 16 stations signing in at once get checked in a minute (issue 21 item 3).

A guesser runs 16 sign-ins in parallel (threads, each a station with a connection of its
own), each trying wrong PINs for one name as fast as the store lets it, for `--seconds`. A
guess counts when the PIN was actually checked (`tried`), not when the store said "wait".
The back-off allows one guess per wait (1, 2, 4 ... s), so about 6 in a minute; before the
check and the count were one statement, parallel sign-ins each read the count, checked, and
wrote it, and got many more. After 10 wrong PINs the name is locked (none more at all).

    source .ci/postgres && python3 bench/pin_race.py [--seconds 60] [--postgres URL | --sqlite]

The same script runs an older checkout's code (PYTHONPATH=that checkout) for the "before"
figure: it calls only `chatbot.nurse.signin.sign_in` and `chatbot.records.staff.add_staff`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatbot.nurse.signin import new_staff_pin, sign_in  # noqa: E402
from chatbot.records.backends import migrate, open_reader  # noqa: E402
from chatbot.records.model import now  # noqa: E402
from chatbot.records.staff import add_staff  # noqa: E402


def database(args) -> tuple[str, callable]:
    """A fresh database and a function that drops it."""
    if args.sqlite:
        folder = tempfile.mkdtemp(prefix="pin-race-")
        return f"sqlite://{folder}/records.sqlite3", lambda: None
    import psycopg

    admin = args.postgres or os.environ["CHATBOT_TEST_POSTGRES"]
    name = f"pin_race_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return urlunsplit(urlsplit(admin)._replace(path=f"/{name}")), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--stations", type=int, default=16)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    url, drop = database(args)
    try:
        migrate(url)
        staff = new_staff_pin("Rosa", "731904")
        with open_reader(url) as reader:
            if isinstance(staff, tuple):
                add_staff(reader, *staff, now())
            else:  # the older code: one StaffPin
                add_staff(reader, staff, now())
        tried, asked, start = [], [0], threading.Barrier(args.stations)
        deadline = [0.0]

        def station(number: int) -> None:
            with open_reader(url) as reader:
                start.wait()
                deadline[0] = deadline[0] or time.monotonic() + args.seconds
                guess = 100000 + number * 1000
                while time.monotonic() < deadline[0]:
                    guess += 1
                    verdict = sign_in(reader, "Rosa", str(guess), now())
                    asked[0] += 1
                    if verdict.tried:
                        tried.append(time.monotonic())
                    else:
                        time.sleep(0.05)

        threads = [threading.Thread(target=station, args=(n,)) for n in range(args.stations)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        per_minute = len(tried) * 60.0 / args.seconds
        print(f"{args.stations} stations, {args.seconds:.0f} s, {'SQLite' if args.sqlite else 'PostgreSQL'}: "
              f"{len(tried)} PINs checked ({per_minute:.1f} a minute) of {asked[0]} sign-ins")
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
