"""A paste is one input (issue 28, point 1), in every kind of field a person types into: the
temperature (a paste longer than any reading is not a reading: asked again), who a person is at the
kiosk (cut to the field, said once), the kiosk's staff PIN, and the replay path through the screen.
(The nurse station's fields: tests/nurse/test_nurse_paste.py; the real terminal: test_terminal_pty.py.)

A paste reaches the app as the terminal's driver makes it, one `events.Paste` (however it came: a
bracketed paste, or text typed faster than a person types); typed keys through the driver's own
parser (`TerminalParser`), as a terminal sends them.
"""

from __future__ import annotations

import pytest
from textual import events

from chatbot.flow import phrases
from chatbot.kiosk.rules import KioskOptions
from chatbot.kiosk.staff_pin import set_pin
from chatbot.replay.pilot import settled
from chatbot.terminal.driver import TerminalParser
from chatbot.widgets import words
from tests.helpers import TESTS, kiosk as kiosk_helpers
from tests.helpers.screen import screen_text
from tests.helpers.tui import answer, run

MEGABYTE = 1_000_000
TO_TEMPERATURE = ["7", "yes", "yes"]  # none of the danger signs, a low count, feeling feverish
CUT_NOTICE = words.CUT.fill(count="40").get("en")


def bells(app) -> list[int]:
    """Counts the bell's rings from here on (the app's own bell, which a field rings)."""
    rang: list[int] = []
    app.bell = lambda: rang.append(1)
    return rang


def notices(app) -> list[str]:
    """Collects the notices the app shows from here on."""
    said: list[str] = []
    shown = app.notify

    def notify(message, **options):
        said.append(message)
        shown(message, **options)

    app.notify = notify
    return said


async def paste(app, pilot, text: str) -> None:
    app.post_message(events.Paste(text))
    await pilot.pause()


async def type_keys(app, pilot, text: str) -> None:
    """`text` as a terminal sends it, read by the terminal driver's parser, each key to the app."""
    for event in TerminalParser().feed(text):
        app.post_message(event)
    await pilot.pause()


# -- the temperature ------------------------------------------------------------------------------

@pytest.mark.parametrize("pasted", ["7" * MEGABYTE, "38.5 " * 200_000, "x" * 41])
def test_a_paste_longer_than_any_reading_is_not_a_reading_and_the_question_is_asked_again(pasted):
    """The field is left as it was, the reason is shown once, and nothing rings."""

    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        field = app.screen.query_one("#temperature-input")
        field.focus()
        await pilot.pause()
        rang = bells(app)
        await paste(app, pilot, pasted)
        return field.value, app.state, rang

    value, state, rang = run(scenario)
    assert value == "" and rang == []
    assert state.question_id == "temperature" and state.error == phrases.TOO_LONG.get("en")
    assert len(state.answers) == 3  # nothing was answered


@pytest.mark.parametrize("pasted, shown", [
    ("38.5", "38.5"),
    ("38.5\nsecond line\n", "38.5"),  # the first line, as Textual's own field takes a paste
    ("\x1b[31m38.5\x07", "[31m38.5"),  # no control character stays, an escape does nothing
])
def test_a_reading_pasted_is_put_in_the_field_whole(pasted, shown):
    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        field = app.screen.query_one("#temperature-input")
        field.focus()
        await pilot.pause()
        await paste(app, pilot, pasted)
        return field.value

    assert run(scenario) == shown


def test_keys_typed_past_the_temperature_field_ring_no_bell_and_say_why_once():
    """Each key past the end rang the bell, one by one (the issue's minute of bells): now the field
    keeps what it holds and says, in its own line, that the answer is too long."""

    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        app.screen.query_one("#temperature-input").focus()
        await pilot.pause()
        rang = bells(app)
        await type_keys(app, pilot, "7" * 60)
        return app.screen.query_one("#temperature-input").value, rang, app.state.error, screen_text(app)

    value, rang, error, shown = run(scenario)
    assert value == "7" * 40 and rang == []
    assert error == phrases.TOO_LONG.get("en") and shown.count(error) == 1


def test_a_flood_the_driver_dropped_is_said_once_in_the_persons_language():
    """However many rounds of a flood were dropped, one notice (a later flood gets its own)."""
    from chatbot.terminal.driver import InputDropped

    async def scenario(app, pilot):
        said = notices(app)
        for _ in range(5):
            app.post_message(InputDropped(1000))
        await pilot.pause()
        return said

    assert run(scenario, language="es") == [words.KEYS_DROPPED.get("es")]


