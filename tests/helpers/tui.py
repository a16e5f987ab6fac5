"""Driving the conversation app in tests: a scenario on a fresh app, answers and keys."""

from __future__ import annotations

import asyncio

from textual import events

from chatbot.flowfile.loader import load_flow
from chatbot.replay.pilot import settled
from chatbot.tui import SymptomCheckerApp
from tests.helpers.pilot import PACE, QuickPilot, quick

SIZE = (80, 24)

# The same paths as typed answers, to reach a screen quickly when the keys are not what is tested.
ANSWERS_TO = {
    "emergency": ["1"],
    "urgent": ["7", "no", "no", "36.8", "no", "no", "no", "1", "4", "no", "no", "no", "no", "no", "no", "no", "yes"],
    "routine": ["7", "no", "no", "36.8", "no", "no", "no", "5", "4", "no", "no", "no", "no", "no", "no", "no"],
}


def run(scenario, *, flow=None, size=SIZE, **options):
    """Run `scenario(app, pilot)` on a fresh app and return what it returns."""

    async def main():
        app = SymptomCheckerApp(flow or load_flow(), **options)
        async with quick(app.run_test(size=size)) as pilot:
            await pilot.pause()
            return await scenario(app, pilot)

    return asyncio.run(main())


async def answer(app, pilot, answers):
    """Answer through the app's own API, the way the replay driver does (and waits)."""
    for typed in answers:
        app.answer(typed)
        await settled(app)
    await pilot.pause()


async def press(pilot, *keys):
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


async def tap(app, pilot, selector: str, screen=None, *, gap: float = PACE) -> None:
    """A tap or click on a widget (of the screen on top, or `screen`), sent through the app as the
    terminal's driver sends it: the app finds what is under it and makes the `Click`."""
    widget = (screen or app.screen).query_one(selector)
    await tap_at(app, pilot, widget.region.offset.x + 1, widget.region.offset.y + widget.region.height // 2, gap=gap)


async def tap_at(app, pilot, x: int, y: int, *, gap: float = PACE) -> None:
    """A tap on the screen's cell (x, y), `gap` seconds after the test's last input as its time says
    (`chatbot.screens.leftovers` drops a twin tap that comes too soon)."""
    at = pilot.input_time(gap) if isinstance(pilot, QuickPilot) else None
    for kind in (events.MouseDown, events.MouseUp):
        event = kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y)
        event.time = event.time if at is None else at
        app.post_message(event)
    await pilot.pause()
