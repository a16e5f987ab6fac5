"""What the pseudo-locale walk looks for on a screen: text cut or hidden, and text not from a catalog.

In the pseudo-locale (`chatbot.catalog.PSEUDO`) every text the product shows, its own and the
flow's, is accented, 40% longer and between ⟦ ⟧. So on a screen at 80x24:
- a ⟦ with no ⟧ after it is a text cut at the right or hidden at the bottom (a ⟧ with no ⟦ is
  an older line of the conversation scrolled away above: that is where it should be);
- two ASCII letters in a row outside ⟦ ⟧ are words that never went through a catalog.
A text that ends in "…" was shortened on purpose, where the screen says so (a Select shows the
start of the question chosen): it counts as shown.
"""

from __future__ import annotations

import re

from chatbot.catalog import CLOSE, LANGUAGES, OPEN

NOT_WORDS = {*LANGUAGES.values(), "°C", "°F"}
"""Shown as they are in every language: each language by its own name (the kiosk's language
buttons), and the units of a temperature."""
ENGLISH = re.compile(r"[A-Za-z]{2,}")


SCROLLBAR = set("▂▃▄▅▆▇")  # a scroll bar's thumb, at the right of its pane (▁ and █ draw rules and borders)


def faults(screen: str, allowed: set[str] = frozenset()) -> list[str]:
    """Each problem of a screen's text, with its line: `cut: ...` or `not in a catalog: ...`.

    A text still open at the end of the screen is cut when it opened on the last line (the bottom
    row, the buttons', cannot wrap onto another), and hidden when no scroll bar shows there is more.
    """
    found, depth, opened_at = [], 0, None
    lines = screen.rstrip("\n").splitlines()
    words = sorted({*NOT_WORDS, *allowed}, key=len, reverse=True)  # "at_rest" after "short_of_breath_at_rest"
    for number, line in enumerate(lines, 1):
        outside = []
        for char in line:
            if char == OPEN:
                depth += 1
                opened_at = opened_at or (number, line)
            elif char == CLOSE or (char == "…" and depth):  # … : shortened where it says so (a Select's value)
                depth = max(0, depth - 1)
                if depth == 0:
                    opened_at = None
            elif depth == 0:
                outside.append(char)
        rest = "".join(outside)
        for word in words:
            rest = rest.replace(word, " ")
        if ENGLISH.search(rest):
            found.append(f"not in a catalog, line {number}: {line.strip()}")
    last = max((n for n, line in enumerate(lines, 1) if line.strip()), default=0)
    scrolls = any(SCROLLBAR & set(line.rstrip()[-4:]) for line in lines)
    if depth and opened_at is not None and (opened_at[0] == last or not scrolls):
        found.append(f"cut or hidden, from line {opened_at[0]}: {opened_at[1].strip()}")
    return found
