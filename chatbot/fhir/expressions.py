"""The flow's routing and triage compiled to FHIRPath, for a Structured Data Capture renderer.

An SDC renderer (LHC-Forms, Smart Forms, the Android FHIR SDK) evaluates the
Questionnaire's `variable`, `enableWhenExpression` and `calculatedExpression`
extensions against the response being filled in (`%resource`). Compiled from the flow,
never written by hand, they make the renderer ask the questions the engine asks and
compute the level the rules give, from the same answers:

- `%reachX` (one per question, route and outcome, `X` its id in camel case): the
  conversation gets there. The first question is always reached; any other state when
  a state before it is reached, has its answer (a temperature left empty is "not
  measured"), and the transition to it is the first of that state's whose condition
  holds, as the engine takes them. A question's `enableWhenExpression` is its reach;
  an outcome's reach is the ending.
- `%finding` (camel case): a finding's value after the answers so far, as the engine
  keeps it: a yes/no finding `true` or `false` (false when not asked), a yes/no/not sure
  one `'yes'`, `'no'` or `'unknown'`, a temperature a decimal in °C rounded to 0.1
  (typed in °F: converted), empty when not measured. The latest question that sets it
  wins, and a yes that `implies` another finding sets that one too. A derived
  temperature (`highest_of`) is the highest of its parts that was measured.
- A named condition of the rules or the routing, and each triage rule (`%E1`, `%U4`):
  true or false.

A condition on a transition reads the findings as they are when that transition is
taken: only the answers of the questions before it on the way there. A finding that a
later question may also set is then read from the earlier questions alone, inline.
Every expression is true or false, never empty (FHIRPath's empty is not false).
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import Any

from chatbot.catalog import message
from chatbot.fhir import codes
from chatbot.fhir.check import FhirError
from chatbot.flow.conditions import All, AnswerIn, AnyOf, Condition, Measured, Named, Not, Present, TemperatureIn
from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.flow.model import LEVELS, Flow, Question

_NOT_SURE = codes.YES_NO_UNSURE[None]["code"]
_YES = codes.YES_NO_UNSURE[True]["code"]
_NO = codes.YES_NO_UNSURE[False]["code"]
_TRI = {True: "'yes'", False: "'no'", None: "'unknown'"}
_REFERENCE = re.compile(r"%([A-Za-z][A-Za-z0-9]*)")


def camel(*parts: str) -> str:
    """`reach`, `fever_reducer` -> `reachFeverReducer`: a FHIR `id` that is also a FHIRPath identifier."""
    words = [word for part in parts for word in re.split(r"[^A-Za-z0-9]+", part) if word]
    if not words:
        return "x"
    name = words[0][:1].lower() + words[0][1:] + "".join(word[:1].upper() + word[1:] for word in words[1:])
    return name if name[:1].isalpha() else "x" + name


def answers(link: str) -> str:
    """The answers given to the item `link`, in the response being filled in."""
    return f"%resource.item.where(linkId='{link}').answer.value"


def _decimal(value: float) -> str:
    return repr(float(value))


def _or(terms: list[str]) -> str:
    terms = [term for term in dict.fromkeys(terms) if term != "false"]
    if "true" in terms:
        return "true"
    return "false" if not terms else terms[0] if len(terms) == 1 else "(" + " or ".join(terms) + ")"


def _and(terms: list[str]) -> str:
    terms = [term for term in dict.fromkeys(terms) if term != "true"]
    if "false" in terms:
        return "false"
    return "true" if not terms else terms[0] if len(terms) == 1 else "(" + " and ".join(terms) + ")"


def _not(term: str) -> str:
    return {"true": "false", "false": "true"}.get(term, f"{term}.not()")


@dataclass(frozen=True)
class Variable:
    """One SDC `variable` of the Questionnaire: its name and its FHIRPath."""

    name: str
    expression: str


def state_order(flow: Flow) -> list[str]:
    """Every question, route and outcome, each after every state that leads to it, else in file order."""
    names = [*flow.questions, *flow.routes, *flow.outcomes]
    rank = {name: number for number, name in enumerate(names)}
    following = {name: list(dict.fromkeys(t.goto for t in flow.state(name).next if t.goto in rank))
                 for name in (*flow.questions, *flow.routes)}
    waiting = {name: 0 for name in names}
    for targets in following.values():
        for target in targets:
            waiting[target] += 1
    ready = [(rank[name], name) for name in names if not waiting[name]]
    heapq.heapify(ready)
    order = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for target in following.get(name, ()):
            waiting[target] -= 1
            if not waiting[target]:
                heapq.heappush(ready, (rank[target], target))
    if len(order) != len(names):
        looping = sorted(name for name in names if name not in order)
        raise FhirError(message("the flow {flow} goes round a loop ({states}): a Questionnaire asks each question "
                                "once").fill(flow=flow.name, states=", ".join(looping)))
    return order


class FlowExpressions:
    """The flow's FHIRPath: the variables (in an order where each follows those it reads), each
    question's enable expression, and the level and outcome of the answers."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.order = state_order(flow)
        self.before: dict[str, set[str]] = {}  # every state on some way to this one
        for name in self.order:
            self.before.setdefault(name, set())
            state = flow.state(name)
            for transition in getattr(state, "next", ()):
                self.before.setdefault(transition.goto, set()).update(self.before[name], {name})
        self.writers: dict[str, list[Question]] = {}  # the questions that may set each finding, in order
        for name in self.order:
            question = flow.questions.get(name)
            for finding in self._sets(question) if question else ():
                self.writers.setdefault(finding, []).append(question)
        self._names: dict[str, tuple] = {}
        self._defined: dict[str, str] = {}
        self.variables: list[Variable] = []
        self.reach: dict[str, str] = {}
        for name in self.order:  # each after the states that lead to it
            self.reach[name] = self._variable(("reach", name), lambda name=name: self._reach(name))
        self.rules = {rule.id: self._variable(("rule", rule.id), lambda rule=rule: self.condition(rule.when))
                      for rule in flow.rules}
        self.level = self._level()
        self.outcome = _choose([(f"%{self.reach[name]}", f"'{name}'") for name in flow.outcomes], "{}")

    # -- naming --------------------------------------------------------------------------------

    def _name_for(self, key: tuple) -> str:
        kind, name = key[:2]
        if kind in ("reach", "answer"):
            base = camel(kind, name)
        else:  # a rule keeps its id (E1) when it is already a FHIRPath identifier
            base = name if kind == "rule" and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) else camel(name)
        chosen, number = base, 1
        while chosen in self._names and self._names[chosen] != key:
            number += 1
            chosen = f"{base}{number}"
        self._names[chosen] = key
        return chosen

    def _variable(self, key: tuple, build) -> str:
        """The name of the variable for `key`, defined (after the variables it reads) on first use."""
        name = self._name_for(key)
        if name not in self._defined:
            self._defined[name] = ""  # a placeholder: the flow has no loop, so nothing reads itself
            expression = build()
            self._defined[name] = expression
            self.variables.append(Variable(name, expression))
        return name

    # -- what the questions set -------------------------------------------------------------------

    def _sets(self, question: Question) -> list[str]:
        """The findings an answer to `question` may set: its own, and those they imply."""
        found = list(question.findings())
        for finding in question.findings():
            found += [implied for implied in self.flow.implied_by(finding) if implied not in found]
        return found

    def _answer(self, question: Question) -> str:
        """The answers to `question` that count: none unless it is reached."""
        link = question.id
        return "%" + self._variable(("answer", link), lambda: f"iif(%{self.reach[link]}, {answers(link)}, {{}})")

    def _answered(self, question: Question) -> str:
        """The question is reached and answered (a temperature left empty is answered: not measured)."""
        if question.kind == QuestionKind.TEMPERATURE:
            return f"%{self.reach[question.id]}"
        return f"{self._answer(question)}.exists()"

    def _own_value(self, question: Question, finding: str) -> str:
        """The value an answer to `question` gives its own finding `finding`."""
        given = self._answer(question)
        kind = question.kind
        if kind == QuestionKind.YES_NO:
            return f"({given} = true)" if self.flow.findings[finding].type == FindingType.BOOLEAN else \
                f"iif({given} = true, 'yes', 'no')"
        if kind == QuestionKind.YES_NO_UNSURE:
            return f"iif({given}.code = '{_YES}', 'yes', iif({given}.code = '{_NO}', 'no', 'unknown'))"
        if kind == QuestionKind.TEMPERATURE:
            celsius = f"iif(code = '{codes.FAHRENHEIT['code']}', (value - 32) * 5 / 9, value)"
            return f"{given}.select(({celsius} * 10 + 0.5).floor() / 10)"
        chosen = [code for option, code in zip(question.options, codes.option_codes(question)) if option.finding == finding]
        test = " or ".join(f"code = '{code}'" for code in chosen)
        value = f"{given}.where({test}).exists()"
        return value if self.flow.findings[finding].type == FindingType.BOOLEAN else f"iif({value}, 'yes', 'no')"

    def _written(self, question: Question, finding: str) -> tuple[str, str]:
        """When an answer to `question` sets `finding`, and to what (its own value, or true when implied)."""
        own = finding in question.findings()
        implying = [self.condition_on_answer(question, name) for name in question.findings()
                    if finding in self.flow.implied_by(name)]
        true = "'yes'" if self.flow.findings[finding].type == FindingType.BOOLEAN_OR_UNKNOWN else "true"
        answered = self._answered(question)
        if not implying:
            return answered, self._own_value(question, finding)
        if not own:
            return _and([answered, _or(implying)]), true
        return answered, f"iif({_or(implying)}, {true}, {self._own_value(question, finding)})"

    def condition_on_answer(self, question: Question, finding: str) -> str:
        """The answer to `question` sets its finding `finding` to yes."""
        value = self._own_value(question, finding)
        return value if self.flow.findings[finding].type == FindingType.BOOLEAN else f"({value} = 'yes')"

    # -- findings ----------------------------------------------------------------------------------

    def _default(self, finding: str) -> str:
        kind = self.flow.findings[finding].type
        return "false" if kind == FindingType.BOOLEAN else "'unknown'" if kind == FindingType.BOOLEAN_OR_UNKNOWN \
            else "{}"

    def _parts(self, finding: str) -> tuple[str, ...]:
        return tuple(getattr(self.flow.findings[finding], "highest_of", None) or ())

    def _visible(self, finding: str, seen: set[str] | None) -> bool:
        """Whether every question that may set `finding` is in `seen` (None: all answers count)."""
        parts = self._parts(finding)
        if parts:
            return all(self._visible(part, seen) for part in parts)
        return seen is None or all(writer.id in seen for writer in self.writers.get(finding, ()))

    def value(self, finding: str, seen: set[str] | None = None) -> str:
        """The finding's value from the answers to the questions in `seen` (None: all of them)."""
        if self._visible(finding, seen):
            return "%" + self._variable(("finding", finding), lambda: self._value(finding, None))
        return self._value(finding, seen)

    def _value(self, finding: str, seen: set[str] | None) -> str:
        parts = self._parts(finding)
        if parts:
            highest = self.value(parts[0], seen)
            for part in parts[1:]:
                other = self.value(part, seen)
                highest = f"iif({highest}.empty() or ({other}.exists() and {other} > {highest}), {other}, {highest})"
            return highest
        writers = [writer for writer in self.writers.get(finding, ()) if seen is None or writer.id in seen]
        return _choose([self._written(writer, finding) for writer in reversed(writers)], self._default(finding))

    # -- conditions --------------------------------------------------------------------------------

    def condition(self, condition: Condition, seen: set[str] | None = None) -> str:
        """`condition` on the findings from the answers to the questions in `seen` (None: all), true or false."""
        if isinstance(condition, Named):
            target = condition.target
            if target is None:
                raise FhirError(message("the condition {condition} is not defined").fill(
                    condition=repr(condition.name)))
            if all(self._visible(finding, seen) for finding in condition.findings()):
                return "%" + self._variable(("condition", condition.name, id(target)), lambda: self.condition(target))
            return self.condition(target, seen)
        if isinstance(condition, Present):
            return self.value(condition.finding, seen)
        if isinstance(condition, AnswerIn):
            value = self.value(condition.finding, seen)
            if self.flow.findings[condition.finding].type == FindingType.BOOLEAN_OR_UNKNOWN:
                return _or([f"{value} = {_TRI[answer]}" for answer in (True, False, None) if answer in condition.values])
            if condition.values >= {True, False}:
                return "true"
            return value if True in condition.values else _not(value)
        if isinstance(condition, TemperatureIn):
            tests = ([f"$this >= {_decimal(condition.at_least)}"] if condition.at_least is not None else []) + \
                    ([f"$this < {_decimal(condition.below)}"] if condition.below is not None else [])
            return f"{self.value(condition.finding, seen)}.where({' and '.join(tests)}).exists()"
        if isinstance(condition, Measured):
            return f"{self.value(condition.finding, seen)}.{'exists' if condition.measured else 'empty'}()"
        if isinstance(condition, All):
            return _and([self.condition(item, seen) for item in condition.items])
        if isinstance(condition, AnyOf):
            return _or([self.condition(item, seen) for item in condition.items])
        if isinstance(condition, Not):
            return _not(self.condition(condition.item, seen))
        no_path = message("no FHIRPath for the condition {condition}")  # pragma: no cover - the loader makes no other
        raise FhirError(no_path.fill(condition=repr(condition)))  # pragma: no cover

    # -- reaching a state, the level and the outcome ------------------------------------------------

    def _reach(self, name: str) -> str:
        if name == self.flow.start:
            return "true"
        ways = []
        for source in self.order:
            state = self.flow.state(source)
            transitions = getattr(state, "next", ())
            if not any(transition.goto == name for transition in transitions):
                continue
            seen = self.before[source] | {source}
            question = self.flow.questions.get(source)
            arrived = self._answered(question) if question else f"%{self.reach[source]}"
            earlier = []
            for transition in transitions:
                holds = "true" if transition.condition is None else self.condition(transition.condition, seen)
                if transition.goto == name:
                    ways.append(_and([arrived, holds, *(_not(term) for term in earlier)]))
                earlier.append(holds)
        return _or(ways)

    def _level(self) -> str:
        choices = []
        for level in reversed(LEVELS[1:]):
            rules = [f"%{self.rules[rule.id]}" for rule in self.flow.rules if rule.level == level]
            choices.append((_or(rules), f"'{level}'"))
        return _choose(choices, f"'{LEVELS[0]}'")


def _choose(choices: list[tuple[str, str]], otherwise: str) -> str:
    """`iif(when1, then1, iif(when2, then2, ... otherwise))`, skipping what never holds."""
    expression = otherwise
    for when, then in reversed(choices):
        if when == "true":
            expression = then
        elif when != "false":
            expression = f"iif({when}, {then}, {expression})"
    return expression
