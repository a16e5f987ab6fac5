"""Never out of reach: a station whose database goes away says so calmly, and shows what it missed on its own.

A real PostgreSQL server of the test's own is stopped (`pg_ctl stop`) and started again; an
SQLite file is locked by another program, or replaced by a copy. Meanwhile a kiosk (a real
`Recorder`, as every kiosk keeps its conversations) records an emergency, and another right
after the database is back. The station is the real app under Pilot, signed in, and nobody
presses a key: it must show both within 2 s of the database's return.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time

from textual.widgets import DataTable

from chatbot.engine import Conversation
from chatbot.nurse.app import NurseApp
from chatbot.nurse.options import NurseOptions
from chatbot.nurse.words import say
from chatbot.records.backends import migrate
from chatbot.records.recorder import Recorder
from chatbot.records.url import parse_database_url

from nursetools import EMERGENCY
from recordtools import answer_as, as_nurse
from tests.helpers.pilot import quick
from test_nurse_station import synchronous

BACK_WITHIN = 2.0  # seconds from the database's return to both emergencies on the station's screen


def emergency(recorder: Recorder, flow) -> str:
    """A kiosk's person answers to an emergency; the session's id."""
    conversation = Conversation(flow)
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, EMERGENCY, None, recorder)
    recorder.wiped()  # Done: the kiosk is ready for the next person
    return session_id


def rows(app: NurseApp) -> set[str]:
    table = app.queue_screen.query_one(DataTable)
    return {key.value for key in table.rows}


def note(app: NurseApp) -> str:
    return str(app.queue_screen.query_one("#queue-note").render())


async def until(pilot, condition, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the station did not get there in time"
        await pilot.pause(0.02)


def station(url: str, flow) -> NurseApp:
    return NurseApp(NurseOptions(database=url, language="en", idle_lock=3600.0), flow)


async def signed_in(app: NurseApp, pilot) -> None:
    await app.call(as_nurse, app.reader, "Rosa")  # signed in (the PIN screen is the sign-in tests' business)
    app.staff = "Rosa"
    app.pop_screen()
    await until(pilot, lambda: app.refreshed >= 1)


async def outage(app, pilot, flow, url, away, back, lost: bool = True) -> tuple[float, str, str]:
    """The database goes away (`away()`); a kiosk records an emergency; it comes back (`back()`), and the
    kiosk records another at once. The seconds from its return until the station showed both. `lost`:
    the station loses the database too (not so for a file only locked against writers)."""
    kiosk = Recorder(url, place="kiosk:lobby")
    assert kiosk.open()
    try:
        await asyncio.to_thread(away)
        if lost:
            await until(pilot, lambda: app.records_lost is not None)
            assert note(app) == say("records_lost", "en")
        during = emergency(kiosk, flow)
        assert kiosk.unwritten > 0  # kept in the kiosk's outbox meanwhile
        await asyncio.to_thread(back)
        returned = time.monotonic()
        after = emergency(kiosk, flow)
        await until(pilot, lambda: all(app.row_status.get(id_) == "finished" for id_ in (during, after)))
        shown = max(app.row_shown[during], app.row_shown[after]) - returned
        assert app.alerting >= {during, after}  # both rang, both highlighted
        assert kiosk.wait() and kiosk.unwritten == 0
        return shown, during, after
    finally:
        kiosk.close()


@synchronous
async def test_a_station_on_postgresql_shows_what_was_recorded_while_the_server_was_down(cluster, flow):
    """`pg_ctl stop`, an emergency, `pg_ctl start`, another: both appear on their own, within 2 s."""
    url = cluster.database()
    migrate(url)
    app = station(url, flow)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await signed_in(app, pilot)
        shown, during, after = await outage(app, pilot, flow, url, cluster.stop, cluster.start)
        assert shown <= BACK_WITHIN, f"shown {shown:.2f} s after the server was back"
        await until(pilot, lambda: app.records_lost is None)
        assert "Connected to the records again" in note(app) or "EMERGENCY" in note(app)


def _lock(path: str) -> sqlite3.Connection:
    """Another program holds the file's write lock (a transaction left open: `sqlite3` at a prompt, a
    backup tool) until it lets go; readers go on (WAL), writers wait."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@synchronous
async def test_a_station_on_sqlite_shows_what_was_recorded_while_the_file_was_locked(tmp_path, flow):
    """The kiosk's emergency waits in its outbox while the file is locked (its screen does not); the
    station shows it and the next one within 2 s of the lock's end."""
    url = f"sqlite://{tmp_path / 'records.sqlite3'}"
    migrate(url)
    holder: list[sqlite3.Connection] = []
    app = station(url, flow)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await signed_in(app, pilot)
        shown, _, _ = await outage(app, pilot, flow, url, lambda: holder.append(_lock(str(tmp_path / "records.sqlite3"))),
                                   lambda: holder.pop().close(), lost=False)
        assert shown <= BACK_WITHIN, f"shown {shown:.2f} s after the file was unlocked"


