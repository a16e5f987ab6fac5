"""Kiosk mode driven like a person would: the welcome, keys that must do nothing, the idle
warning and wipe, Done, and the high-contrast look (the real app, App.run_test + Pilot).

The kiosk's clock is the test's own (`tests.helpers.kiosk.Clock`): idle time passes when a
test says so (`idle_for`), never by waiting.
Taps go through the app as a terminal sends them (`tap`), because Pilot's own clicks skip
the app's input handling, where the kiosk notes activity.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Button

from chatbot.kiosk.rules import KioskOptions
from chatbot.flowfile.loader import load_flow
from chatbot.tui import SymptomCheckerApp
from chatbot.kiosk.app import KioskApp
from tests.helpers.screen import screen_text
from tests.helpers.pilot import quick
from tests.helpers.kiosk import all_text, idle_for, run, send_keys, start, tap, until_wiped
from tests.helpers.tui import ANSWERS_TO

FLOW = load_flow()
SIZE = (80, 24)

NAMED_KEYS = ["ctrl+c", "ctrl+q", "ctrl+z", "ctrl+backslash", "ctrl+d", "ctrl+p", "escape"]
FUNCTION_KEYS = [f"f{number}" for number in range(1, 25)]
ESCAPE_KEYS = NAMED_KEYS + FUNCTION_KEYS

# Answers that leave marks only this person could have left: a temperature, and questions
# that are only shown once asked (not "Not sure": a fresh screen has that button, hidden).
PERSONAL = ["7", "not sure", "yes", "38.7"]
PERSONAL_MARKS = ["38.7", "white blood cell count", "feverish"]


# -- the welcome ------------------------------------------------------------------------------

def test_the_kiosk_opens_on_the_welcome_with_a_choice_of_language_and_no_way_out():
    async def scenario(app, pilot):
        return app.state, screen_text(app), [button.id for button in app.screen.query(Button)]

    state, text, buttons = run(scenario)
    assert state.screen == "welcome"
    for words in ("Symptom checker for bone marrow failure", "It takes about three minutes.",
                  "This is not a diagnosis", "English", "Español", "Start"):
        assert words in text
    assert buttons == ["language-en", "language-es", "welcome-listen", "start"]


def test_choosing_espanol_runs_the_conversation_in_spanish():
    async def scenario(app, pilot):
        await tap(app, pilot, "#language-es")
        welcome = screen_text(app)
        await tap(app, pilot, "#start")
        return welcome, app.state, screen_text(app)

    welcome, state, text = run(scenario)
    assert "Revisión de síntomas" in welcome and "Empezar" in welcome
    assert (state.screen, state.language, state.question_id) == ("conversation", "es", FLOW.start)
    assert "Parte 1 de 5" in text and "Atrás" in text


# -- keys that must do nothing -------------------------------------------------------------------

async def _on_welcome(app, pilot):
    pass


async def _mid_conversation(app, pilot):
    await start(app, pilot, ["7", "no", "no", "36.8", "no", "no", "no"])
    await pilot.press("1")  # the controls hold something unsent (a tick): it must stay
    assert app.state.question_id == "infection_signs" and app.state.selected == (1,)
    # (Escape in a text field goes back, as the bottom row says there: tests/ui/test_patient_screen.py.)


async def _at_an_outcome(app, pilot):
    await start(app, pilot, ["1"])


async def _confirming_a_restart(app, pilot):
    await start(app, pilot, ["7"])
    await pilot.press("r")


@pytest.mark.parametrize("reach", [_mid_conversation, _on_welcome, _at_an_outcome, _confirming_a_restart],
                         ids=["conversation", "welcome", "outcome", "confirm"])
def test_quit_suspend_palette_escape_and_function_keys_do_nothing(reach, keys=ESCAPE_KEYS):
    async def scenario(app, pilot):
        await reach(app, pilot)
        before = app.state, screen_text(app)
        await pilot.press(*keys[:3])
        await send_keys(app, pilot, keys[3:])
        return before, (app.state, screen_text(app)), app.is_running, app.return_code, len(app._notifications)

    before, after, running, return_code, notices = run(scenario)
    assert running and return_code is None
    assert after == before
    assert notices == 0  # not even Textual's "press ctrl+q to quit"


def test_no_quit_summary_or_save_and_textual_own_ways_out_do_nothing(tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")  # where a summary or a script would be written

    async def scenario(app, pilot):
        await start(app, pilot)
        asked = [button.id for button in app.screen.query("#nav Button")]
        await pilot.press("s", "q", "w")  # summary, quit and save script in the normal app
        for action in ("quit", "app.quit", "help_quit", "suspend_process", "command_palette", "change_theme",
                       "summary", "record"):
            await app.run_action(action)
        await pilot.pause()
        after = app.is_running, app.state.screen, app.state.question_id
        app.answer("1")
        await pilot.pause()
        return asked, after, [button.id for button in app.screen.query("#nav Button")]

    asked, after, outcome = run(scenario)
    assert list((tmp_path / "here").iterdir()) == []
    assert asked == ["back", "restart", "listen"] and outcome == ["done", "back", "restart", "listen"]
    assert after == (True, "conversation", FLOW.start)


def test_the_kiosk_has_no_bindings_of_its_own_to_leave():
    bindings = {key for binding in KioskApp.BINDINGS for key in binding.key.split(",")}
    assert not bindings & {"ctrl+q", "ctrl+c", "ctrl+z", "ctrl+p"}
    assert not KioskApp.ENABLE_COMMAND_PALETTE


# -- idle: the warning, going on, and the wipe ---------------------------------------------------

def test_idle_asks_are_you_still_there_and_a_key_or_a_tap_anywhere_carries_on():
    async def scenario(app, pilot):
        await start(app, pilot, ["7", "no"])
        before = app.state
        below = app.screen
        seen = []
        for carry_on in ("key", "tap"):
            await idle_for(app, pilot, 60)
            seen.append(screen_text(app))
            if carry_on == "key":
                await pilot.press("y")  # it goes on, and is not taken as an answer below
            else:
                await tap(app, pilot, "#answer-no", screen=below)  # under the dialog: not a click on it
            await app.workers.wait_for_complete()
            seen.append(app.state)
        return before, seen

    before, (warning, after_key, _, after_tap) = run(scenario, options=KioskOptions(idle_timeout=60,
                                                                                     idle_warning=5))
    assert "Are you still there?" in warning and "Yes, continue" in warning
    assert "In 5 s your answers will be cleared" in warning
    assert after_key == before and after_tap == before


def test_the_countdown_runs_down_then_everything_of_the_person_is_wiped():
    async def scenario(app, pilot):
        await start(app, pilot, PERSONAL)
        seen = all_text(app)
        old_screen, old_session = app.conversation_screen, app.session
        await idle_for(app, pilot, 60)
        asked = app.screen.id
        await idle_for(app, pilot, 59)
        counting = app.screen.id, screen_text(app)
        await idle_for(app, pilot, 1)
        await until_wiped(app, pilot)
        chats = [chat.answers for screen in app.screen_stack for chat in screen.query("#chat")]
        return (asked, counting, seen, all_text(app), app.conversation.transcript, chats,
                [screen.id for screen in app.screen_stack], app.conversation_screen is not old_screen,
                old_screen.is_attached, app.session != old_session)

    asked, (counting, text), seen, left, transcript, answers, screens, replaced, attached, new_session = run(scenario)
    assert asked == counting == "still-there" and "In 1 s your answers will be cleared" in text
    for mark in PERSONAL_MARKS:
        assert mark in seen  # the check can fail: the marks were there
        assert mark not in left
    assert transcript == [] and answers == [()]  # one chat, and nothing in it
    assert screens == ["kiosk", "conversation", "welcome"]
    assert replaced and not attached
    assert new_session


def test_done_wipes_at_once_by_tap_or_by_the_d_key():
    async def scenario(app, pilot):
        await start(app, pilot, [*PERSONAL, "no"])
        outcome = app.state
        seen = all_text(app)
        await tap(app, pilot, "#done")
        await until_wiped(app, pilot)
        left = all_text(app), app.state
        await start(app, pilot, ["1"])
        await pilot.press("d")
        await until_wiped(app, pilot)
        await tap(app, pilot, "#start")
        return outcome, seen, left, app.state

    outcome, seen, (left, wiped), again = run(scenario)
    assert outcome.screen == "outcome"
    assert "38.7" in seen and "38.7" not in left
    assert (wiped.language, wiped.answers) == ("en", ())
    assert (again.screen, again.question_id, again.answers) == ("conversation", FLOW.start, ())


def test_idle_on_the_welcome_only_sets_it_back_to_its_first_language():
    async def scenario(app, pilot):
        await tap(app, pilot, "#language-es")
        chosen = app.state.language
        shown = set()
        for _ in range(2):  # idle, and idle again: never "Are you still there?" on the welcome
            await idle_for(app, pilot, 60)
            shown.add(app.screen.id)
            await until_wiped(app, pilot)
        return chosen, shown, app.state, screen_text(app)

    chosen, shown, state, text = run(scenario)
    assert chosen == "es"
    assert "still-there" not in shown  # never "Are you still there?" on the welcome
    assert (state.screen, state.language) == ("welcome", "en")
    assert "Start" in text


# -- the look: high contrast, large controls, 80x24 ------------------------------------------------

def test_kiosk_mode_is_high_contrast_by_default_and_the_default_theme_can_be_chosen():
    async def scenario(app, pilot):
        return app.theme

    assert run(scenario) == "high-contrast"
    assert run(scenario, theme="default") == "calm"


async def _screens(app, pilot):
    """Every kiosk screen, as text, with the heights of its buttons."""
    shots = {}

    def shoot(name):
        shots[name] = (screen_text(app), [button.outer_size.height for button in app.screen.query(Button)
                                          if all(node.display for node in button.ancestors_with_self[:-1])])

    shoot("welcome")
    await start(app, pilot, ["7"])
    shoot("yes-no")
    app.answer("no")
    app.answer("yes")
    await pilot.pause()
    shoot("temperature")
    for level in ("emergency", "urgent", "routine"):
        app.start_over()
        await pilot.pause()  # the last outcome screen is gone before the next takes its id
        for typed in ANSWERS_TO[level]:
            app.answer(typed)
        await pilot.pause()
        shoot(level)
    app.last_input -= 1000
    app.look_at_idle_clock()  # what the idle clock does next, without waiting for it
    await pilot.pause()
    shoot("still-there")
    app.open_staff_dialog()
    await pilot.pause()
    shoot("staff-pin")
    return shots


def test_every_kiosk_screen_fits_80_by_24_and_its_buttons_are_touch_sized(size=(80, 24)):
    shots = run(_screens, size=size, options=KioskOptions(idle_timeout=60, idle_warning=60, pin_timeout=60))
    assert set(shots) >= {"welcome", "yes-no", "temperature", "emergency", "urgent", "routine", "still-there",
                          "staff-pin"}
    for name, (text, heights) in shots.items():
        lines = text.rstrip("\n").split("\n")
        assert len(lines) <= size[1] and max(map(len, lines)) <= size[0], name
        assert heights and min(heights) >= 3, name
    for level in ("emergency", "urgent", "routine"):
        assert "Done" in shots[level][0]


def test_the_high_contrast_theme_is_for_everyone_who_asks():
    async def main():
        app = SymptomCheckerApp(FLOW, theme="high-contrast")
        async with quick(app.run_test(size=SIZE)) as pilot:
            await pilot.pause()
            return app.theme, app.screen.query_one("#choice-send").outer_size.height

    theme, send_height = asyncio.run(main())
    assert theme == "high-contrast" and send_height >= 3


def test_an_unknown_theme_is_refused_with_the_names_to_use():
    with pytest.raises(ValueError, match="default or high-contrast"):
        SymptomCheckerApp(FLOW, theme="neon")


def test_a_larger_screen_gives_the_choices_more_room():
    async def scenario(app, pilot):
        await start(app, pilot)
        heights = [choice.outer_size.height for choice in app.screen.query(".choice") if choice.display]
        return heights, screen_text(app)

    heights, text = run(scenario, size=(120, 40))
    assert heights and min(heights) >= 2
    assert max(map(len, text.rstrip("\n").split("\n"))) <= 120
