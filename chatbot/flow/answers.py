"""Read answers as people type them: `y`, `Not sure`, `2, 3`, `headache`, `100.4 F`, `38,5 grados`,
`thirty-eight point five`, `I don't have a thermometer`.

Each reader returns an `Answer` (what was typed, the value, how to show it, and the
findings it sets) or raises `Unreadable` with a message that says how to answer
instead. An answer is read whole, or asked again (principle 8 of the triage rules):
no word of it is left unread, and nothing is guessed.

Temperatures. A reading is a number in digits or in words, English or Spanish
("39", "38,5", "thirty nine", "treinta y ocho y medio", "cien punto cuatro"), with
or without a unit ("°C", "F", "grados", "degrees Fahrenheit"), and a few words that
say nothing more ("my temperature is", "tengo ... de fiebre"). "Not measured" is
read from its meaning, not from a list of sentences: a negation with something
about measuring ("didn't check", "no me la pude medir", "I don't have a
thermometer", "I can't"), and only words that fill the sentence. An answer with a
reading and "not measured" words, or with two readings, or with words the reader
does not know, is asked again, saying what was unclear. A decimal comma typed by
the person is echoed with a comma ("38,5 °C"); the value is the number.

Choices: exact or partial. Words typed at a choice pick it directly only when they
are exact: the option's number, its whole label in any language (case, accents and
punctuation aside), a close spelling of its whole label that no other label is
near (a slip of one letter in eight: "chest pain or presure"), or, for the "none"
option, a word that means none ("none", "no", "ninguno"). Words that are only part
of one option's label ("headache" for "A sudden very bad headache, or a change in
your eyesight") are an answer that must be confirmed: `Answer.confirm` holds the
"Did you mean …?" question, and the engine asks it before taking the answer. Words
that are part of several labels are asked again with the numbers they fit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chatbot.flow import phrases, vocabulary as words_of
from chatbot.flow.phrases import Unreadable  # noqa: F401 - raised here, and imported from here
from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Question
from chatbot.flow.numbers import DEGREE, SEPARATOR, WORD, Number, Tokens, half_at, make_number, written
from chatbot.flow.numbers import numbers as numbers_in, tokens as tokens_of
from chatbot.flow.text import MAX_ANSWER_LENGTH, Text

BODY_C = (Decimal(30), Decimal(45))
BODY_F = (Decimal(86), Decimal(113))
LATEST_WINDOWS = (None, "latest", "now", "current")
"""A temperature question on these windows asks for one reading: the latest, never the highest."""

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans("", "", "'’ʼ´`‘")


def _normalise(typed: str) -> str:
    """Lower case, no accents, single spaces, no apostrophes or closing full stop.

    "Don't know." -> "dont know", "Vómito" -> "vomito": people type accents, or not.
    """
    text = typed.strip().casefold()
    if not text.isascii():
        text = _without_accents(text.translate(_APOSTROPHES))
    elif "'" in text or "`" in text:
        text = text.translate(_APOSTROPHES)
    if " " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text.rstrip(".!")


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@dataclass(slots=True)
class Answer:
    """A readable answer: as typed, its value, how to show it, and the findings it sets."""

    typed: str
    value: Any
    shown: Text
    findings: dict[str, Any]
    echo: Text | None = None
    """A temperature as the live line says it was read ("38,5 °C", "100.4 °F = 38.0 °C", "not measured")."""
    confirm: Text | None = None
    """Words that matched a choice only in part: the "Did you mean …?" to ask before taking it."""
    confirmed: str | None = None
    """The reply, as typed, that confirmed it ("yes")."""


def read_answer(question: Question, typed: str) -> Answer:
    """Read `typed` as an answer to `question`, or raise `Unreadable`."""
    if len(typed) > MAX_ANSWER_LENGTH:
        raise Unreadable(phrases.TOO_LONG)
    words = _normalise(typed)
    if not words:
        raise Unreadable(phrases.EMPTY)
    return _READERS[question.kind](question, typed, words)


def understood(question: Question, typed: str) -> Text | None:
    """What a typed temperature is read as, for the live line under the field; None when it is not taken.

    The live line and Enter use this one reader: what the line says is what Enter takes.
    """
    try:
        return read_answer(question, typed).echo
    except Unreadable:
        return None


def read_confirmation(typed: str) -> bool | None:
    """A reply to "Did you mean …?": True (yes), False (no), or None (not a yes or a no)."""
    words = _normalise(typed)
    return True if words in words_of.YES else False if words in words_of.NO else None


# -- yes / no ----------------------------------------------------------------------------

def _yes_no(question: Question, typed: str, words: str) -> Answer:
    if words in words_of.YES:
        return Answer(typed, True, phrases.YES, {question.finding: True})
    if words in words_of.NO:
        return Answer(typed, False, phrases.NO, {question.finding: False})
    if question.kind == QuestionKind.YES_NO_UNSURE and words in words_of.UNSURE:
        return Answer(typed, None, phrases.NOT_SURE, {question.finding: None})
    if question.kind == QuestionKind.YES_NO_UNSURE:
        raise Unreadable(phrases.YES_NO_UNSURE)
    raise Unreadable(phrases.YES_NO_UNSURE_GIVEN if words in words_of.UNSURE else phrases.YES_NO)


# -- choices -------------------------------------------------------------------------------

def _choice(question: Question, typed: str, words: str) -> Answer:
    options = question.options
    chosen, partial = _chosen_indexes(question, words)
    if question.kind == QuestionKind.SINGLE_CHOICE and len(chosen) > 1:
        raise Unreadable(phrases.CHOICE_ONLY_ONE)
    nones = [i for i in chosen if options[i].none]
    if nones and len(chosen) > 1:
        raise Unreadable(phrases.CHOICE_NONE_WITH_OTHERS.fill(none=options[nones[0]].label))
    findings: dict[str, Any] = {}
    for index, option in enumerate(options):
        if option.finding:
            findings[option.finding] = findings.get(option.finding, False) or index in chosen
    languages = options[0].label.by_language
    shown = Text({code: "; ".join(options[i].label.get(code) for i in chosen) for code in languages})
    confirm = None
    if partial:
        numbered = Text({code: "; ".join(f"{i + 1}. {options[i].label.get(code)}" for i in chosen)
                         for code in languages})
        confirm = phrases.CONFIRM_CHOICE.fill(choices=numbered)
    return Answer(typed, tuple(chosen), shown, findings, confirm=confirm)


_NUMBERS_APART = re.compile(r"\s*(?:,|;|\band\b|\by\b|\s)\s*")
_PARTS = re.compile(r"\s*[,;]\s*")
_NOT_WORDS = re.compile(r"[^\w]+")


def _plain(text: str) -> str:
    """Words only: "A sudden very bad headache, or a change" -> "a sudden very bad headache or a change"."""
    return _NOT_WORDS.sub(" ", text).strip()


def _chosen_indexes(question: Question, words: str) -> tuple[list[int], bool]:
    """The 0-based indexes of the options meant, in option order, each once; and whether any was
    matched only in part (and must be confirmed)."""
    count = len(question.options)
    if words.isdecimal():  # digits of any script ("٣" is 3); "²" and "①" are digits but not decimal
        number = int(words)
        if not 1 <= number <= count:
            raise Unreadable(phrases.CHOICE_OUT_OF_RANGE.fill(number=words, count=str(count)))
        return [number - 1], False
    plain = _plain(words)
    whole = _exact_option(question, plain)
    if whole is not None:
        return [whole], False
    parts = [p for p in _NUMBERS_APART.split(words) if p]
    if parts and all(p.isdecimal() for p in parts):
        numbers = [int(p) for p in parts]
        for number in numbers:
            if not 1 <= number <= count:
                raise Unreadable(phrases.CHOICE_OUT_OF_RANGE.fill(number=str(number), count=str(count)))
        return sorted({n - 1 for n in numbers}), False
    whole = _partial_option(question, plain)
    if whole is not None:
        return [whole], True
    chosen, partial = set(), False
    for part in (_plain(p) for p in _PARTS.split(words)):
        if not part:
            continue
        index = int(part) - 1 if part.isdecimal() and 1 <= int(part) <= count else _exact_option(question, part)
        if index is None:
            index = _partial_option(question, part)
            if index is None:
                raise Unreadable(phrases.CHOICE_UNREADABLE.fill(count=str(count)))
            partial = True
        chosen.add(index)
    return sorted(chosen), partial


def _exact_option(question: Question, plain: str) -> int | None:
    """The option `plain` names exactly: its whole label, a word for "none", or a close spelling."""
    labels = _labels(question)
    hits = [i for i, texts in enumerate(labels) if plain in texts]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise _ambiguous(plain, hits)
    if plain in words_of.NONE_OF_THESE:
        nones = [i for i, option in enumerate(question.options) if option.none]
        if len(nones) == 1:
            return nones[0]
    return _close_spelling(labels, plain)


def _close_spelling(labels: list[list[str]], plain: str) -> int | None:
    """The one option whose whole label `plain` misspells by a slip of at most one letter in eight,
    word for word (no word added or dropped, no number).

    None when no label is that near, or when two are: a near miss between two labels is not exact.
    """
    if any(char.isdigit() for char in plain):
        return None  # a number is never a slip of the pen
    near, count = [], plain.count(" ")
    for index, texts in enumerate(labels):
        for label in texts:
            most = len(label) // 8
            if (most and label.count(" ") == count and abs(len(label) - len(plain)) <= most
                    and _distance(plain, label, most) <= most):
                near.append(index)
                break
    return near[0] if len(near) == 1 else None


def _distance(a: str, b: str, most: int) -> int:
    """The edit distance of `a` and `b` (letters added, dropped, changed), or `most + 1` once it is more."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        if min(current) > most:
            return most + 1
        previous = current
    return previous[-1]


