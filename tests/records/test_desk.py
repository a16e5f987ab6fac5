"""The kiosk and the desk meet (issue 13, point 4): who the person is, asked without delaying the
danger signs and kept with the session; a staffed kiosk's emergency tells them to go to the desk.

The real kiosk, driven with the keys and taps a person gives, writing to the real store (SQLite,
and PostgreSQL when CHATBOT_TEST_POSTGRES is set), read back with its own reader.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from chatbot.commands.arguments import kiosk_options, parse
from chatbot.commands.serve import kiosk_argv
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import AmbiguousDate, KioskOptions, NotReadable, read_born, read_identification
from chatbot.nurse.reading import identification as shown_at_station
from chatbot.records.recorder import Recorder
from chatbot.replay.pilot import settled
from chatbot.widgets import words

from tests.helpers.kiosk import Clock, all_text, idle_for, start, tap, until_wiped
from tests.helpers.pilot import key_event
from tests.records.test_records_wiring import run, sessions

SLOW = dict(idle_timeout=60, idle_warning=60)
EMERGENCY_FIRST = ["1"]  # a danger sign: the first answer ends the dialogue
GOES_ON = ["7"]  # none of the danger signs: the questions go on


def kiosk(flow, language="en", **options) -> KioskApp:
    return KioskApp(flow, kiosk=KioskOptions(**SLOW, **options), clock=Clock(), language=language)


async def type_into(app, pilot, selector: str, text: str) -> None:
    """Scroll to a field, tap it and type `text` into it, key by key, as a person does."""
    app.screen.query_one(selector).scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    await tap(app, pilot, selector)
    for character in text:
        await pilot.press(character)
    await settled(app)


def field_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


# -- staffed ----------------------------------------------------------------------------------

def emergency_ids(app) -> list[str]:
    """The emergency's parts from the top: its fixed first words, then what scrolls under them."""
    return [child.id for part in app.screen.query("#emergency-head, #outcome-body") for child in part.children]


@pytest.mark.parametrize("staffed, language, answers, told", [
    (True, "en", EMERGENCY_FIRST, "Tell the staff at the desk now"),
    (True, "es", EMERGENCY_FIRST, words.TELL_DESK.get("es")),
    (False, "en", EMERGENCY_FIRST, None),  # no desk to tell
])
def test_a_staffed_emergency_says_first_to_tell_the_desk(staffed, language, answers, told, database, flow):
    """First and above the call instructions: the desk is the quickest help in a clinic."""

    async def scenario(app, pilot):
        await start(app, pilot, answers)
        tell = [str(widget.render()) for widget in app.screen.query("#tell-desk")]
        return app.state.outcome_level, emergency_ids(app)[:2], tell

    level, first_ids, tell = run(kiosk(flow, language, staffed=staffed), Recorder(database), scenario)
    assert level == "emergency"
    if told is None:
        assert first_ids[0] == "outcome-title" and not tell
    else:
        assert first_ids == ["tell-desk", "outcome-title"] and tell == [told]


# -- identification ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, fields, kept", [
    ("ticket", {"#identify-ticket": "a12"}, {"kind": "ticket", "value": "A12"}),
    ("name_dob", {"#identify-name": "Ana", "#identify-born": "12/25/1950"},  # the month first: only one real day
     {"kind": "name_dob", "name": "Ana", "born": "1950-12-25"}),
    ("name_dob", {"#identify-name": "Ana", "#identify-born": "1980-02-03"},
     {"kind": "name_dob", "name": "Ana", "born": "1980-02-03"}),
])
def test_identification_is_asked_right_after_the_first_question_and_kept(kind, fields, kept, database, flow):
    """Never before the danger signs: the first question comes first, then who the person is."""

    async def scenario(app, pilot):
        await start(app, pilot)
        before = app.screen.id
        app.answer(GOES_ON[0])
        await settled(app)
        await pilot.pause()
        asked = app.screen.id
        for selector, text in fields.items():
            await type_into(app, pilot, selector, text)
        await tap(app, pilot, "#identify-send")
        await settled(app)
        return before, asked, app.screen.id

    before, asked, after = run(kiosk(flow, identify=kind), Recorder(database), scenario)
    assert (before, asked, after) == ("conversation", "identify", "conversation")
    [session] = sessions(database)
    assert session.identification.to_json() == kept and len(session.answers) == 1
    assert "identified" in [event.kind for event in session.events]


