"""The nurse station driven with Pilot on SQLite and a real PostgreSQL: what a nurse sees and does."""

from __future__ import annotations

import asyncio
import functools
import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from chatbot.nurse.app import NurseApp
from chatbot.nurse.options import NurseOptions
from chatbot.nurse.screens import FILTERS, AmendScreen, QueueScreen, SessionScreen, SignInScreen
from chatbot.nurse.signin import new_staff_pin
from chatbot.nurse.amending import rerun
from chatbot.records.backends import open_reader
from chatbot.records.model import now
from chatbot.records.review import amend
from chatbot.records.staff import add_staff

from nursetools import EMERGENCY, ROUTINE, URGENT, kiosk_session
from recordtools import as_nurse
from tests.helpers.pilot import quick

PIN = "482619"


def synchronous(test):
    """Run an async test body with asyncio.run (pytest here has no async plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run
HERE = Path(__file__).resolve().parent


class Clocks:
    """The station's two clocks, moved by the test."""

    def __init__(self):
        self.seconds = 0.0
        self.start = now()

    def monotonic(self) -> float:
        return self.seconds

    def wall(self):
        return self.start + timedelta(seconds=self.seconds)


@pytest.fixture
def station(database, flow, tmp_path):
    """A function making the station on `database` with Rosa and Luis on the staff, and its clocks."""
    with open_reader(database) as reader:
        for name in ("Rosa", "Luis"):
            add_staff(reader, *new_staff_pin(name, PIN), now())
    clocks = Clocks()

    def make(language: str = "en") -> NurseApp:
        options = NurseOptions(database=database, language=language, save_dir=tmp_path / "saved",
                               idle_lock=60.0, lock_check_every=0.05, poll_every=0.05)
        return NurseApp(options, flow, clock=clocks.monotonic, wallclock=clocks.wall)

    make.clocks = clocks
    return make


async def until(pilot, condition, within: float = 20.0) -> None:
    """Let the app run until `condition()` holds (a failure after `within` seconds), then settle, so that
    a click that follows finds its button where the screen now draws it, not where it stood before the
    change (a busy machine clicked a stale place and the second Save never came)."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"the station did not get there in time: {pilot.app.screen_stack} {[str(w.render()) for w in pilot.app.screen.query('#sign-in-message, #queue-note, #amend-preview')]}"
        await pilot.pause(0.02)
    await pilot.pause()


async def sign_in(pilot, name: str = "Rosa", pin: str = PIN) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, SignInScreen) and pilot.app.screen.query("#name"))
    screen = pilot.app.screen
    screen.query_one("#name").value = name
    screen.query_one("#pin").value = pin
    screen.say("")
    screen.query_one("#pin").focus()
    await pilot.press("enter")
    message = lambda: str(screen.query_one("#sign-in-message").render()).strip()  # noqa: E731
    await until(pilot, lambda: pilot.app.screen is not screen or message() not in ("", "Checking...", "Comprobando..."))


def rows(app: NurseApp) -> list[str]:
    table = app.queue_screen.query_one(DataTable)
    return [table.coordinate_to_cell_key((index, 0)).row_key.value for index in range(table.row_count)]


async def open_first(pilot, session_id: str) -> SessionScreen:
    app = pilot.app
    table = app.queue_screen.query_one(DataTable)
    table.move_cursor(row=rows(app).index(session_id))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SessionScreen)  # drawn, not only pushed
                and any(str(level.render()).strip() for level in app.screen.query("#session-level")))
    return app.screen


async def previewed(pilot, session_id: str, question: str, typed: str, reason: str):
    """Open the session, amend `question` to `typed` and preview; the preview's text, read when called."""
    await open_first(pilot, session_id)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, AmendScreen))
    form = pilot.app.screen
    form.choose(question, typed, reason)
    await pilot.click("#amend-preview-button")
    preview = lambda: str(form.query_one("#amend-preview").render())  # noqa: E731
    await until(pilot, lambda: "After" in preview())
    return preview


