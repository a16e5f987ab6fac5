"""What a terminal sends, split before Textual's parser sees it: pasted text is taken whole, as one
input, and everything else goes on to the parser in order.

A paste comes two ways. A terminal that was asked for bracketed paste (Textual asks) wraps it in
ESC[200~ ... ESC[201~. One that was not, or `tmux send-keys` and `tmux paste-buffer` without `-p`,
types it: a long run of printable characters in one read, which no person types (a key press is
read alone). Both become one `Pasted`, found with a few regular expressions over each read, so that
a megabyte costs milliseconds: Textual's parser takes about 10 µs a character, 10 s a megabyte.

A paste keeps at most `most` characters (more than any field holds); the rest of it is skipped
unread, however long it goes on. A typed paste ends at the first character that is not printable
(Enter, Tab, an escape sequence) or when the terminal has been quiet for `quiet` seconds; one that
has kept `most` characters is handed on at once and the rest of it skipped.

Escape sequences are never taken for typed text: each goes to the parser whole, and one cut by the
end of a read waits for the next read (or for `flush`, when no more comes).
"""

from __future__ import annotations

import re
from typing import NamedTuple

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
TYPED_RUN = 16
"""Printable characters read at once that make a typed paste: a person's keys come one or two a read
(tmux's `send-keys 7 Enter y y` stays keys), a paste's hundreds."""
MOST_PASTED = 4096
"""Characters kept of one paste: more than any field takes (the longest holds 200)."""
TYPED_QUIET = 0.1
"""Seconds without input that end a typed paste (Textual waits as long for the rest of an escape)."""
BRACKETED_QUIET = 1.0
"""Seconds without input that end a bracketed paste whose end never came (a terminal gone mid-paste)."""

_PRINTABLE = r"[^\x00-\x1f\x7f-\x9f]"
_ESCAPE = r"\x1b(?:\[M[\s\S]{0,3}|\[[0-?]*[ -/]*[@-~]?|O[\s\S]?|[\s\S])?"
_NEXT = re.compile(rf"(?P<paste>\x1b\[200~)|(?P<escape>{_ESCAPE})|(?P<run>{_PRINTABLE}{{{TYPED_RUN},}})")
_COMPLETE_ESCAPE = re.compile(r"\x1b(?:\[M[\s\S]{3}|\[[0-?]*[ -/]*[@-~]|O[\s\S]|[^\[O])")
_PRINTABLES = re.compile(f"{_PRINTABLE}+")
_TRAILING_PRINTABLES = re.compile(f"{_PRINTABLE}+\\Z")
MOST_HELD = 64
"""Characters of an unfinished escape sequence kept back for the next read; a longer one is no
sequence a terminal sends, and goes to the parser as it is."""


class Pasted(NamedTuple):
    """One paste: the first `MOST_PASTED` characters of it (the rest was skipped)."""

    text: str
    typed: bool
    """It came as typed keys, not as a bracketed paste."""
    cut: bool = False
    """More came than `text` holds."""


Piece = "str | Pasted"
"""What `feed` and `flush` return, in order: text for Textual's parser, or a paste."""


