"""Conditions written as data in a flow file, and their evaluation over findings.

A condition is one of:

- a name: a finding that is present (yes), or a named condition;
- `{all: [...]}`, `{any: [...]}`, `{not: condition}`;
- `{finding: yes}`, `{finding: [yes, unknown]}`: the finding's answer is one of these;
- `{finding: {at_least: 37.8, below: 38.0}}`, `{finding: not_measured}`, `{finding: measured}`:
  tests of a temperature finding, in °C. A derived temperature (`highest_of`, such as Tmax)
  is tested the same way; its test reads the highest measured of its sources (`of`).

There is no Python and no `eval`: a condition is a small tree of the classes below.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterator, Mapping

from chatbot.catalog import message
from chatbot.flow.kinds import FindingType
from chatbot.flow.problems import Problem, did_you_mean

Findings = Mapping[str, Any]
Check = Callable[[Findings], bool]

ANSWER_WORDS = {True: "yes", False: "no", None: "unknown"}


class Condition:
    """Base of the condition tree: `holds` answers it, `children` walks it.

    Each kind says what it means once, in `_compile`: a closure over its own parts,
    built on first use and kept (`check`). The engine and `chatbot check` ask
    millions of times; a closure answers without walking the tree's attributes.
    """

    def holds(self, findings: Findings) -> bool:
        return self.check(findings)

    @cached_property
    def check(self) -> Check:
        """`holds` as one function of the findings."""
        return self._compile()

    def _compile(self) -> Check:  # pragma: no cover - abstract
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps (the flow cache): the tree, not its closure, built again on use."""
        return {name: value for name, value in self.__dict__.items() if name != "check"}

    def children(self) -> tuple["Condition", ...]:
        return ()

    def walk(self) -> Iterator["Condition"]:
        """This node and every node below it, named conditions included."""
        yield self
        for child in self.children():
            yield from child.walk()

    def findings(self) -> set[str]:
        """The findings this condition reads: a derived one, and the findings it is worked out from."""
        names = set()
        for node in self.walk():
            if hasattr(node, "finding"):
                names.add(node.finding)
                names.update(getattr(node, "of", ()))
        return names


@dataclass(frozen=True)
class Present(Condition):
    """A boolean finding answered yes."""

    finding: str

    def _compile(self) -> Check:
        finding = self.finding
        return lambda findings: findings.get(finding) is True

    def __str__(self) -> str:
        return self.finding


@dataclass(frozen=True)
class AnswerIn(Condition):
    """A yes / no / unknown finding whose answer is one of `values`."""

    finding: str
    values: frozenset

    def _compile(self) -> Check:
        finding, values = self.finding, self.values
        return lambda findings: findings.get(finding) in values

    def __str__(self) -> str:
        words = [ANSWER_WORDS[v] for v in (True, False, None) if v in self.values]
        return f"{self.finding} is {' or '.join(words)}"


def highest(findings: Findings, sources: tuple[str, ...]) -> float | None:
    """The highest measured of the temperatures `sources`, or None when none was measured."""
    best = None
    for source in sources:
        value = findings.get(source)
        if value is not None and (best is None or value > best):
            best = value
    return best


