"""WCAG 2.4.11 (focus not obscured), at 80x24 in English and Spanish: whichever control has the focus,
it is whole on the screen, and no notice the app shows (the longest it has: where help is, records away,
More time; one at a time, the newest) covers any of it; notices sit at the top, over the answers already
given. A scrolling text (the welcome's, an outcome's) may be partly under a notice, never wholly: it
scrolls, and 2.4.11 asks that the focus be not entirely hidden."""

from __future__ import annotations

import asyncio

import pytest
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets._toast import Toast

from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import KioskOptions
from chatbot.widgets import words
from tests.helpers.kiosk import Clock
from tests.helpers.pilot import quick

SIZE = (80, 24)
NOTICES = (words.HELP_WHERE, words.RECORDS_AWAY, words.MORE_TIME_GIVEN.fill(time="4 min"))
"""The longest notices, each shown over every control (the others are held no longer than these)."""
SHORTER = (words.HELP_SENDING, words.HELP_SENT, words.HELP_SENT_AGAIN, words.HELP_AWAY)
"""What "Ask for help" says: no longer than HELP_WHERE in any language, so covered by its test."""


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_help_notices_are_no_longer_than_the_longest_tested(language):
    longest = len(words.HELP_WHERE.get(language))
    assert {notice.get(language): len(notice.get(language)) for notice in SHORTER
            if len(notice.get(language)) > longest} == {}


async def obscured(app, pilot, where: str) -> list[str]:
    """Each control of the screen on top that, focused, is off the screen or under a notice."""
    await pilot.pause()
    screen = app.screen
    found = []
    for notice in NOTICES:
        found += await under(app, pilot, where, notice.get(app.language))
    app.clear_notifications()
    await pilot.pause()
    return found


async def under(app, pilot, where: str, notice: str) -> list[str]:
    screen = app.screen
    app.notify(notice, timeout=60, markup=False)
    await pilot.pause()
    toasts = [toast.region for toast in screen.query(Toast) if toast.region.area]
    assert len(toasts) == 1, "the notice is shown, alone"
    found = []
    controls = [widget for widget in screen.walk_children(with_self=False)
                if widget.focusable and widget.region.area and not isinstance(widget, Screen)]
    for control in controls:
        control.focus()
        await pilot.pause()
        region = control.region
        if screen.region.intersection(region) != region:
            found.append(f"{where}: #{control.id} is not whole on the screen ({region})")
        scrolls = isinstance(control, ScrollableContainer)
        found += [f"{where}: #{control.id} {region} under a notice {toast}" for toast in toasts
                  if (toast.intersection(region) == region if scrolls else toast.overlaps(region))]
    return found


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_notice_covers_the_focused_control_on_any_kiosk_screen(language):
    async def main():
        app = KioskApp(load_flow(), kiosk=KioskOptions(idle_timeout=60, idle_warning=30, identify="ticket",
                                                      staffed=True), clock=Clock(), language=language)
        found = []
        async with quick(app.run_test(size=SIZE, notifications=True)) as pilot:  # toasts drawn, as in a terminal
            found += await obscured(app, pilot, "welcome")
            await pilot.press("enter")
            await pilot.pause()
            found += await obscured(app, pilot, "choices")
            app.answer("7")
            await pilot.pause()
            found += await obscured(app, pilot, "identify")
            app.screen.dismiss()
            for typed, where in (("no", "yes-no"), ("no", "temperature")):
                app.answer(typed)
                await pilot.pause()
                found += await obscured(app, pilot, where)
            app.go_back()
            app.go_back()
            app.go_back()
            await pilot.pause()
            app.answer("1")
            found += await obscured(app, pilot, "emergency")
        return found

    assert asyncio.run(main()) == []
