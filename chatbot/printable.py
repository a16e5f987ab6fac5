"""One filter for text from elsewhere, before a person sees it or staff save it: nothing in it can act.

A patient controls what they type; a kiosk login controls the session ids, places and
flow names it records; a FHIR server controls its diagnostics and Location headers.
Printed raw to a terminal, any of them could set the clipboard (OSC 52), the window's
title, plant a link (OSC 8), move the cursor or clear the screen, or reorder what is
read (bidirectional controls). So everything shown or saved for staff passes one of:

- `printable`: one line, for a value (the station's screen, the kiosk, messages);
- `printable_lines`: a whole text of lines (`records show`, the SBAR handover), its
  layout kept;
- `json_line`, `printable_json`: JSON that means the same and shows only printable characters;
- `file_name`: a part of a file's name (never a folder, never a hidden file).

Each drops the C0 and C1 controls (so an escape sequence loses its ESC and does
nothing), the invisible format characters (direction marks and overrides, zero-width
characters, soft hyphens, tags), surrogates and private-use characters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_INVISIBLE = frozenset({"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u061c", "\u200e", "\u200f",
                        *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))})
_DROPPED = ("Cc", "Cs", "Co", "Cf")  # control, surrogate, private use, format (invisible)
_BREAKS = "\r\n\t\v\f\u2028\u2029\x85"  # become spaces on one line
_SPACES = re.compile(r"[ \t]+")
_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def acts(char: str) -> bool:
    """True for a character that does something instead of showing something."""
    return char in _INVISIBLE or unicodedata.category(char) in _DROPPED


def printable(text: str, limit: int | None = None) -> str:
    """`text` on one line without control or invisible characters, cut at `limit` characters.

    Line breaks (U+2028 and U+2029 too) and tabs become spaces, and runs of spaces one
    space; escape sequences lose their ESC and so can do nothing; every invisible format
    character goes (soft hyphens, tag characters, invisible operators, direction marks).
    """
    line = _SPACES.sub(" ", _replaced(text, _table(text, _BREAKS, " ")))
    return line[:limit] if limit is not None else line


def printable_lines(text: str) -> str:
    """`text` with every line kept as laid out (spaces and line breaks as they are), and nothing
    else that acts: a tab becomes a space; every other control or invisible character goes."""
    return _replaced(text, _table(text, "\t", " ", keep="\n"))


def json_line(value: Any) -> str:
    """`value` as one line of JSON (non-ASCII letters kept as they are) in which every character
    that would act on a terminal is written as its `\\uXXXX` escape: the same data, nothing hidden."""
    import json  # not on the way to a kiosk's first frame

    return printable_json(json.dumps(value, ensure_ascii=False))


def printable_json(text: str) -> str:
    """JSON text (one document or lines of them) with every character that would act on a terminal,
    which JSON can hold only inside a string, written as its `\\uXXXX` escape: the same data."""
    return _replaced(text, {char: _escape(char) for char in set(text) if char != "\n" and acts(char)})


def _table(text: str, breaks: str, space: str, keep: str = "") -> dict[str, str]:
    """What becomes of the characters of `text` that change: each of `breaks` becomes `space`, every other
    character that acts goes. Each distinct character is looked at once (an export is megabytes of a few
    dozen), and a text with none of them is given back as it is."""
    table: dict[str, str] = {}
    for char in set(text):
        if char in breaks:
            table[char] = space
        elif char not in keep and acts(char):
            table[char] = ""
    return table


def _replaced(text: str, table: dict[str, str]) -> str:
    if not table:
        return text
    return re.sub("[" + "".join(re.escape(char) for char in table) + "]", lambda match: table[match.group()], text)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def file_name(text: str, limit: int = 40) -> str:
    """`text` as part of a file's name: letters, digits, `.`, `_` and `-` only (anything else, a
    slash included, becomes `_`), not starting with a dot, at most `limit` characters."""
    name = _FILE_NAME.sub("_", text).lstrip(".")[:limit]
    return name or "_"
