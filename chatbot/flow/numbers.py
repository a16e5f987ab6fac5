"""Numbers in an answer, in digits or in words: "38,5", "thirty-eight point five", "treinta y ocho y medio".

A typed answer is first cut into tokens (`tokens`): numbers in digits, words,
degree signs, separators (spaces are not tokens; commas, full stops, slashes...
are), and any other character on its own. `numbers` then finds every number in
them, written in digits, in English or Spanish words, or both ("38 y medio",
"38 point 5"), with its decimal part. It never reaches across a separator:
"thirty, eight" is two numbers, not 38.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from chatbot.flow.vocabulary import AND, COMMA_POINTS, HALF, HUNDRED, HUNDRED_ALONE, POINT, TEENS, TENS, UNITS

NUMBER, WORD, DEGREE, SEPARATOR, OTHER = "number", "word", "degree", "separator", "other"

_TOKEN = re.compile(
    r"(?P<number>[0-9]+(?:[.,][0-9]+)?)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<degree>°)"
    r"|(?P<other>(?<!\S)-(?=[0-9]))"  # a minus sign: -38 is no reading
    r"|(?P<separator>[,.;:!?¡¿\"“”«»()/\-–—…]+)"
    r"|(?P<otherwise>.)",
    re.S)


class Tokens:
    """An answer's tokens: their kinds and texts, and each one's word (None where it is not a word)."""

    __slots__ = ("kinds", "texts", "words")

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.texts: list[str] = []
        self.words: list[str | None] = []

    def add(self, kind: str, text: str) -> None:
        self.kinds.append(kind)
        self.texts.append(text)
        self.words.append(text if kind == WORD else None)

    def __len__(self) -> int:
        return len(self.kinds)


def tokens(text: str) -> Tokens:
    """`text` (already lower case, without accents) as tokens; spaces are dropped.

    Most of an answer is plain words and numbers between spaces: those need no pattern.
    """
    found = Tokens()
    for chunk in text.split():
        if chunk.isalpha():
            found.add(WORD, chunk)
        elif chunk.isdigit():
            found.add(NUMBER, chunk)
        else:
            for match in _TOKEN.finditer(chunk):
                kind = match.lastgroup
                if kind is not None:
                    found.add(OTHER if kind == "otherwise" else kind, match.group())
    return found


class Number(NamedTuple):
    """A number found in the tokens `start` to `end` (exclusive)."""

    value: Decimal
    whole: int
    """The part before the decimal point."""
    digits: str
    """Its digits as typed, with a decimal point ("38.50", "100.4")."""
    comma: bool | None
    """The person wrote a decimal comma (True: "38,5", "coma cinco"), a point (False: "38.5", "point
    five"), or neither (None: "38", "y medio", "con cinco"): it is echoed as they wrote it."""
    start: int
    end: int
    in_words: bool
    decimal: bool
    """It has a decimal part ("38.5", "and a half"): nothing more can be added to it."""


def numbers(found: Tokens) -> list[Number]:
    """Every number in the tokens, in order."""
    result = []
    index, count = 0, len(found)
    while index < count:
        number = number_at(found, index)
        if number is None:
            index += 1
        else:
            result.append(number)
            index = number.end
    return result


def number_at(found: Tokens, index: int) -> Number | None:
    """The number that starts at `index`, as long as it goes, or None."""
    kind, text = found.kinds[index], found.texts[index]
    if kind == NUMBER:
        comma = True if "," in text else False if "." in text else None
        whole, _, decimals = text.replace(",", ".").partition(".")
        end, in_words = index + 1, False
        whole_value = int(whole)
    elif kind == WORD:
        words = _whole_in_words(found, index)
        if words is None:
            return None
        whole_value, end = words
        decimals, comma, in_words = "", None, True
        whole = str(whole_value)
    else:
        return None
    if not decimals:
        fraction = _fraction_at(found, end)
        if fraction is not None:
            decimals, end, comma = fraction
            in_words = True
    return make_number(whole_value, whole, decimals, comma, index, end, in_words)


def make_number(whole_value: int, whole: str, decimals: str, comma: bool | None, start: int, end: int,
                in_words: bool) -> Number:
    digits = f"{whole}.{decimals}" if decimals else whole
    return Number(Decimal(digits), whole_value, digits, comma, start, end, in_words, bool(decimals))


def written(digits: str, comma: bool | None, language: str, comma_languages: frozenset[str]) -> str:
    """Digits with a decimal point, written with the person's decimal separator, or with their
    language's when they wrote none ("y medio" is 38,5 in Spanish)."""
    if comma or (comma is None and language in comma_languages):
        return digits.replace(".", ",")
    return digits


def half_at(found: Tokens, index: int) -> int | None:
    """Where "and a half" / "y medio" starting at `index` ends, or None."""
    if _word(found, index) not in AND:
        return None
    after = index + 1
    if _word(found, after) == "a":
        after += 1
    return after + 1 if _word(found, after) in HALF else None


def _word(found: Tokens, index: int) -> str | None:
    words = found.words
    return words[index] if index < len(words) else None


def _whole_in_words(found: Tokens, index: int) -> tuple[int, int] | None:
    """A whole number from 0 to 199 in words, and where it ends; or None."""
    word = _word(found, index)
    if word in HUNDRED_ALONE:
        return 100, index + 1
    after = None
    if word in HUNDRED:
        after = index + 1
    elif word in ("a", "one", "uno") and _word(found, index + 1) in HUNDRED:
        after = index + 2
    if after is None:
        return _below_a_hundred(found, index)
    rest_at = after + 1 if _word(found, after) in AND else after
    rest = (11, rest_at + 1) if _word(found, rest_at) == "once" else _below_a_hundred(found, rest_at)  # ciento once
    return (100 + rest[0], rest[1]) if rest is not None else (100, after)


def _below_a_hundred(found: Tokens, index: int) -> tuple[int, int] | None:
    word = _word(found, index)
    if word in TEENS:
        return TEENS[word], index + 1
    if word in TENS:
        tens = TENS[word]
        unit = _word(found, index + 1)
        if unit in UNITS and UNITS[unit]:
            return tens + UNITS[unit], index + 2
        if unit in AND and _word(found, index + 2) in UNITS and UNITS[_word(found, index + 2)]:
            return tens + UNITS[_word(found, index + 2)], index + 3
        return tens, index + 1
    if word in UNITS:
        return UNITS[word], index + 1
    return None


def _fraction_at(found: Tokens, index: int) -> tuple[str, int, bool | None] | None:
    """The decimal part that starts at `index` ("point five", "coma 5", "y medio"): its digits, where
    it ends, and the separator said (a comma, a point, or none)."""
    word = _word(found, index)
    if word in POINT:
        after = index + 1
        said = True if word in COMMA_POINTS else None if word == "con" else False
        if after < len(found) and found.kinds[after] == NUMBER and found.texts[after].isdigit():
            return found.texts[after], after + 1, said
        digits = []
        while _word(found, after) in UNITS:
            digits.append(str(UNITS[_word(found, after)]))
            after += 1
        if not digits:
            below = _below_a_hundred(found, after)
            if below is None:
                return None
            digits, after = [str(below[0])], below[1]
        return "".join(digits), after, said
    end = half_at(found, index)
    return ("5", end, None) if end is not None else None
