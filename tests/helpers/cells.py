"""What a running Textual app draws, cell by cell, with the colours a terminal shows: for tests that
measure contrast (WCAG 1.4.3, 1.4.11) on the screens as drawn, every theme and style sheet applied."""

from __future__ import annotations

from dataclasses import dataclass

GRAPHIC = range(0x2500, 0x25A0)
"""Box drawing and block elements: borders, bars and scrollbars, not words."""
FILLED = {"█": 1, "▉": 7 / 8, "▊": 3 / 4, "▋": 5 / 8, "▌": 1 / 2, "▐": 1 / 2, "▀": 1 / 2, "▄": 1 / 2, "▅": 5 / 8,
          "▆": 3 / 4, "▇": 7 / 8}
"""How much of its cell a block glyph fills with its colour (the rest shows the background)."""


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    char: str
    fg: tuple[int, int, int]
    bg: tuple[int, int, int]

    @property
    def is_text(self) -> bool:
        return bool(self.char.strip()) and ord(self.char[0]) not in GRAPHIC

    @property
    def is_graphic(self) -> bool:
        return bool(self.char.strip()) and ord(self.char[0]) in GRAPHIC

    @property
    def ink(self) -> tuple[int, int, int]:
        """The colour the cell shows most of: a block glyph's filling half of it or more, else the
        background (a thin edge, a line, a word)."""
        return self.fg if FILLED.get(self.char, 0) >= 0.5 else self.bg


def _rgb(color, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def cells(app) -> list[Cell]:
    """Every cell of the screen (with the screens beneath a dialog), its character and its colours as
    drawn (reverse applied; Textual has already blended dim and transparent colours)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    found = []
    for y, line in enumerate(update.strips, update.region.y):
        x = update.region.x
        for strip in line:
            for segment in strip:
                style = segment.style
                fg = _rgb(style.color if style else None, (255, 255, 255))
                bg = _rgb(style.bgcolor if style else None, (0, 0, 0))
                if style is not None and style.reverse:
                    fg, bg = bg, fg
                for char in segment.text:
                    found.append(Cell(x, y, char, fg, bg))
                    x += 1
    return found


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