def _partial_option(question: Question, plain: str) -> int | None:
    """The one option with a label that has `plain` as words of it (from the start of a word); None
    when no label has them; `Unreadable` when several have."""
    if len(plain) < 3:
        return None
    starts_a_word = re.compile(r"\b" + re.escape(plain))
    hits = [i for i, texts in enumerate(_labels(question)) if any(starts_a_word.search(label) for label in texts)]
    if len(hits) > 1:
        raise _ambiguous(plain, hits)
    return hits[0] if hits else None


def _ambiguous(plain: str, hits: list[int]) -> Unreadable:
    return Unreadable(phrases.CHOICE_AMBIGUOUS.fill(words=plain, numbers=", ".join(str(i + 1) for i in hits)))


_LABELS: dict[int, tuple[Question, list[list[str]]]] = {}


def _labels(question: Question) -> list[list[str]]:
    """Each option's labels in every language, as plain words, once per question."""
    cached = _LABELS.get(id(question))
    if cached is None or cached[0] is not question:
        cached = (question, [[_plain(_normalise(text)) for text in option.label.by_language.values()]
                             for option in question.options])
        _LABELS[id(question)] = cached
    return cached[1]


# -- temperatures --------------------------------------------------------------------------

_PLAIN_READING = re.compile(r"([0-9]{2,3}(?:[.,][0-9]+)?) ?(?:° ?)?([cf])?")  # "38.5", "38,5 °C", "101 f"
_HYPHENS = re.compile(r"(?<=[^\W\d_])[-‐‑–](?=[^\W\d_])")  # thirty-eight: one number, as thirty eight
_ASCII_HYPHENS = re.compile(r"(?<=[a-z])-(?=[a-z])")
_DIGITS = str.maketrans({chr(c): str(unicodedata.digit(chr(c))) for c in range(0x660, 0x66A)})


