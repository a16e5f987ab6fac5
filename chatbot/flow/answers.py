"""Read answers as people type them: `y`, `Not sure`, `2, 3`, `100.4 F`, `38,2 °C`.

Each reader returns an `Answer` (what was typed, the value, and the findings it
sets) or raises `Unreadable` with a message that says how to answer instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, NamedTuple

from chatbot.flow.kinds import QuestionKind
from chatbot.flow import phrases
from chatbot.flow.model import Question
from chatbot.flow.text import MAX_ANSWER_LENGTH, Text

BODY_C = (Decimal(30), Decimal(45))
BODY_F = (Decimal(86), Decimal(113))

_SPACES = re.compile(r"\s+")


def _normalise(typed: str) -> str:
    """Lower case, no accents, single spaces, no apostrophes or closing full stop.

    "Don't know." -> "dont know", "Vómito" -> "vomito": people type accents, or not.
    """
    text = typed.strip().casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    if "'" in text or "’" in text:
        text = text.replace("’", "").replace("'", "")
    if " " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text.rstrip(".!")


YES_WORDS = {"y", "yes", "yeah", "yep", "yup", "ya", "true", "si", "sí", "s",
             "claro", "claro que si", "claro que sí"}
NO_WORDS = {"n", "no", "nope", "nah", "false", "nop", "no tengo", "para nada"}
UNSURE_WORDS = {"u", "?", "not sure", "unsure", "dont know", "do not know", "idk", "maybe",
                "unknown", "no idea", "not known", "no se", "no sé", "no estoy seguro",
                "no estoy segura", "i dont know", "i do not know", "i am not sure", "im not sure",
                "no lo se", "no lo sé", "no sabria", "no sabría", "no sabria decir", "no sabría decir",
                "ni idea", "tal vez", "quiza", "quizá", "quizas", "quizás", "a lo mejor",
                "desconocido", "no me acuerdo", "no recuerdo"}
NOT_MEASURED_WORDS = {"not measured", "none", "n/a", "na", "-", "skip", "no thermometer", "not taken",
                      "unknown", "dont know", "do not know", "not sure", "no", "no se", "no sé",
                      "sin medir", "no la he medido", "i have not measured it", "havent measured",
                      "have not measured", "not checked", "didnt measure", "did not measure",
                      "no me la he medido", "no la medi", "no la medí", "no me la medi", "no me la medí",
                      "no medi", "no medí", "no medida", "no medido", "no la tome", "no la tomé",
                      "no me la tome", "no me la tomé", "no la he tomado", "no me la he tomado",
                      "no tengo termometro", "no tengo termómetro", "sin termometro", "sin termómetro",
                      "no lo se", "no lo sé", "no estoy seguro", "no estoy segura", "desconocida"}

YES_WORDS, NO_WORDS, UNSURE_WORDS, NOT_MEASURED_WORDS = (
    frozenset(map(_normalise, words)) for words in (YES_WORDS, NO_WORDS, UNSURE_WORDS, NOT_MEASURED_WORDS))

_TEMPERATURE = re.compile(
    r"^(?P<number>\d{1,3}(?:[.,]\d+)?)\s*(?:°|º|˚|deg(?:rees?)?)?\s*"
    r"(?P<unit>c|f|celsius|centigrade|fahrenheit)?$")


class Unreadable(ValueError):
    """An answer that cannot be read; `message` tells the person what to type."""

    def __init__(self, message: Text):
        super().__init__(message.get("en"))
        self.message = message


@dataclass(slots=True)
class Answer:
    """A readable answer: as typed, its value, how to show it, and the findings it sets."""

    typed: str
    value: Any
    shown: Text
    findings: dict[str, Any]


def read_answer(question: Question, typed: str) -> Answer:
    """Read `typed` as an answer to `question`, or raise `Unreadable`."""
    if len(typed) > MAX_ANSWER_LENGTH:
        raise Unreadable(phrases.TOO_LONG)
    words = _normalise(typed)
    if not words:
        raise Unreadable(phrases.EMPTY)
    return _READERS[question.kind](question, typed, words)




def _yes_no(question: Question, typed: str, words: str) -> Answer:
    if words in YES_WORDS:
        return Answer(typed, True, phrases.YES, {question.finding: True})
    if words in NO_WORDS:
        return Answer(typed, False, phrases.NO, {question.finding: False})
    if question.kind == QuestionKind.YES_NO_UNSURE and words in UNSURE_WORDS:
        return Answer(typed, None, phrases.NOT_SURE, {question.finding: None})
    if question.kind == QuestionKind.YES_NO_UNSURE:
        raise Unreadable(phrases.YES_NO_UNSURE)
    raise Unreadable(phrases.YES_NO_UNSURE_GIVEN if words in UNSURE_WORDS else phrases.YES_NO)


def _choice(question: Question, typed: str, words: str) -> Answer:
    options = question.options
    chosen = _chosen_indexes(question, words)
    if question.kind == QuestionKind.SINGLE_CHOICE and len(chosen) > 1:
        raise Unreadable(phrases.CHOICE_ONLY_ONE)
    nones = [i for i in chosen if options[i].none]
    if nones and len(chosen) > 1:
        raise Unreadable(phrases.CHOICE_NONE_WITH_OTHERS.fill(none=options[nones[0]].label))
    findings: dict[str, Any] = {}
    for index, option in enumerate(options):
        if option.finding:
            findings[option.finding] = findings.get(option.finding, False) or index in chosen
    shown = Text({code: "; ".join(options[i].label.get(code) for i in chosen)
                  for code in options[0].label.by_language})
    return Answer(typed, tuple(chosen), shown, findings)


def _chosen_indexes(question: Question, words: str) -> list[int]:
    """The 0-based indexes of the options meant, in option order, each once."""
    count = len(question.options)
    if words.isdecimal():  # digits of any script ("٣" is 3); "²" and "①" are digits but not decimal
        number = int(words)
        if not 1 <= number <= count:
            raise Unreadable(phrases.CHOICE_OUT_OF_RANGE.fill(number=words, count=str(count)))
        return [number - 1]
    whole = _match_label(question, words)
    if whole is not None:
        return [whole]
    parts = [p.strip() for p in re.split(r"\s*(?:,|;|\band\b|\by\b|\s)\s*", words) if p.strip()]
    if parts and all(p.isdecimal() for p in parts):
        numbers = [int(p) for p in parts]
        for number in numbers:
            if not 1 <= number <= count:
                raise Unreadable(phrases.CHOICE_OUT_OF_RANGE.fill(number=str(number), count=str(count)))
        return sorted({n - 1 for n in numbers})
    chosen = set()
    for part in (p.strip() for p in re.split(r"\s*[,;]\s*", words) if p.strip()):
        index = int(part) - 1 if part.isdecimal() and 1 <= int(part) <= count else _match_label(question, part)
        if index is None:
            raise Unreadable(phrases.CHOICE_UNREADABLE.fill(count=str(count)))
        chosen.add(index)
    return sorted(chosen)


def _match_label(question: Question, words: str) -> int | None:
    """The option whose label is `words`, or the only one with a word that starts with them."""
    labels = _labels(question)
    starts_a_word = re.compile(r"\b" + re.escape(words))
    for test in (lambda label: label == words,
                 lambda label: len(words) >= 3 and starts_a_word.search(label) is not None):
        hits = [i for i, texts in enumerate(labels) if any(test(label) for label in texts)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise Unreadable(phrases.CHOICE_AMBIGUOUS.fill(
                words=words, numbers=", ".join(str(i + 1) for i in hits)))
    return None


_LABELS: dict[int, tuple[Question, list[list[str]]]] = {}


def _labels(question: Question) -> list[list[str]]:
    """Each option's labels in every language, normalised once per question."""
    cached = _LABELS.get(id(question))
    if cached is None or cached[0] is not question:
        cached = (question, [[_normalise(text) for text in option.label.by_language.values()]
                             for option in question.options])
        _LABELS[id(question)] = cached
    return cached[1]


