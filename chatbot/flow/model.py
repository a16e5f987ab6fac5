"""The flow as loaded: plain, immutable data for the engine, the checker and the UI.

The parts of a flow are named tuples rather than frozen dataclasses: just as
immutable, and the UI imports them before its first frame, where Python 3.11
spends about 0.4 ms building each dataclass and a twentieth of that on a named tuple.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.flow.conditions import Condition
from chatbot.flow.text import Text

LEVELS = ("routine", "urgent", "emergency")  # lowest to highest
QUESTION_KINDS = tuple(QuestionKind)
FINDING_TYPES = tuple(FindingType)

Position = tuple[int, int]  # line, column (1-based) in the flow file


def level_rank(level: str) -> int:
    """Order of urgency: routine < urgent < emergency."""
    return LEVELS.index(level)


class Finding(NamedTuple):
    name: str
    type: FindingType
    means: str = ""
    implies: str | None = None
    words: Text | None = None  # comma-separated names a person knows it by, per language (principle 7)
    window: str | None = None  # how far back it looks (`chatbot.flow.windows`)
    highest_of: tuple[str, ...] = ()  # derived, never asked: the highest measured of these temperatures
    at: Position = (1, 1)

    def default(self) -> Any:
        """The value of a finding nobody asked about: absent, unknown or not measured."""
        return False if self.type == FindingType.BOOLEAN else None


class Option(NamedTuple):
    label: Text
    finding: str | None = None
    none: bool = False
    window: str | None = None  # its own time window, said in its label; None: the question's


class Transition(NamedTuple):
    """Go to `goto` when `condition` holds (always, when it is None)."""

    goto: str
    condition: Condition | None = None
    at: Position = (1, 1)


class Question(NamedTuple):
    id: str
    kind: QuestionKind
    text: Text
    topic: str | None = None
    help: Text | None = None
    finding: str | None = None
    options: tuple[Option, ...] = ()
    not_measured: Text | None = None
    next: tuple[Transition, ...] = ()
    at: Position = (1, 1)
    window: str | None = None  # how far back it asks, said in its text (`chatbot.flow.windows`)

    def findings(self) -> tuple[str, ...]:
        """Every finding this question sets, in order, without repeats."""
        names = [self.finding] if self.finding else [o.finding for o in self.options if o.finding]
        return tuple(dict.fromkeys(names))

    def window_of(self, finding: str) -> str | None:
        """The window over which this question asks about `finding`: its option's own, else its own."""
        for option in self.options:
            if option.finding == finding and option.window is not None:
                return option.window
        return self.window


class Route(NamedTuple):
    """A state that asks nothing and only chooses where to go."""

    id: str
    next: tuple[Transition, ...] = ()
    at: Position = (1, 1)


class Outcome(NamedTuple):
    id: str
    level: str
    title: Text
    text: Text
    at: Position = (1, 1)
    clinic_title: Text | None = None  # `at_clinic`: the words for a person already at the clinic
    clinic_text: Text | None = None  # (a staffed kiosk), in place of `title` and `text`

    def words(self, at_clinic: bool = False) -> tuple[Text, Text]:
        """The title and text to show: the clinic's words at a staffed kiosk, when the outcome has them."""
        if at_clinic and self.clinic_title is not None and self.clinic_text is not None:
            return self.clinic_title, self.clinic_text
        return self.title, self.text


class Review(NamedTuple):
    """Who last reviewed a rule against its source, and when (an ISO date)."""

    by: str
    date: str


class Rule(NamedTuple):
    """One row of the triage table: `level` when `when` holds; where it comes from, and its last review."""

    id: str
    level: str
    when: Condition
    reason: Text  # in the person's words, to follow "I have bone marrow failure and ..." on the phone
    at: Position = (1, 1)
    source: str | None = None  # the citation the rule rests on
    reviewed: Review | None = None
    nurse_reason: Text | None = None  # the same in the third person, as a nurse reads it

    @property
    def for_nurse(self) -> Text:
        """The reason as a nurse reads it: `nurse_reason`, else `reason`."""
        return self.nurse_reason if self.nurse_reason is not None else self.reason


class Acceptance(NamedTuple):
    """A reviewer's sign-off of a lower level for some persons (`chatbot diff --fail-on down-triage`).

    `profile` names, per finding, the answers accepted: a class of `chatbot diff` is accepted
    when its level goes from `before` to `after`, every member gives answers the profile allows,
    and the profile names every finding the class is named by (its support).
    """

    before: str
    after: str
    profile: dict[str, tuple]  # finding -> the values accepted (True/False/None; a temperature: None or a range)
    why: str = ""
    at: Position = (1, 1)


class ChangeRecord(NamedTuple):
    """One entry of a flow's change log: the version it made, when, by whom, why, and what was accepted."""

    version: int
    date: str
    author: str
    reason: str
    reviewer: str | None = None
    accepts: tuple[Acceptance, ...] = ()
    at: Position = (1, 1)


class Guidance(NamedTuple):
    """A topic of the educational guidance, its body in Markdown."""

    title: Text
    body: Text


class Welcome(NamedTuple):
    title: Text
    body: Text
    disclaimer: Text


@dataclass(eq=False)
class Flow:
    """A whole dialogue: what to ask, where to go, and the rules it must agree with."""

    file: str
    name: str
    start: str
    languages: tuple[str, ...]
    welcome: Welcome
    findings: dict[str, Finding]
    questions: dict[str, Question]
    routes: dict[str, Route]
    outcomes: dict[str, Outcome]
    rules: tuple[Rule, ...]
    topics: dict[str, Text] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    education: tuple[Guidance, ...] = ()
    safety_net: Guidance | None = None
    emergency_number: str = "911"
    version: int = 1
    windows: dict[str, Text] = field(default_factory=dict)  # window -> the words that say it, per language
    changes: tuple[ChangeRecord, ...] = ()  # the change log, oldest first

    @cached_property
    def derived(self) -> dict[str, tuple[str, ...]]:
        """The findings never asked but worked out from others: name -> the temperatures it is the highest of."""
        return {name: finding.highest_of for name, finding in self.findings.items() if finding.highest_of}

    def derive(self, findings: dict[str, Any]) -> None:
        """Work out the derived findings of `findings`, in place (the highest measured, or None)."""
        for name, sources in self.derived.items():
            measured = [findings.get(source) for source in sources if findings.get(source) is not None]
            findings[name] = max(measured) if measured else None

    def state(self, name: str) -> Question | Route | Outcome:
        return self.questions.get(name) or self.routes.get(name) or self.outcomes[name]

    def default_findings(self) -> dict[str, Any]:
        return {name: finding.default() for name, finding in self.findings.items()}

    def implied_by(self, name: str) -> list[str]:
        """The findings that must also be present when `name` is (its `implies` chain)."""
        chain, seen = [], {name}
        implied = self.findings[name].implies if name in self.findings else None
        while implied and implied not in seen:
            chain.append(implied)
            seen.add(implied)
            implied = self.findings[implied].implies if implied in self.findings else None
        return chain
