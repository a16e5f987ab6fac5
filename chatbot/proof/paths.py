"""Every path through a flow, explored once per distinct situation.

A path is a sequence of answers, one per question asked, from the start to an
outcome. The paths are far too many to walk one by one (the bundled flow has
millions), but most of them end the same way for the same reasons, so the
explorer merges them: two paths that stand at the same state, and agree on
everything that can still matter, have the same futures and are explored once.

What "can still matter" is exact, not a guess. At a state `s`:

- a finding that no answer from `s` on can change (`Reach.future_findings`) is
  final: it is substituted into the triage rules and into the conditions of the
  transitions still ahead, which shrink to their *residual* terms (see
  `chatbot.proof.terms`); a finding never asked stays open in the rules (the
  person's true answer is unknown) but takes its default in the routing (which
  is what the engine reads);
- a finding that a later answer can still change is kept as it stands
  (answered with its value, or not asked), if anything reads it.

So a node is (state, the open findings as they stand, the rules' residual, the
routing's residual), and every path into a node shares its future. Answers
follow the engine: an answer sets its findings, a yes sets the findings it
implies, and a no to a finding rules out (for the analysis) the yes-or-no
findings that imply it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator

from chatbot.flow.kinds import FindingType
from chatbot.proof.answer_classes import AnswerClass, answer_space
from chatbot.flow.model import LEVELS, Flow, level_rank
from chatbot.proof.reachable import Reach
from chatbot.proof.terms import Term, compile_condition, holds, simplify, variables

UNASKED = "<not asked>"


@dataclass(eq=False)
class Edge:
    """An answer given at `source`, the transitions it took, and where it led."""

    source: "Node"
    answer: AnswerClass
    moves: tuple[tuple[str, int], ...]
    target: "Node | None"  # None: the routes went round in a loop without asking anything, or it went back
    goes_back: bool = False  # it took a transition back round a loop through a question (`Reach.back`)


@dataclass(eq=False)
class Node:
    """A state of the dialogue with what can still matter; every path into it shares its future."""

    id: int
    state: str
    known: dict[str, Any]
    rules: tuple[Term, ...]
    routing: dict[tuple[str, int], Term]
    dialogue_key: tuple
    parent: Edge | None = None  # the edge of the first path found here; `incoming` has them all
    edges: list[Edge] = field(default_factory=list)
    incoming: list[Edge] = field(default_factory=list)
    paths_in: int = 0

    def path(self) -> list[Edge]:
        """The answers of the first (shortest) path found to this node (one of many: see `incoming`)."""
        edges, node = [], self
        while node.parent is not None:
            edges.append(node.parent)
            node = node.parent.source
        return edges[::-1]


@dataclass
class PathGraph:
    """The explored dialogue: nodes, the loops found, and how many paths it stands for."""

    flow: Flow
    reach: Reach
    answers: dict[str, tuple[AnswerClass, ...]]
    root: Node
    nodes: list[Node]
    loops: list[Edge]  # edges that close a loop, or routes that loop without a question
    paths: int = 0
    start_loop: tuple[tuple[str, int], ...] = ()  # the routes from the start loop before any question
    order: list[Node] = field(default_factory=list)  # topological: every node after those leading to it
    closing: set[int] = field(default_factory=set)  # id() of the edges that close a loop (left out of `order`)

    def looping_edges(self) -> list[Edge]:
        """Every edge inside a loop of the explored graph: answers that can come round again."""
        component = _components(self.nodes)
        looping = _looping(component)
        return [edge for node in self.nodes for edge in node.edges
                if edge.target is not None and component[edge.target.id] == component[node.id]
                and (edge.target is node or component[node.id] in looping)]

    def terminals(self) -> Iterator[Node]:
        return (node for node in self.nodes if node.state in self.flow.outcomes)


class Explorer:
    """Builds the `PathGraph` of a flow."""

    def __init__(self, flow: Flow, thresholds: dict[str, tuple[float, ...]] | None = None):
        self.flow = flow
        self.reach = Reach(flow)
        self.answers = answer_space(flow, thresholds)
        self.defaults = flow.default_findings()
        self.rule_terms = tuple(compile_condition(rule.when) for rule in flow.rules)
        states = {**flow.questions, **flow.routes}
        self.transition_terms = {(sid, index): compile_condition(t.condition)
                                 for sid, state in states.items() for index, t in enumerate(state.next)}
        self.read = self._read_findings()
        self.open_findings = {name: tuple(sorted(future & self.read))
                              for name, future in self.reach.future_findings.items()}
        self.routing_read = {name: frozenset().union(*(variables(self.transition_terms[t])
                                                       for t in self.reach.future_transitions[name]))
                             for name in self.reach.states}
        self.implying = self._implying()
        self.rule_ranks = tuple(level_rank(rule.level) for rule in flow.rules)
        self.rules_reading = _readers(dict(enumerate(self.rule_terms)))
        self.transitions_reading = _readers(self.transition_terms)
        self.nodes: dict[tuple, Node] = {}
        self.order: list[Node] = []

    def _read_findings(self) -> frozenset:
        names: set[str] = set()
        for term in (*self.rule_terms, *self.transition_terms.values()):
            names |= variables(term)
        return frozenset(names)

    def _implying(self) -> dict[str, tuple[str, ...]]:
        """For each finding, the yes-or-no findings that imply it (ruled out by a no to it)."""
        result: dict[str, list[str]] = {}
        for name, finding in self.flow.findings.items():
            if finding.type != FindingType.BOOLEAN:
                continue
            for implied in self.flow.implied_by(name):
                result.setdefault(implied, []).append(name)
        return {name: tuple(names) for name, names in result.items()}

    # -- exploring -------------------------------------------------------------------

    def explore(self) -> PathGraph:
        first, start_moves, start_looped = self.follow_routes(self.flow.start, self.defaults, ())
        root = self.node(first, {}, self.rule_terms, dict(self.transition_terms), frozenset(self.flow.findings))
        loops: list[Edge] = []
        queue = deque([root])
        while queue:
            node = queue.popleft()
            if node.state not in self.flow.questions:
                continue
            for answer in self.answers[node.state]:
                known = self.apply(node.known, answer)
                findings = {**self.defaults, **known}
                question = self.flow.questions[node.state]
                index = self.first_holding(question.next, findings)
                moves = ((node.state, index),)
                if moves[0] in self.reach.back:
                    target, looped = question.next[index].goto, True
                else:
                    target, moves, looped = self.follow_routes(question.next[index].goto, findings, moves)
                if looped:
                    edge = Edge(node, answer, moves, None, goes_back=moves[-1] in self.reach.back)
                    node.edges.append(edge)
                    loops.append(edge)
                    continue
                before = len(self.nodes)
                child = self.node(target, known, node.rules, node.routing,
                                  self.reach.future_findings[node.state])
                edge = Edge(node, answer, moves, child)
                node.edges.append(edge)
                child.incoming.append(edge)
                if len(self.nodes) > before:
                    child.parent = edge
                    queue.append(child)
        graph = PathGraph(self.flow, self.reach, self.answers, root, self.order, loops,
                          start_loop=start_moves if start_looped else ())
        count_paths(graph)
        return graph

    def apply(self, known: dict[str, Any], answer: AnswerClass) -> dict[str, Any]:
        """What is known after `answer`: as the engine records it, plus what a no rules out."""
        known = dict(known)
        flow = self.flow
        for name, value in answer.findings:
            known[name] = value
        for name, value in answer.findings:
            if value is True:
                for implied in flow.implied_by(name):
                    known[implied] = True
        for name, _ in answer.findings:
            if known[name] is False:
                for implying in self.implying.get(name, ()):
                    known.setdefault(implying, False)
        return known

    @staticmethod
    def first_holding(transitions, findings: dict[str, Any]) -> int:
        """The index of the transition the engine takes (the loader makes the last unconditional)."""
        for index, transition in enumerate(transitions):
            if transition.condition is None or transition.condition.holds(findings):
                return index
        return len(transitions) - 1

    def follow_routes(self, state: str, findings: dict[str, Any], moves: tuple) -> tuple[str, tuple, bool]:
        """Where the routes from `state` lead, the transitions they take, and whether they loop."""
        seen: set[str] = set()
        while state in self.flow.routes:
            if state in seen:
                return state, moves, True
            seen.add(state)
            index = self.first_holding(self.flow.routes[state].next, findings)
            moves += ((state, index),)
            if (state, index) in self.reach.back:
                return state, moves, True
            state = self.flow.routes[state].next[index].goto
        return state, moves, False

    def node(self, state: str, known: dict[str, Any], rules: tuple[Term, ...],
             routing: dict[tuple[str, int], Term], open_before: frozenset) -> Node:
        """The node for this situation, made if new. Findings open before and final now are substituted."""
        closing = open_before - self.reach.future_findings[state]
        future = self.reach.future_transitions[state]
        if closing:
            for_rules = {name: known[name] for name in closing if name in known}
            touched = set().union(*(self.rules_reading.get(name, ()) for name in for_rules))
            if touched:
                rules = list(rules)
                for index in touched:
                    rules[index] = simplify(rules[index], for_rules)
                rules = tuple(rules)
            for_routing = {name: known.get(name, self.defaults.get(name)) for name in closing}
            touched = set().union(*(self.transitions_reading.get(name, ()) for name in for_routing))
            routing = {t: simplify(routing[t], for_routing) if t in touched else routing[t] for t in future}
        else:
            routing = {t: routing[t] for t in future}
        open_now = tuple((name, known.get(name, UNASKED)) for name in self.open_findings[state])
        dialogue = (state, tuple(item for item in open_now if item[0] in self.routing_read[state]),
                    tuple(routing.values()))
        key = (dialogue, open_now, self._rules_key(rules))
        node = self.nodes.get(key)
        if node is None:
            node = Node(len(self.order), state, known, rules, routing, dialogue)
            self.nodes[key] = node
            self.order.append(node)
        return node

    def _rules_key(self, rules: tuple[Term, ...]) -> tuple:
        """What of the rules' residual can still change the level: the floor, and the open rules above it."""
        ranks = self.rule_ranks
        floor = max((rank for rank, term in zip(ranks, rules) if term is True), default=0)
        return floor, frozenset((rank, term) for rank, term in zip(ranks, rules)
                                if rank > floor and term is not True and term is not False)


