"""A class of persons in words a clinician reads without the YAML.

Each finding is said with its own `means` (the flow's words for the fact, its first
sentence), its time window when it has one, and the answers the members give:
"feels hot, feverish or flu-like", "the care team has said the white cell count is
low: yes or not sure", "the latest measured body temperature: 36.0 to 37.7 °C".
Findings every member answers no to are listed apart ("and no to: shaking chills
or shivering that cannot be stopped, stiff neck"); findings the members answer every
way are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chatbot.flow.kinds import FindingType
from chatbot.flow.model import Flow
from chatbot.proof.answer_classes import band_label
from chatbot.proof.comparison import Band
from chatbot.proof.decisions import Cube, Variable

WINDOWS = {"now": "right now", "6h": "in the last 6 hours", "24h": "in the last day", "3d": "in the last 3 days",
           "7d": "in the last week", "since_last_check": "since the last check-up", "latest": "the latest reading",
           "current": "as the care team said last"}
ANSWER_WORDS = {True: "yes", False: "no", None: "not sure"}
SAYS_WHEN = re.compile(r"\b(now|in the last|since|latest|today|said|this week)\b")  # a `means` saying its window


@dataclass(frozen=True)
class Statement:
    """What the members of a class answer: `says` (each a phrase), and the findings they all deny."""

    says: tuple[str, ...]
    denies: tuple[str, ...]

    def __str__(self) -> str:
        text = "; ".join(self.says) or "anybody"
        if self.denies:
            text += f"; and no to: {'; '.join(self.denies)}"
        return text


def statement(ranges: Cube, variables: tuple[Variable, ...], new: Flow, old: Flow) -> Statement:
    """The statement of the persons whose answers, finding by finding, are in `ranges` (a level not
    named: any answer)."""
    says, denies = [], []
    for level, variable in enumerate(variables):
        values = ranges.get(level)
        if values is None or len(values) == len(variable.values):
            continue
        chosen = [variable.values[index] for index in sorted(values)]
        finding = new.findings.get(variable.name) or old.findings.get(variable.name)
        if variable.type == FindingType.BOOLEAN and chosen == [False]:
            denies.append(means(variable.name, finding))
        else:
            says.append(phrase(variable.name, finding, chosen))
    return Statement(tuple(says), tuple(denies))


def phrase(name: str, finding, values: list[Any]) -> str:
    """One finding with the answers given to it, in words."""
    meaning = means(name, finding)
    if finding is not None and finding.type == FindingType.TEMPERATURE:
        return f"{meaning}: {temperatures(values)}"
    if values == [True] and (finding is None or finding.type == FindingType.BOOLEAN):
        return meaning
    return f"{meaning}: {' or '.join(ANSWER_WORDS[value] for value in values)}"


def means(name: str, finding) -> str:
    """The first sentence of the finding's `means`, as a phrase (its key in words when it has none), with
    its window."""
    text = (finding.means if finding is not None else "").strip()
    if not text:
        words = name_of(name)
    else:
        words = text.split(". ")[0].rstrip(".")
        if words[:1].isupper() and not words[1:2].isupper():
            words = words[0].lower() + words[1:]
        if finding.type == FindingType.TEMPERATURE:
            words = words.split(", ")[0]
    window = getattr(finding, "window", None)
    if window in WINDOWS and not SAYS_WHEN.search(words):
        words = f"{words} ({WINDOWS[window]})"
    return words


def name_of(name: str) -> str:
    """A finding's key in words: `black_or_bloody_stool` is "black or bloody stool"."""
    return name.replace("_", " ")


def temperatures(values: list[Any]) -> str:
    """Temperature classes in words, neighbours joined: "not measured or below 37.8 °C"."""
    words = ["not measured"] if None in values else []
    words += [band_label(low, high) for low, high in runs(values)]
    return " or ".join(words)


def runs(values: list[Any]) -> list[tuple[Decimal, Decimal]]:
    """The temperature classes among `values`, neighbours joined, as [low, high) in °C."""
    bands = sorted((value for value in values if isinstance(value, Band)), key=lambda band: band.low)
    joined: list[list[Decimal]] = []
    for band in bands:
        if joined and joined[-1][1] == band.low:
            joined[-1][1] = band.high
        else:
            joined.append([band.low, band.high])
    return [(low, high) for low, high in joined]


def profile(ranges: Cube, variables: tuple[Variable, ...]) -> dict[str, Any]:
    """What a class's members answer, as a change log's `profile` (finding -> answers, as a flow writes
    them): every finding the statement says, the findings they all deny left out."""
    written: dict[str, Any] = {}
    for level, indexes in sorted(ranges.items()):
        variable = variables[level]
        values = [variable.values[index] for index in sorted(indexes)]
        if len(values) == len(variable.values) or (variable.type == FindingType.BOOLEAN and values == [False]):
            continue
        if variable.type == FindingType.TEMPERATURE:
            items: list[Any] = ["not_measured"] if None in values else []
            for low, high in runs(values):
                bounds = {}
                if low > Decimal("30.0"):
                    bounds["at_least"] = float(low)
                if high <= Decimal("45.0"):
                    bounds["below"] = float(high)
                items.append(bounds or "measured")
            written[variable.name] = items[0] if len(items) == 1 else items
        else:
            words = [ANSWER_WORDS[value].replace("not sure", "unknown") for value in values]
            written[variable.name] = words[0] if len(words) == 1 else words
    return written


def written(profile: dict[str, Any]) -> str:
    """A profile on one line, as a flow file writes it: `{chills_shaking: yes, temperature: [not_measured]}`."""
    def value(item: Any) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(value(part) for part in item) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(f"{key}: {bound}" for key, bound in item.items()) + "}"
        return str(item)
    return "{" + ", ".join(f"{name}: {value(answers)}" for name, answers in profile.items()) + "}"
