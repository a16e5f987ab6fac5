"""The triage rules of a flow, applied to a set of findings."""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

from chatbot.flow.model import Rule


class Triage(NamedTuple):
    """The level the rules give, and the rules of that level that hold."""

    level: str
    rules: tuple[Rule, ...]


def triage(rules: tuple[Rule, ...], findings: Mapping[str, Any]) -> Triage:
    """Emergency if any emergency rule holds, else urgent if any urgent rule does, else routine."""
    for level in ("emergency", "urgent"):
        hits = tuple(rule for rule in rules if rule.level == level and rule.when.holds(findings))
        if hits:
            return Triage(level, hits)
    return Triage("routine", ())
