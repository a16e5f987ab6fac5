"""Driving a kiosk in tests: a scenario on a fresh kiosk, taps and keys as a terminal sends
them, and every text the kiosk holds (to prove a wipe left nothing of the person)."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console
from textual import events
from textual.widgets import Button, Input

from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import KioskOptions
from chatbot.replay.pilot import settled
from chatbot.widgets.chat import ChatLog
from tests.helpers.screen import screen_text
from tests.helpers.pilot import quick
from tests.helpers.tui import tap  # noqa: F401 - a kiosk is tapped like any app

SIZE = (80, 24)
SLOW = KioskOptions(idle_timeout=60, idle_warning=60)
"""The kiosk's own defaults would do too: tests move its clock (`Clock`), the wall clock never counts."""


class Clock:
    """The kiosk's clock in a test: it stands still until the test moves it (`idle_for`)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def run(scenario, *, options=SLOW, size=SIZE, app_class=KioskApp, clock=None, **kwargs):
    """Run `scenario(app, pilot)` on a fresh kiosk and return what it returns."""

    async def main():
        app = app_class(load_flow(), kiosk=options, clock=clock or Clock(), **kwargs)
        async with quick(app.run_test(size=size)) as pilot:
            await pilot.pause()
            return await scenario(app, pilot)

    return asyncio.run(main())


def widget_text(widget) -> str:
    """What a widget would draw, as plain text, and any value it holds."""
    parts = []
    if isinstance(widget, Input):
        parts.append(widget.value)
    if isinstance(widget, Button):
        parts.append(str(widget.label))
    if isinstance(widget, ChatLog):  # draws line by line: its whole text, scrolled out of sight or not
        parts += [line.plain for line in widget.lines(200)]
    try:
        rendered = widget.render()
    except Exception:  # a widget that cannot render off screen holds no text to check
        rendered = ""
    if hasattr(rendered, "plain"):
        parts.append(rendered.plain)
    elif isinstance(rendered, str):
        parts.append(rendered)
    else:
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        console.print(rendered)
        parts.append(console.export_text(styles=False))
    return "\n".join(parts)


def all_text(app) -> str:
    """Every text in every widget of every screen the app holds, shown or not."""
    screens = list(app.screen_stack) + [app.conversation_screen]
    texts = [screen_text(app)]
    for screen in screens:
        texts += [widget_text(widget) for widget in screen.walk_children(with_self=False)]
    return "\n".join(texts)


async def send_keys(app, pilot, keys) -> None:
    """Keys as a terminal delivers them to the app, all at once, then a pause.

    The same path as `pilot.press` (the app's own key handling) without its wait for idle
    after every key, so that thirty keys cost one pause; their times are a person's, as `press`'s.
    """
    for key in keys:
        event = events.Key(key, None)
        event.time = pilot.input_time()
        app.post_message(event)
    await pilot.pause()


async def start(app, pilot, answers=()):
    await tap(app, pilot, "#start")
    for typed in answers:
        app.answer(typed)
        await settled(app)
    await pilot.pause()


async def idle_for(app, pilot, seconds: float) -> None:
    """Let `seconds` pass on the kiosk's clock with nobody there, and let the kiosk look at it."""
    app.clock.advance(seconds)
    app.look_at_idle_clock()
    await pilot.pause()


async def until_wiped(app, pilot) -> None:
    """Wait for a wipe (a worker) to finish, and for the welcome it leaves to be drawn."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert not app.wiping and app.screen.id == "welcome", app.screen.id


async def wait_for(pilot, condition, most: float = 10.0, step: float = 0.01) -> None:
    """Pause until `condition()` holds: work to be done (a PIN checked in a thread), never time to pass."""
    for _ in range(round(most / step)):
        await pilot.pause()  # done, and drawn
        if condition():
            return
        await pilot.pause(step)  # a thread's work takes time that no queue shows
    raise AssertionError("the kiosk did not get there")
