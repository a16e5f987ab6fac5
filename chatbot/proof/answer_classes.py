"""Every answer a question can get, in classes that no condition can tell apart.

The path analysis cannot try every number a person may type as a temperature,
and need not: the rules and the routing only compare a temperature with a few
thresholds, so every reading between two thresholds leads the same way. A class
is one such interval (or "not measured"); it is tried with one reading in °C and
one in °F, each typed as a person would and read by `chatbot.flow.answers` so that
the real rounding decides where it lands (100.4 °F is 38.0 °C).

The other kinds: yes / no; yes / no / not sure; each option of a single choice;
every set of options of a multiple choice, and its "none" option alone.
Answers that set the same findings are one class (four options that all mean
"signs of infection" give two classes, not sixteen).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from itertools import combinations
from typing import Any

from chatbot.flow.kinds import QuestionKind
from chatbot.flow.answers import Unreadable, read_answer, read_temperature
from chatbot.flow.conditions import TemperatureIn
from chatbot.flow.model import Flow, Question

LOWEST_C, HIGHEST_C = Decimal("30.0"), Decimal("45.0")
LOWEST_F, HIGHEST_F = Decimal("86.0"), Decimal("113.0")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class AnswerClass:
    """Answers that set the same findings: `typed` as tried, `count` how many distinct answers it stands for."""

    findings: tuple[tuple[str, Any], ...]
    typed: tuple[str, ...]
    shown: str
    count: int = 1

    def as_dict(self) -> dict[str, Any]:
        return dict(self.findings)


def answer_space(flow: Flow, thresholds: dict[str, tuple[float, ...]] | None = None
                 ) -> dict[str, tuple[AnswerClass, ...]]:
    """The answer classes of every question of the flow, temperatures split at `thresholds` (by
    finding; the flow's own by default: `chatbot diff` splits two flows at the thresholds of both)."""
    thresholds = temperature_thresholds(flow) if thresholds is None else thresholds
    return {qid: question_answers(question, thresholds.get(question.finding, ()))
            for qid, question in flow.questions.items()}


def question_answers(question: Question, thresholds: tuple[float, ...] = ()) -> tuple[AnswerClass, ...]:
    """The answer classes of one question (temperature classes split at `thresholds`)."""
    classes: dict[tuple, list] = {}
    for words, label, count in _candidates(question, thresholds):
        answer = read_answer(question, words)
        key = tuple(sorted(answer.findings.items()))
        entry = classes.setdefault(key, [[], label or answer.shown.get("en"), 0])
        entry[0].append(words)
        entry[2] += count
    return tuple(AnswerClass(key, tuple(words), shown, count) for key, (words, shown, count) in classes.items())


def temperature_classes(thresholds: tuple[float, ...]) -> list[tuple[Decimal, Decimal]]:
    """The intervals [low, high) of °C between the thresholds, over the body range."""
    cuts = sorted({Decimal(str(t)) for t in thresholds if LOWEST_C < Decimal(str(t)) <= HIGHEST_C})
    edges = [LOWEST_C, *cuts, HIGHEST_C + TENTH]
    return [(low, high) for low, high in zip(edges, edges[1:]) if low < high]


def _candidates(question: Question, thresholds: tuple[float, ...]) -> list[tuple[str, str | None, int]]:
    """What a person could type, with a label for reports and how many answers it stands for."""
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        return [("yes", None, 1), ("no", None, 1)]
    if kind == QuestionKind.YES_NO_UNSURE:
        return [("yes", None, 1), ("no", None, 1), ("not sure", None, 1)]
    if kind == QuestionKind.SINGLE_CHOICE:
        return [(str(i), None, 1) for i in range(1, len(question.options) + 1)]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return _subsets(question)
    if kind == QuestionKind.TEMPERATURE:
        return [(typed, label, 1) for typed, label in _temperatures(thresholds)]
    raise ValueError(f"unknown question kind {kind!r}")


def _subsets(question: Question) -> list[tuple[str, str | None, int]]:
    """Every set of findings the options can name, typed with one option for each finding.

    Options that name the same finding are one choice here (any non-empty set of
    them gives the same answer), so four "signs of infection" options make two
    classes; `count` keeps how many sets of options each class stands for.
    """
    by_finding: dict[str, list[int]] = {}
    for number, option in enumerate(question.options, 1):
        if not option.none and option.finding:
            by_finding.setdefault(option.finding, []).append(number)
    typed = [(str(number), None, 1) for number, option in enumerate(question.options, 1) if option.none][:1]
    names = list(by_finding)
    for size in range(1, len(names) + 1):
        for chosen in combinations(names, size):
            count = 1
            for name in chosen:
                count *= 2 ** len(by_finding[name]) - 1
            typed.append((", ".join(str(by_finding[name][0]) for name in chosen), None, count))
    return typed


def _temperatures(thresholds: tuple[float, ...]) -> list[tuple[str, str]]:
    typed: list[tuple[str, str]] = [("not measured", "not measured")]
    fahrenheit = _fahrenheit_readings()
    for low, high in temperature_classes(thresholds):
        label = band_label(low, high)
        first = low == LOWEST_C  # the lowest class is tried just below its threshold, the others at it
        celsius = (high - TENTH if first else low).quantize(TENTH, rounding=ROUND_CEILING)
        if low <= Decimal(str(read_temperature(f"{celsius} c")[0])) < high:
            typed.append((f"{celsius} C", label))
        readings = [reading for reading, value in fahrenheit if low <= value < high]
        if readings:
            typed.append((f"{readings[-1] if first else readings[0]} F", label))
    return typed


def band_label(low: Decimal, high: Decimal) -> str:
    """A temperature class in words: "below 36.0 °C", "37.8 to 37.9 °C", "38.0 °C or more"."""
    if low == LOWEST_C:
        return f"below {high} °C"
    if high > HIGHEST_C:
        return f"{low} °C or more"
    if high - low <= TENTH:
        return f"{low} °C"
    return f"{low} to {high - TENTH} °C"


_FAHRENHEIT: list[tuple[Decimal, Decimal]] = []


def _fahrenheit_readings() -> list[tuple[Decimal, Decimal]]:
    """Every °F reading to a tenth, with the °C the answer reader makes of it."""
    if not _FAHRENHEIT:
        reading = LOWEST_F
        while reading <= HIGHEST_F:
            try:
                celsius, _ = read_temperature(f"{reading} f")
            except Unreadable:  # pragma: no cover - the range is the reader's own
                pass
            else:
                _FAHRENHEIT.append((reading, Decimal(str(celsius))))
            reading += TENTH
    return _FAHRENHEIT


def temperature_thresholds(flow: Flow) -> dict[str, tuple[float, ...]]:
    """For each temperature finding, every threshold the rules or the routing test it at."""
    conditions = [rule.when for rule in flow.rules]
    conditions += [t.condition for state in (*flow.questions.values(), *flow.routes.values())
                   for t in state.next if t.condition is not None]
    bounds: dict[str, set[float]] = {}
    for condition in conditions:
        for node in condition.walk():
            if isinstance(node, TemperatureIn):
                for name in node.of or (node.finding,):  # a derived finding: each temperature it is the highest of
                    bounds.setdefault(name, set()).update(b for b in (node.at_least, node.below) if b is not None)
    return {name: tuple(sorted(values)) for name, values in bounds.items()}