def temperature_text(typed: str) -> str:
    """A typed temperature as the reader compares it: lower case, ASCII digits, no accents or apostrophes.

    Full-width digits and "℃" read as "38" and "°c"; "º" (an ordinal sign people use
    for degrees) is a degree sign.
    """
    text = typed.casefold()
    if not text.isascii():
        text = text.translate(_APOSTROPHES).replace("º", "°").replace("˚", "°")
        text = unicodedata.normalize("NFKC", text).casefold().translate(_DIGITS)  # "℃" is "°C": lower it after
        text = _HYPHENS.sub(" ", _without_accents(text))
    else:
        if "'" in text or "`" in text:
            text = text.translate(_APOSTROPHES)
        if "-" in text:
            text = _ASCII_HYPHENS.sub(" ", text)
    return " ".join(text.split())


@dataclass(slots=True)
class _Reading:
    """One reading in an answer: its number, its unit ("c", "f" or "" for none said), and its tokens."""

    number: Number
    unit: str
    end: int


def _temperature(question: Question, typed: str, words: str) -> Answer:
    """A reading, or "not measured"; anything else (both, two readings, unknown words) is asked again."""
    text = temperature_text(typed)
    plain = _PLAIN_READING.fullmatch(text)
    if plain is not None:  # the common case, at every key of the live line: no tokens needed
        digits, unit = plain.groups()
        whole, _, decimals = digits.replace(",", ".").partition(".")
        comma = True if "," in digits else False if decimals else None
        number = make_number(int(whole), whole, decimals, comma, 0, 1, False)
        return _reading_answer(question, typed, number, unit or "")
    if text in _own_not_measured(question) or text.rstrip(" .!") in words_of.NOT_MEASURED:
        return _not_measured_answer(question, typed)
    found = tokens_of(text)
    readings, others = _readings(found)
    values = list(dict.fromkeys(reading.number.value for reading in readings))
    if len(values) > 1:
        raise Unreadable(_several_readings(question, readings))
    taken = {index for reading in readings for index in range(reading.number.start, reading.end)}
    rest = [index for index, kind in enumerate(found.kinds) if index not in taken and kind != SEPARATOR]
    said = [found.words[index] for index in rest if found.words[index] is not None]
    if readings:
        if _says_not_measured(said):
            raise Unreadable(phrases.TEMPERATURE_AND_NOT_MEASURED.fill(reading=_as_written(readings[0].number)))
        if others or len(said) != len(rest):
            raise Unreadable(phrases.TEMPERATURE_UNREADABLE)
        if any(word not in words_of.AROUND_A_READING for word in said):
            raise Unreadable(phrases.TEMPERATURE_EXTRA_WORDS.fill(reading=_as_written(readings[0].number)))
        units = {reading.unit for reading in readings} - {""}
        if len(units) > 1:
            raise Unreadable(phrases.TEMPERATURE_UNREADABLE)
        return _reading_answer(question, typed, readings[0].number, units.pop() if units else "")
    if not others and len(rest) == len(said) and _only_not_measured(said, question):
        return _not_measured_answer(question, typed)
    raise Unreadable(phrases.TEMPERATURE_UNREADABLE)


