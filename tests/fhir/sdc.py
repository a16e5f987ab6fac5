"""An SDC renderer's reading of the exported Questionnaire, by an evaluator that is not ours.

`fhirpathpy` (a test dependency, never imported by the product) evaluates the
Questionnaire's FHIRPath as a Structured Data Capture renderer does: the root
`variable`s in their order, each seeing those before it, `%resource` the response and
`%questionnaire` the Questionnaire; then each item's `enableWhen` (FHIR's rules, written
here) or `enableWhenExpression`, in item order, an item's answers counting only while it
is enabled; then the `calculatedExpression` items. Nothing here knows the flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fhirpathpy import compile as fhirpath
from fhirpathpy.models import models
from fhirpathpy.parser import parse

from chatbot.fhir import codes

R4 = models["r4"]


@lru_cache(maxsize=None)
def _compiled(expression: str):
    """An expression compiled once: the flow's Questionnaire, its mutants' and Tmax's share most of theirs (it is
    a pure function of the text; compiling is most of what building a `Renderer` costs)."""
    return fhirpath(expression, model=R4)


# Functions whose arguments are evaluated on each item of their input, not on the root (FHIRPath 5.2-5.4).
_PER_ITEM = {"where", "select", "all", "exists", "repeat"}
_ANSWERS = re.compile(r"%resource\.item\.where\(linkId='([^']*)'\)\.answer\.value")
_PLAIN = (bool, int, float, str, Decimal, type(None))


def _reads_root(node: dict, per_item: bool, names: set[str]) -> bool:
    """Whether the parsed `node` reads the root (the response) other than by a %variable; each %name into `names`.

    Conservative: a bare name, `$this` or a function other than iif() at the start of a path reads the root unless
    it is inside the argument of a function that evaluates it per item (`where(code = 'x')` reads the item)."""
    kind = node.get("type")
    if kind == "ExternalConstant":
        identifier = node["children"][0]
        if identifier.get("type") != "Identifier":
            return True
        names.add(identifier["text"])
        return False
    if kind == "InvocationTerm" and not per_item:
        invocation = node["children"][0]
        if invocation.get("type") != "FunctionInvocation" or invocation["children"][0]["children"][0]["text"] != "iif":
            return True
    if kind == "Functn" and node["children"][0]["text"] in _PER_ITEM:
        per_item = True
    return any([_reads_root(child, per_item, names) for child in node.get("children", [])])


@dataclass(frozen=True)
class Inputs:
    """What an expression's value can depend on besides the Questionnaire: %variables, and which items' answers.

    `links` is None when the expression may read more of the response than `%resource.item.where(linkId='x')
    .answer.value` (then its value is never reused)."""

    names: tuple[str, ...]
    links: tuple[str, ...] | None


@lru_cache(maxsize=None)
def inputs(expression: str) -> Inputs:
    names: set[str] = set()
    whole = _reads_root(parse(expression), False, names) or "context" in names
    links = _ANSWERS.findall(expression)
    if "resource" in names and len(links) != len(re.findall(r"%resource\b", expression)):
        whole = True
    return Inputs(tuple(sorted(names - {"resource", "questionnaire"})), None if whole else tuple(links))


def _plain(value: Any) -> bool:
    """Whether `repr` tells the value apart from every other (no object whose repr is its address)."""
    if isinstance(value, (list, tuple)):
        return all(map(_plain, value))
    if isinstance(value, dict):
        return all(map(_plain, value.keys())) and all(map(_plain, value.values()))
    return type(value) in _PLAIN


def _extension(element: dict, url: str) -> dict | None:
    return next((extension for extension in element.get("extension", []) if extension["url"] == url), None)


def _value(answer: dict) -> Any:
    return next(value for key, value in answer.items() if key.startswith("value"))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.get("system") == b.get("system") and a.get("code") == b.get("code")
    return a == b


@dataclass
class Filled:
    """What the renderer shows for one response: the enabled items, and what it computed."""

    enabled: list[str]
    calculated: dict[str, list[Any]]
    variables: dict[str, list[Any]] = field(repr=False)

    def code(self, link: str) -> str | None:
        values = self.calculated.get(link) or []
        assert len(values) <= 1, f"{link} computed {values}"
        return values[0]["code"] if values else None


class Renderer:
    """The Questionnaire's expressions, compiled once by fhirpathpy, evaluated against any response.

    Evaluating is ~0.04 s of CPU per response (the expressions themselves, not fhirpathpy's set-up), and most of
    a response's 140 expressions see the same inputs as in an earlier response (a yes/no answer, booleans
    computed before): an expression's value is kept by the values of its inputs (`Inputs`) and reused when they
    recur. Every distinct input is still evaluated by fhirpathpy; `fill(response, reuse=False)` evaluates all."""

    def __init__(self, questionnaire: dict[str, Any]):
        self.questionnaire = questionnaire
        self.expressions = []  # each variable's name and FHIRPath, in order
        for extension in questionnaire.get("extension", []):
            if extension["url"] == codes.VARIABLE:
                expression = extension["valueExpression"]
                assert expression["language"] == "text/fhirpath"
                self.expressions.append((expression["name"], expression["expression"]))
        self.variables = [(name, _compiled(text)) for name, text in self.expressions]
        self.items = []
        for item in questionnaire["item"]:
            when = _extension(item, codes.ENABLE_WHEN_EXPRESSION)
            calculated = _extension(item, codes.CALCULATED_EXPRESSION)
            assert not (when and item.get("enableWhen")), f"{item['linkId']}: enableWhen and enableWhenExpression"
            self.items.append((item, when and when["valueExpression"]["expression"],
                               calculated and calculated["valueExpression"]["expression"]))
        self.kept: dict[tuple, list[Any]] = {}  # (expression, its inputs) -> value; %questionnaire is this one
        self.evaluated = self.reused = 0

    def evaluate(self, expression: str, response: dict[str, Any], env: dict[str, Any], reuse: bool = True) -> list:
        """fhirpathpy's value of `expression`, or the value it gave before for the same inputs."""
        depends = inputs(expression)
        key = None
        if reuse and depends.links is not None:
            given = [[item.get("answer") for item in response.get("item", []) if item.get("linkId") == link]
                     for link in depends.links]
            present = tuple(name in env for name in depends.names)
            values = [env[name] for name in depends.names if name in env]
            if _plain(given) and _plain(values):
                key = (expression, response.get("resourceType"), present, repr(given), repr(values))
                if key in self.kept:
                    self.reused += 1
                    return list(self.kept[key])
        self.evaluated += 1
        value = _compiled(expression)(response, env)
        if key is not None:
            self.kept[key] = list(value)
        return value

    def fill(self, response: dict[str, Any], reuse: bool = True) -> Filled:
        env: dict[str, Any] = {"resource": response, "questionnaire": self.questionnaire}
        for name, expression in self.expressions:
            assert name not in env, f"variable {name} defined twice"
            env[name] = self.evaluate(expression, response, env, reuse)
        given = {item["linkId"]: [_value(answer) for answer in item.get("answer", [])] for item in response["item"]}
        enabled, calculated = [], {}
        for item, when, calculation in self.items:
            link = item["linkId"]
            if calculation is not None:
                calculated[link] = self.evaluate(calculation, response, env, reuse)
                continue
            if when is not None:
                result = self.evaluate(when, response, env, reuse)
                assert result in ([True], [False]), f"{link}: enableWhenExpression gave {result}"
                on = result == [True]
            else:
                on = self._enable_when(item, {earlier: given.get(earlier, []) for earlier in enabled})
            if on:
                enabled.append(link)
        return Filled(enabled, calculated, env)

    @staticmethod
    def _enable_when(item: dict, answers: dict[str, list]) -> bool:
        """FHIR's enableWhen: each condition on the answers of an enabled item; all of them, or any."""
        results = []
        for condition in item.get("enableWhen", []):
            given = answers.get(condition["question"], [])
            if condition["operator"] == "exists":
                results.append(bool(given) == condition["answerBoolean"])
                continue
            expected = next(value for key, value in condition.items() if key.startswith("answer"))
            equal = any(_same(value, expected) for value in given)
            results.append(equal if condition["operator"] == "=" else not equal)
        if not results:
            return True
        return any(results) if item.get("enableBehavior") == "any" else all(results)


def celsius(values: list[Any]) -> float | None:
    """A temperature variable's value as the engine keeps it: °C, or None when not measured."""
    assert len(values) <= 1
    return float(Decimal(str(values[0]))) if values else None