def test_skip_keeps_nothing_and_the_station_shows_not_identified(database, flow):
    """Skipping is allowed; staff see the session as not identified."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        await pilot.pause()
        await tap(app, pilot, "#identify-skip")
        await settled(app)
        return app.screen.id

    assert run(kiosk(flow, identify="ticket"), Recorder(database), scenario) == "conversation"
    [session] = sessions(database)
    assert session.identification is None
    assert shown_at_station(session.identification, "en") == "not identified"
    assert shown_at_station(session.identification, "es") == "sin identificar"


def test_a_date_that_cannot_be_read_says_how_to_type_it(database, flow):
    """The field stays, with a clear message in the person's language; nothing is kept yet."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        await pilot.pause()
        await type_into(app, pilot, "#identify-name", "Ana")
        await type_into(app, pilot, "#identify-born", "31/02/1980")
        await pilot.press("enter")
        await settled(app)
        return app.screen.id, field_text(app, "#identify-message"), app.focused.id

    screen, message, focused = run(kiosk(flow, "es", identify="name_dob"), Recorder(database), scenario)
    assert (screen, focused) == ("identify", "identify-born")
    assert message == words.NOT_READABLE["born"].get("es")
    assert sessions(database)[0].identification is None


@pytest.mark.parametrize("staffed", [False, True])
def test_a_danger_sign_emergency_offers_identification_below_the_instructions(staffed, database, flow):
    """No question stands before the emergency: the form is on its screen, after what to do."""

    async def scenario(app, pilot):
        await start(app, pilot, EMERGENCY_FIRST)
        ids = emergency_ids(app)
        await type_into(app, pilot, "#identify-ticket", "b7")
        await pilot.press("enter")
        await settled(app)
        form = app.screen.query_one("#identify-form")
        return ids, app.screen.id, [child.id for child in form.children], form.query(Input), app.focused.id

    ids, screen, form, fields, focused = run(kiosk(flow, identify="ticket", staffed=staffed), Recorder(database), scenario)
    assert screen == "outcome" and ids.index("outcome-text") < ids.index("identify-form") < ids.index("why-title")
    assert ids[0] == ("tell-desk" if staffed else "outcome-title")
    assert form == ["identify-thanks"] and not fields  # what was typed is off the screen
    assert focused == "outcome-body"  # the keys scroll the instructions again
    [session] = sessions(database)
    assert (session.status, session.identification.to_json()) == ("finished", {"kind": "ticket", "value": "B7"})


@pytest.mark.parametrize("leave", ["done", "idle"])
def test_nothing_of_the_identification_stays_on_screen_after_done_or_idle(leave, database, flow):
    """The next person sees none of it, whether the last one pressed Done or walked away."""

    async def scenario(app, pilot):
        await start(app, pilot, EMERGENCY_FIRST)
        await type_into(app, pilot, "#identify-name", "Rosalind")
        await type_into(app, pilot, "#identify-born", "1980-02-03")
        if leave == "done":
            await tap(app, pilot, "#done")
        else:
            await idle_for(app, pilot, SLOW["idle_timeout"])
            await idle_for(app, pilot, SLOW["idle_warning"])
        await until_wiped(app, pilot)
        return all_text(app), [screen.id for screen in app.screen_stack]

    text, stack = run(kiosk(flow, identify="name_dob"), Recorder(database), scenario)
    assert "Rosalind" not in text and "1980-02-03" not in text and "identify" not in " ".join(map(str, stack))
    [session] = sessions(database)
    assert session.identification is None  # typed, never sent: nothing kept either


def test_an_unfinished_identified_session_reaches_the_desk_as_abandoned_with_its_answers(database, flow):
    """Walked away after two answers: abandoned, the answers given, and who it was."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        await pilot.pause()
        await type_into(app, pilot, "#identify-ticket", "C3")
        await tap(app, pilot, "#identify-send")
        await settled(app)
        app.answer("no")
        await settled(app)
        await idle_for(app, pilot, SLOW["idle_timeout"])
        await idle_for(app, pilot, SLOW["idle_warning"])
        await until_wiped(app, pilot)

    run(kiosk(flow, identify="ticket"), Recorder(database), scenario)
    [session] = sessions(database)
    assert (session.status, [answer.typed for answer in session.kept_answers]) == ("abandoned", ["7", "no"])
    assert shown_at_station(session.identification, "en") == "Ticket C3" or "C3" in shown_at_station(
        session.identification, "en")


@pytest.mark.parametrize("between", ["tab", "enter"])
def test_a_name_and_date_typed_ahead_lose_no_key(between, database, flow):
    """A quick typist's "Maria", Tab (or Enter), "12/25/1950", Enter, posted at once: every key lands
    where the person saw the cursor (issue 22: the Tab was lost in 2 of 8 tries)."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        assert app.screen.id == "identify"
        for key in [*"Maria", between, *"12/25/1950", "enter"]:
            app.post_message(key_event(key))
        await pilot.pause()
        await settled(app)
        return app.screen.id

    assert run(kiosk(flow, identify="name_dob"), Recorder(database), scenario) == "conversation"
    [session] = sessions(database)
    assert session.identification.to_json() == {"kind": "name_dob", "name": "Maria", "born": "1950-12-25"}