def _readings(found: Tokens) -> tuple[list[_Reading], list[Number]]:
    """The readings in the tokens (numbers from 10 to 999, each with its unit), and the other numbers.

    "one" and "uno" alone are words ("I don't have one"), not numbers.
    """
    readings, others = [], []
    for number in numbers_in(found):
        if 10 <= number.whole <= 999:
            unit, end = _unit_at(found, number.end)
            if not number.decimal:
                half = half_at(found, end)  # "treinta y ocho grados y medio"
                if half is not None:
                    number = make_number(number.whole, str(number.whole), "5", None, number.start, end, True)
                    end = half
            readings.append(_Reading(number, unit, end))
        elif not (number.in_words and not number.decimal and number.end - number.start == 1
                  and found.texts[number.start] in ("one", "uno")):
            others.append(number)
    return readings, others


def _unit_at(found: Tokens, index: int) -> tuple[str, int]:
    """The unit said after a number ("°C", "F", "grados centígrados", "degrees"), and where it ends."""
    count = len(found)
    if index < count and found.kinds[index] == DEGREE:
        index += 1
    if index < count and found.words[index] in words_of.DEGREES:
        index += 1
    if index < count:
        word = found.words[index]
        if word in words_of.CELSIUS:
            return "c", index + 1
        if word in words_of.FAHRENHEIT:
            return "f", index + 1
    return "", index


def _several_readings(question: Question, readings: list[_Reading]) -> Text:
    """Two readings are asked again, for the one the question's window asks: the latest, or the highest in it."""
    written_ = [_as_written(reading.number) for reading in readings]
    listed = Text({code: _listed(list(dict.fromkeys(text.get(code) for text in written_)), phrases.AND.get(code))
                   for code in phrases.LANGUAGES})
    window = question.window
    if window in LATEST_WINDOWS:
        return phrases.TEMPERATURE_SEVERAL_LATEST.fill(readings=listed)
    words = phrases.WINDOW_WORDS.get(window)
    wanted = phrases.TEMPERATURE_SEVERAL_HIGHEST.fill(window=words) if words else phrases.TEMPERATURE_SEVERAL_ONE
    return wanted.fill(readings=listed)


def _listed(items: list[str], and_word: str) -> str:
    """"a and b", "a; b and c": semicolons, since a reading may hold a decimal comma."""
    return f"{'; '.join(items[:-1])} {and_word} {items[-1]}"


def _is_thermometer(word: str) -> bool:
    return word.startswith(words_of.THERMOMETER_STARTS) or word in words_of.THERMOMETER_TOO


def _says_not_measured(said: list[str]) -> bool:
    """Words that say something was not measured: a negation and a word about measuring."""
    return (any(word in words_of.NEGATIONS for word in said)
            and any(word in words_of.MEASURING or word in words_of.ABLE or _is_thermometer(word) for word in said))


def _only_not_measured(said: list[str], question: Question) -> bool:
    """A whole answer, without a number, that means "not measured".

    One of the whole answers that mean it ("none", "n/a", the question's own button), or a
    negation with only words of a "not measured" sentence, where words about what is measured
    ("temperature", "fever") or having it come only with a word about measuring: "I didn't take
    my temperature" is not measured, "I don't have a temperature" (no fever) is asked again.
    """
    joined = " ".join(said)
    if joined in words_of.NOT_MEASURED or joined in _own_not_measured(question):
        return True
    if not any(word in words_of.NEGATIONS for word in said):
        return False
    measuring = False
    things = False
    for word in said:
        if word in words_of.MEASURING or word in words_of.ABLE or _is_thermometer(word):
            measuring = True
        elif word in words_of.MEASURED_THINGS or word in words_of.HAVING:
            things = True
        elif word not in words_of.NEGATIONS and word not in words_of.FILLING:
            return False
    return measuring or not things


