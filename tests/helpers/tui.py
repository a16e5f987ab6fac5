"""Driving the conversation app in tests: a scenario on a fresh app, answers and keys."""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack

from textual import events

from chatbot.flowfile.loader import load_flow
from chatbot.replay.pilot import settled
from chatbot.tui import SymptomCheckerApp
from tests.helpers.pilot import PACE, QuickPilot, quick
from tests.helpers.screen import screen_text

SIZE = (80, 24)

# The same paths as typed answers, to reach a screen quickly when the keys are not what is tested.
ANSWERS_TO = {
    "emergency": ["1"],
    "urgent": ["7", "no", "no", "36.8", "no", "no", "no", "1", "4", "no", "no", "no", "no", "no", "no", "no", "yes"],
    "routine": ["7", "no", "no", "36.8", "no", "no", "no", "5", "4", "no", "no", "no", "no", "no", "no", "no"],
}


SHAREABLE = {"language", "theme", "emergency_number", "tester"}
"""The options under which rows of a table share an app: none of them writes anywhere."""


def run(scenario, *, flow=None, size=SIZE, **options):
    """Run `scenario(app, pilot)` on an app as it starts and return what it returns.

    The rows of one table-driven test (a parametrized test function, the bundled flow, the same size and
    `SHAREABLE` options) share an app, as one person after another at the same terminal: after a row the app
    starts over, and only when it then looks in every way as it looked when it started (`Shared.looks`) does
    the next row get it; otherwise a new app. An app's start and end are ~0.25 s of CPU each row."""
    table = _table()
    if flow is not None or table is None or not options.keys() <= SHAREABLE:
        async def main():
            app = SymptomCheckerApp(flow or load_flow(), **options)
            async with quick(app.run_test(size=size)) as pilot:
                await pilot.pause()
                return await scenario(app, pilot)

        return asyncio.run(main())
    global _shared
    key = (table, size, tuple(sorted(options.items())))
    if _shared is not None and _shared.key != key:
        close_shared()
    if _shared is None:
        _shared = Shared(key, size, options)
    shared = _shared
    try:
        result = shared.runner.run(scenario(shared.app, shared.pilot))
        again = shared.runner.run(shared.start_over())
    except BaseException:
        close_shared()
        raise
    if not again:
        close_shared()
    return result


def _table() -> str | None:
    """The parametrized test running now, without its row's parameters (None for any other)."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    return current.split("[", 1)[0] if current.endswith("]") else None


class Shared:
    """An app kept running between the rows of a table, on its own event loop."""

    def __init__(self, key, size, options) -> None:
        self.key, self.size = key, size
        self.runner = asyncio.Runner()
        self.stack = AsyncExitStack()
        self.app = SymptomCheckerApp(load_flow(), **options)
        try:
            self.pilot = self.runner.run(self._start())
            self.fresh = self.runner.run(self.looks())
        except BaseException:
            self.close()
            raise

    async def _start(self) -> QuickPilot:
        pilot = await self.stack.enter_async_context(quick(self.app.run_test(size=self.size)))
        await pilot.pause()
        return pilot

    async def looks(self) -> tuple:
        """All a row can see of the app: its screens, size, focus, state, the words on screen, its attributes
        (a row that replaced one, `app.exit = ...`, leaves one more). Read in the app's own context."""
        app = self.app
        focused = app.focused
        return (app.is_running, app._exception is None, [type(screen) for screen in app.screen_stack], app.size,
                focused and (type(focused), focused.id), app.state, screen_text(app), sorted(vars(app)))

    async def start_over(self) -> bool:
        """Start the app over for the next row; whether it is then as it started."""
        app, pilot = self.app, self.pilot
        if not app.is_running or app._exception is not None:
            return False
        app.start_over()
        if app.size != self.size:
            await pilot.resize_terminal(*self.size)
        await pilot.pause()
        pilot.input_time(60)  # the next person comes a minute later: nothing they type is the last one's
        return await self.looks() == self.fresh

    def close(self) -> None:
        try:
            self.runner.run(self.stack.aclose())
        finally:
            self.runner.close()


_shared: Shared | None = None


def close_shared() -> None:
    """End the app the last table's rows shared (a new table's, or the end of the session)."""
    global _shared
    shared, _shared = _shared, None
    if shared is not None:
        shared.close()


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
