"""The queue as the station shows it: its order, the emergency the `e` key opens, each row's words.

Order: first the people asking for help at a staffed kiosk right now (its "Ask for help",
WCAG 3.2.6), the longest asking first; then what still needs a nurse (not yet reviewed),
by level (emergency, urgent, routine, then sessions without a level yet), the longest
waiting first within each level; reviewed sessions follow, in the same order. So an
unreviewed emergency is at the top of the sessions, and one that waited three minutes is
above one that waited one.

An emergency "alerts" (rings once, stays highlighted, is named on the key line) while it
waits for review, nobody has it open and it was not opened at this station. Plain Python:
`chatbot.nurse.screens.QueueScreen` draws what this decides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from chatbot.records.model import LEVELS, StoredSession as QueueEntry


def queue_order(entries: Iterable[QueueEntry], at: datetime) -> list[QueueEntry]:
    """`entries` in the order the station lists them at time `at` (see the module's docstring)."""

    def rank(entry: QueueEntry) -> tuple:
        if entry.help_open:
            return False, -1, -(at - entry.help_asked_at).total_seconds(), entry.id
        level = LEVELS.index(entry.level) if entry.level in LEVELS else len(LEVELS)
        return entry.state(at) == "reviewed", level, -entry.waited(at).total_seconds(), entry.id

    return sorted(entries, key=rank)


def asking_for_help(entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    """The sessions whose person asks for help and no nurse has answered yet, the longest asking first."""
    return sorted((entry for entry in entries if entry.help_open), key=lambda entry: (entry.help_asked_at, entry.id))


def unopened_emergencies(entries: Iterable[QueueEntry], at: datetime, opened: set[str]) -> set[str]:
    """The ids of the emergencies that wait for review, open nowhere and never opened here."""
    return {entry.id for entry in entries
            if entry.level == "emergency" and entry.state(at) == "waiting" and entry.id not in opened}


def newest_of(entries: Iterable[QueueEntry], at: datetime, among: set[str]) -> QueueEntry | None:
    """The session of `among` that has waited the least (the newest emergency), or None."""
    waiting = [entry for entry in entries if entry.id in among]
    return min(waiting, key=lambda entry: (entry.waited(at), entry.id), default=None)


BREAK_AFTER = "-_.:/"
"""Where a word with no space may go on to the next line: after a hyphen, a dot, a slash..."""


def fold(text: str, width: int) -> str:
    """`text` in lines of at most `width`, broken at a space where it can be, else after a sign of
    `BREAK_AFTER` ("pg-lobby-entrance-3" at 12 is "pg-lobby-" and "entrance-3"), else anywhere.
    Nothing is left out."""
    lines: list[str] = []
    rest = " ".join(text.split())
    while len(rest) > width:
        head = rest[:width + 1]
        cut = head.rfind(" ")
        if cut <= 0:
            cut = max((index + 1 for index, character in enumerate(head[:width]) if character in BREAK_AFTER),
                      default=width)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return "\n".join([*lines, rest])