_OWN: dict[int, tuple[Question, frozenset[str]]] = {}


def _own_not_measured(question: Question) -> frozenset[str]:
    """The question's own "not measured" button in each language, as the reader compares it (once)."""
    cached = _OWN.get(id(question))
    if cached is None or cached[0] is not question:
        own = question.not_measured.by_language.values() if question.not_measured is not None else ()
        texts = {temperature_text(text) for text in own}
        texts |= {" ".join(word for word in tokens_of(text).words if word is not None) for text in texts}
        cached = (question, frozenset(texts))
        _OWN[id(question)] = cached
    return cached[1]


def _not_measured_answer(question: Question, typed: str) -> Answer:
    """Shown in the question's own words for it where it has them: "No higher reading" is not "Not measured"."""
    own = question.not_measured
    if own is None:
        return Answer(typed, None, phrases.NOT_MEASURED, {question.finding: None}, echo=phrases.NOT_MEASURED_ECHO)
    quoted = Text({code: f"“{words}”" for code, words in own.by_language.items()})  # "I read this as “No higher reading”."
    return Answer(typed, None, own, {question.finding: None}, echo=quoted)


def _reading_answer(question: Question, typed: str, number: Number, unit: str) -> Answer:
    celsius, unit = _celsius(number, unit)
    # The same in every language when the person wrote a separator (or none was needed); else each its own.
    codes = ("en",) if number.comma is not None else phrases.LANGUAGES
    shown, echo = {}, {}
    for code in codes:
        degrees = written(f"{celsius:.1f}", number.comma, code, phrases.DECIMAL_COMMA) + " °C"
        if unit == "c":
            shown[code] = echo[code] = degrees
        else:
            said = f"{written(number.digits, number.comma, code, phrases.DECIMAL_COMMA)} °F"
            shown[code], echo[code] = f"{degrees} ({said})", f"{said} = {degrees}"
    if len(codes) == 1:
        shown = dict.fromkeys(phrases.LANGUAGES, shown["en"])
        echo = dict.fromkeys(phrases.LANGUAGES, echo["en"])
    return Answer(typed, celsius, Text(shown), {question.finding: celsius}, echo=Text(echo))


def _as_written(number: Number, unit: str = "") -> Text:
    """A number as the person wrote it, in each language (their separator, or the language's), with its unit."""
    after = f" °{unit.upper()}" if unit else ""
    return Text({code: written(number.digits, number.comma, code, phrases.DECIMAL_COMMA) + after
                 for code in phrases.LANGUAGES})


def _celsius(number: Number, unit: str) -> tuple[float, str]:
    """°C rounded to 0.1, and the unit it was read in ("c" or "f"); or `Unreadable`.

    A number without a unit is °C when it is a body temperature in °C, and °F when
    it is one in °F; anything else is a typing error, never a guess.
    """
    value = number.value
    if not unit:
        unit = "c" if BODY_C[0] <= value <= BODY_C[1] else "f" if BODY_F[0] <= value <= BODY_F[1] else ""
    low, high = BODY_C if unit == "c" else BODY_F
    if not unit or not low <= value <= high:
        raise Unreadable(phrases.TEMPERATURE_OUT_OF_RANGE.fill(reading=_as_written(number, unit)))
    celsius = value if unit == "c" else (value - 32) * 5 / 9
    return float(celsius.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), unit


def read_temperature(text: str) -> tuple[float, str]:
    """One reading and its unit, nothing else ("100.4 f", "38,5 °C", "thirty nine"): °C rounded to
    0.1, and the reading as understood, in English ("100.4 °F"); or `Unreadable`."""
    found = tokens_of(temperature_text(text))
    readings, others = _readings(found)
    if (len(readings) != 1 or others or readings[0].number.start != 0
            or any(kind != SEPARATOR for kind in found.kinds[readings[0].end:])):
        raise Unreadable(phrases.TEMPERATURE_UNREADABLE)
    number = readings[0].number
    celsius, unit = _celsius(number, readings[0].unit)
    return celsius, _as_written(number, unit).get("en")


_READERS = {
    QuestionKind.YES_NO: _yes_no,
    QuestionKind.YES_NO_UNSURE: _yes_no,
    QuestionKind.SINGLE_CHOICE: _choice,
    QuestionKind.MULTIPLE_CHOICE: _choice,
    QuestionKind.TEMPERATURE: _temperature,
}
