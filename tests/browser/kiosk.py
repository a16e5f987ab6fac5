"""Reading and working the browser kiosk as a person does: the screen's rows as xterm.js gives them to
screen readers, keys typed into the terminal, clicks and taps on the words of a control."""

from __future__ import annotations

import time
from dataclasses import dataclass

ROWS = ".xterm-accessibility-tree > [role=listitem]"
WAIT = 60.0  # every wait is bounded, and generous: a loaded machine draws slowly


def rows(page) -> list[str]:
    """The screen, row by row, as a screen reader reads it (xterm.js's accessibility tree)."""
    return page.eval_on_selector_all(ROWS, "items => items.map(item => item.textContent)")


def screen(page) -> str:
    return "\n".join(rows(page))


def wait_for(page, *words: str, most: float = WAIT) -> str:
    """Wait until every one of `words` is on the screen (as a screen reader reads it); the screen."""
    deadline = time.monotonic() + most
    while True:
        shown = screen(page)
        if all(word in shown for word in words):
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"never shown: {[w for w in words if w not in shown]}\n--- the screen:\n{shown}")
        time.sleep(0.1)


def wait_until(condition, what: str, most: float = WAIT):
    deadline = time.monotonic() + most
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Grid:
    """Where the terminal's cells are on the page, in CSS pixels."""

    x: float
    y: float
    cell_width: float
    cell_height: float
    columns: int
    lines: int

    def centre(self, column: float, row: float) -> tuple[float, float]:
        return self.x + (column + 0.5) * self.cell_width, self.y + (row + 0.5) * self.cell_height


def grid(page) -> Grid:
    """The terminal's cells: its screen's box divided by its rows and by the characters of a row."""
    box = page.eval_on_selector(".xterm-screen", "screen => { const r = screen.getBoundingClientRect();"
                                                 " return [r.x, r.y, r.width, r.height]; }")
    lines = rows(page)
    columns = max(len(line) for line in lines)
    return Grid(box[0], box[1], box[2] / columns, box[3] / len(lines), columns, len(lines))


def find(page, words: str, nth: int = 0) -> tuple[int, int]:
    """(column, row) of the `nth` place `words` are shown."""
    found = [(line.index(words), number) for number, line in enumerate(rows(page)) if words in line]
    if len(found) <= nth:
        raise AssertionError(f"{words!r} is not on the screen:\n{screen(page)}")
    return found[nth]


def press(page, *keys: str) -> None:
    """Keys typed into the kiosk (the page keeps the keyboard in its terminal)."""
    page.focus(".xterm-helper-textarea")
    for key in keys:
        page.keyboard.press(key)


def click(page, words: str, *, tap: bool = False, nth: int = 0) -> None:
    """A click (or a tap on a touch screen) in the middle of `words` on the screen."""
    column, row = find(page, words, nth)
    x, y = grid(page).centre(column + len(words) / 2 - 0.5, row)
    if tap:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def scroll_to(page, words: str, most: int = 20) -> None:
    """Scroll the screen down (a mouse wheel, or a finger's swipe) until `words` are shown."""
    cells = grid(page)
    for _ in range(most):
        if words in screen(page):
            return
        page.mouse.move(*cells.centre(cells.columns / 2, cells.lines / 2))
        page.mouse.wheel(0, 3 * cells.cell_height)
        time.sleep(0.2)
    wait_for(page, words)
