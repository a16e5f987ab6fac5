"""A change to a flow, reviewed: what the writers (`notes`, `html`, `scripts`) show.

`review(old, new)` compares every answer class of both versions
(`chatbot.proof.comparison`) and makes each class whose outcome differs a
`ChangedClass`: its kind (down-triage first, then up-triage, then the same level
with another outcome), its statement in words, the rules that held before and after
and one shortest witness, replayed on both versions through the real engine (the
review refuses to show a claim the engine does not bear out). Then what else changed:
questions added, removed, re-ordered or asking another finding; triage rules;
findings; outcomes; every patient-facing text, per language. Then the sign-off: the
change-log entries newer than the old version, the down-triage each accepts, and the
hazards (`chatbot.flowfile.hazards`) that name a rule or outcome of each class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from chatbot.engine import Conversation
from chatbot.flow.conditions import All, Named, Not
from chatbot.flow.model import Acceptance, ChangeRecord, Flow, level_rank
from chatbot.flow.text import Text
from chatbot.flow.triage import triage
from chatbot.flowfile.hazards import Hazard, HazardLog
from chatbot.proof.comparison import Answered, Band, Change, Comparison, compare
from chatbot.proof.reachable import Reach
from chatbot.proof.terms import compile_condition
from chatbot.review.revisions import Version
from chatbot.review.statements import Statement, profile, statement

KINDS = ("down-triage", "up-triage", "same level")
TITLES = {"down-triage": "Down-triage: the new level is lower",
          "up-triage": "Up-triage: the new level is higher",
          "same level": "Same level, another outcome"}


class WitnessError(Exception):
    """A witness did not replay on the engine as the comparison says: the review cannot be trusted."""


@dataclass(frozen=True)
class Step:
    """One answer of a witness conversation: the question, its words, what was typed, how it was read."""

    question: str
    text: str
    typed: str
    shown: str


@dataclass(frozen=True)
class Ending:
    """Where a conversation ends: the outcome, its level and title, and the rules that held."""

    outcome: str | None
    level: str | None
    title: str
    rules: tuple[str, ...]
    rules_level: str | None = None  # the level the rules give for the answers (the outcome's, in a safe flow)

    @property
    def rank(self) -> int:
        return level_rank(self.level) if self.level else -1  # a dialogue that never ends tells nobody anything


@dataclass(frozen=True)
class Witness:
    steps: tuple[Step, ...]
    ending: Ending


@dataclass
class ChangedClass:
    """One class of persons whose level or outcome differs."""

    kind: str
    change: Change
    statement: Statement
    profile: dict[str, Any]
    before: Witness
    after: Witness
    rules: tuple[str, ...] = ()  # the rules it is grouped under in the release note
    accepted: tuple[Acceptance, ChangeRecord] | None = None
    hazards: tuple[Hazard, ...] = ()
    number: int = 0

    @property
    def title(self) -> str:
        return f"{self.before.ending.level or 'no end'} → {self.after.ending.level or 'no end'}"

    @property
    def outcomes(self) -> str:
        return f"{self.before.ending.outcome} → {self.after.ending.outcome}"

    @property
    def heading(self) -> str:
        """The levels, and the outcomes too when they are not named as their levels are."""
        plain = all(end.outcome == end.level for end in (self.before.ending, self.after.ending))
        return self.title if plain else f"{self.title}: {self.outcomes}"


@dataclass(frozen=True)
class TextChange:
    place: str
    language: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Item:
    """Something else that changed: what it is, and the old and new (None: not there)."""

    what: str
    name: str
    old: str | None
    new: str | None


@dataclass
class QuestionChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[tuple[str, int, int]] = field(default_factory=list)  # id, place before, place after (1-based)
    asks: list[Item] = field(default_factory=list)  # the same question asking another finding, or another way

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.asks)


@dataclass
class Review:
    """Everything `chatbot diff` shows, in the order it shows it."""

    old: Version
    new: Version
    comparison: Comparison
    classes: list[ChangedClass]
    questions: QuestionChanges
    rules: list[Item]
    findings: list[Item]
    outcomes: list[Item]
    texts: list[TextChange]
    records: tuple[ChangeRecord, ...]
    hazard_log: HazardLog | None = None

    def of_kind(self, kind: str) -> list[ChangedClass]:
        return [changed for changed in self.classes if changed.kind == kind]

    @property
    def unaccepted(self) -> list[ChangedClass]:
        """Down-triage that no reviewed entry of the change log accepts."""
        return [changed for changed in self.of_kind("down-triage") if changed.accepted is None]

    @property
    def changed(self) -> bool:
        return bool(self.classes or self.questions or self.rules or self.findings or self.outcomes or self.texts)

    def groups(self, kind: str) -> list[tuple[tuple[str, ...], list[ChangedClass]]]:
        """The classes of a kind by the rules they are grouped under, in order."""
        found: dict[tuple[str, ...], list[ChangedClass]] = {}
        for changed in self.of_kind(kind):
            found.setdefault(changed.rules, []).append(changed)
        return list(found.items())

    def rule_hazards(self, rules: tuple[str, ...]) -> list[Hazard]:
        """The hazards that name one of these rules."""
        return self.hazard_log.touching(rules) if self.hazard_log else []

    def hazards(self) -> list[Hazard]:
        """The hazards any class touches, in the log's order."""
        touched = {hazard.id for changed in self.classes for hazard in changed.hazards}
        return [hazard for hazard in (self.hazard_log.hazards if self.hazard_log else ()) if hazard.id in touched]

    def rule_reason(self, rule_id: str, language: str = "en") -> str:
        for flow in (self.new.flow, self.old.flow):
            for rule in flow.rules:
                if rule.id == rule_id:
                    return rule.for_nurse.get(language)  # a clinician's words, not the person's
        return ""


