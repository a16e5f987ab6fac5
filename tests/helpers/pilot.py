"""Pilot without its idle sleeps: the tests' way to drive a running app, as fast as it can go.

Textual's `Pilot.pause()` sleeps until the process looks idle (20 ms at the least), and
`Pilot.press` does so twice for every key: in this suite that was half the wall time of
every UI test, the machine doing nothing. `QuickPilot` keeps Pilot's methods and what
they mean, but waits for the app itself instead: until no message waits in any of its
queues (`settled`, what `chatbot replay --tui` waits for) and any animation to end, then
for the screen to be brought up to date (`Pilot.pause(0)`). Keys are the `Key` events a terminal's driver posts,
each timed a person's `PACE` after the last (`press_apart` for keys closer together).

Anything else (and a pause of a given length) is Pilot's own, and where Pilot waits inside its own
methods (before and after each mouse event of a click, after a resize) it waits in the quick way too:
Pilot's idle wait sleeps at least 20 ms and up to a second on a busy machine, four times a click.
"""

from __future__ import annotations

import unicodedata
from time import monotonic
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from textual import events
from textual.keys import KEY_NAME_REPLACEMENTS, key_to_character
from textual.pilot import Pilot

from chatbot.replay.pilot import settled

PACE = 1.0
"""Seconds between a test's presses, as their keys' times say: a person who reads each question first,
so that no key is taken for what is left of the one before (`chatbot.screens.leftovers`)."""

DRAWS = 2
"""Frames to let pass: work that waits for a frame (`call_after_refresh`, a scroll to the newest
line) is set off by the first and drawn by the second."""


def key_event(key: str) -> events.Key:
    """The `Key` event a terminal sends for `key`: a key's name ("enter", "ctrl+c") or a character."""
    if len(key) == 1 and not key.isalnum():  # "." is the key "full_stop" with the character "."
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        return events.Key(KEY_NAME_REPLACEMENTS.get(name, name), key)
    return events.Key(key, key_to_character(key))


class QuickPilot(Pilot):
    """A `Pilot` whose `press` and `pause()` wait for the app, not for the clock."""

    def __init__(self, pilot: Pilot) -> None:
        super().__init__(pilot.app)
        self._time: float | None = None

    def input_time(self, gap: float = PACE) -> float:
        """The time of the test's next input (a key, a tap), `gap` seconds after the last one's, however
        long the machine took in between: the app reads what the inputs' times say."""
        self._time = monotonic() if self._time is None else self._time + gap
        return self._time

    async def pause(self, delay: float | None = None) -> None:
        """With a `delay`, Pilot's own sleep; without, until the app is done and drawn."""
        if delay is not None:
            await super().pause(delay)
            return
        for _ in range(DRAWS):
            await settled(self.app)
            await self.app.animator.wait_until_complete()  # a scroll to the end glides there
            await super().pause(0)  # drawn: and what waited for this frame is set off
        await settled(self.app)

    async def press(self, *keys: str) -> None:
        """Each key handled in full, and drawn, before the next, each a person's `PACE` after the last."""
        await self.press_apart(PACE, *keys)

    async def press_apart(self, gap: float, *keys: str) -> None:
        """`keys` pressed `gap` seconds apart, as their times say (a fast typist, a bouncing key), each
        handled in full and drawn before the next: what the app does with keys that close together."""
        for key in keys:
            event = key_event(key)
            event.time = self.input_time(gap)
            self.app.post_message(event)
            await self.pause()

    async def click(self, widget: Any = None, *args: Any, **kwargs: Any) -> bool:
        """Pilot's click, on the screen as it is now drawn, once the target has shown an earlier press.

        A `Button` ignores a click while it still shows the last one (its `-active` class, 0.2 s on
        Textual's own timer), as it ignores a person's double click; a test that clicks it twice
        in a row on a busy machine lost the second click (the amend form's Save again)."""
        await self.pause()  # the layout current, so the click lands where the button is drawn now
        if widget is not None:
            target = self.app.screen.query_one(widget) if isinstance(widget, (str, type)) else widget
            while target.has_class("-active"):
                await self.pause(0.05)
        return await super().click(widget, *args, **kwargs)


@asynccontextmanager
async def quick(running) -> AsyncIterator[QuickPilot]:
    """`async with quick(app.run_test(size=...)) as pilot:`, Pilot's context with a `QuickPilot`."""
    async with running as pilot:
        yield QuickPilot(pilot)
