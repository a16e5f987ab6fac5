"""Time windows: how far back a finding looks, and how far back a question asks (principle 9).

A finding is present when its sign was there at any moment from the start of its
window until now. The timed windows are ordered, shortest first:

    now < 6h < 24h < 3d < 7d < since_last_check

(`since_last_check` is taken as the longest: a check-up is at least a week ago).
Two windows are of their own kind and are no span of time:

- `latest`: the most recent reading, however old (the temperature);
- `current`: what the care team said most recently (the white count).

A question's window *covers* a finding's when both are timed and the question's is
at least as long, or when both are the same kind (`latest` covers `latest`,
`current` covers `current`). A timed window never covers `latest` or `current`,
nor they a timed one: "in the last day" does not ask for the latest reading.
"""

from __future__ import annotations

import unicodedata

TIMED = ("now", "6h", "24h", "3d", "7d", "since_last_check")
OWN_KINDS = ("latest", "current")
WINDOWS = TIMED + OWN_KINDS

HOURS = {"now": 0, "6h": 6, "24h": 24, "3d": 72, "7d": 168, "since_last_check": None}
"""How many hours back each timed window reaches (None: since the last check-up, as long as that was)."""

SAID = {"now": "right now", "6h": "in the last 6 hours", "24h": "in the last day", "3d": "in the last 3 days",
        "7d": "in the last week", "since_last_check": "since the last check-up", "latest": "the latest reading",
        "current": "what the care team said most recently"}
"""Each window in words, for reports."""


def covers(asked: str | None, looks_back: str | None) -> bool:
    """Whether a question asking over `asked` covers a finding that looks back over `looks_back`."""
    if asked is None or looks_back is None:
        return True  # nothing declared: reported as missing, not as short
    if asked in TIMED and looks_back in TIMED:
        return TIMED.index(asked) >= TIMED.index(looks_back)
    return asked == looks_back


def fold(text: str) -> str:
    """Lower case without accents and with single spaces, to find a phrase in a text."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(c for c in decomposed if unicodedata.category(c) != "Mn").split())


def phrases(words: str) -> list[str]:
    """The comma-separated phrases of a `windows:` or `words:` entry, folded."""
    return [fold(phrase) for phrase in words.split(",") if fold(phrase)]


def says(text: str, words: str) -> bool:
    """Whether `text` holds one of the phrases of `words`."""
    said = fold(text)
    return any(phrase in said for phrase in phrases(words))
