"""Staff leave the kiosk with F12 pressed three times within 2 s, then the staff PIN."""

from __future__ import annotations

import pytest

from chatbot.kiosk import log as kiosk_log
from chatbot.kiosk.rules import KioskOptions
from chatbot.kiosk.staff_pin import set_pin
from tests.helpers.kiosk import idle_for, run, screen_text, send_keys, start, wait_for

PIN = "246813"
STAFF = KioskOptions(idle_timeout=60, idle_warning=60, pin_timeout=60, pin_delay=1)
F12 = ["f12", "f12", "f12"]


@pytest.fixture
def pin_set(kiosk_folders):
    set_pin(PIN)


async def type_pin(app, pilot, pin: str) -> None:
    app.screen.query_one("#staff-pin-input").value = pin
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.leaving or app.screen.id != "staff-pin" or "Checking" not in app.screen.message)


def test_the_right_pin_leaves_kiosk_mode_with_status_0(pin_set, kiosk_folders):
    async def scenario(app, pilot):
        await start(app, pilot, ["7"])
        await send_keys(app, pilot, F12)
        await type_pin(app, pilot, PIN)
        await pilot.pause()
        return app.is_running, app.return_code

    assert run(scenario, options=STAFF) == (False, 0)
    assert "staff left kiosk mode" in kiosk_log.log_path().read_text()


def test_a_wrong_pin_is_refused_and_each_refusal_makes_the_next_try_wait_longer(pin_set):
    async def scenario(app, pilot):
        await send_keys(app, pilot, F12)
        seen = []
        for pin in ("1357", PIN):  # the right PIN, typed while still waiting, is not even checked
            await type_pin(app, pilot, pin)
            seen.append((app.screen.message, app.screen.query_one("#staff-pin-input").value))
        waits = [app.pin_locked_until]
        app.clock.advance(1)  # the first wait is over
        await type_pin(app, pilot, "9753")
        seen.append((app.screen.message, ""))
        waits.append(app.pin_locked_until)
        return seen, app.pin_failures, app.is_running, app.state.screen, waits

    seen, failures, running, screen, (first_until, second_until) = run(scenario, options=STAFF)
    assert seen[0] == ("That PIN is not right. You can try again in 1 s.", "")  # nothing typed stays
    assert seen[1][0] == "Please wait 1 s before trying again."
    assert seen[2][0].startswith("That PIN is not right.")
    assert failures == 2 and running and screen == "staff-pin"
    assert second_until == first_until + 2  # the clock moved on to the end of the first wait (1 s); the next is 2 s


def test_with_no_pin_set_the_dialog_says_so_and_nothing_leaves(kiosk_folders):
    async def scenario(app, pilot):
        await send_keys(app, pilot, F12)
        text = screen_text(app)
        inputs = len(app.screen.query("#staff-pin-input"))
        await send_keys(app, pilot, ["1", "2", "3", "4"])
        typed = app.state.screen
        await send_keys(app, pilot, ["enter"])  # on "Back to the kiosk", the only button
        return text, inputs, typed, app.is_running, app.state.screen

    text, inputs, typed, running, screen = run(scenario, options=STAFF)
    assert "No staff PIN is set" in text and "chatbot set-staff-pin" in text
    assert inputs == 0 and typed == "staff-pin"
    assert running and screen == "welcome"


def test_only_the_sequence_opens_the_dialog_which_goes_back_by_itself_to_where_it_was(pin_set):
    async def scenario(app, pilot):
        await start(app, pilot, ["7"])
        before = app.state
        await send_keys(app, pilot, ["f12", "f11", "f12", "f12"])  # another key between: the count starts over
        not_yet = app.state.screen
        await send_keys(app, pilot, ["f12"])  # the third F12 in a row (more cases: test_kiosk_rules.py)
        opened = app.state.screen
        await idle_for(app, pilot, 29)
        still_open = app.state.screen
        await idle_for(app, pilot, 1)
        return before, not_yet, (opened, still_open), app.state

    before, not_yet, opened, after = run(scenario, options=KioskOptions(idle_timeout=60, pin_timeout=30))
    assert (not_yet, opened) == ("conversation", ("staff-pin", "staff-pin"))
    assert after == before
