"""The desk as a nurse uses it (issue 22, items 1 to 5): which patient a key opens, the queue's order
and columns, an amendment that keeps the nurse's work, a session view that agrees with itself, and
the sign-in's countdown. The real station on a real SQLite store, driven with Pilot; what it does
not depend on (the backend) is covered on PostgreSQL by test_nurse_station.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from chatbot.engine import Conversation
from chatbot.nurse.screens import AmendScreen, QueueScreen, SessionScreen, SignInScreen
from chatbot.records.backends import migrate, open_reader
from chatbot.records.recorder import Recorder
from chatbot.records.review import review
from chatbot.records.model import now

from nursetools import EMERGENCY, ROUTINE, URGENT, kiosk_session
from recordtools import answer_as, as_nurse
from test_nurse_station import PIN, open_first, rows, sign_in, station, synchronous, until  # noqa: F401
from tests.helpers.pilot import key_event, quick
from tests.helpers.screen import screen_text

CHEST_PAIN = {"chest_pain": True}  # the first question's answer ends the dialogue at an emergency


@pytest.fixture
def database(tmp_path) -> str:
    """A new SQLite store with the current schema (the station's screens do not depend on the backend)."""
    url = f"sqlite://{tmp_path / 'records' / 'records.sqlite3'}"
    migrate(url)
    return url


def text(widget) -> str:
    return str(widget.render())


def level_cell(app, session_id: str) -> str:
    return str(app.queue_screen.query_one(DataTable).get_cell(session_id, "level"))


def interleaved(database: str, flow, first: dict, second: dict) -> tuple[str, str]:
    """Two kiosk sessions: the first begun first but finished after the second (it waited less)."""
    recorders = [Recorder(database, place=f"kiosk:k{number}") for number in (1, 2)]
    conversations = [Conversation(flow, "en") for _ in recorders]
    ids = []
    for recorder, conversation in zip(recorders, conversations):
        conversation.start()
        ids.append(recorder.begin(conversation))
    for index in (1, 0):
        answer_as(conversations[index], (first, second)[index], None, recorders[index])
    for recorder in recorders:
        assert recorder.close() is None
    return ids[0], ids[1]


# -- 1. which patient Enter and e open ------------------------------------------------------------

@synchronous
async def test_e_opens_the_newest_unopened_emergency_wherever_the_cursor_is(station, database):
    """The key line names `e` while an emergency waits unopened; `e` opens the newest, then the next."""
    app = station()
    older = kiosk_session(database, app.flow, EMERGENCY)
    newer = kiosk_session(database, app.flow, CHEST_PAIN)
    routine = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        table = app.queue_screen.query_one(DataTable)
        table.move_cursor(row=rows(app).index(routine))
        await pilot.pause()
        assert text(app.queue_screen.query_one("#queue-keys")).startswith("e new EMERGENCY")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert app.session.id == newer
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert app.session.id == older
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        assert app.alerting == set()  # opened here: no longer highlighted, nor named on the key line
        assert not text(app.queue_screen.query_one("#queue-keys")).startswith("e ")
        assert "New EMERGENCY" not in text(app.queue_screen.query_one("#queue-note"))  # no alarm left behind
        await pilot.press("e")
        assert isinstance(app.screen, QueueScreen)


@synchronous
async def test_the_row_enter_opens_is_marked_apart_from_the_emergency_highlight(station, database):
    """The cursor's row carries the mark and the cursor's colour; the red stays on the emergency."""
    app = station()
    routine = kiosk_session(database, app.flow, ROUTINE)
    emergency = kiosk_session(database, app.flow, EMERGENCY)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        table = app.queue_screen.query_one(DataTable)
        table.move_cursor(row=rows(app).index(routine))
        await pilot.pause()
        assert level_cell(app, routine).startswith("▶") and not level_cell(app, emergency).startswith("▶")
        assert "on red" in str(table.get_cell(emergency, "level").spans)
        assert "on red" not in str(table.get_cell(routine, "level").spans)
        await pilot.press("up")
        assert level_cell(app, emergency).startswith("▶") and not level_cell(app, routine).startswith("▶")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen)  # drawn, not only pushed
                    and any(str(level.render()).strip() for level in app.screen.query("#session-level")))
        assert app.session.id == emergency


@pytest.mark.parametrize("identification, who", [
    ({"kind": "name_dob", "name": "Ana", "born": "1980-02-03"}, "EMERGENCY · Ana (1980-02-03)"),
    ({"kind": "ticket", "value": "A12"}, "EMERGENCY · ticket A12"),
    (None, "EMERGENCY · not identified (kiosk k1, started "),
])
@synchronous
async def test_the_opened_session_says_first_whose_it_is_and_its_level(identification, who, station, database):
    app = station()
    session_id = kiosk_session(database, app.flow, EMERGENCY, identification=identification)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        screen = await open_first(pilot, session_id)
        first_line = text(screen.query_one("#session-level")).splitlines()[0]
    assert first_line.startswith(who)


