"""Saying yes to one more symptom must never lower the level.

For every explored state and every answer in it that says no to a finding `f`,
take the answer that says yes to `f` instead and nothing else different. Two
people, the same in every other finding, now go on through the dialogue side by
side: each later question is answered as that person's findings say (the same
for both, `f` apart), so where their paths part, one may be asked what the other
is not, but never answers differently. The flow is monotonic when, for every
such pair and every way the rest can be answered, the person who said yes ends
at a level no lower than the one who said no.

The walk advances whichever person stands earlier in the dialogue, so the two
stay close and the findings one has answered and the other may still be asked
stay few. A pair whose end is already reported as under- or over-triage is not
reported again (`faithful` names the end nodes at the rules' level with nothing they need
left unasked), so
what this finds is rules that a yes can lower. Pairs that must end alike are cut short: both at the same state with
the same routing ahead (the same outcome follows), or a "no" person who cannot
end higher than the "yes" person can end lowest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatbot.flow.model import level_rank
from chatbot.proof.paths import Edge, Node, PathGraph


@dataclass(frozen=True)
class Violation:
    """A finding whose yes lowers the level: where it was asked, and both people's paths."""

    at_node: Node
    finding: str
    no_path: tuple[Edge, ...]
    yes_path: tuple[Edge, ...]
    no_level: str
    yes_level: str


class MonotonicityCheck:
    def __init__(self, graph: PathGraph, faithful: set[int]):
        self.graph = graph
        self.faithful = faithful
        self.flow = graph.flow
        self.position = graph.reach.position
        self.future = graph.reach.future_findings
        self.low, self.high = _level_bounds(graph)
        self.memo: dict[tuple, Any] = {}
        self.by_answer: dict[int, dict[tuple, Edge]] = {}
        self.asks: dict[str, tuple[str, ...]] = {}
        self.implied = {name: tuple(graph.flow.implied_by(name)) for name in graph.flow.findings}.__getitem__

    def violations(self) -> list[Violation]:
        found: dict[tuple[str, str], Violation] = {}
        for node in self.graph.nodes:
            for no_edge, yes_edge, finding in self._flips(node):
                if (node.state, finding) in found:
                    continue
                truth = self._truth(node, no_edge, finding)
                steps = self._walk(no_edge.target, yes_edge.target, finding, truth)
                if steps is not None:
                    found[(node.state, finding)] = self._violation(node, finding, no_edge, yes_edge, steps)
        return list(found.values())

    def _flips(self, node: Node):
        """Pairs of answers at `node` that differ only in one finding, no in the first, yes in the second."""
        by_findings = {edge.answer.findings: edge for edge in node.edges if edge.target is not None}
        for findings, edge in by_findings.items():
            for index, (name, value) in enumerate(findings):
                if value is False:
                    flipped = findings[:index] + ((name, True),) + findings[index + 1:]
                    if flipped in by_findings:
                        yield edge, by_findings[flipped], name

    def _truth(self, node: Node, edge: Edge, finding: str) -> frozenset:
        """What both people are known to have answered, that a later question may ask again."""
        known = {**node.known, **edge.answer.as_dict()}
        keep = self.future[edge.target.state]
        return frozenset((k, v) for k, v in known.items() if k in keep and k != finding)

    def _walk(self, no: Node, yes: Node, finding: str, truth: frozenset):
        """None if no way on ends lower for `yes`; else the steps [(person, edge), ...] of one that does."""
        if no.dialogue_key == yes.dialogue_key or self.high[no.id] <= self.low[yes.id]:
            return None
        if finding not in self.future[no.state] and finding not in self.future[yes.state]:
            finding = ""  # never asked again: pairs from different flips are the same from here
        key = (no.id, yes.id, finding, truth)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # a loop back here finds nothing new
        outcomes = self.flow.outcomes
        if no.state in outcomes and yes.state in outcomes:
            lower = level_rank(outcomes[no.state].level) > level_rank(outcomes[yes.state].level)
            result = [] if lower and {no.id, yes.id} <= self.faithful else None
            self.memo[key] = result
            return result
        person = 0 if yes.state in outcomes or (
            no.state not in outcomes and self.position[no.state] <= self.position[yes.state]) else 1
        node = (no, yes)[person]
        answered = dict(truth)
        result = None
        for edge in self._answers(node, answered, finding, person):
            given = self._consistent(edge, answered, finding, person)
            if given is None:
                continue
            after = (edge.target, yes) if person == 0 else (no, edge.target)
            keep = self.future[after[0].state] | self.future[after[1].state]
            new_truth = frozenset((k, v) for k, v in {**answered, **given}.items() if k in keep)
            rest = self._walk(after[0], after[1], finding, new_truth)
            if rest is not None:
                result = [(person, edge)] + rest
                break
        self.memo[key] = result
        return result

    def _answers(self, node: Node, answered: dict, finding: str, person: int) -> list[Edge]:
        """The edges out of `node` worth trying: the one answer the person must give, if known."""
        table = self.by_answer.get(node.id)
        if table is None:
            table = self.by_answer[node.id] = {e.answer.findings: e for e in node.edges if e.target is not None}
        names = self.asks.get(node.state)
        if names is None:
            names = self.asks[node.state] = tuple(sorted(self.flow.questions[node.state].findings()))
        if all(name in answered or name == finding for name in names):
            forced = tuple((name, (person == 1) if name == finding else answered[name]) for name in names)
            edge = table.get(forced)
            return [edge] if edge is not None else []
        return list(table.values())

    def _consistent(self, edge: Edge, answered: dict, finding: str, person: int) -> dict | None:
        """The findings this answer gives, or None if the person would not answer so."""
        given = {}
        for name, value in edge.answer.findings:
            if name == finding:
                if value is not (person == 1):
                    return None
                continue
            if name in answered and answered[name] != value:
                return None
            given[name] = value
            if value is True:
                for implied in self.implied(name):
                    if implied != finding and answered.get(implied, True) is not True:
                        return None
                    if implied != finding:
                        given[implied] = True
        return given

    def _violation(self, node: Node, finding: str, no_edge: Edge, yes_edge: Edge, steps) -> Violation:
        prefix = tuple(node.path())
        no_path = list(prefix) + [no_edge]
        yes_path = list(prefix) + [yes_edge]
        for person, edge in steps:
            (no_path if person == 0 else yes_path).append(edge)
        outcomes = self.flow.outcomes
        no_end = no_path[-1].target.state
        yes_end = yes_path[-1].target.state
        return Violation(node, finding, tuple(no_path), tuple(yes_path),
                         outcomes[no_end].level, outcomes[yes_end].level)


def _level_bounds(graph: PathGraph) -> tuple[dict[int, int], dict[int, int]]:
    """For each node, the lowest and highest rank of the outcomes it can end at (0..2)."""
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    outcomes = graph.flow.outcomes
    changed = True
    for node in graph.nodes:
        if node.state in outcomes:
            low[node.id] = high[node.id] = level_rank(outcomes[node.state].level)
        else:
            low[node.id], high[node.id] = 2, 0
    while changed:  # a fixed point; a handful of rounds (loops converge too)
        changed = False
        for node in reversed(graph.nodes):
            if node.state in outcomes:
                continue
            children = [e.target.id for e in node.edges if e.target is not None]
            if not children:
                lo, hi = 0, 2
            else:
                lo = min(low[c] for c in children)
                hi = max(high[c] for c in children)
            if (lo, hi) != (low[node.id], high[node.id]):
                low[node.id], high[node.id] = min(lo, low[node.id]), max(hi, high[node.id])
                changed = True
    return low, high