def _readers(terms: dict) -> dict[str, tuple]:
    """For each finding, the keys of the terms that read it."""
    readers: dict[str, list] = {}
    for key, term in terms.items():
        for name in variables(term):
            readers.setdefault(name, []).append(key)
    return {name: tuple(keys) for name, keys in readers.items()}


def rules_level(flow: Flow, rules: tuple[Term, ...], defaults: dict[str, Any]) -> str:
    """The rules' level when every finding still open takes its default (as the engine's triage does)."""
    best = 0
    for rule, term in zip(flow.rules, rules):
        if term is True or (term is not False and holds(term, defaults)):
            best = max(best, level_rank(rule.level))
    return LEVELS[best]


def count_paths(graph: PathGraph) -> None:
    """How many answer sequences reach each node (`paths_in`), and in all (`graph.paths`).

    An answer class counts as many answers as it stands for (38.0 C and 100.4 F
    are two; so are two sets of options that give the same findings). Edges that
    close a loop are left out: a loop's paths are endless.
    """
    order, loops = _topological(graph)
    graph.loops.extend(loops)
    graph.order = order
    graph.closing = closing = {id(edge) for edge in loops}
    graph.root.paths_in = 1
    for node in order:
        for edge in node.edges:
            if edge.target is not None and id(edge) not in closing:
                edge.target.paths_in += node.paths_in * edge.answer.count
    graph.paths = sum(node.paths_in for node in graph.terminals())