def review(old: Version, new: Version, hazard_log: HazardLog | None = None) -> Review:
    """The review of the change from `old` to `new`; see the module's docstring."""
    comparison = compare(old.flow, new.flow)
    records = tuple(record for record in new.flow.changes if record.version > old.flow.version)
    classes = [_class(comparison, change, records, hazard_log) for change in comparison.changes]
    classes.sort(key=_order)
    for number, changed in enumerate(classes, 1):
        changed.number = number
    return Review(old, new, comparison, classes, question_changes(old.flow, new.flow), rule_changes(old.flow, new.flow),
                  finding_changes(old.flow, new.flow), outcome_changes(old.flow, new.flow),
                  text_changes(old.flow, new.flow), records, hazard_log)


def _class(comparison: Comparison, change: Change, records: tuple[ChangeRecord, ...],
           hazard_log: HazardLog | None) -> ChangedClass:
    before = replay(comparison.old, change.old_answers, change.old)
    after = replay(comparison.new, change.new_answers, change.new)
    difference = after.ending.rank - before.ending.rank
    kind = "down-triage" if difference < 0 else "up-triage" if difference > 0 else "same level"
    rules = (before.ending.rules if kind == "down-triage" else after.ending.rules) \
        or after.ending.rules or before.ending.rules
    changed = ChangedClass(kind, change,
                           statement(change.ranges, comparison.variables, comparison.new, comparison.old),
                           profile(change.ranges, comparison.variables), before, after, rules)
    if kind == "down-triage":
        changed.accepted = acceptance(comparison, change, before.ending.level, after.ending.level, records)
    if hazard_log is not None:
        changed.hazards = tuple(hazard_log.touching(before.ending.rules + after.ending.rules,
                                                    (before.ending.outcome, after.ending.outcome)))
    return changed


def _order(changed: ChangedClass) -> tuple:
    """Down-triage first (the largest drop first), then up-triage (the largest rise first), then the rest."""
    drop = changed.after.ending.rank - changed.before.ending.rank
    return (KINDS.index(changed.kind), drop if changed.kind == "down-triage" else -drop,
            -changed.before.ending.rank, [rule_key(rule) for rule in changed.rules], str(changed.statement))


def rule_key(rule_id: str) -> tuple:
    """E2 before E10, then U1: rule ids in the clinician's order."""
    digits = rule_id.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (rule_id[:len(rule_id) - len(digits)], int(digits) if digits.isdigit() else 0, rule_id)


# -- witnesses -------------------------------------------------------------------------------------