@synchronous
async def test_a_station_on_sqlite_follows_its_file_when_it_is_replaced(tmp_path, flow):
    """The file is restored from a copy (renamed over the old one): the station and the kiosk both find the
    new file, and the emergency recorded after it is shown within 2 s."""
    path = tmp_path / "records.sqlite3"
    url = f"sqlite://{path}"
    migrate(url)
    app = station(url, flow)
    kiosk = Recorder(url, place="kiosk:lobby")
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await signed_in(app, pilot)
        before = emergency(kiosk, flow)
        await until(pilot, lambda: before in rows(app))
        assert kiosk.wait()
        copy = tmp_path / "restored.sqlite3"
        with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        os.replace(copy, path)
        replaced = time.monotonic()
        after = emergency(kiosk, flow)
        await until(pilot, lambda: app.row_status.get(after) == "finished")
        shown = app.row_shown[after] - replaced
        assert before in rows(app) and shown <= BACK_WITHIN, f"shown {shown:.2f} s after the file was replaced"
    assert kiosk.close() is None
    with sqlite3.connect(path) as connection:  # the kiosk wrote to the new file, not to the one replaced
        assert connection.execute("SELECT count(*) FROM sessions WHERE id = ?", (after,)).fetchone() == (1,)
    assert parse_database_url(url).target == str(path)


@synchronous
async def test_a_hung_server_never_freezes_the_station(cluster, flow):
    """Every server process of the station's connections stopped with SIGSTOP while a nurse opens a
    session: the screen still answers every key, says calmly that the records are slow, and opens the
    session once the server goes on."""
    import signal

    from chatbot.nurse.screens import QueueScreen, SessionScreen

    url = cluster.database()
    migrate(url)
    kiosk = Recorder(url, place="kiosk:lobby")
    session_id = emergency(kiosk, flow)
    assert kiosk.close() is None
    app = station(url, flow)
    stopped: list[int] = []
    try:
        async with quick(app.run_test(size=(80, 24))) as pilot:
            await signed_in(app, pilot)
            await until(pilot, lambda: session_id in rows(app))
            stopped.extend(cluster.backends(url))
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            app.queue_screen.post_message(QueueScreen.Open(session_id))
            await until(pilot, lambda: note(app) == say("records_slow", "en"))
            head = str(app.queue_screen.query_one("#queue-head").render())
            await pilot.press("f")  # the keys still work: the filter moves on at once
            assert str(app.queue_screen.query_one("#queue-head").render()) != head
            assert isinstance(app.screen, QueueScreen)
            for pid in stopped:
                os.kill(pid, signal.SIGCONT)
            await until(pilot, lambda: isinstance(app.screen, SessionScreen))
            await until(pilot, lambda: "EMERGENCY" in str(app.screen.query_one("#session-level").render()))
    finally:
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass


@synchronous
async def test_the_station_reads_only_the_rows_that_changed_and_older_ones_a_page_at_a_time(database, flow):
    """Opened on a store with many sessions, the station reads its day and the unreviewed once; a kiosk's
    new session is read alone (never the queue again); `m` brings older sessions a page at a time."""
    from datetime import timedelta

    from chatbot.records.backends import open_reader
    from chatbot.records.model import now
    from chatbot.records.review import review

    clock = {"at": now() - timedelta(days=30)}
    recorder = Recorder(database, place="kiosk:k1", background=False, wallclock=lambda: clock["at"])
    old = []
    for _ in range(7):
        conversation = Conversation(flow)
        conversation.start()
        old.append(recorder.begin(conversation))
        conversation.answer("1")
        recorder.answered(conversation)
        clock["at"] += timedelta(days=1)
    assert recorder.close() is None
    with open_reader(database) as reader:
        for session_id in old[1:]:
            review(as_nurse(reader, "Rosa"), reader.get_session(session_id), now())  # old[0] waits for a review still
    app = station(database, flow)
    app.older_page = 4
    if True:
        async with quick(app.run_test(size=(80, 24))) as pilot:
            await signed_in(app, pilot)
            assert rows(app) == {old[0]} and (app.full_reads, app.rows_read) == (1, 1)
            kiosk = Recorder(database, place="kiosk:lobby")
            new = emergency(kiosk, flow)
            assert kiosk.close() is None
            await until(pilot, lambda: new in app.row_shown)
            assert app.full_reads == 1 and app.rows_read <= 1 + 3  # the new row, as often as it changed
            await pilot.press("m")
            await until(pilot, lambda: len(rows(app)) == 2 + 4)
            assert rows(app) == {old[0], new, *old[3:]}  # the four before today, newest first
            await pilot.press("m")
            await until(pilot, lambda: len(rows(app)) == 2 + 6)  # the last two (old[0] was shown already)
            assert note(app) == say("older", "en", count=6)