@pytest.mark.parametrize("language, first, second", [
    ("en", "3 February 1980", "2 March 1980"),
    ("es", "3 de febrero de 1980", "2 de marzo de 1980"),
])
def test_a_date_that_reads_two_ways_is_asked_again_with_the_month_in_words(language, first, second, database, flow):
    """03/02/1980: nothing is kept until the person taps the day they meant; the cursor stays in the
    date, so a second Enter in a hurry chooses nothing for them."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        for key in [*"Maria", "tab", *"03/02/1980", "enter", "enter"]:
            app.post_message(key_event(key))
        await pilot.pause()
        await settled(app)
        asked = (field_text(app, "#identify-message"), str(app.screen.query_one("#identify-date-1").label),
                 str(app.screen.query_one("#identify-date-2").label), app.focused.id)
        assert app.recorder.wait(10)  # the session's start is written by the recorder's own thread
        kept_before = sessions(database)[0].identification
        await tap(app, pilot, "#identify-date-2")
        await settled(app)
        return asked, kept_before, app.screen.id

    asked, kept_before, after = run(kiosk(flow, language, identify="name_dob"), Recorder(database), scenario)
    assert asked == (words.WHICH_DATE.get(language), first, second, "identify-born")
    assert kept_before is None and after == "conversation"
    [session] = sessions(database)
    assert session.identification.to_json() == {"kind": "name_dob", "name": "Maria", "born": "1980-03-02"}


# -- the rules and the options ----------------------------------------------------------------

@pytest.mark.parametrize("typed, born", [
    ("1980-02-03", date(1980, 2, 3)), ("25/12/1980", date(1980, 12, 25)), ("12/25/1950", date(1950, 12, 25)),
    (" 13/2/1980 ", date(1980, 2, 13)), ("03/03/1980", date(1980, 3, 3)),
    ("03/02/1980", (date(1980, 2, 3), date(1980, 3, 2))), (" 3/2/1980 ", (date(1980, 2, 3), date(1980, 3, 2))),
    ("31/02/1980", None), ("1980/02/03", None), ("2030-01-01", None), ("1850-01-01", None), ("", None),
    ("12/31/2025", date(2025, 12, 31)),
])
def test_a_date_of_birth_is_read_in_every_shape_and_must_be_a_real_past_day(typed, born):
    """Slashes read day first or month first: the real past day is taken; when both are, both are asked."""
    if born is None:
        with pytest.raises(NotReadable) as problem:
            read_born(typed, today=date(2026, 1, 1))
        assert not isinstance(problem.value, AmbiguousDate)
    elif isinstance(born, tuple):
        with pytest.raises(AmbiguousDate) as either:
            read_born(typed, today=date(2026, 1, 1))
        assert either.value.dates == born and either.value.field == "born"
    else:
        assert read_born(typed, today=date(2026, 1, 1)) == born


@pytest.mark.parametrize("kind, typed, field", [
    ("ticket", {"ticket": ""}, "ticket"), ("ticket", {"ticket": "A12;DROP"}, "ticket"),
    ("name_dob", {"name": " ", "born": "1980-02-03"}, "name"), ("name_dob", {"name": "Ana", "born": "x"}, "born"),
])
def test_what_cannot_be_kept_names_its_field(kind, typed, field):
    with pytest.raises(NotReadable) as problem:
        read_identification(kind, **typed)
    assert problem.value.field == field


@pytest.mark.parametrize("argv, staffed, identify", [
    (["--kiosk"], False, "none"),
    (["--kiosk", "--staffed", "--identify", "name-dob"], True, "name_dob"),
    (["--kiosk", "--identify", "ticket"], False, "ticket"),
])
def test_the_desk_options_reach_the_kiosk_and_each_serve_tab(argv, staffed, identify):
    options = kiosk_options(parse(argv))
    assert (options.staffed, options.identify) == (staffed, identify)
    served = kiosk_options(parse(kiosk_argv(parse(["serve", *argv[1:]]), None)[3:]))
    assert (served.staffed, served.identify) == (staffed, identify)


def test_the_desk_options_apply_only_with_kiosk(capsys):
    with pytest.raises(SystemExit):
        parse(["--staffed", "--identify", "ticket"])
    assert "--staffed and --identify apply only with --kiosk" in capsys.readouterr().err


# -- help from staff (WCAG 3.2.6) ------------------------------------------------------------

HELP_ON = {"welcome": "#welcome-help", "question": "#help", "identify": "#identify-help", "outcome": "#help"}


async def reach(app, pilot, where: str) -> None:
    if where == "question":
        await start(app, pilot, GOES_ON)
        app.screen.dismiss()  # the identification asked after the first answer: skipped to the question
        await settled(app)
    elif where == "identify":
        await start(app, pilot, GOES_ON)
    elif where == "outcome":
        await start(app, pilot, EMERGENCY_FIRST)


def help_events(database):
    return [(session.id, event.kind) for session in sessions(database) for event in session.events
            if event.kind == "help_requested"]


def told_now(app) -> list[str]:
    """What the kiosk says aside now: its notices, and an ending's quiet line (where what "Ask for help" says
    goes on an ending, never over its words)."""
    quiet = [str(line.render()) for line in app.screen.query("#outcome-quiet") if line.display]
    return [notification.message for notification in app._notifications] + quiet


@pytest.mark.parametrize("where, by", [(where, by) for where in HELP_ON for by in ("key", "tap")
                                       if (where, by) != ("identify", "key")])  # h is a letter in its field
def test_a_staffed_kiosk_asks_the_desk_for_help_from_every_screen(where, by, database, flow):
    """"Ask for help" is on every screen, in the same place on the row; it puts the request on the desk's queue
    (a help_requested event with the session, even before anything was answered, and the open request on the
    session's row, which the station watches) and says, once it is in the records, that the desk has it."""

    async def scenario(app, pilot):
        await reach(app, pilot, where)
        assert app.screen.query(HELP_ON[where]), f"no Ask for help on the {where}"
        if by == "key":
            await pilot.press("h")
        else:
            await tap(app, pilot, HELP_ON[where])
        await settled(app)
        sending = told_now(app)
        await app.workers.wait_for_complete()
        await settled(app)
        return sending, told_now(app), app.recorder.session_id

    sending, said, session_id = run(kiosk(flow, staffed=True, identify="ticket"),
                                    Recorder(database, place="kiosk:k7"), scenario)
    assert sending[-1] in (words.HELP_SENDING.get("en"), words.HELP_SENT.get("en"))  # at once, then told
    assert said == [words.HELP_SENT.get("en")]
    assert help_events(database) == [(session_id, "help_requested")]
    [session] = [session for session in sessions(database) if session.id == session_id]
    assert (session.place, session.help_open, session.help_asks) == ("kiosk:k7", True, 1)


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_emergency_after_asking_for_help_comes_with_no_notice_over_it(language, database, flow):
    """The desk was told (its notice stays 15 s) and the first answer is an emergency: the ending's first and
    largest words, "Tell the staff at the desk now", come with no notice left to lie over them (seen at 80x24
    in Spanish: the notice covered half of "Avise ahora al personal")."""

    async def scenario(app, pilot):
        await pilot.press("h")  # on the welcome, then the first answer is a danger sign
        await app.workers.wait_for_complete()
        await settled(app)
        told = [notification.message for notification in app._notifications]
        await start(app, pilot, EMERGENCY_FIRST)
        assert app.screen.query("#tell-desk")
        return told, [notification.message for notification in app._notifications]

    told, covering = run(kiosk(flow, language, staffed=True), Recorder(database, place="kiosk:k7"), scenario)
    assert told == [words.HELP_SENT.get(language)]
    assert covering == []


def test_h_on_are_you_still_there_answers_it_and_asks_for_help(database, flow):
    """The person is there and wants help: the question goes, and the desk is told as from any screen."""

    async def scenario(app, pilot):
        await reach(app, pilot, "question")
        await idle_for(app, pilot, SLOW["idle_timeout"] + 1)
        assert app.screen.id == "still-there"
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await settled(app)
        return app.screen.id, [notification.message for notification in app._notifications]

    screen, said = run(kiosk(flow, staffed=True, identify="ticket"), Recorder(database, place="kiosk:k7"),
                       scenario)
    assert screen == "conversation" and said[-1] == words.HELP_SENT.get("en")
    assert len(help_events(database)) == 1


def test_an_unstaffed_kiosk_has_no_help_control_and_h_asks_nothing(database, flow):
    async def scenario(app, pilot):
        found = [selector for selector in HELP_ON.values() if app.screen.query(selector)]
        await start(app, pilot, EMERGENCY_FIRST)
        found += [selector for selector in HELP_ON.values() if app.screen.query(selector)]
        await pilot.press("h")
        await settled(app)
        return found

    assert run(kiosk(flow), Recorder(database, place="kiosk:k7"), scenario) == []
    assert help_events(database) == []


def test_asking_again_at_once_is_noted_once_and_said_again(database, flow):
    """A second press while the request is on its way, and once it is at the desk: nothing more is sent, and
    the person is told the desk has it already."""

    async def scenario(app, pilot):
        await start(app, pilot, EMERGENCY_FIRST)
        await pilot.press("h")
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.press("h")
        await settled(app)
        return told_now(app)

    said = run(kiosk(flow, "es", staffed=True), Recorder(database, place="kiosk:k7"), scenario)
    assert said == [words.HELP_SENT_AGAIN.get("es")]  # in place of the others, in the ending's quiet line
    assert len(help_events(database)) == 1


def test_a_request_the_records_cannot_take_yet_says_so_and_to_go_to_the_desk(away_then_back, flow, tmp_path):
    """The database is away: the person is told the request will reach the desk when the connection comes
    back, and to go to the desk meanwhile; it waits in the outbox (the desk's side: tests/nurse/
    test_help_at_desk.py)."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        await pilot.press("escape")  # the identification asked after the first answer: skipped
        await tap(app, pilot, "#help")
        await app.workers.wait_for_complete()
        await settled(app)
        return [notification.message for notification in app._notifications], app.recorder.unwritten

    url, _ = away_then_back
    said, unwritten = run(kiosk(flow, "es", staffed=True), Recorder(url, place="kiosk:k7",
                                                                   outbox_dir=tmp_path / "outbox"), scenario)
    assert said[-1] == words.HELP_AWAY.get("es") and unwritten > 0


def test_without_records_the_person_is_still_told_where_help_is(flow):
    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        await pilot.press("h")
        await settled(app)
        return [notification.message for notification in app._notifications]

    assert words.HELP_WHERE.get("en") in run(kiosk(flow, staffed=True), None, scenario)


@pytest.mark.parametrize("then", ["back_and_on", "back_to_an_emergency"])
def test_identification_is_never_asked_twice_in_one_session(then, database, flow):
    """WCAG 3.3.7 (redundant entry): once given, who the person is is not asked again in the session,
    whether they go back over the first question and on, or back to a danger sign's emergency; the
    records keep it once."""

    async def scenario(app, pilot):
        await start(app, pilot, GOES_ON)
        await type_into(app, pilot, "#identify-ticket", "b7")
        await tap(app, pilot, "#identify-send")
        await settled(app)
        asked_again = []
        app.go_back()
        await settled(app)
        app.answer(GOES_ON[0] if then == "back_and_on" else EMERGENCY_FIRST[0])
        await settled(app)
        await pilot.pause()
        asked_again += [screen.id for screen in app.screen_stack if screen.id == "identify"]
        asked_again += [widget.id for widget in app.screen.query("#identify-form")]
        return app.screen.id, asked_again

    screen, asked_again = run(kiosk(flow, identify="ticket"), Recorder(database), scenario)
    assert asked_again == [] and screen in ("conversation", "outcome")
    [session] = sessions(database)
    assert (session.identification.kind, session.identification.value) == ("ticket", "B7")
    assert [event.kind for event in session.events].count("identified") == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_button_of_a_staffed_kiosk_is_whole_on_an_80_column_screen(language, flow):
    """With "Ask for help" added, each row of buttons still fits: nothing cut at the right edge."""

    async def scenario(app, pilot):
        cut = []

        def look(where):
            width = app.screen.region.width
            cut.extend(f"{where}: {button.id} ends at {button.region.right}" for button in app.screen.query("Button")
                       if button.region.area and button.region.right > width)

        look("welcome")
        await start(app, pilot, GOES_ON)
        look("identify")
        app.screen.dismiss()
        await settled(app)
        look("question")
        app.go_back()
        await settled(app)
        app.answer(EMERGENCY_FIRST[0])
        await settled(app)
        look("emergency")
        return cut

    assert run(kiosk(flow, language, staffed=True, identify="ticket"), None, scenario) == []