@synchronous
async def test_a_session_finished_at_another_process_appears_without_a_key(station, database):
    """The desk sees a kiosk's finished session by itself; the nurse's selection stays where it was."""
    app = station()
    first = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        assert rows(app) == [first]
        script = ("import sys; sys.path[:0] = sys.argv[2:]; from nursetools import kiosk_session, ROUTINE; "
                  "from chatbot.flowfile.loader import load_flow; kiosk_session(sys.argv[1], load_flow(None), ROUTINE)")
        subprocess.run([sys.executable, "-c", script, database, str(HERE), str(HERE.parent / "records")],
                       check=True, timeout=60)
        await until(pilot, lambda: len(rows(app)) == 2)
        table = app.queue_screen.query_one(DataTable)
        assert rows(app)[table.cursor_row] == first


@synchronous
async def test_an_emergency_rings_and_stays_highlighted_until_opened(station, database):
    """A new emergency rings the bell once and keeps its highlight until a nurse opens it."""
    app = station()
    rings = []
    async with quick(app.run_test(size=(80, 24))) as pilot:
        app.bell = lambda: rings.append(1)  # Textual's bell: counted, not our code
        await sign_in(pilot)
        routine = kiosk_session(database, app.flow, ROUTINE)
        emergency = kiosk_session(database, app.flow, EMERGENCY)
        await until(pilot, lambda: len(rows(app)) == 2)
        assert rows(app) == [emergency, routine]
        assert app.alerting == {emergency} and len(rings) == 1
        cell = app.queue_screen.query_one(DataTable).get_cell(emergency, "level")
        assert "on red" in str(cell.spans)
        app.refresh_queue()
        assert len(rings) == 1  # once, not at every update
        await open_first(pilot, emergency)
        assert app.alerting == set()
        assert "on red" not in str(app.queue_screen.query_one(DataTable).get_cell(emergency, "level").spans)


@synchronous
async def test_a_session_opens_level_first_and_is_marked_reviewed(station, database):
    """Open, read the level and reasons, press r: the review is signed by the nurse who did it."""
    app = station()
    session_id = kiosk_session(database, app.flow, EMERGENCY, language="es")
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        screen = await open_first(pilot, session_id)
        level = str(screen.query_one("#session-level").render())
        assert level.startswith("EMERGENCY")
        assert "Spanish" in str(screen.query_one("#session-about").render())
        await pilot.press("r")
        await until(pilot, lambda: "Marked reviewed" in str(screen.query_one("#session-note").render()))
    with open_reader(database) as reader:
        events = [(e.kind, e.actor) for e in reader.get_session(session_id).events]
    assert ("reviewed", "Rosa") in events


@synchronous
async def test_amending_an_answer_shows_the_new_level_before_saving(station, database):
    """The temperature taken at the desk makes a routine session an emergency; the old answer stays."""
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        preview = await previewed(pilot, session_id, "temperature", "38.6", "measured at the desk")
        assert "routine" in preview() and "EMERGENCY" in preview()
        await pilot.click("#amend-save")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert str(app.screen.query_one("#session-level").render()).startswith("EMERGENCY")
        transcript = " ".join(str(app.screen.query_one("#session-transcript").render()).split())
        assert transcript.count("[amended by Rosa") == 1 and "was: I have not measured it; why: measured at the desk]" \
            in transcript and "withdrawn" not in transcript  # the current answers, the change folded in
    with open_reader(database) as reader:
        session = reader.get_session(session_id)
    assert session.level == "emergency"
    assert [a.typed for a in session.answers if a.question_id == "temperature"] == ["not measured", "38.6"]
    assert [(e.actor, e.detail["reason"]) for e in session.events if e.kind == "amended"] == [
        ("Rosa", "measured at the desk")]


