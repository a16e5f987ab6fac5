"""Changed versions of the bundled flow, and a check that `chatbot diff` tells the truth about them.

Shared by tests/core/test_diff_claims.py (a few hundred persons per mutant, in CI)
and bench/diff.py --claims (thousands per mutant, and random mutants too).

A mutant is the bundled flow with one edit of the kind a clinician makes: a
threshold, a transition's target, a condition, an `implies`, an outcome's level, a
question added, removed or moved. `check_claims` holds `chatbot diff` to account,
independently of how it works:

- every class it claims is shown by its witness: the witness's answers, typed into
  the real engine (`chatbot.engine.Conversation`) on each version, end at the
  outcomes claimed (the review replays them; here they are replayed again), and
  the witness is a member of its class (gives its support, within its ranges);
- random persons, each run through both versions as a simulated patient
  (`chatbot.replay.patients`, which types answers as a person would), find no
  change the diff missed: every person whose outcome differs is a member of a
  claimed class with exactly those outcomes, and gives answers within its ranges.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from chatbot.engine import Conversation
from chatbot.flow.answers import read_temperature
from chatbot.flow.kinds import FindingType
from chatbot.flow.model import Flow
from chatbot.flowfile.loader import bundled_flow_path
from chatbot.replay.patients import Patient, simulate
from chatbot.review.report import Review

BUNDLED = yaml.safe_load(bundled_flow_path().read_text(encoding="utf-8"))


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def _both(*edits: Callable[[dict], None]) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        for one in edits:
            one(data)
    return edit


def _remove_question(qid: str, to: str) -> Callable[[dict], None]:
    """Take a question out of the dialogue: whatever went to it goes to `to` instead."""
    def edit(data: dict) -> None:
        del data["questions"][qid]
        for state in (*data["questions"].values(), *data.get("routes", {}).values()):
            if state["next"] == qid:
                state["next"] = to
            elif isinstance(state["next"], list):
                for transition in state["next"]:
                    if transition["goto"] == qid:
                        transition["goto"] = to
    return edit


def _add_question(data: dict) -> None:
    """A new question before `decide`, about a new finding, urgent when yes."""
    data["findings"]["vomiting_now"] = {"type": "boolean", "means": "Vomiting that does not stop."}
    data["rules"]["urgent"]["U17"] = {"when": "vomiting_now", "reason": {"en": "vomiting", "es": "vómitos"}}
    data["conditions"]["urgent_signs"]["any"].append("vomiting_now")
    data["questions"]["vomiting"] = {
        "topic": "fatigue", "kind": "yes_no", "finding": "vomiting_now",
        "text": {"en": "Today, have you been sick (vomited) and cannot stop?",
                 "es": "Hoy, ¿ha vomitado y no puede parar?"},
        "next": "decide"}
    for qid, state in data["questions"].items():
        if qid == "vomiting":
            continue
        if state["next"] == "decide":
            state["next"] = "vomiting"
        elif isinstance(state["next"], list):
            for transition in state["next"]:
                if transition["goto"] == "decide":
                    transition["goto"] = "vomiting"


def _swap_questions(first: str, second: str) -> Callable[[dict], None]:
    """Ask `second` before `first` (two questions that follow each other)."""
    def edit(data: dict) -> None:
        questions = data["questions"]
        after_second = questions[second]["next"]
        for state in (*questions.values(), *data.get("routes", {}).values()):
            if state["next"] == first:
                state["next"] = second
            elif isinstance(state["next"], list):
                for transition in state["next"]:
                    if transition["goto"] == first:
                        transition["goto"] = second
        questions[second]["next"] = first
        questions[first]["next"] = after_second
    return edit


def _drop_from_any(path: tuple, item: Any) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        target = data
        for key in path:
            target = target[key]
        target.remove(item)
    return edit


def _swap_transitions(state: str, kind: str = "routes") -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        transitions = data[kind][state]["next"]
        transitions[0], transitions[1] = transitions[1], transitions[0]
    return edit


# Edits that change nobody's outcome: the diff must find no class (a yes to blood in the urine is asked
# only after a yes to bleeding; the order of two questions that route nothing is no one's outcome).
UNCHANGED = {"nothing changed", "blood in the urine no longer implies bleeding (implies)",
             "bruises asked after spots (questions moved)"}

MUTANTS: dict[str, Callable[[dict], None]] = {
    "fever threshold raised in rules and routing (38.0 to 38.3)": _both(
        _set(("rules", "let", "fever"), {"temperature": {"at_least": 38.3}}),
        _set(("conditions", "measured_fever"), {"temperature": {"at_least": 38.3}})),
    "fever threshold lowered in the routing only (38.0 to 37.9)": _set(
        ("conditions", "measured_fever"), {"temperature": {"at_least": 37.9}}),
    "bleeding that will not stop sent to the head ending (target)": _set(
        ("questions", "danger_signs", "next", 1, "goto"), "emergency_head"),
    "shaking chills with a low count no longer an emergency (target)": _set(
        ("questions", "chills", "next", 0, "goto"), "stiff_neck"),
    "unknown white count no longer counts as low (condition)": _set(
        ("conditions", "low_count"), {"known_low_white_count": [True]}),
    "spots dropped from the urgent signs (condition)": _drop_from_any(
        ("conditions", "urgent_signs", "any"), "petechiae"),
    "fainting with bleeding no longer an emergency (condition)": _set(
        ("questions", "dizzy", "next", 0, "if"),
        {"all": ["fainting_or_dizzy", {"any": ["fast_heartbeat", "short_of_breath"]}]}),
    "new bruises imply bleeding (implies)": _set(("findings", "new_bruising", "implies"), "bleeding_now"),
    "blood in the urine no longer implies bleeding (implies)": lambda data: data["findings"]["blood_in_urine"].pop(
        "implies"),
    "urgent bleeding ending made routine (outcome level)": _set(("outcomes", "urgent_bleeding", "level"), "routine"),
    "routine ending with a low count made urgent (outcome level)": _set(
        ("outcomes", "routine_low_count", "level"), "urgent"),
    "bruises asked after spots (questions moved)": _swap_questions("bruising", "spots"),
    "stiff neck question removed": _remove_question("stiff_neck", "infection_signs"),
    "a new question about vomiting, urgent when yes": _add_question,
    "the decision's first two transitions swapped (routes)": _swap_transitions("decide"),
    "raised temperature threshold lowered (37.8 to 37.6)": _both(
        _set(("rules", "urgent", "U2", "when"),
             {"all": [{"temperature": {"at_least": 37.6, "below": 38.0}}, "low_wbc"]}),
        _set(("conditions", "urgent_signs", "any", 1), {"all": ["low_count", {"temperature": {"at_least": 37.6}}]})),
    "nothing changed": lambda data: None,
}


def mutant(name: str) -> dict:
    """The bundled flow's data with one named edit."""
    data = copy.deepcopy(BUNDLED)
    MUTANTS[name](data)
    return data