# -- 2. the queue's order and columns --------------------------------------------------------------

@synchronous
async def test_unreviewed_emergencies_come_first_the_longest_waiting_first_reviewed_ones_last(station, database):
    app = station()
    waited_less, waited_longer = interleaved(database, app.flow, EMERGENCY, EMERGENCY)
    urgent = kiosk_session(database, app.flow, URGENT)
    done = kiosk_session(database, app.flow, CHEST_PAIN)
    with open_reader(database) as reader:
        review(as_nurse(reader, "Luis", PIN), reader.get_session(done), now())
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        assert rows(app) == [waited_longer, waited_less, urgent, done]


@synchronous
async def test_kiosk_ids_and_names_are_never_cut_at_80_columns(station, database):
    """Ids that differ only at their end, and a long name, stay whole: nothing reads alike."""
    app = station()
    for number in (2, 3):
        kiosk_session(database, app.flow, ROUTINE, place=f"kiosk:pg-lobby-entrance-{number}", identification={
            "kind": "name_dob", "name": "Maria Guadalupe Hernandez", "born": "1950-12-25"} if number == 3 else None)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        shown = screen_text(app)
    assert "entrance-2" in shown and "entrance-3" in shown
    assert "Hernandez" in shown and "(1950-12-25)" in shown


# -- 3. amending keeps the nurse's work ------------------------------------------------------------

async def amend_form(pilot, session_id: str) -> AmendScreen:
    await open_first(pilot, session_id)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, AmendScreen))
    return pilot.app.screen


async def fill(pilot, form, question: str, typed: str = "", reason: str = "") -> None:
    """Fill the form, then let it lay itself out again (the line under the answer may grow)."""
    form.choose(question, typed, reason)
    await pilot.pause()


def preview_text(form) -> str:
    return text(form.query_one("#amend-preview"))


@synchronous
async def test_an_amendment_that_changes_nothing_is_refused_and_is_not_a_review(station, database):
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        form = await amend_form(pilot, session_id)
        form.choose("temperature", "I have not measured it", "checked again")  # the same answer, other words
        await pilot.click("#amend-preview-button")
        await until(pilot, lambda: "nothing would change" in preview_text(form))
        await pilot.click("#amend-save")
        await pilot.click("#amend-save")
        assert app.screen is form and "nothing would change" in preview_text(form)
    with open_reader(database) as reader:
        session = reader.get_session(session_id)
    assert [event.kind for event in session.events if event.kind in ("amended", "reviewed")] == []


@synchronous
async def test_a_session_that_ended_at_question_one_lists_the_later_questions_together(station, database):
    """Each later question has its own field at once; the cursor is in the one the flow needs next."""
    app = station()
    session_id = kiosk_session(database, app.flow, CHEST_PAIN)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        form = await amend_form(pilot, session_id)
        await fill(pilot, form, "danger_signs", "7", "no chest pain: she meant the last visit")
        await pilot.click("#amend-preview-button")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "more-white_count")
        listed = [field.id for field in form.query("#amend-more Input")]
        assert {"more-white_count", "more-feverish", "more-temperature", "more-bleeding", "more-fatigue"} <= set(listed)
        assert "white blood cell" in preview_text(form)


@synchronous
async def test_save_keeps_a_follow_up_typed_but_not_yet_submitted(station, database):
    """Save with the follow-ups typed and no Enter: they are previewed, kept, and saved on the next Save."""
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        form = await amend_form(pilot, session_id)
        await fill(pilot, form, "bleeding", "yes", "seen at the desk")
        await pilot.click("#amend-preview-button")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "more-bleeding_where")
        for question, typed in (("bleeding_where", "1"), ("new_or_worse", "yes")):  # typed, never submitted
            form.query_one(f"#more-{question}", Input).value = typed
        await pilot.pause()
        await pilot.click("#amend-save")
        await until(pilot, lambda: "After" in preview_text(form))
        assert "Save again" in preview_text(form)
        assert form.query_one("#more-new_or_worse", Input).value == "yes"
        await pilot.click("#amend-save")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
    with open_reader(database) as reader:
        kept = {answer.question_id: answer.typed for answer in reader.get_session(session_id).kept_answers}
    assert (kept["bleeding"], kept["bleeding_where"], kept["new_or_worse"]) == ("yes", "1", "yes")


@synchronous
async def test_tabbing_into_a_field_does_not_select_its_text(station, database):
    app = station()
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        form = await amend_form(pilot, session_id)
        await fill(pilot, form, "temperature", "38.", "measured at the desk")
        form.query_one("#amend-question").focus()
        await pilot.pause()
        await pilot.press("tab", "6")
        assert form.query_one("#amend-answer", Input).value == "38.6"
        await pilot.press("tab", "shift+tab", "tab")  # to the reason, back, and to the reason again
        await pilot.press("!")
        assert form.query_one("#amend-reason", Input).value == "measured at the desk!"