# -- who the person is, at the kiosk ------------------------------------------------------------------

IDENTIFY = KioskOptions(idle_timeout=60, idle_warning=60, identify="name_dob")


def at_identification(check):
    """Run `check(app, pilot)` on a kiosk asking who the person is (after the first answer)."""

    async def scenario(app, pilot):
        await kiosk_helpers.start(app, pilot, ["7"])
        await settled(app)
        await pilot.pause()
        assert app.screen.id == "identify"
        return await check(app, pilot)

    return kiosk_helpers.run(scenario, options=IDENTIFY)


def test_a_megabyte_pasted_as_a_name_is_cut_to_the_field_and_said_once():
    async def check(app, pilot):
        rang, said = bells(app), notices(app)
        await paste(app, pilot, "Ana" * (MEGABYTE // 3))
        await paste(app, pilot, "more")  # the field is full: nothing more, and not said again
        await type_keys(app, pilot, "xyz")
        message = str(app.screen.query_one("#identify-message").render())
        return app.screen.query_one("#identify-name").value, rang, said, message

    value, rang, said, message = at_identification(check)
    assert value == ("Ana" * 14)[:40] and rang == []
    assert message == CUT_NOTICE and said == []  # under the fields, where the person looks: no notice on top


def test_a_name_typed_with_a_bracket_keeps_every_character():
    """Issue 21, point 11: `[red]` was kept as `ed]` (the `[` and the key after it taken for the remains
    of an escape sequence). The driver drops such remains itself; a typed `[` is a key."""

    async def check(app, pilot):
        await type_keys(app, pilot, "[red]")
        return app.screen.query_one("#identify-name").value

    assert at_identification(check) == "[red]"


@pytest.mark.parametrize("pasted, kept, rings", [
    ("03/02/1980", "03/02/1980", 0),
    ("1980-02-03\nand a second line", "1980-02-03", 0),
    ("born 1980", "", 1),  # not what the field takes: refused whole, one ring
])
def test_a_date_of_birth_pasted_is_taken_whole_or_refused_whole(pasted, kept, rings):
    async def check(app, pilot):
        field = app.screen.query_one("#identify-born")
        field.focus()
        await pilot.pause()
        rang = bells(app)
        await paste(app, pilot, pasted)
        return field.value, len(rang)

    assert at_identification(check) == (kept, rings)


def test_the_staff_pin_takes_a_paste_cut_to_its_digits(kiosk_folders):
    """The kiosk's PIN field: a megabyte of digits is cut to the PIN's length and the dialog says so,
    nothing rings."""

    set_pin("246813")

    async def scenario(app, pilot):
        app.open_staff_dialog()
        await pilot.pause()
        field = app.screen.query_one("#staff-pin-input")
        rang = bells(app)
        await paste(app, pilot, "1" * MEGABYTE)
        return len(field.value), field.max_length, rang, app.screen.message

    length, most, rang, message = kiosk_helpers.run(scenario)
    assert length == most and rang == [] and f"only the first {most} were kept" in message


# -- the replay path through the screen -------------------------------------------------------------

def test_a_replayed_temperature_goes_into_the_field_as_one_paste(tmp_path):
    """`chatbot replay --tui`: a reading is pasted into the field as a person can, as one input, and
    sent; words no field holds are typed to the app, which refuses them as the engine does."""
    from chatbot.replay.pilot import replay_through_ui
    from chatbot.replay.script import ScriptReader
    from chatbot.tui import SymptomCheckerApp

    opening = TESTS / "conversations" / "openings" / "low-count-feeling-feverish.yaml"
    script = tmp_path / "pasted.yaml"
    script.write_text(f"name: A pasted reading\nsteps:\n  - use: {opening}\n"
                      f"  - {{question: temperature, answer: '{'7' * 200_000}', reprompt: too long}}\n"
                      "  - {question: temperature, answer: '50', reprompt: not a body temperature}\n"
                      "expect: {question: temperature}\n")
    pasted = []

    class Watched(SymptomCheckerApp):
        async def on_event(self, event) -> None:
            if isinstance(event, events.Paste) and not event.is_forwarded:
                pasted.append(event.text)
            await super().on_event(event)

    [replayed] = replay_through_ui(ScriptReader().read([script]), Watched)
    assert replayed.passed, replayed.failure
    assert pasted == ["50"]