_NOT_MEASURED_SAID = re.compile(r"\b(?:not?|never|havent|hasnt|didnt|did not|have not) (?:been |yet )?(?:measured?|taken|checked)\b")
_READINGS = re.compile(r"(?<![\d.,])\d{2,3}(?:[.,]\d+)?")  # two or three digits: what a body temperature has


def _temperature(question: Question, typed: str, words: str) -> Answer:
    """A reading, or "not measured"; an answer that says both, or holds two readings, is asked again.

    Principle 8 of the rules: "38.6 this morning, not measured since" is neither a
    clean "not measured" nor one reading, so it is never read as either.
    """
    words = unicodedata.normalize("NFKC", words).casefold()
    said = _not_measured(question)
    readings = list(dict.fromkeys(r.replace(",", ".") for r in _READINGS.findall(words)))
    if not readings:
        if words in said.phrases or _NOT_MEASURED_SAID.search(words):
            return Answer(typed, None, phrases.NOT_MEASURED, {question.finding: None})
        raise Unreadable(phrases.TEMPERATURE_UNREADABLE)
    if len(readings) > 1 and len({Decimal(r) for r in readings}) > 1:
        raise Unreadable(phrases.TEMPERATURE_SEVERAL.fill(readings=", ".join(readings)))
    if _NOT_MEASURED_SAID.search(words) or said.search(words):
        raise Unreadable(phrases.TEMPERATURE_AND_NOT_MEASURED.fill(reading=readings[0]))
    celsius, reading = read_temperature(words)
    shown = f"{celsius:.1f} °C" if reading.endswith("°C") else f"{celsius:.1f} °C ({reading})"
    return Answer(typed, celsius, Text({"en": shown, "es": shown}), {question.finding: celsius})