@pytest.mark.parametrize("language, question, says", [
    ("en", "temperature", "Accepts a temperature such as 38.2 or 100.8 F"),
    ("en", "white_count", "Accepts yes, no or not sure"),
    ("en", "danger_signs", "1 Chest pain or pressure"),
    ("es", "feverish", "Acepta sí o no"),
])
@synchronous
async def test_new_answer_says_what_it_accepts(language, question, says, station, database):
    app = station(language)
    session_id = kiosk_session(database, app.flow, ROUTINE)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        form = await amend_form(pilot, session_id)
        await fill(pilot, form, question)
        await pilot.pause()
        assert says in text(form.query_one("#amend-accepts"))


# -- 4. the session view agrees with itself; the handover's R is for a clinician --------------------

@pytest.mark.parametrize("findings, yes", [(CHEST_PAIN, "Chest pain or pressure"),
                                           (EMERGENCY, "white blood cell count was low")])
@synchronous
async def test_every_yes_lists_the_yeses_that_led_there_too(findings, yes, station, database):
    app = station()
    session_id = kiosk_session(database, app.flow, findings)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        screen = await open_first(pilot, session_id)
        yeses = text(screen.query_one("#session-yeses"))
    assert yes in yeses and "none" not in yeses


@pytest.mark.parametrize("language, findings, recommends", [
    ("en", EMERGENCY, "See the patient now"),
    ("en", URGENT, "A clinician to assess the patient today"),
    ("es", EMERGENCY, "Vea al paciente ahora"),
])
@synchronous
async def test_the_handovers_recommendation_is_for_a_clinician(language, findings, recommends, station, database,
                                                              tmp_path):
    app = station(language)
    session_id = kiosk_session(database, app.flow, findings)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        await open_first(pilot, session_id)
        await pilot.press("h")
    handover, = (tmp_path / "saved").glob("handover-*.txt")
    r_line = next(line for line in handover.read_text(encoding="utf-8").splitlines() if line.startswith("R ("))
    assert recommends in r_line
    assert "911" not in r_line  # the patient's own instruction ("Call 911 now") is not the clinician's


# -- 5. the sign-in ---------------------------------------------------------------------------------

@synchronous
async def test_the_wait_after_wrong_pins_counts_down(station):
    app = station()
    message = lambda: text(app.screen.query_one("#sign-in-message"))  # noqa: E731
    async with quick(app.run_test(size=(80, 24))) as pilot:
        for wait in (1, 2):
            await sign_in(pilot, pin="9999")
            station.clocks.seconds += wait
        await sign_in(pilot, pin="9999")
        assert "Try again in 4 s." in message()
        for left in (3, 2, 1):
            station.clocks.seconds += 1
            app.screen.tick()  # what its timer does
            assert f"Try again in {left} s." in message()
        station.clocks.seconds += 1
        app.screen.tick()
        assert "You can try again now." in message()
        await sign_in(pilot)
        assert app.staff == "Rosa"


@synchronous
async def test_a_name_pin_and_enters_typed_ahead_sign_in(station):
    """"Rosa", Enter, the PIN, Enter, posted at once as a quick typist's terminal sends them."""
    app = station()
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen) and app.focused is not None
                    and app.focused.id == "name")
        for key in ["R", "o", "s", "a", "enter", *PIN, "enter"]:
            app.post_message(key_event(key))
        await until(pilot, lambda: app.staff == "Rosa")
        assert isinstance(app.screen, QueueScreen)


def test_the_queue_order_reads_waiting_from_the_time_a_session_ended():
    """The plain rule, without a screen: a session finished later waited less, whenever it began."""
    from chatbot.nurse.queue import queue_order
    from chatbot.records.model import StoredSession

    at = now()

    def entry(name, level, started, finished, reviewed=None):
        return StoredSession(name, "bmf-symptoms", 1, "0" * 64, "en", "kiosk:k", at - timedelta(minutes=started),
                             None if finished is None else at - timedelta(minutes=finished),
                             "unfinished" if finished is None else "finished", level, reviewed_by=reviewed)

    entries = [entry("one-minute", "emergency", 10, 1), entry("three-minutes", "emergency", 5, 3),
               entry("reviewed", "emergency", 20, 19, "Luis"), entry("urgent", "urgent", 30, 29),
               entry("routine", "routine", 40, 39), entry("going on", None, 2, None)]
    assert [e.id for e in queue_order(entries, at)] == ["three-minutes", "one-minute", "urgent", "routine",
                                                          "going on", "reviewed"]