def replay(flow: Flow, answers: Iterable[Answered], outcome: str | None) -> Witness:
    """A witness's answers typed into the engine; `WitnessError` unless it asks them in turn and ends
    at `outcome` (None: a dialogue that goes round a loop, which `chatbot check` reports; no witness)."""
    if outcome is None:
        return Witness((), Ending(None, None, "never ends", ()))
    conversation = Conversation(flow)
    conversation.start()
    steps = []
    for answered in answers:
        question = conversation.question
        if question is None or question.id != answered.question:
            raise WitnessError(f"{flow.file}: the engine asked {question.id if question else 'nothing'} where the "
                               f"comparison answers {answered.question}")
        error = conversation.take(answered.typed)
        if error is not None:
            raise WitnessError(f"{flow.file}: '{answered.typed}' was not taken at {question.id}: {error.get('en')}")
        turn = conversation.transcript[-1]
        steps.append(Step(question.id, question.text.get("en"), answered.typed, turn.shown))
    if conversation.state != outcome:
        raise WitnessError(f"{flow.file}: the witness ends at {conversation.state}, not at {outcome}")
    result = conversation.result()
    ending = Ending(outcome, result.level, result.outcome.title.get("en"), tuple(rule.id for rule in result.reasons),
                    triage(flow.rules, result.findings).level)
    return Witness(tuple(steps), ending)


# -- sign-off --------------------------------------------------------------------------------------

def acceptance(comparison: Comparison, change: Change, before: str | None, after: str | None,
               records: tuple[ChangeRecord, ...]) -> tuple[Acceptance, ChangeRecord] | None:
    """The accepted change (of a reviewed entry) that covers this down-triage, if any.

    It covers it when the levels are the same, it names every finding of the class's
    support, and every member of the class gives answers it accepts.
    """
    names = {comparison.variables[level].name for level in change.support}
    for record in reversed(records):
        if record.reviewer is None:
            continue
        for accepted in record.accepts:
            if (accepted.before, accepted.after) == (before, after) and names <= set(accepted.profile) \
                    and all(_within(comparison, change, finding, values)
                            for finding, values in accepted.profile.items()):
                return accepted, record
    return None


def _within(comparison: Comparison, change: Change, finding: str, allowed: tuple) -> bool:
    levels = [level for level, variable in enumerate(comparison.variables) if variable.name == finding]
    if not levels:
        return False  # never asked: its members may answer anything
    variable = comparison.variables[levels[0]]
    given = change.ranges.get(levels[0], frozenset(range(len(variable.values))))
    for index in given:
        value = variable.values[index]
        if isinstance(value, Band):
            if not any(isinstance(bounds, tuple) and _holds(value, bounds) for bounds in allowed):
                return False
        elif value not in allowed:
            return False
    return True


def _holds(band: Band, bounds: tuple) -> bool:
    low, high = bounds
    return (low is None or band.low >= Decimal(str(low))) and (high is None or band.high <= Decimal(str(high)))


# -- what else changed -----------------------------------------------------------------------------

def question_order(flow: Flow) -> list[str]:
    return [state for state in Reach(flow).ordered if state in flow.questions]


def question_changes(old: Flow, new: Flow) -> QuestionChanges:
    before, after = question_order(old), question_order(new)
    changes = QuestionChanges([q for q in after if q not in old.questions], [q for q in before if q not in new.questions])
    common_before = [q for q in before if q in new.questions]
    common_after = [q for q in after if q in old.questions]
    kept = set(_longest_common(common_before, common_after))
    changes.moved = [(q, before.index(q) + 1, after.index(q) + 1) for q in common_after if q not in kept]
    for qid in common_after:
        was, now = old.questions[qid], new.questions[qid]
        if was.kind != now.kind:
            changes.asks.append(Item("kind", qid, was.kind, now.kind))
        if was.findings() != now.findings():
            changes.asks.append(Item("findings", qid, ", ".join(was.findings()), ", ".join(now.findings())))
    return changes


