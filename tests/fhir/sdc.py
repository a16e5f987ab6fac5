"""An SDC renderer's reading of the exported Questionnaire, by an evaluator that is not ours.

`fhirpathpy` (a test dependency, never imported by the product) evaluates the
Questionnaire's FHIRPath as a Structured Data Capture renderer does: the root
`variable`s in their order, each seeing those before it, `%resource` the response and
`%questionnaire` the Questionnaire; then each item's `enableWhen` (FHIR's rules, written
here) or `enableWhenExpression`, in item order, an item's answers counting only while it
is enabled; then the `calculatedExpression` items. Nothing here knows the flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fhirpathpy import compile as fhirpath
from fhirpathpy.models import models

from chatbot.fhir import codes

R4 = models["r4"]


@lru_cache(maxsize=None)
def _compiled(expression: str):
    """An expression compiled once: the flow's Questionnaire, its mutants' and Tmax's share most of theirs (it is
    a pure function of the text; compiling is most of what building a `Renderer` costs)."""
    return fhirpath(expression, model=R4)


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
    """The Questionnaire's expressions, compiled once by fhirpathpy, evaluated against any response."""

    def __init__(self, questionnaire: dict[str, Any]):
        self.questionnaire = questionnaire
        self.variables = []
        for extension in questionnaire.get("extension", []):
            if extension["url"] == codes.VARIABLE:
                expression = extension["valueExpression"]
                assert expression["language"] == "text/fhirpath"
                self.variables.append((expression["name"], _compiled(expression["expression"])))
        self.items = []
        for item in questionnaire["item"]:
            when = _extension(item, codes.ENABLE_WHEN_EXPRESSION)
            calculated = _extension(item, codes.CALCULATED_EXPRESSION)
            assert not (when and item.get("enableWhen")), f"{item['linkId']}: enableWhen and enableWhenExpression"
            self.items.append((item, when and _compiled(when["valueExpression"]["expression"]),
                               calculated and _compiled(calculated["valueExpression"]["expression"])))

    def fill(self, response: dict[str, Any]) -> Filled:
        env: dict[str, Any] = {"resource": response, "questionnaire": self.questionnaire}
        for name, expression in self.variables:
            assert name not in env, f"variable {name} defined twice"
            env[name] = expression(response, env)
        given = {item["linkId"]: [_value(answer) for answer in item.get("answer", [])] for item in response["item"]}
        enabled, calculated = [], {}
        for item, when, calculation in self.items:
            link = item["linkId"]
            if calculation is not None:
                calculated[link] = calculation(response, env)
                continue
            if when is not None:
                result = when(response, env)
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
