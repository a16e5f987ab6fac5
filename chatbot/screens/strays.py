"""Typing on a question answered by buttons that answers nothing: never a press of the focused button.

A person who thinks every question takes typed words types "maybe" or "36.8" at "Do you have
chills?" and presses Enter. The letters answer nothing, and the Enter would press the focused
button, Yes: an answer the person never gave. And "maybe" holds a y, which answers Yes at once.

`StrayTyping` is told of each key on such a question (`holds`): a character that neither answers
nor does anything else there starts a stray word; every character typed within `SETTLE` seconds
of the last is part of it (the y of "maybe", the b of "maybe" that would go back) and is dropped;
Enter or Space after a stray word is dropped too, and the screen says which keys answer. A key that
moves the focus (Tab, an arrow), a tap, or the next question ends it: the person then presses what
they chose. A first key that answers (y, n, 1) still answers at once (`chatbot.screens.leftovers`
drops the rest of its word).
"""

from __future__ import annotations

from chatbot.screens.leftovers import SETTLE, WORD_ENDS

HELD = "held"
"""`StrayTyping.holds`' answer for a key dropped as part of a stray word."""
SAY_KEYS = "say keys"
"""Its answer for an Enter or Space after a stray word: dropped, and the screen says which keys answer."""


class StrayTyping:
    """A stray word typed on a question answered by buttons (see the module's docstring)."""

    def __init__(self, settle: float = SETTLE) -> None:
        self.settle = settle
        self.typed = False
        """A stray word was typed on this question and nothing the person chose has come since."""
        self._last: float | None = None

    def holds(self, at: float, key: str, character: str | None, acts: bool) -> str | None:
        """Whether the key `key` (its `character`) at `at` is dropped: `HELD`, `SAY_KEYS` or None (it goes on).
        `acts`: the key would answer or do something else here (y, 1, h for help)."""
        if key in WORD_ENDS:
            return SAY_KEYS if self.typed else None
        if not (character and character.isprintable()):
            self.forget()  # Tab, an arrow, Escape: the person's own move
            return None
        if self._last is not None and 0 <= at - self._last <= self.settle:
            self._last = at  # the next letter of the stray word
            return HELD
        if acts:
            self.forget()
            return None
        self.typed, self._last = True, at
        return None  # it does nothing here: let it go on to nothing

    def forget(self) -> None:
        self.typed, self._last = False, None
