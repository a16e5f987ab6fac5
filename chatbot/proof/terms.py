"""Conditions as hashable terms that can be partly evaluated: what is left to decide.

The path analysis needs to know, after some answers, what a condition still
depends on. A term is a condition tree made of tuples, so it can be hashed and
compared: two dialogue states whose rules have the same residual terms have the
same future, and are explored once.

Terms:

- `("in", finding, values)`: the finding's value is one of `values` (a frozenset
  of True / False / None); a yes-finding is `("in", f, {True})`;
- `("t", finding, at_least, below)`: a measured temperature in [at_least, below);
- `("m", finding, measured)`: the temperature was (or was not) measured;
- `("and", frozenset)`, `("or", frozenset)`, `("not", term)`.

`simplify(term, known)` substitutes the findings in `known` and folds what
becomes True or False; it returns True, False, or the smaller term.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Union

from chatbot.flow.conditions import (All, AnswerIn, AnyOf, Condition, Measured, Named, Not, Present,
                                TemperatureIn)

Term = Union[tuple, bool]


def compile_condition(condition: Condition | None) -> Term:
    """The term of a condition; a missing condition (a plain `goto`) always holds."""
    if condition is None:
        return True
    if isinstance(condition, Present):
        return ("in", condition.finding, frozenset({True}))
    if isinstance(condition, AnswerIn):
        return ("in", condition.finding, frozenset(condition.values))
    if isinstance(condition, TemperatureIn):
        if condition.of:
            return _highest_in(condition.of, condition.at_least, condition.below)
        return ("t", condition.finding, condition.at_least, condition.below)
    if isinstance(condition, Measured):
        if condition.of:
            measured = _combine("or", [("m", source, True) for source in condition.of])
            return measured if condition.measured else _negate(measured)
        return ("m", condition.finding, condition.measured)
    if isinstance(condition, Named):
        return compile_condition(condition.target) if condition.target is not None else False
    if isinstance(condition, Not):
        return _negate(compile_condition(condition.item))
    if isinstance(condition, (All, AnyOf)):
        op = "and" if isinstance(condition, All) else "or"
        return _combine(op, [compile_condition(item) for item in condition.items])
    raise TypeError(f"unknown condition {condition!r}")


def _highest_in(sources: tuple[str, ...], at_least: float | None, below: float | None) -> Term:
    """The highest measured of `sources` in [at_least, below), over the sources themselves.

    The highest is at least `at_least` when one of them is, and below `below` when one
    was measured and none is at `below` or more: so a derived finding (Tmax) needs no
    value of its own, and the proof splits each source at every threshold it is tested at.
    """
    if at_least is None:
        reached = _combine("or", [("m", source, True) for source in sources])
    else:
        reached = _combine("or", [("t", source, at_least, None) for source in sources])
    if below is None:
        return reached
    return _combine("and", [reached, *(_negate(("t", source, below, None)) for source in sources)])


def holds(term: Term, findings: Mapping[str, Any]) -> bool:
    """The term's truth when every finding it reads has a value in `findings`."""
    if term is True or term is False:
        return term
    op = term[0]
    if op == "in":
        return findings.get(term[1]) in term[2]
    if op == "t":
        value = findings.get(term[1])
        return value is not None and (term[2] is None or value >= term[2]) and (term[3] is None or value < term[3])
    if op == "m":
        return (findings.get(term[1]) is not None) is term[2]
    if op == "and":
        return all(holds(item, findings) for item in term[1])
    if op == "or":
        return any(holds(item, findings) for item in term[1])
    return not holds(term[1], findings)


def simplify(term: Term, known: Mapping[str, Any]) -> Term:
    """`term` with the findings of `known` substituted: True, False, or what is left."""
    if term is True or term is False or not known:
        return term
    if variables(term).isdisjoint(known):
        return term
    op = term[0]
    if op in ("in", "t", "m"):
        return holds(term, known)
    if op == "not":
        return _negate(simplify(term[1], known))
    return _combine(op, [simplify(item, known) for item in term[1]])


@lru_cache(maxsize=None)
def variables(term: Term) -> frozenset:
    """The findings a term reads."""
    if term is True or term is False:
        return frozenset()
    if term[0] in ("in", "t", "m"):
        return frozenset((term[1],))
    if term[0] == "not":
        return variables(term[1])
    return frozenset().union(*(variables(item) for item in term[1]))


def temperature_bounds(term: Term) -> set[float]:
    """Every temperature threshold a term tests, in °C."""
    if term is True or term is False:
        return set()
    if term[0] == "t":
        return {bound for bound in term[2:] if bound is not None}
    if term[0] == "not":
        return temperature_bounds(term[1])
    if term[0] in ("and", "or"):
        return set().union(*(temperature_bounds(item) for item in term[1]))
    return set()


def _negate(term: Term) -> Term:
    if term is True or term is False:
        return not term
    if term[0] == "not":
        return term[1]
    return ("not", term)


def _combine(op: str, items: list[Term]) -> Term:
    absorbing, neutral = (False, True) if op == "and" else (True, False)
    kept: set = set()
    for item in items:
        if item is absorbing:
            return absorbing
        if item is neutral:
            continue
        if item[0] == op:
            kept.update(item[1])
        else:
            kept.add(item)
    if not kept:
        return neutral
    if len(kept) == 1:
        return next(iter(kept))
    return (op, frozenset(kept))