def random_mutant(rng: random.Random) -> tuple[str, dict]:
    """A random edit of a transition: its target moved to another state of its kind, or its condition
    negated, or a threshold shifted."""
    data = copy.deepcopy(BUNDLED)
    kind = rng.randrange(3)
    states = [(sid, state) for sid, state in data["questions"].items() if isinstance(state["next"], list)]
    sid, state = rng.choice(states)
    index = rng.randrange(len(state["next"]) - 1)
    transition = state["next"][index]
    if kind == 0:
        targets = [o for o in data["outcomes"]] + [q for q in data["questions"] if q != sid]
        goto = rng.choice(targets)
        name = f"{sid}[{index}] goes to {goto}"
        if goto in data["questions"] and _leads_back(data, goto, sid):
            goto = rng.choice(list(data["outcomes"]))
            name = f"{sid}[{index}] goes to {goto}"
        transition["goto"] = goto
    elif kind == 1:
        transition["if"] = {"not": transition["if"]}
        name = f"{sid}[{index}] condition negated"
    else:
        shift = rng.choice([-0.5, -0.2, 0.2, 0.5])
        value = round(38.0 + shift, 1)
        data["conditions"]["measured_fever"] = {"temperature": {"at_least": value}}
        name = f"measured fever at {value}"
    return name, data


