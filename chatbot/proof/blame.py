"""Which lines of a flow are at fault when paths end wrong, so a clinician knows where to look.

A `Fault` says where to look on one path: the first transition taken that it
`point`s at once the path is `armed`, else the first transition its `fallback`
names, else the outcome. Both are read off one transition alone, so a path's
blame is its first such transition: `Fault.on_path` finds it for one path.

Many paths merge into one node of the graph, and each can have its own fault
(a wrong threshold on one, a wrong condition on another, both ending at the same
outcome). `blames` follows every path into the nodes judged at once: each node
keeps the few statuses its paths can have so far (blamed at a line; or not yet,
armed or not, with the first fallback met), each with how many paths have it and
the shortest of them. So every distinct line at fault is found, with the paths
it explains and an example path whose answers really lead there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from chatbot.catalog import message
from chatbot.flow.model import Flow, Position, level_rank
from chatbot.proof.paths import Edge, Node, PathGraph
from chatbot.proof.reachable import Reach
from chatbot.proof.terms import Term, simplify


@dataclass(frozen=True)
class Blame:
    at: Position
    why: str


@dataclass
class Blamed:
    """One line at fault for paths into one node: how many paths, and the shortest of them."""

    blame: Blame
    paths: int
    path: list[Edge]


# a status of the paths so far: (blame found, armed, first fallback met)
Status = tuple[Blame | None, bool, Blame | None]
START: Status = (None, False, None)


def transition_name(flow: Flow, state: str, index: int) -> str:
    transitions = flow.state(state).next
    kind = "route" if state in flow.routes else "question"
    if len(transitions) == 1:
        return message("the {kind} '{state}' goes to '{goto}'").fill(kind=kind, state=state, goto=transitions[0].goto)
    return message("transition {value} of '{state}' (to '{goto}')").fill(value=index + 1, state=state, goto=transitions[index].goto)


def _at(flow: Flow, state: str, index: int) -> Position:
    return flow.state(state).next[index].at


class Fault:
    """Where to look on a path that ends wrong; subclasses say what to look for."""

    def __init__(self, flow: Flow, reach: Reach):
        self.flow = flow
        self.reach = reach
        self._judged: dict[tuple[str, int], tuple[Blame | None, Blame | None]] = {}

    def armed(self, node: Node) -> bool:
        """Whether, once a path reaches `node`, `point` may blame its transitions."""
        return True

    def point(self, state: str, taken: int) -> Blame | None:
        """The blame if this transition, taken on an armed path, is at fault."""
        return None

    def fallback(self, state: str, taken: int) -> Blame | None:
        """The blame if nothing is pointed at on the path and this is the first such transition."""
        return None

    def _judge(self, state: str, taken: int) -> tuple[Blame | None, Blame | None]:
        key = (state, taken)
        judged = self._judged.get(key)
        if judged is None:
            judged = self._judged[key] = (self.point(state, taken), self.fallback(state, taken))
        return judged

    def step(self, status: Status, edge: Edge) -> Status:
        """The status of a path after one more answer (`edge`)."""
        found, armed, fallback = status
        if found is not None:
            return status
        armed = armed or self.armed(edge.target)
        for state, taken in edge.moves:
            point, back = self._judge(state, taken)
            if armed and point is not None:
                return (point, True, None)
            if fallback is None:
                fallback = back
        return (None, armed, fallback)

    def end(self, status: Status, state: str) -> Blame:
        """The blame of a path that ends at `state` with `status`."""
        found, _, fallback = status
        return found or fallback or Blame(self.flow.state(state).at, message("the outcome '{state}'").fill(state=state))

    def on_path(self, path: list[Edge]) -> Blame:
        """The blame of one path."""
        status = START
        for edge in path:
            status = self.step(status, edge)
        return self.end(status, path[-1].target.state if path and path[-1].target else self.flow.start)


class UnderTriage(Fault):
    """For paths that end below `level`: the transition that kept them from `level`.

    From the answer after which the answers alone give `level` (whatever the
    person says next), look for the first decision that passed over a transition
    leading straight (through routes only) to an outcome of exactly that level
    while the one taken could not (and does not come to it anyway, as a question
    that goes on to the same route does): an earlier such transition did not hold (its condition is
    at fault); a later one was never tested (the transition taken first is). If
    the answers never settle `level` (it comes from a finding left unasked), or no
    such decision exists, blame the first transition after which no outcome of
    `level` can be reached at all.
    """

    def __init__(self, flow: Flow, reach: Reach, level: str):
        super().__init__(flow, reach)
        self.level = level
        self.rank = level_rank(level)
        self.high = tuple(index for index, rule in enumerate(flow.rules) if level_rank(rule.level) >= self.rank)
        self._settled: dict[int, bool] = {}

    def armed(self, node: Node) -> bool:
        """Whether the answers so far give `level` whatever the rest turn out to be.

        The same for every path into the node: paths merge only with equal
        residual rules and equal open findings, so the node's own will do.
        """
        settled = self._settled.get(node.id)
        if settled is None:
            settled = self._settled[node.id] = any(_settled(node.rules[i], node.known) for i in self.high)
        return settled

    def point(self, state: str, taken: int) -> Blame | None:
        flow, reach, rank = self.flow, self.reach, self.rank
        transitions = flow.state(state).next
        if _leads_to(reach, transitions[taken].goto, rank):
            return None
        goto = transitions[taken].goto
        better = [i for i, t in enumerate(transitions) if i != taken and _leads_to(reach, t.goto, rank)
                  and not reach.inevitable(goto, t.goto)]  # not passed over if the way taken comes to it
        earlier = [i for i in better if i < taken]
        if earlier:
            i = earlier[0]
            return Blame(_at(flow, state, i), message("the condition of {transition_name} does not hold for these answers").fill(transition_name=transition_name(flow, state, i)))
        if better:
            return Blame(_at(flow, state, taken), message("{transition_name} is taken before {transition_name2} is tested").fill(transition_name=transition_name(flow, state, taken), transition_name2=transition_name(flow, state, better[0])))
        return None

    def fallback(self, state: str, taken: int) -> Blame | None:
        return _no_return(self.flow, state, taken, self.reach.can_reach(self.flow.state(state).next[taken].goto,
                                                                         at_least=self.level),
                          f"no {self.level} outcome can be reached after it")


class OverTriage(Fault):
    """For paths that end above `level`: the first transition after which only higher outcomes remain."""

    def __init__(self, flow: Flow, reach: Reach, level: str):
        super().__init__(flow, reach)
        self.level = level

    def fallback(self, state: str, taken: int) -> Blame | None:
        return _no_return(self.flow, state, taken, self.reach.can_reach(self.flow.state(state).next[taken].goto,
                                                                         at_most=self.level),
                          f"only outcomes above {self.level} can be reached after it")


class NeverAsked(Fault):
    """For paths that never ask `finding`: the transition that jumps over the question that asks it.

    Questions are put in dialogue order (a topological order of the flow, file
    order where free); the transition at fault goes from before that question to
    after it. If no transition does, blame the first one after which no question
    asking it can be reached. (If no question asks it, `unasked_rule` blames the
    rule that needs it.)
    """

    def __init__(self, flow: Flow, reach: Reach, finding: str):
        super().__init__(flow, reach)
        self.finding = finding
        self.askers = reach.asked_by.get(finding, ())

    def point(self, state: str, taken: int) -> Blame | None:
        position = self.reach.position
        goto = self.flow.state(state).next[taken].goto
        if any(position[state] < position[q] < position[goto] for q in self.askers):
            return Blame(_at(self.flow, state, taken), message("{transition_name}, past '{askers}'").fill(transition_name=transition_name(self.flow, state, taken), askers=self.askers[0]))
        return None

    def fallback(self, state: str, taken: int) -> Blame | None:
        reachable = self.reach.reachable[self.flow.state(state).next[taken].goto]
        return _no_return(self.flow, state, taken, any(q in reachable for q in self.askers),
                          f"'{self.askers[0]}' cannot be reached after it")


def unasked_rule(flow: Flow, reach: Reach, finding: str) -> Blame | None:
    """If no question asks `finding`, the rule that needs it is at fault."""
    if reach.asked_by.get(finding):
        return None
    rule = next(r for r in flow.rules if finding in r.when.findings())
    return Blame(rule.at, message("no question asks '{finding}'").fill(finding=finding))


def blames(graph: PathGraph, fault: Fault, targets: Iterable[Node]) -> dict[int, list[Blamed]]:
    """For each target node, every distinct line at fault over all the paths into it.

    Each with how many paths it explains (counted as `count_paths` counts them)
    and the shortest such path. A target reached only round a loop (no path in
    the loop-free graph) is judged on its first path found.
    """
    targets = list(targets)
    wanted = _ancestors(targets)
    closing = graph.closing
    # per node: status -> [paths, length of the shortest, its last edge, the status before it]
    table: dict[int, dict[Status, list[Any]]] = {graph.root.id: {START: [1, 0, None, None]}}
    for node in graph.order:
        here = table.get(node.id)
        if not here or node.id not in wanted:
            continue
        for edge in node.edges:
            target = edge.target
            if target is None or id(edge) in closing or target.id not in wanted:
                continue
            there = table.setdefault(target.id, {})
            for status, (paths, length, _, _) in here.items():
                after = fault.step(status, edge)
                entry = there.get(after)
                if entry is None:
                    there[after] = [paths * edge.answer.count, length + 1, edge, status]
                else:
                    entry[0] += paths * edge.answer.count
                    if length + 1 < entry[1]:
                        entry[1:] = [length + 1, edge, status]
    result: dict[int, list[Blamed]] = {}
    for target in targets:
        found: dict[Blame, Blamed] = {}
        for status, (paths, length, _, _) in table.get(target.id, {}).items():
            blame = fault.end(status, target.state)
            blamed = found.get(blame)
            if blamed is None:
                found[blame] = Blamed(blame, paths, _example(table, target, status))
            else:
                blamed.paths += paths
                if length < len(blamed.path):
                    blamed.path = _example(table, target, status)
        if not found:  # reached only round a loop
            path = target.path()
            blame = fault.on_path(path)
            found[blame] = Blamed(blame, target.paths_in, path)
        result[target.id] = list(found.values())
    return result


def _ancestors(targets: list[Node]) -> set[int]:
    """The ids of the targets and every node with a path to one of them."""
    seen = {node.id for node in targets}
    stack = list(targets)
    while stack:
        for edge in stack.pop().incoming:
            if edge.source.id not in seen:
                seen.add(edge.source.id)
                stack.append(edge.source)
    return seen


def _example(table: dict[int, dict[Status, list[Any]]], node: Node, status: Status) -> list[Edge]:
    """The shortest path recorded into `node` with `status`, read back from the table."""
    path: list[Edge] = []
    while True:
        _, _, edge, before = table[node.id][status]
        if edge is None:
            return path[::-1]
        path.append(edge)
        node, status = edge.source, before


def _no_return(flow: Flow, state: str, taken: int, still_possible: bool, why: str) -> Blame | None:
    if still_possible:
        return None
    return Blame(_at(flow, state, taken), transition_name(flow, state, taken) + ": " + why)


def _leads_to(reach: Reach, state: str, rank: int) -> bool:
    return any(level_rank(level) == rank for level in reach.direct_levels[state])


def _settled(term: Term, known: dict[str, Any]) -> bool:
    """Whether a rule's residual holds whatever the findings not yet known turn out to be."""
    return term is True or (term is not False and simplify(term, known) is True)
