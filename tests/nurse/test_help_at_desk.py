"""A staffed kiosk's "Ask for help" on the nurse station's queue at once (issue 25, WCAG 3.2.6).

A real kiosk and a real station on one database (SQLite, and PostgreSQL when CHATBOT_TEST_POSTGRES is
set), each driven with Pilot: the kiosk in a thread of its own with its own event loop, as its own
process would be, so that nothing the station shows can come from the kiosk but through the store.
The station is never pressed to see the request: its watcher brings it.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

import pytest
from textual.widgets import DataTable

from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import KioskOptions
from chatbot.nurse.app import NurseApp
from chatbot.nurse.options import NurseOptions
from chatbot.nurse.signin import new_staff_pin
from chatbot.records.backends import migrate, open_reader
from chatbot.records.model import now
from chatbot.records.recorder import Recorder
from chatbot.records.staff import add_staff
from chatbot.replay.pilot import settled
from chatbot.widgets import words

from test_nurse_station import PIN, rows, sign_in, station, synchronous, until  # noqa: F401
from tests.helpers.kiosk import Clock, start, tap
from tests.helpers.pilot import quick

GOES_ON = ["7"]  # none of the danger signs: the questions go on
SLOW = dict(idle_timeout=600, idle_warning=60)


class Kiosk:
    """A staffed kiosk run by Pilot on a thread of its own: `do(step)` runs `step(app, pilot)` there and
    returns what it returns; `close()` ends it."""

    def __init__(self, database: str, flow, tmp_path, place: str = "kiosk:k3", language: str = "en",
                 **recorder) -> None:
        self.app = KioskApp(flow, kiosk=KioskOptions(staffed=True, **SLOW), clock=Clock(), language=language)
        self.app.recorder = Recorder(database, place=place, outbox_dir=tmp_path / "outbox", **recorder)
        self._steps: list = []
        self._wake = threading.Event()
        self._ready: Future = Future()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="kiosk", daemon=True)
        self._thread.start()
        self._ready.result(timeout=60)

    async def _main(self) -> None:
        async with quick(self.app.run_test(size=(80, 24))) as pilot:
            await pilot.pause()
            self._ready.set_result(None)
            while True:
                while not self._steps:
                    await pilot.pause(0.02)
                step, done = self._steps.pop(0)
                if step is None:
                    break
                try:
                    done.set_result(await step(self.app, pilot))
                except BaseException as error:  # the test's assertion, raised in the test's thread
                    done.set_exception(error)
        self.app.recorder.close(5)

    async def do(self, step):
        done: Future = Future()
        self._steps.append((step, done))
        return await asyncio.wrap_future(done)

    def close(self) -> None:
        self._steps.append((None, None))
        self._thread.join(timeout=30)


def said(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def ask_for_help(app, pilot, where: str = "question") -> list[str]:
    """Reach `where` ("welcome": before any answer; "question": after the first) and press Ask for help;
    what the kiosk says once its worker has heard back from the records."""
    if where == "question":
        await start(app, pilot, GOES_ON)
        await tap(app, pilot, "#help")
    else:
        await tap(app, pilot, "#welcome-help")
    await settled(app)
    await app.workers.wait_for_complete()
    await settled(app)
    return said(app)


def help_text(app: NurseApp) -> str:
    banner = app.queue_screen.query_one("#queue-help")
    return str(banner.render()) if banner.display else ""


def status_cell(app: NurseApp, session_id: str) -> str:
    return str(app.queue_screen.query_one(DataTable).get_cell(session_id, "status"))


def events_of(database: str, session_id: str) -> list[tuple[str, str]]:
    with open_reader(database) as reader:
        return [(event.kind, event.actor) for event in reader.get_session(session_id).events
                if event.kind.startswith("help_")]


@pytest.mark.parametrize("where", ["welcome", "question"])
@synchronous
async def test_ask_for_help_at_the_kiosk_is_on_the_station_at_once_and_goes_when_answered(
        where, station, database, flow, tmp_path):
    """The nurse sees "kiosk k3 asks for help" above the queue, and its row first, without a key; the bell
    rings once. The person is told the desk has it. Asked again after a while, the line says so and
    nothing rings again. `a` marks it answered: it goes, at once, with an event naming the nurse."""
    app = station()
    rings = []
    async with quick(app.run_test(size=(80, 24))) as pilot:
        app.bell = lambda: rings.append(1)  # Textual's bell: counted, not our code
        await sign_in(pilot)
        assert help_text(app) == ""
        kiosk = Kiosk(database, flow, tmp_path)
        try:
            told = await kiosk.do(lambda kiosk_app, kiosk_pilot: ask_for_help(kiosk_app, kiosk_pilot, where))
            assert told[-1] == words.HELP_SENT.get("en")
            session_id = kiosk.app.recorder.session_id
            await until(pilot, lambda: "kiosk k3 asks for help" in help_text(app))
            assert help_text(app) == "HELP: kiosk k3 asks for help, just now"
            assert rows(app)[0] == session_id and status_cell(app, session_id) == "asks help"
            assert "a help answered" in str(app.queue_screen.query_one("#queue-keys").render())
            assert len(rings) == 1

            async def again(kiosk_app, kiosk_pilot):
                kiosk_app.clock.advance(KioskApp.HELP_AGAIN_AFTER + 1)
                await kiosk_pilot.press("h")
                await kiosk_app.workers.wait_for_complete()
                await settled(kiosk_app)
                return said(kiosk_app)

            assert (await kiosk.do(again))[-1] == words.HELP_SENT.get("en")
            await until(pilot, lambda: "again" in help_text(app))
            assert help_text(app) == "HELP: kiosk k3 asks for help, first just now, again just now"
            assert len(rings) == 1  # one request, asked twice: the desk is not rung again

            app.queue_screen.query_one(DataTable).move_cursor(row=0)
            await pilot.press("a")
            await until(pilot, lambda: help_text(app) == "")
            assert str(app.queue_screen.query_one("#queue-note").render()) == \
                "Help at kiosk k3: marked answered by Rosa."
            assert status_cell(app, session_id) != "asks help"
            assert "a help answered" not in str(app.queue_screen.query_one("#queue-keys").render())
        finally:
            kiosk.close()
    assert events_of(database, session_id) == [("help_requested", "person"), ("help_requested", "person"),
                                               ("help_answered", "Rosa")]
    with open_reader(database) as reader:
        session = reader.get_session(session_id)
    assert (session.help_open, session.help_asks, session.help_answered_by) == (False, 0, "Rosa")
    assert session.place == "kiosk:k3"


@synchronous
async def test_a_request_made_while_the_database_was_away_shows_when_the_outbox_delivers_it(
        station, away_then_back, flow, tmp_path):
    """The kiosk cannot reach the records: it says the request will reach the desk when the connection comes
    back, and to go to the desk. When it is back, the outbox delivers the request, the station shows it
    without a key, and the kiosk says the desk has it."""
    url, back = away_then_back
    # the recorder's back-off clock stands still: it tries the database again only when told (`retry`)
    kiosk = Kiosk(url, flow, tmp_path, place="kiosk:k4", language="es", clock=lambda: 0.0)
    try:
        told = await kiosk.do(ask_for_help)
        assert told[-1] == words.HELP_AWAY.get("es")
        back()
        migrate(url)
        with open_reader(url) as reader:
            add_staff(reader, *new_staff_pin("Rosa", PIN), now())
        options = NurseOptions(database=url, language="es", save_dir=tmp_path / "saved", idle_lock=60.0,
                               lock_check_every=0.05, poll_every=0.05)
        app = NurseApp(options, flow)
        async with quick(app.run_test(size=(80, 24))) as pilot:
            await sign_in(pilot)
            assert help_text(app) == ""

            async def records_back(kiosk_app, kiosk_pilot):
                kiosk_app.recorder.retry()  # not waiting for its back-off
                for _ in range(500):
                    if said(kiosk_app) and said(kiosk_app)[-1] == words.HELP_SENT.get("es"):
                        break
                    await kiosk_pilot.pause(0.02)
                return said(kiosk_app)

            assert (await kiosk.do(records_back))[-1] == words.HELP_SENT.get("es")
            await until(pilot, lambda: "k4" in help_text(app))
            assert help_text(app).startswith("AYUDA: el quiosco k4 pide ayuda, ")
    finally:
        kiosk.close()