def _longest_common(first: list[str], second: list[str]) -> list[str]:
    lengths = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            lengths[i + 1][j + 1] = lengths[i][j] + 1 if a == b else max(lengths[i][j + 1], lengths[i + 1][j])
    common, i, j = [], len(first), len(second)
    while i and j:
        if first[i - 1] == second[j - 1]:
            common.append(first[i - 1])
            i, j = i - 1, j - 1
        elif lengths[i - 1][j] >= lengths[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return common[::-1]


def describe(condition) -> str:
    """A condition in words, named conditions written out (so a changed `let` shows)."""
    if condition is None:
        return "always"
    if isinstance(condition, Named):
        return describe(condition.target) if condition.target is not None else condition.name
    children = condition.children()
    if not children:
        return str(condition)
    if isinstance(condition, Not):
        return f"not {describe(children[0])}"
    joiner = " and " if isinstance(condition, All) else " or "
    return "(" + joiner.join(describe(child) for child in children) + ")"


def rule_changes(old: Flow, new: Flow) -> list[Item]:
    was = {rule.id: rule for rule in old.rules}
    now = {rule.id: rule for rule in new.rules}
    items = []
    for rid in [*now, *(r for r in was if r not in now)]:
        a, b = was.get(rid), now.get(rid)
        if a is None or b is None:
            items.append(Item("added" if a is None else "removed", rid,
                              a and f"{a.level}: {describe(a.when)}", b and f"{b.level}: {describe(b.when)}"))
            continue
        if a.level != b.level:
            items.append(Item("level", rid, a.level, b.level))
        if compile_condition(a.when) != compile_condition(b.when):
            items.append(Item("condition", rid, describe(a.when), describe(b.when)))
        if a.source != b.source:
            items.append(Item("source", rid, a.source, b.source))
    return items


def finding_changes(old: Flow, new: Flow) -> list[Item]:
    items = []
    for name in [*new.findings, *(f for f in old.findings if f not in new.findings)]:
        a, b = old.findings.get(name), new.findings.get(name)
        if a is None or b is None:
            items.append(Item("added" if a is None else "removed", name, a and a.means, b and b.means))
            continue
        for what in ("type", "implies", "means", "window", "highest_of"):
            before, after = getattr(a, what, None), getattr(b, what, None)
            if before != after:
                items.append(Item(what, name, _shown(before), _shown(after)))
    return items


def outcome_changes(old: Flow, new: Flow) -> list[Item]:
    items = []
    for oid in [*new.outcomes, *(o for o in old.outcomes if o not in new.outcomes)]:
        a, b = old.outcomes.get(oid), new.outcomes.get(oid)
        if a is None or b is None or a.level != b.level:
            items.append(Item("added" if a is None else "removed" if b is None else "level", oid,
                              a and a.level, b and b.level))
    return items


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        return ", ".join(map(str, value))
    return str(value)


def texts_of(flow: Flow) -> dict[str, Text]:
    """Every text the person sees, by where it is."""
    places: dict[str, Text] = {}
    for name in ("title", "body", "disclaimer"):
        places[f"welcome: {name}"] = getattr(flow.welcome, name)
    for tid, title in flow.topics.items():
        places[f"topic {tid}: title"] = title
    for qid, question in flow.questions.items():
        places[f"question {qid}: text"] = question.text
        if question.help is not None:
            places[f"question {qid}: help"] = question.help
        if question.not_measured is not None:
            places[f"question {qid}: not measured"] = question.not_measured
        for number, option in enumerate(question.options, 1):
            places[f"question {qid}: option {number}"] = option.label
    for oid, outcome in flow.outcomes.items():
        places[f"outcome {oid}: title"] = outcome.title
        places[f"outcome {oid}: text"] = outcome.text
        if outcome.clinic_title is not None:
            places[f"outcome {oid}: title at the clinic"] = outcome.clinic_title
        if outcome.clinic_text is not None:
            places[f"outcome {oid}: text at the clinic"] = outcome.clinic_text
    for rule in flow.rules:
        places[f"rule {rule.id}: reason"] = rule.reason
        if rule.nurse_reason is not None:
            places[f"rule {rule.id}: reason for the nurse"] = rule.nurse_reason
    for number, guidance in enumerate(flow.education, 1):
        places[f"guidance {number}: title"] = guidance.title
        places[f"guidance {number}: body"] = guidance.body
    if flow.safety_net is not None:
        places["safety net: title"] = flow.safety_net.title
        places["safety net: body"] = flow.safety_net.body
    return places


def text_changes(old: Flow, new: Flow) -> list[TextChange]:
    """Every patient-facing text that differs, per language (the new version's order, then what went)."""
    before, after = texts_of(old), texts_of(new)
    languages = list(dict.fromkeys((*new.languages, *old.languages)))
    changes = []
    for language in languages:
        for place in [*after, *(p for p in before if p not in after)]:
            a = before[place].by_language.get(language) if place in before else None
            b = after[place].by_language.get(language) if place in after else None
            if a != b:
                changes.append(TextChange(place, language, a, b))
    return changes

