"""Patients told as timelines: what happened and when, answered literally (principle 10).

A timeline patient is a list of events, each at a time before now:

    - {at: -5h, finding: fever_feeling}              # once, five hours ago
    - {since: -2d, finding: fatigue}                 # from two days ago until now
    - {at: -1h, temperature: 38.6}                   # a reading ("101 F" and "38,6" too)
    - {finding: known_low_white_count, value: unknown}  # what the care team said most recently

Times are `0` (now) or a negative number with a unit: `-30m`, `-5h`, `-2d`, `-1w`.

Two readings of one timeline are compared:

- the **findings**: what the rules read, each finding through its own window (the flow's
  findings, from the clinic's list): present when one of its events (or an event of a
  finding that implies it) falls inside the finding's window. A temperature finding with
  the window `latest` is the latest reading; one with a timed window is the highest
  reading inside it, when higher than the latest (none otherwise);
- the **literal answers**: what the person types to each question as it is written, by
  the question's own window (an option's, where it has one): "yes" when an event falls
  inside it; at a `latest` question, the latest reading; at a timed temperature question,
  the highest reading inside its window when higher than the latest, else "no".

A flow whose questions say the windows of their findings gives the same level both ways;
a question that asks "right now" for a finding that looks back a day does not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from chatbot.flow.answers import Unreadable, read_temperature
from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.flow.model import Flow, Question
from chatbot.flow.windows import HOURS, TIMED

TIME = re.compile(r"^\s*(?:(?P<zero>0|now)|-\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>m|min|h|d|w))\s*$")
UNIT_HOURS = {"m": 1 / 60, "min": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
ANSWER_VALUES = {True: True, False: False, None: None, "yes": True, "no": False, "unknown": None}

WORDS = {  # what a person types, per language
    "en": {True: "yes", False: "no", None: "not sure", "not measured": "not measured"},
    "es": {True: "sí", False: "no", None: "no lo sé", "not measured": "sin medir"},
}


def hours_ago(value: Any) -> float:
    """`-5h` as -5.0 (hours before now), `0` as 0.0; `ValueError` for anything else (the future too)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
        return 0.0
    match = TIME.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"'{value}' is not a time before now: write 0, or -30m, -5h, -2d, -1w")
    if match["zero"]:
        return 0.0
    return -float(match["number"]) * UNIT_HOURS[match["unit"]]