@dataclass(frozen=True)
class TemperatureIn(Condition):
    """A measured temperature in [at_least, below), in °C; of a derived finding, the highest of `of`."""

    finding: str
    at_least: float | None = None
    below: float | None = None
    of: tuple[str, ...] = ()  # a derived finding's sources (`highest_of`): read from them, never stored

    def _compile(self) -> Check:
        finding, at_least, below, of = self.finding, self.at_least, self.below, self.of
        if of:
            def check(findings: Findings) -> bool:
                value = highest(findings, of)
                return value is not None and (at_least is None or value >= at_least) and (below is None or value < below)
            return check

        def check(findings: Findings) -> bool:
            value = findings.get(finding)
            return value is not None and (at_least is None or value >= at_least) and (below is None or value < below)
        return check

    def __str__(self) -> str:
        parts = []
        if self.at_least is not None:
            parts.append(f"{self.finding} ≥ {self.at_least}")
        if self.below is not None:
            parts.append(f"{self.finding} < {self.below}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Measured(Condition):
    """A temperature that was (or was not) measured."""

    finding: str
    measured: bool
    of: tuple[str, ...] = ()  # a derived finding's sources (`highest_of`)

    def _compile(self) -> Check:
        finding, measured, of = self.finding, self.measured, self.of
        if of:
            return lambda findings: (highest(findings, of) is not None) is measured
        return lambda findings: (findings.get(finding) is not None) is measured

    def __str__(self) -> str:
        return f"{self.finding} {'measured' if self.measured else 'not measured'}"


@dataclass(frozen=True)
class All(Condition):
    items: tuple[Condition, ...]

    def _compile(self) -> Check:
        checks = tuple(item.check for item in self.items)

        def check(findings: Findings) -> bool:
            for item in checks:
                if not item(findings):
                    return False
            return True
        return check

    def children(self) -> tuple[Condition, ...]:
        return self.items

    def __str__(self) -> str:
        return "(" + " and ".join(map(str, self.items)) + ")"


@dataclass(frozen=True)
class AnyOf(Condition):
    items: tuple[Condition, ...]

    def _compile(self) -> Check:
        checks = tuple(item.check for item in self.items)

        def check(findings: Findings) -> bool:
            for item in checks:
                if item(findings):
                    return True
            return False
        return check

    def children(self) -> tuple[Condition, ...]:
        return self.items

    def __str__(self) -> str:
        return "(" + " or ".join(map(str, self.items)) + ")"


@dataclass(frozen=True)
class Not(Condition):
    item: Condition

    def _compile(self) -> Check:
        item = self.item.check
        return lambda findings: not item(findings)

    def children(self) -> tuple[Condition, ...]:
        return (self.item,)

    def __str__(self) -> str:
        return f"not {self.item}"


class Named(Condition):
    """A reference to a named condition, resolved once every name is known."""

    def __init__(self, name: str):
        self.name = name
        self.target: Condition | None = None

    @property
    def check(self) -> Check:  # not kept: the target is linked after the name is read
        if self.target is not None:
            return self.target.check
        return lambda findings: self.target is not None and self.target.check(findings)

    def children(self) -> tuple[Condition, ...]:
        return (self.target,) if self.target is not None else ()

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Named({self.name!r})"


ProblemAt = Callable[[tuple, str], Problem]
COMBINERS = {"all", "any", "not"}
TEMPERATURE_TESTS = {"at_least", "below"}


class ConditionReader:
    """Reads condition data into a tree, reporting each problem at its position.

    `findings` maps finding names to their types; `names` are the named conditions
    in scope (their trees are linked in `resolve` once all are read).
    """

    def __init__(self, findings: Mapping[str, str], names: set[str], problem_at: ProblemAt,
                 derived: Mapping[str, tuple[str, ...]] | None = None):
        self.findings = findings
        self.names = names
        self.problem_at = problem_at
        self.derived = derived or {}
        self.problems: list[Problem] = []
        self.references: list[Named] = []

    def read(self, data: Any, path: tuple) -> Condition | None:
        if isinstance(data, str):
            return self._name(data, path)
        if isinstance(data, dict) and len(data) == 1:
            (key, value), = data.items()
            if key in COMBINERS:
                return self._combine(key, value, path + (key,))
            if key in self.findings:
                return self._test(key, value, path + (key,))
            self._report(path + (key,), message("unknown finding or operator '{key}'").fill(key=key) + did_you_mean(key, [*self.findings, *COMBINERS]), key=True)
            return None
        self._report(path, message("a condition is a name, or a mapping with one key (all, any, not, or a finding)"))
        return None

    def resolve(self, named: Mapping[str, Condition | None]) -> None:
        """Link every name reference to its condition."""
        for reference in self.references:
            reference.target = named.get(reference.name)

    def _report(self, path: tuple, message: str, key: bool = False) -> None:
        self.problems.append(self.problem_at(path, message, key=key))

    def _name(self, name: str, path: tuple) -> Condition | None:
        if name in self.names:
            reference = Named(name)
            self.references.append(reference)
            return reference
        kind = self.findings.get(name)
        if kind == FindingType.BOOLEAN:
            return Present(name)
        if kind == FindingType.BOOLEAN_OR_UNKNOWN:
            return AnswerIn(name, frozenset({True}))
        if kind == FindingType.TEMPERATURE:
            self._report(path, message("'{name}' is a temperature: test it, e.g. {{name}: {at_least: 38.0}}").fill(name=name))
            return None
        self._report(path, message("unknown finding or condition '{name}'").fill(name=name) + did_you_mean(name, [*self.findings, *self.names]))
        return None

    def _combine(self, key: str, value: Any, path: tuple) -> Condition | None:
        if key == "not":
            item = self.read(value, path)
            return Not(item) if item is not None else None
        if not isinstance(value, list) or not value:
            self._report(path, message("'{key}' takes a list of conditions").fill(key=key))
            return None
        items = [self.read(item, path + (index,)) for index, item in enumerate(value)]
        if any(item is None for item in items):
            return None
        return All(tuple(items)) if key == "all" else AnyOf(tuple(items))

    def _test(self, finding: str, value: Any, path: tuple) -> Condition | None:
        kind = self.findings[finding]
        if kind == FindingType.TEMPERATURE:
            return self._temperature_test(finding, value, path)
        values = value if isinstance(value, list) else [value]
        answers = set()
        for index, item in enumerate(values):
            where = path + (index,) if isinstance(value, list) else path
            if item is True or item is False:
                answers.add(item)
            elif item == "unknown" and kind == FindingType.BOOLEAN_OR_UNKNOWN:
                answers.add(None)
            elif item == "unknown":
                self._report(where, message("'{finding}' is answered yes or no, never unknown").fill(finding=finding))
            else:
                choices = "yes, no or unknown" if kind == FindingType.BOOLEAN_OR_UNKNOWN else "yes or no"
                self._report(where, message("'{finding}' can be {choices}, not '{item}'").fill(finding=finding, choices=choices, item=item))
        if not answers:
            return None
        return AnswerIn(finding, frozenset(answers))

    def _temperature_test(self, finding: str, value: Any, path: tuple) -> Condition | None:
        of = tuple(self.derived.get(finding, ()))
        if value in ("measured", "not_measured"):
            return Measured(finding, value == "measured", of)
        if not isinstance(value, dict) or not value:
            self._report(path, message("test the temperature '{finding}' with at_least / below (°C), measured, or not_measured").fill(finding=finding))
            return None
        bounds: dict[str, float] = {}
        for key, bound in value.items():
            if key not in TEMPERATURE_TESTS:
                self._report(path + (key,), message("unknown temperature test '{key}'").fill(key=key) + did_you_mean(key, TEMPERATURE_TESTS), key=True)
            elif isinstance(bound, bool) or not isinstance(bound, (int, float)):
                self._report(path + (key,), message("'{key}' takes a temperature in °C, like 38.0").fill(key=key))
            elif not 30 <= bound <= 45:
                self._report(path + (key,), message("{bound} is not a body temperature in °C (30 to 45)").fill(bound=bound))
            else:
                bounds[key] = float(bound)
        if len(bounds) != len(value):
            return None
        return TemperatureIn(finding, bounds.get("at_least"), bounds.get("below"), of)
