"""The wrong-PIN back-off survives a kiosk restart and is shared by every kiosk on the machine
(each browser tab of `chatbot serve` is a kiosk of its own): it is kept beside the PIN file."""

from __future__ import annotations

import pytest

from chatbot.kiosk.rules import KioskOptions
from chatbot.kiosk.staff_pin import set_pin
from tests.helpers.kiosk import Clock, run, send_keys, wait_for

PIN = "246813"
STAFF = KioskOptions(idle_timeout=60, idle_warning=60, pin_timeout=60, pin_delay=30)
F12 = ["f12", "f12", "f12"]


async def type_pin(app, pilot, pin: str) -> str:
    app.screen.query_one("#staff-pin-input").value = pin
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.leaving or app.screen.id != "staff-pin" or "Checking" not in app.screen.message)
    return "left" if app.leaving else app.screen.message


@pytest.mark.parametrize("restarted", [True, False], ids=["the kiosk restarted", "another tab"])
def test_a_wrong_pin_makes_the_next_kiosk_wait_too(restarted, kiosk_folders):
    """A wrong PIN in one kiosk; in the next one (same clock: the machine's), the right PIN must wait."""
    set_pin(PIN)
    clock = Clock()

    async def wrong(app, pilot):
        await send_keys(app, pilot, F12)
        return await type_pin(app, pilot, "1357")

    async def right(app, pilot):
        await send_keys(app, pilot, F12)
        first = await type_pin(app, pilot, PIN)
        clock.advance(30)  # the wait is over
        return first, await type_pin(app, pilot, PIN)

    assert run(wrong, options=STAFF, clock=clock).startswith("That PIN is not right")
    if not restarted:
        clock.advance(1)  # another tab, a moment later
    first, then = run(right, options=STAFF, clock=clock)
    assert first.startswith("Please wait") and then == "left"