@dataclass(frozen=True)
class Event:
    """One thing that happened: a sign from `start` to `end` (hours, ≤ 0), or a reading at `start`."""

    start: float
    end: float
    finding: str | None = None
    value: Any = True  # a `current` finding's answer: True, False or None (unknown)
    reading: float | None = None  # °C
    typed: str | None = None  # the reading as the thermometer showed it ("101 F")


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    last_check: float = -math.inf  # hours ago; `since_last_check` reaches back to it

    # -- what happened, over a window ------------------------------------------------------

    def reaches(self, window: str | None) -> float:
        """How far back `window` reaches, in hours (negative), from now."""
        if window == "since_last_check":
            return self.last_check
        hours = HOURS.get(window or "")
        return -math.inf if hours is None else -float(hours)

    def present(self, flow: Flow, finding: str, window: str | None) -> bool:
        """Whether `finding` (or a finding that implies it) happened inside `window`."""
        start = self.reaches(window)
        for event in self.events:
            if event.finding is None or event.end < start:
                continue
            if event.finding == finding or finding in flow.implied_by(event.finding):
                return True
        return False

    def said(self, finding: str) -> Any:
        """A `current` finding's answer: the latest event's value, None (unknown) when there is none."""
        events = [event for event in self.events if event.finding == finding]
        return max(events, key=lambda event: event.start).value if events else None

    def readings(self) -> list[Event]:
        return sorted((event for event in self.events if event.reading is not None), key=lambda e: e.start)

    def latest(self) -> Event | None:
        readings = self.readings()
        return readings[-1] if readings else None

    def highest(self, window: str | None) -> Event | None:
        """The highest reading inside `window`, when it is higher than the latest; else None."""
        latest, start = self.latest(), self.reaches(window)
        inside = [event for event in self.readings() if event.start >= start]
        if latest is None or not inside:
            return None
        best = max(inside, key=lambda event: event.reading)
        return best if best.reading > latest.reading else None

    def reading_for(self, window: str | None) -> Event | None:
        """The reading a temperature finding or question over `window` takes."""
        if window == "latest" or window is None:
            return self.latest()
        return self.highest(window)

    # -- the two readings of the timeline ------------------------------------------------------

    def findings(self, flow: Flow) -> dict[str, Any]:
        """What the rules read: every finding through its own window."""
        found: dict[str, Any] = {}
        for name, finding in flow.findings.items():
            if finding.highest_of:
                continue
            if finding.type == FindingType.TEMPERATURE:
                event = self.reading_for(finding.window)
                found[name] = event.reading if event is not None else None
            elif finding.window == "current" or finding.type == FindingType.BOOLEAN_OR_UNKNOWN:
                found[name] = self.said(name)
            else:
                found[name] = self.present(flow, name, finding.window)
        flow.derive(found)
        return found

    def answer(self, question: Question, flow: Flow, language: str) -> str:
        """What the person types to `question`, read literally by its window."""
        words = WORDS.get(language, WORDS["en"])
        kind = question.kind
        if kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE):
            name = question.finding
            if flow.findings[name].type == FindingType.BOOLEAN_OR_UNKNOWN:
                value = self.said(name)
            else:
                value = self.present(flow, name, question.window_of(name))
            return words[value if kind == QuestionKind.YES_NO_UNSURE else bool(value)]
        if kind == QuestionKind.TEMPERATURE:
            event = self.reading_for(question.window)
            if event is None:
                return "no" if question.window in TIMED else words["not measured"]
            typed = event.typed if event.typed is not None else f"{event.reading:.1f}"
            return typed.replace(".", ",") if language == "es" and typed[:1].isdigit() and " " not in typed else typed
        chosen = [str(number) for number, option in enumerate(question.options, 1)
                  if option.finding and self.present(flow, option.finding, question.window_of(option.finding))]
        if kind == QuestionKind.SINGLE_CHOICE and chosen:
            return chosen[0]
        if chosen:
            return ", ".join(chosen)
        nones = [str(number) for number, option in enumerate(question.options, 1) if option.none]
        return nones[0] if nones else "1"


def read_event(data: Any, flow: Flow) -> Event:
    """One event of a timeline, or `ValueError` saying what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("an event is a mapping, such as {at: -5h, finding: fever_feeling}")
    unknown = set(data) - {"at", "since", "finding", "value", "temperature"}
    if unknown:
        raise ValueError(f"unknown field '{sorted(unknown)[0]}' in an event (at, since, finding, value, temperature)")
    if ("finding" in data) == ("temperature" in data):
        raise ValueError("an event has either a finding or a temperature")
    if "at" in data and "since" in data:
        raise ValueError("an event happens 'at' a time, or 'since' a time until now, not both")
    when = hours_ago(data.get("at", data.get("since", 0)))
    if "temperature" in data:
        if "since" in data:
            raise ValueError("a reading is taken 'at' a time")
        typed = data["temperature"]
        if isinstance(typed, bool) or not isinstance(typed, (int, float, str)):
            raise ValueError("a temperature is a reading such as 38.6 or \"101 F\"")
        try:
            celsius, _ = read_temperature(str(typed).lower())
        except Unreadable as problem:
            raise ValueError(problem.message.get("en")) from None
        return Event(when, when, reading=celsius, typed=str(typed) if isinstance(typed, str) else None)
    name = data["finding"]
    finding = flow.findings.get(name) if isinstance(name, str) else None
    if finding is None:
        raise ValueError(f"unknown finding '{name}'")
    if finding.highest_of:
        raise ValueError(f"'{name}' is worked out from the readings: give readings instead")
    if finding.type == FindingType.TEMPERATURE:
        raise ValueError(f"'{name}' is a temperature: give readings, such as {{at: -1h, temperature: 38.6}}")
    if finding.type == FindingType.BOOLEAN_OR_UNKNOWN:
        value = data.get("value", True)
        if value not in ANSWER_VALUES or isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f"'{name}' takes a value: yes, no or unknown")
        return Event(when, when, name, ANSWER_VALUES[value])
    if "value" in data:
        raise ValueError(f"'{name}' happened or not: leave out 'value'")
    return Event(when, 0.0 if "since" in data else when, name)