class _NotMeasured(NamedTuple):
    phrases: frozenset[str]  # the whole answer is one of these: "not measured"
    search: Callable[[str], Any]  # finds one inside an answer that also holds a reading


_SAID: dict[int, tuple[Question, _NotMeasured]] = {}


def _not_measured(question: Question) -> _NotMeasured:
    """The words that mean "not measured": the shared list and the question's own button, normalised.

    Inside a longer answer only phrases of five letters or more count ("no" may be "no fever").
    """
    cached = _SAID.get(id(question))
    if cached is None or cached[0] is not question:
        own = {_normalise(t) for t in question.not_measured.by_language.values()} if question.not_measured else set()
        phrases_ = NOT_MEASURED_WORDS | own
        inside = sorted((p for p in phrases_ if len(p) > 4), key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, inside)) + r")(?!\w)")
        cached = (question, _NotMeasured(frozenset(phrases_), pattern.search))
        _SAID[id(question)] = cached
    return cached[1]


def read_temperature(words: str) -> tuple[float, str]:
    """°C rounded to 0.1, and the reading as understood ("100.4 °F"); or `Unreadable`.

    A number without a unit is °C when it is a body temperature in °C, and °F when
    it is one in °F; anything else is a typing error, never a guess.
    """
    match = _TEMPERATURE.match(unicodedata.normalize("NFKC", words).casefold().replace(" ", ""))
    if not match:
        raise Unreadable(phrases.TEMPERATURE_UNREADABLE)
    number = Decimal(match["number"].replace(",", "."))
    unit = (match["unit"] or "")[:1]
    if not unit:
        unit = "c" if BODY_C[0] <= number <= BODY_C[1] else "f" if BODY_F[0] <= number <= BODY_F[1] else ""
    reading = f"{number} °{unit.upper()}" if unit else str(number)
    low, high = BODY_C if unit == "c" else BODY_F
    if not unit or not low <= number <= high:
        raise Unreadable(phrases.TEMPERATURE_OUT_OF_RANGE.fill(reading=reading))
    celsius = number if unit == "c" else (number - 32) * 5 / 9
    return float(celsius.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), reading


_READERS = {
    QuestionKind.YES_NO: _yes_no,
    QuestionKind.YES_NO_UNSURE: _yes_no,
    QuestionKind.SINGLE_CHOICE: _choice,
    QuestionKind.MULTIPLE_CHOICE: _choice,
    QuestionKind.TEMPERATURE: _temperature,
}
