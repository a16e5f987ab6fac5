"""Which line of a flow is at fault when a path ends wrong, so a clinician knows where to look.

Each function takes one path (its edges, from `PathGraph`) and returns a `Blame`:
a position in the flow file and a few words saying what happened there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatbot.model import Flow, Position, level_rank
from chatbot.paths import Edge
from chatbot.reach import Reach
from chatbot.residual import Term, simplify


@dataclass(frozen=True)
class Blame:
    at: Position
    why: str


def transition_name(flow: Flow, state: str, index: int) -> str:
    transitions = flow.state(state).next
    kind = "route" if state in flow.routes else "question"
    if len(transitions) == 1:
        return f"the {kind} '{state}' goes to '{transitions[0].goto}'"
    return f"transition {index + 1} of '{state}' (to '{transitions[index].goto}')"


def _at(flow: Flow, state: str, index: int) -> Position:
    return flow.state(state).next[index].at


def under_triage(flow: Flow, reach: Reach, rule_terms: tuple[Term, ...], path: list[Edge], level: str) -> Blame:
    """For a path that ends below `level`, the transition that kept it from `level`.

    From the answer after which the answers alone give `level` (whatever the
    person says next), look for the first decision that passed over a transition
    leading straight (through routes only) to an outcome of exactly that level
    while the one taken could not: an earlier such transition did not hold (its condition is
    at fault); a later one was never tested (the transition taken first is). If
    the answers never settle `level` (it comes from a finding left unasked), or no
    such decision exists, blame the first transition after which no outcome of
    `level` can be reached at all.
    """
    rank = level_rank(level)
    settled = next((i for i, edge in enumerate(path)
                    if _settled_level(flow, rule_terms, edge.target.known) >= rank), None)
    if settled is not None:
        for edge in path[settled:]:
            for state, taken in edge.moves:
                transitions = flow.state(state).next
                if _leads_to(reach, transitions[taken].goto, rank):
                    continue
                better = [i for i, t in enumerate(transitions) if i != taken and _leads_to(reach, t.goto, rank)]
                earlier = [i for i in better if i < taken]
                if earlier:
                    i = earlier[0]
                    return Blame(_at(flow, state, i), f"the condition of {transition_name(flow, state, i)} "
                                                      "does not hold for these answers")
                if better:
                    return Blame(_at(flow, state, taken),
                                 f"{transition_name(flow, state, taken)} is taken before "
                                 f"{transition_name(flow, state, better[0])} is tested")
    return no_return(flow, reach, path, lambda s: reach.can_reach(s, at_least=level),
                     f"no {level} outcome can be reached after it")


def over_triage(flow: Flow, reach: Reach, path: list[Edge], level: str) -> Blame:
    """For a path that ends above `level`: the first transition after which only higher outcomes remain."""
    return no_return(flow, reach, path, lambda s: reach.can_reach(s, at_most=level),
                     f"only outcomes above {level} can be reached after it")


def never_asked(flow: Flow, reach: Reach, path: list[Edge], finding: str) -> Blame:
    """For a path that never asks `finding`: the transition that jumps over the question that asks it.

    Questions are put in dialogue order (a topological order of the flow, file
    order where free); the transition at fault goes from before that question to
    after it. If no transition does, blame the first one after which no question
    asking it can be reached; if no question asks it, blame the rule that needs it.
    """
    askers = reach.asked_by.get(finding, ())
    if not askers:
        rule = next(r for r in flow.rules if finding in _reads(r))
        return Blame(rule.at, f"no question asks '{finding}'")
    position = reach.position
    for edge in path:
        for state, taken in edge.moves:
            goto = flow.state(state).next[taken].goto
            if any(position[state] < position[q] < position[goto] for q in askers):
                return Blame(_at(flow, state, taken), f"{transition_name(flow, state, taken)}, "
                                                      f"past '{askers[0]}'")
    return no_return(flow, reach, path, lambda s: any(q in reach.reachable[s] for q in askers),
                     f"'{askers[0]}' cannot be reached after it")


def no_return(flow: Flow, reach: Reach, path: list[Edge], still_possible, why: str) -> Blame:
    """The first transition on the path into a state from which `still_possible` fails."""
    for edge in path:
        for state, taken in edge.moves:
            if not still_possible(flow.state(state).next[taken].goto):
                return Blame(_at(flow, state, taken), f"{transition_name(flow, state, taken)}: {why}")
    outcome = path[-1].target.state if path and path[-1].target else flow.start
    return Blame(flow.state(outcome).at, f"the outcome '{outcome}'")


def _leads_to(reach: Reach, state: str, rank: int) -> bool:
    return any(level_rank(level) == rank for level in reach.direct_levels[state])


def _settled_level(flow: Flow, rule_terms: tuple[Term, ...], known: dict[str, Any]) -> int:
    """The highest level the rules give whatever the findings not yet known turn out to be."""
    return max((level_rank(rule.level) for rule, term in zip(flow.rules, rule_terms)
                if simplify(term, known) is True), default=0)


def _reads(rule) -> set[str]:
    return rule.when.findings()