class Scanner:
    """Splits what a terminal sends into text for the parser and pastes (see the module's docstring).

    Not thread-safe: one reader feeds it, and calls `flush` when no input came for `wait` seconds.
    """

    def __init__(self, *, run: int = TYPED_RUN, most: int = MOST_PASTED) -> None:
        self.most = most
        self.run = run
        self._next = _NEXT if run == TYPED_RUN else re.compile(
            rf"(?P<paste>\x1b\[200~)|(?P<escape>{_ESCAPE})|(?P<run>{_PRINTABLE}{{{run},}})")
        self._inside: str | None = None
        """The paste being read: "bracketed" or "typed"; None between pastes."""
        self._kept: list[str] = []
        self._kept_length = 0
        self._handed_on = False
        """The paste open now was already handed on (it reached `most`): the rest of it is skipped."""
        self._cut = False
        self._held = ""
        """The end of the last read, kept back until the next: the start of an escape sequence or marker."""
        self._last = 0.0

    @property
    def wait(self) -> float | None:
        """Seconds to wait for more input before calling `flush`; None when nothing waits for it."""
        if self._inside == "bracketed":
            return 0.1
        if self._inside == "typed":
            return 0.02
        return 0.01 if self._held else None

    def feed(self, text: str, now: float) -> list[Piece]:
        """Read `text` (decoded), which came at `now`: the pieces it completes, in order."""
        self._last = now
        text, self._held = self._held + text, ""
        pieces: list[Piece] = []
        position = 0
        while position < len(text):
            if self._inside == "bracketed":
                position = self._in_bracketed(text, position, pieces)
            elif self._inside == "typed":
                position = self._in_typed(text, position, pieces)
            else:
                position = self._between(text, position, pieces)
        return pieces

    def flush(self, now: float) -> list[Piece]:
        """No input came for a while: end what waited for more, when it has waited long enough."""
        pieces: list[Piece] = []
        quiet = now - self._last
        if self._inside == "typed" and quiet >= TYPED_QUIET:
            self._close(pieces)
        elif self._inside == "bracketed" and quiet >= BRACKETED_QUIET:
            self._keep(self._held)
            self._held = ""
            self._close(pieces)
        if self._held and self._inside is None:
            _add(pieces, self._held)  # an escape sequence cut short (or the Escape key): the parser's now
            self._held = ""
        return pieces

    # -- between pastes ---------------------------------------------------------------------------

    def _between(self, text: str, position: int, pieces: list[Piece]) -> int:
        found = self._next.search(text, position)
        if found is None:
            keep_back = len(text)
            tail = _TRAILING_PRINTABLES.search(text, position)
            if tail and (tail.start() > 0 or len(text) >= self.run):
                # More than a person's key press in one read: its last characters may begin a typed
                # paste that the next read goes on with. (A read of a few characters alone is keys.)
                keep_back = tail.start()
            _add(pieces, text[position:keep_back])
            self._held = text[keep_back:]
            return len(text)
        _add(pieces, text[position:found.start()])
        if found["paste"]:
            self._open("bracketed")
            return found.end()
        if found["escape"]:
            sequence = found["escape"]
            if (found.end() == len(text) and len(sequence) <= MOST_HELD
                    and _COMPLETE_ESCAPE.fullmatch(sequence) is None):
                self._held = sequence  # the rest of it (or of a paste's marker) comes with the next read
            else:
                _add(pieces, sequence)
            return found.end()
        self._open("typed")
        return self._in_typed(text, found.start(), pieces)

    # -- inside a paste ---------------------------------------------------------------------------

    def _in_bracketed(self, text: str, position: int, pieces: list[Piece]) -> int:
        end = text.find(PASTE_END, position)
        if end < 0:
            keep_back = _marker_start(text, PASTE_END, position)
            self._keep(text[position:keep_back], pieces)
            self._held = text[keep_back:]
            return len(text)
        self._keep(text[position:end], pieces)
        self._close(pieces)
        return end + len(PASTE_END)

    def _in_typed(self, text: str, position: int, pieces: list[Piece]) -> int:
        found = _PRINTABLES.match(text, position)
        end = found.end() if found else position
        self._keep(text[position:end], pieces)
        if end < len(text):
            self._close(pieces)  # Enter, Tab, an escape: the typing ended before this read did
        return end

    def _open(self, kind: str) -> None:
        self._inside = kind
        self._kept, self._kept_length, self._handed_on, self._cut = [], 0, False, False

    def _keep(self, text: str, pieces: list[Piece] | None = None) -> None:
        if not text:
            return
        room = self.most - self._kept_length
        if len(text) > room:
            self._cut = True
            text = text[:max(room, 0)]
        if text:
            self._kept.append(text)
            self._kept_length += len(text)
        if self._cut and not self._handed_on and pieces is not None:
            pieces.append(self._pasted())  # full: on its way now, the rest of it skipped
            self._handed_on = True

    def _close(self, pieces: list[Piece]) -> None:
        if not self._handed_on and (self._kept_length or self._inside == "bracketed"):
            pieces.append(self._pasted())
        self._inside = None
        self._kept, self._kept_length = [], 0

    def _pasted(self) -> Pasted:
        return Pasted("".join(self._kept), typed=self._inside == "typed", cut=self._cut)


def _add(pieces: list[Piece], text: str) -> None:
    """Text for the parser, joined to the text before it."""
    if not text:
        return
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] += text
    else:
        pieces.append(text)


def _marker_start(text: str, marker: str, position: int) -> int:
    """Where a `marker` cut short by the end of `text` would begin (len(text) when none is)."""
    for length in range(min(len(marker) - 1, len(text) - position), 0, -1):
        if marker.startswith(text[-length:]):
            return len(text) - length
    return len(text)
