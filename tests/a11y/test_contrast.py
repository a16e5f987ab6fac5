"""WCAG 1.4.3 and 1.4.11, measured on the screens as drawn in every theme: every word at 4.5:1 or more
against what is behind it, the progress bar and the scrollbars at 3:1, and each control's focus
seen at 3:1 against how it looks without it.

The colours are those the terminal is sent (`tests/helpers/cells.py`): the themes in chatbot/tui.py
and every .tcss applied, dim and translucent colours already blended by Textual. What a dialog's
shade covers is inactive and not measured; the raised edges of buttons are decoration (a button is
known by its words, WCAG's "Understanding 1.4.11"), and not measured either.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from textual.widget import Widget

from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import KioskOptions
from chatbot.tui import THEME_NAMES, SymptomCheckerApp
from tests.helpers.cells import Cell, cells, contrast
from tests.helpers.kiosk import Clock, idle_for
from tests.helpers.pilot import quick
from tests.helpers.tui import ANSWERS_TO

TEXT, GRAPHIC, FOCUS = 4.5, 3.0, 3.0
SIZE = (80, 24)


def inside(cell: Cell, widget: Widget) -> bool:
    return widget.region.contains(cell.x, cell.y)


def words_too_faint(app) -> list[str]:
    """Each word-cell of the screen on top below 4.5:1, as "(fg on bg 3.2:1) the row's words"."""
    screen = app.screen
    shown = [widget for widget in screen.walk_children(with_self=False) if widget.region.area]
    faint: Counter = Counter()
    for cell in cells(app):
        if cell.is_text and any(inside(cell, widget) for widget in shown):
            ratio = contrast(cell.fg, cell.bg)
            if ratio < TEXT:
                faint[f"{cell.fg} on {cell.bg} {ratio:.2f}:1 at row {cell.y}"] += 1
    return sorted(faint)


def graphics_too_faint(app) -> list[str]:
    """The progress bar's and the scrollbars' cells below 3:1."""
    screen = app.screen
    regions = [widget.region for widget in screen.query("#progress")]
    for widget in screen.walk_children(with_self=True):
        if widget.show_vertical_scrollbar and widget.region.area:
            regions.append(widget.vertical_scrollbar.region)
    faint = set()
    for cell in cells(app):
        if cell.is_graphic and any(region.contains(cell.x, cell.y) for region in regions):
            ratio = contrast(cell.fg, cell.bg)
            if ratio < GRAPHIC:
                faint.add(f"{cell.char} {cell.fg} on {cell.bg} {ratio:.2f}:1 at row {cell.y}")
    return sorted(faint)


async def focus_too_faint(app, pilot) -> list[str]:
    """Each control of the screen on top whose focus is not seen: it must change half of the control's
    cells by 3:1 (its background, or its border's colour), or a bar down the whole of one side (a
    scrolling text's edge)."""
    screen = app.screen
    controls = [widget for widget in screen.walk_children(with_self=False)
                if widget.focusable and widget.region.area and not isinstance(widget, Screen)]
    faint = []
    for control in controls:
        control.focus()
        await pilot.pause()
        focused = {(c.x, c.y): c for c in cells(app) if inside(c, control)}
        screen.set_focus(None)
        await pilot.pause()
        plain = {(c.x, c.y): c for c in cells(app) if inside(c, control)}
        changed = {at for at, cell in focused.items() if contrast(cell.ink, plain[at].ink) >= FOCUS}
        region = control.region
        bar = any(all((x, y) in changed for y in range(region.y, region.bottom)) for x in range(region.x, region.right))
        if not (len(changed) * 2 >= len(focused) or bar):
            faint.append(f"#{control.id or type(control).__name__}: {len(changed)} of {len(focused)} cells")
    return faint


from textual.screen import Screen  # noqa: E402 - beside its only use above, for reading


async def measure(app, pilot, name: str, found: dict) -> None:
    await pilot.pause()
    found[name] = (words_too_faint(app), graphics_too_faint(app), await focus_too_faint(app, pilot))


async def conversation_screens(app, pilot, found: dict) -> None:
    await measure(app, pilot, "choices", found)
    for typed in ("7", "no"):
        app.answer(typed)
    await measure(app, pilot, "yes-no", found)
    app.answer("no")
    await measure(app, pilot, "temperature", found)
    for level in ("urgent", "routine", "emergency"):
        app.start_over()
        await pilot.pause()  # the last outcome screen gone
        for typed in ANSWERS_TO[level]:
            app.answer(typed)
        await measure(app, pilot, level, found)
    await pilot.press("r")
    await measure(app, pilot, "confirm", found)
    await pilot.press("n")


async def kiosk_screens(app, pilot, found: dict) -> None:
    await measure(app, pilot, "welcome", found)
    await pilot.press("enter")
    app.answer("1")  # an emergency at once: who the person is, asked below its instructions
    await measure(app, pilot, "emergency", found)
    await pilot.press("d")
    await app.workers.wait_for_complete()
    await pilot.press("enter")
    app.answer("7")
    await measure(app, pilot, "identify", found)
    app.screen.dismiss()
    await idle_for(app, pilot, 60)
    await measure(app, pilot, "still-there", found)
    await pilot.press("y")
    app.open_staff_dialog()
    await measure(app, pilot, "staff-pin", found)


@pytest.mark.parametrize("theme", sorted(THEME_NAMES))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_screen_of_the_conversation_meets_wcag_contrast(theme, language):
    async def main():
        found: dict = {}
        app = SymptomCheckerApp(load_flow(), language=language, theme=theme)
        async with quick(app.run_test(size=SIZE)) as pilot:
            await conversation_screens(app, pilot, found)
            app.show_summary()
            await measure(app, pilot, "summary", found)
        return found

    found = asyncio.run(main())
    assert set(found) == {"choices", "yes-no", "temperature", "urgent", "routine", "emergency", "confirm", "summary"}
    assert {name: problems for name, problems in found.items() if any(problems)} == {}


@pytest.mark.parametrize("theme", sorted(THEME_NAMES))
def test_every_screen_of_the_kiosk_meets_wcag_contrast(theme):
    async def main():
        found: dict = {}
        app = KioskApp(load_flow(), kiosk=KioskOptions(idle_timeout=60, idle_warning=30, identify="ticket",
                                                      staffed=True), clock=Clock(), theme=theme)
        async with quick(app.run_test(size=SIZE)) as pilot:
            await kiosk_screens(app, pilot, found)
        return found

    found = asyncio.run(main())
    assert set(found) == {"welcome", "emergency", "identify", "still-there", "staff-pin"}
    assert {name: problems for name, problems in found.items() if any(problems)} == {}


def test_the_measure_can_fail():
    """A word drawn at 2:1 is found: the check is not vacuous."""
    async def main():
        app = SymptomCheckerApp(load_flow())
        async with quick(app.run_test(size=SIZE)) as pilot:
            await pilot.pause()
            app.screen.query_one("#question").styles.color = "#3A4A55"
            await pilot.pause()
            return words_too_faint(app)

    assert asyncio.run(main())
