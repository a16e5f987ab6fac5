"""What is left of an answer's input after it answered: never taken as an answer to the next question.

A person at a terminal types the word and presses Enter: "no" + Enter. The `n` answers at once
(the letter keys answer), and the `o` and the Enter come a moment later, to the next question,
whose Yes has the focus: the Enter would press it, an answer the person never gave to a question
they have not read. So do a bouncing key (`n n`), a double tap on a button, and "sí" + Enter or
"2" + Enter in Spanish.

`Leftovers` is told of each input that answers (`answered`) and asked about each input that comes
after (`swallows`): after a question answered by key, any character typed, Enter or Space (the
rest of the word, or of another: "nope", "yeah", "ny"); after Enter on a button before or after the
questions (Start), Enter or Space; after a tap, a tap where it landed; each within
`SETTLE` seconds of the last, is left over and dropped. Anything else (Tab, an arrow, Escape, a tap
aimed elsewhere, or any input past the moment) is the person's own and ends the watch: from then on
every key does what it says at once. No answer waits for this: it only ever drops inputs, and only
those nobody could have meant for a question not yet read. (A letter key for Back or Listen typed
in that half second is dropped too: pressed again, it acts.)

Why not read "n", "o", Enter as the typed word "no" instead: a single `n` would then wait to see
whether more letters come (every answer slower, and issue 24 measures each), a box of typed letters
would be one more thing on a calm screen, and a tap or a bouncing key would still need this.

Times are the inputs' own (`Message.time`, taken when the terminal's driver read them), so a
burst read at once ("no\\r" in one read) is seen as one, whatever the app was doing meanwhile.
"""

from __future__ import annotations

from typing import NamedTuple

SETTLE = 0.5
"""Seconds between an answer's input and what is left of it: a fast typist's keys come 0.1 to 0.3 s
apart, a key bounces within 0.05 s, and a double tap is within 0.5 s (Textual's own chain of
clicks); nobody reads a new question in that time."""

TAP = "tap"
"""The input name of a tap or a click on an answer's control."""

NEAR = (2, 1)
"""Columns and rows apart that a second tap may land and still be the first one's twin: a finger that
taps twice lands where it did (a tap elsewhere was aimed there)."""

WORD_ENDS = ("enter", "space")
"""Keys that end a typed word, or press the focused button: left over after any answer by key."""


class Answering(NamedTuple):
    """An input that answers: `key` (a key's name, a character, or `TAP`) and what may be left of it."""

    key: str
    rest: frozenset[str] = frozenset()
    where: tuple[int, int] | None = None
    """Where a tap landed (column, row): only a tap near it is its twin."""
    typing: bool = False
    """Any character typed in the moment after it is left over (a question answered by key: the rest
    of a word, "nope", "yeah"); False for Enter on a button off the questions (Start), where only
    Enter and Space are."""

    @classmethod
    def by_key(cls, key: str, *, typing: bool = True) -> "Answering":
        """A key that answers: Enter, Space, the key again and (with `typing`) any character may follow."""
        return cls(key, frozenset(WORD_ENDS) | {key}, typing=typing)

    @classmethod
    def by_tap(cls, where: tuple[int, int]) -> "Answering":
        return cls(TAP, frozenset({TAP}), where)


class Leftovers:
    """Which inputs are left over from the last answer (see the module's docstring)."""

    def __init__(self, settle: float = SETTLE) -> None:
        self.settle = settle
        self._rest: frozenset[str] = frozenset()
        self._last: float | None = None
        self._where: tuple[int, int] | None = None
        self._typing = False

    def answered(self, at: float, answering: Answering) -> None:
        """An input at `at` answers: what may be left of it is watched for from now."""
        self._rest, self._last, self._where, self._typing = answering.rest, at, answering.where, answering.typing

    def swallows(self, at: float, key: str, character: str | None = None, where: tuple[int, int] | None = None) -> bool:
        """Whether the input `key` (its `character`; a tap's `where`) at `at` is left over from the last
        answer: then it is dropped, and the watch goes on from it (the next letter of the word may follow)."""
        if self._last is None:
            return False
        if 0 <= at - self._last <= self.settle and self._left(key, character, where):  # times from one clock run on
            self._last = max(self._last, at)
            return True
        self.forget()  # the person's own: every key counts again
        return False

    def _left(self, key: str, character: str | None, where: tuple[int, int] | None) -> bool:
        if key == TAP:
            return (TAP in self._rest and where is not None and self._where is not None
                    and abs(where[0] - self._where[0]) <= NEAR[0] and abs(where[1] - self._where[1]) <= NEAR[1])
        if TAP in self._rest:
            return False  # a key after a tap is never its twin
        return key in self._rest or self._typing and bool(character) and character.isprintable()

    def forget(self) -> None:
        self._rest, self._last, self._where, self._typing = frozenset(), None, None, False