def _leads_back(data: dict, start: str, target: str) -> bool:
    """Whether `start` can reach `target` (a new transition to `start` would close a loop)."""
    states = {**data["questions"], **data.get("routes", {})}
    seen, stack = {start}, [start]
    while stack:
        name = stack.pop()
        if name == target:
            return True
        state = states.get(name)
        if state is None:
            continue
        for goto in [state["next"]] if isinstance(state["next"], str) else [t["goto"] for t in state["next"]]:
            if goto not in seen:
                seen.add(goto)
                stack.append(goto)
    return False


def random_persons(flows: tuple[Flow, ...], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Persons with an answer to every finding either flow has: mostly no, some yes, any count, any
    temperature typed in °C or °F (or not measured), the odd one near each threshold."""
    kinds: dict[str, str] = {}
    for flow in flows:
        for name, finding in flow.findings.items():
            kinds.setdefault(name, finding.type)
    persons = []
    for _ in range(count):
        chance = rng.choice([0.05, 0.12, 0.25])
        person: dict[str, Any] = {}
        for name, kind in kinds.items():
            if kind == FindingType.BOOLEAN:
                person[name] = rng.random() < chance
            elif kind == FindingType.BOOLEAN_OR_UNKNOWN:
                person[name] = rng.choice([True, False, None])
            elif rng.random() < 0.3:
                person[name] = None
            else:
                celsius = rng.choice([rng.randint(340, 412), rng.choice([359, 360, 374, 375, 377, 378, 379, 380,
                                                                           382, 383, 384, 399, 400])]) / 10
                person[name] = (f"{celsius * 9 / 5 + 32:.1f} F" if rng.random() < 0.4 else f"{celsius:.1f}")
        persons.append(person)
    return persons


def in_celsius(person: dict[str, Any]) -> dict[str, Any]:
    """A person's answers as the comparison reads them: temperatures in °C."""
    return {name: read_temperature(value)[0] if isinstance(value, str) else value for name, value in person.items()}


@dataclass
class Claims:
    """What one check found."""

    classes: int = 0
    persons: int = 0
    changed: int = 0  # persons whose outcome differs
    problems: list[str] = field(default_factory=list)


def check_claims(review: Review, persons: list[dict[str, Any]], outcomes_before: list[str] | None = None) -> Claims:
    """Hold a review to its claims (see the module's docstring); `outcomes_before` may give the old
    flow's outcome for each person, worked out once for many mutants."""
    comparison = review.comparison
    old, new = review.old.flow, review.new.flow
    found = Claims(len(review.classes), len(persons))
    for changed in review.classes:
        change = changed.change
        for flow, answers, outcome in ((old, change.old_answers, change.old), (new, change.new_answers, change.new)):
            conversation = Conversation(flow)
            conversation.start()
            for answered in answers:
                if conversation.question is None or conversation.take(answered.typed) is not None:
                    found.problems.append(f"class {changed.number}: '{answered.typed}' not taken on {flow.file}")
                    break
            if conversation.state != outcome:
                found.problems.append(f"class {changed.number}: the witness ends at {conversation.state} on "
                                      f"{flow.file}, not {outcome}")
        given = {name: value for answered in (*change.old_answers, *change.new_answers)
                 for name, value in answered.answer.findings}
        if not comparison.matches(change.support, given) or not comparison.matches(change.ranges, given):
            found.problems.append(f"class {changed.number}: its witness is not one of its members")
    for index, person in enumerate(persons):
        patient = Patient(str(index), person)
        before = outcomes_before[index] if outcomes_before is not None else simulate(old, patient).outcome
        after = simulate(new, patient).outcome
        if (before, old.outcomes[before].level) == (after, new.outcomes[after].level):
            continue  # the same outcome at the same level (an outcome whose level changed is a change)
        found.changed += 1
        answers = in_celsius(person)
        members = [changed for changed in review.classes
                   if (changed.change.old, changed.change.new) == (before, after)
                   and comparison.matches(changed.change.support, answers)]
        if not members:
            found.problems.append(f"missed: {before} → {after} for {_shown(person)}")
        elif not any(comparison.matches(changed.change.ranges, answers) for changed in members):
            found.problems.append(f"class {members[0].number} says its members answer otherwise than "
                                  f"{_shown(person)}")
    return found


def _shown(person: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in person.items() if value not in (False,))