def _topological(graph: PathGraph) -> tuple[list[Node], list[Edge]]:
    """The nodes in an order where each comes after every node leading to it, and the loop edges."""
    colour: dict[int, int] = {}
    post: list[Node] = []
    loops: list[Edge] = []
    stack: list[tuple[Node, int]] = [(graph.root, 0)]
    colour[graph.root.id] = 1
    while stack:
        node, index = stack.pop()
        if index < len(node.edges):
            stack.append((node, index + 1))
            target = node.edges[index].target
            if target is None:
                continue
            state = colour.get(target.id, 0)
            if state == 0:
                colour[target.id] = 1
                stack.append((target, 0))
            elif state == 1:
                loops.append(node.edges[index])
        else:
            colour[node.id] = 2
            post.append(node)
    return post[::-1], loops


def _components(nodes: list[Node]) -> dict[int, int]:
    """The strongly connected component of each node (Tarjan's algorithm, without recursion)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    component: dict[int, int] = {}
    stack: list[Node] = []
    on_stack: set[int] = set()
    counter = 0
    for start in nodes:
        if start.id in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node.id] = low[node.id] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node.id)
            targets = [e.target for e in node.edges if e.target is not None]
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target.id not in index:
                    work.append((target, 0))
                elif target.id in on_stack:
                    low[node.id] = min(low[node.id], index[target.id])
                continue
            for target in targets:
                if target.id in on_stack:
                    low[node.id] = min(low[node.id], low[target.id])
            if low[node.id] == index[node.id]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member.id)
                    component[member.id] = node.id
                    if member is node:
                        break
    return component


def _looping(component: dict[int, int]) -> set[int]:
    """The components with more than one node."""
    sizes: dict[int, int] = {}
    for root in component.values():
        sizes[root] = sizes.get(root, 0) + 1
    return {root for root, size in sizes.items() if size > 1}