@synchronous
async def test_a_second_nurse_is_told_and_sees_the_newer_version(station, database):
    """Luis amends at another desk while Rosa has the session open: her review is refused, nothing lost."""
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        screen = await open_first(pilot, session_id)
        with open_reader(database) as reader:
            seen = reader.get_session(session_id)
            amend(as_nurse(reader, "Luis", PIN), seen, rerun(app.flow, seen, "temperature", "38.6").conversation, "temperature", "desk",
                  now())
        await pilot.press("r")
        await until(pilot, lambda: "Someone else changed" in str(screen.query_one("#session-note").render()))
        assert str(screen.query_one("#session-level").render()).startswith("EMERGENCY")
    with open_reader(database) as reader:
        kinds = [(e.kind, e.actor) for e in reader.get_session(session_id).events if e.actor != "person"]
    assert kinds == [("amended", "Luis")]


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL's waits are on its own clock: tests/records/test_roles.py
@synchronous
async def test_wrong_pins_are_slowed_and_the_wait_survives_a_restart(station):
    """After a wrong PIN even the right one waits; a new station (a restart) still waits."""
    app = station()
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot, pin="9999")
        assert "Try again in 1 s" in str(app.screen.query_one("#sign-in-message").render())
        await sign_in(pilot)
        assert "wait 1 s" in str(app.screen.query_one("#sign-in-message").render())
    again = station()
    async with quick(again.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        assert isinstance(again.screen, SignInScreen)
        station.clocks.seconds += 2
        await sign_in(pilot)
        assert isinstance(again.screen, QueueScreen) and again.staff == "Rosa"


@synchronous
async def test_the_station_locks_when_idle_and_shows_no_session_to_nobody(station, database):
    """Left alone with a session open, the station goes back to the queue behind the sign-in."""
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        await open_first(pilot, session_id)
        station.clocks.seconds += 30
        app.look_at_idle_clock()  # what its timer does: no wall-clock wait to see that nothing happens
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # half the idle period: still open
        station.clocks.seconds += 31
        app.look_at_idle_clock()
        await until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert [type(screen).__name__ for screen in app.screen_stack[1:]] == ["QueueScreen", "SignInScreen"]
        assert app.staff is None and app.session is None


@synchronous
async def test_spanish_station_quotes_the_patients_own_words(station, database, tmp_path):
    """A Spanish station reads an English patient's session in Spanish, their typed words as typed;
    the handover and page are saved owner-only."""
    app = station("es")
    session_id = kiosk_session(database, app.flow, EMERGENCY, language="en")
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        assert "Intro abrir" in str(app.queue_screen.query_one("#queue-keys").render())
        screen = await open_first(pilot, session_id)
        assert str(screen.query_one("#session-level").render()).startswith("EMERGENCIA")
        led = str(screen.query_one("#session-led").render())
        assert "sí" in led and '(escrito: "yes")' in led
        assert "inglés" in str(screen.query_one("#session-about").render())
        await pilot.press("h")
        await pilot.press("p")
    saved = sorted((tmp_path / "saved").iterdir(), key=lambda path: path.suffix)
    assert [path.suffix for path in saved] == [".html", ".txt"]
    assert all(stat.S_IMODE(os.stat(path).st_mode) == 0o600 for path in saved)
    handover = saved[1].read_text(encoding="utf-8")
    assert handover.index("S (situación)") < handover.index("B (antecedentes)") < handover.index("R (recomendación)")


@synchronous
async def test_a_session_stopped_at_a_kiosk_shows_where_it_stopped(station, database):
    """Someone who walked away mid-way is in the queue, with the last thing they answered first
    (opened after another session: the session screen shows only the one opened)."""
    app = station()
    finished = kiosk_session(database, app.flow, EMERGENCY)
    session_id = kiosk_session(database, app.flow, EMERGENCY, count=3)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        await open_first(pilot, finished)
        await pilot.press("r")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        assert "stopped" in str(app.queue_screen.query_one(DataTable).get_cell(session_id, "status"))
        screen = await open_first(pilot, session_id)
        assert str(screen.query_one("#session-level").render()).startswith("Not finished")
        reasons = str(screen.query_one("#session-reasons").render())
        assert reasons.startswith("Last answer before stopping") and "felt hot" in reasons
        assert str(screen.query_one("#session-note").render()).strip() == ""
        assert "reviewed" not in str(screen.query_one("#session-trail").render())


@synchronous
async def test_the_filters_keep_what_they_say(station, database):
    """`f` steps through the statuses and `t` keeps today's sessions: the rows shown are those."""
    app = station()
    waiting = kiosk_session(database, app.flow, ROUTINE)
    stopped = kiosk_session(database, app.flow, EMERGENCY, count=2)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        assert set(rows(app)) == {waiting, stopped}
        await pilot.press("f")  # waiting for review
        assert rows(app) == [waiting]
        for _ in range(4):  # in review, reviewed, in progress, stopped
            await pilot.press("f")
        assert rows(app) == [stopped]
        await pilot.press("f")  # abandoned (started over): none
        assert rows(app) == []
        await pilot.press("f", "t")  # all, today
        assert set(rows(app)) == {waiting, stopped}


@synchronous
async def test_an_amendment_saved_after_another_nurses_is_refused_and_nothing_is_lost(station, database):
    """Rosa previews; Luis saves first; Rosa's save is refused, she sees his version, and an answer
    changed after the preview is never saved unseen."""
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        preview = await previewed(pilot, session_id, "temperature", "38.6", "measured at the desk")
        form = app.screen
        form.query_one("#amend-answer").value = "38.2"  # another answer, as high: no follow-up to ask
        await pilot.click("#amend-save")
        await until(pilot, lambda: "Save again" in preview())  # shown first, never saved unseen
        form.query_one("#amend-answer").value = "38.6"
        await pilot.click("#amend-preview-button")
        await until(pilot, lambda: "After" in preview())
        with open_reader(database) as reader:
            seen = reader.get_session(session_id)
            amend(as_nurse(reader, "Luis", PIN), seen,
                  rerun(app.flow, seen, "temperature", "36.8", {"temperature_highest": "no"}).conversation,
                  "temperature", "phoned", now())
        await pilot.click("#amend-save")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert "Someone else changed" in str(app.screen.query_one("#session-note").render())
    with open_reader(database) as reader:
        session = reader.get_session(session_id)
    assert [(e.actor, e.detail["question_id"]) for e in session.events if e.kind == "amended"] == [
        ("Luis", "temperature")]


@synchronous
async def test_x_saves_the_open_session_as_a_fhir_bundle_for_the_record_system(station, database, tmp_path):
    """The key in the station (issue 15): the session as the checked transaction Bundle, owner-only."""
    import json

    app = station()
    session_id = kiosk_session(database, app.flow, EMERGENCY)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        screen = await open_first(pilot, session_id)
        await pilot.press("x")
        await until(pilot, lambda: "FHIR" in str(screen.query_one("#session-note").render()))
    saved, = (tmp_path / "saved").glob("*.fhir.json")
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    bundle = json.loads(saved.read_text(encoding="utf-8"))
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert bundle["type"] == "transaction" and kinds[:2] == ["QuestionnaireResponse", "Observation"]
    level = bundle["entry"][1]["resource"]["valueCodeableConcept"]["coding"][0]["code"]
    assert level == "emergency"


@synchronous
async def test_the_queue_says_who_each_kiosk_session_is_or_that_it_is_not_identified(station, database):
    """The desk matches people by what the kiosk asked; a skip is shown, not left blank."""
    app = station()
    skipped = kiosk_session(database, app.flow, ROUTINE)
    ticket = kiosk_session(database, app.flow, ROUTINE, identification={"kind": "ticket", "value": "A12"})
    named = kiosk_session(database, app.flow, EMERGENCY, identification={"kind": "name_dob", "name": "Ana",
                                                                         "born": "1980-02-03"})
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 3)
        table = app.queue_screen.query_one(DataTable)
        who = {session_id: str(table.get_cell(session_id, "who")) for session_id in (skipped, ticket, named)}
    assert who == {skipped: "not identified", ticket: "ticket A12", named: "Ana (1980-02-03)"}


@synchronous
async def test_a_long_queue_shows_its_head_first_and_the_rest_a_frame_later(station, database):
    """Hundreds of rows are laid out over several frames, `ROWS_AT_ONCE` new ones a frame: the first
    holds the head of the queue (the emergency first), and each row that comes later is noted as shown
    once it is in the table."""
    app = station()
    routine = [kiosk_session(database, app.flow, ROUTINE) for _ in range(3)]
    emergency = kiosk_session(database, app.flow, EMERGENCY)
    urgent = kiosk_session(database, app.flow, URGENT)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 5)
        everything = rows(app)
        assert everything[:2] == [emergency, urgent] and set(everything[2:]) == set(routine)
        screen = app.queue_screen
        screen.ROWS_AT_ONCE = 2
        app.row_shown.clear()
        for _ in FILTERS:  # every status in turn, and back to all: the rows are taken away and added again
            screen.action_status_filter()
            if screen.status_filter == "all":
                first_frame, still_to_come = rows(app), set(screen.pending)
                break
        assert first_frame == [emergency, urgent] and still_to_come == set(routine)
        await until(pilot, lambda: len(rows(app)) == 5 and set(app.row_shown) == set(routine))
        assert rows(app) == everything and not screen.pending
