"""Two versions of a flow compared person by person, every answer class of both: `chatbot diff`.

**Who is compared.** A person is one answer to every finding that a question of
either version asks (`chatbot.proof.decisions`). Each version asks that person its
own questions, in its own order, and the person gives each the answer of the
findings it asks about: so classes are aligned across versions by finding, the
fact about the person, not by question. A finding that only one version asks is a
fact the other never learns: its answer cannot change that version's outcome. A
derived finding is never asked, so it is no part of a person: each version works it
out from the answers, as it does for anybody.

**How.** Each version's paths are explored once, as `chatbot check` explores them
(`chatbot.proof.paths`), with the temperatures split at the thresholds of both
versions so that one temperature class means the same in both. The explored graph
becomes a decision diagram from persons to outcomes; the two diagrams are paired,
and every person whose pair of outcomes differs (or whose outcome has another level) has
changed. Nothing is sampled.

**Classes.** The persons with one pair of outcomes are named by their *supports*
(`Diagrams.supports`): the least sets of answers off the baseline (no, not sure,
not measured) that lead to that pair. A class is a support with its pair of
outcomes; its members are the persons of that pair who give at least those answers.
Every changed person is a member of some class (classes may overlap), and no
unchanged person is a member of any. `Change.ranges` says which answers the members
give to each finding: the class's statement. A support names the same persons
whatever the order of the diagrams, so it is a stable name for a class.

**Witnesses.** For each class, the shortest pair of conversations (fewest answers
in both versions together) of one of its members, found by walking both explored
graphs side by side.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import Any

from chatbot.flow.answers import Unreadable, read_answer
from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.flow.model import Flow, Question
from chatbot.proof.answer_classes import AnswerClass, band_label, temperature_classes, temperature_thresholds
from chatbot.proof.decisions import Cube, Diagrams, Variable
from chatbot.proof.paths import Edge, Explorer, Node, PathGraph

NEVER_ENDS = None  # the leaf of a person whose dialogue goes round a loop: no outcome (others: (outcome, level))


@dataclass(frozen=True)
class Band:
    """A temperature class: the measured readings in [low, high) °C, as `chatbot.proof.answer_classes` splits them."""

    low: Decimal
    high: Decimal

    def __str__(self) -> str:
        return band_label(self.low, self.high)


@dataclass(frozen=True)
class Answered:
    """One answer of a witness: the question, and the answer class given (typed as its first reading)."""

    question: str
    answer: AnswerClass

    @property
    def typed(self) -> str:
        return self.answer.typed[0]


@dataclass
class Change:
    """A class of persons whose outcome differs: its support, the outcomes, and what its members answer."""

    support: Cube  # level -> the answers off the baseline every member gives there (at least one support's)
    old: str | None
    new: str | None
    ranges: Cube = field(default_factory=dict)  # level -> the answers members give there; a level left out: any
    old_answers: tuple[Answered, ...] = ()
    new_answers: tuple[Answered, ...] = ()


@dataclass
class Comparison:
    """Every change between two flows, and how much was compared."""

    old: Flow
    new: Flow
    variables: tuple[Variable, ...]
    changes: list[Change]
    old_paths: int
    new_paths: int
    old_states: int
    new_states: int
    diagram_nodes: int
    seconds: float = 0.0
    persons: int = 0  # every person compared: answer combinations, a temperature class counted once
    changed: int = 0  # how many of them changed outcome

    def values(self, cube: Cube) -> dict[str, tuple[Any, ...]]:
        """A cube as finding -> the values allowed, in the variables' order."""
        return {self.variables[level].name: tuple(self.variables[level].values[i] for i in sorted(indexes))
                for level, indexes in sorted(cube.items())}

    def matches(self, cube: Cube, answers: dict[str, Any]) -> bool:
        """Whether the person with these answers (finding -> value; unnamed: its default) is in the cube."""
        for level, indexes in cube.items():
            variable = self.variables[level]
            if value_index(variable, answers.get(variable.name, _default(variable))) not in indexes:
                return False
        return True


def compare(old: Flow, new: Flow) -> Comparison:
    """Compare every answer class of `old` and `new`; see the module's docstring."""
    started = time.perf_counter()
    thresholds = _shared_thresholds(old, new)
    sides = [_Side(flow, thresholds) for flow in (old, new)]
    variables = _variables(old, new, thresholds)
    diagrams = Diagrams(variables)
    for side in sides:
        side.build(diagrams)
    paired = diagrams.pair(sides[0].root, sides[1].root)
    baseline = tuple(value_index(variable, _default(variable)) for variable in variables)
    implications = _implications(old, new, variables)
    walk = _Witnesses(*sides, variables, implications)
    changes = []
    for (before, after), supports in diagrams.supports(paired, _differ, baseline).items():
        for support in supports:
            members = diagrams.members(paired, (before, after), support)
            change = Change(support, _outcome(before), _outcome(after), diagrams.ranges(members))
            change.old_answers, change.new_answers = walk.shortest(change)
            changes.append(change)
    persons = 1
    for variable in variables:
        persons *= len(variable.values)
    return Comparison(old, new, variables, changes, sides[0].graph.paths, sides[1].graph.paths,
                      len(sides[0].graph.nodes), len(sides[1].graph.nodes), diagrams.size(paired),
                      time.perf_counter() - started, persons, _count(diagrams, paired, variables))


def _differ(outcomes: tuple) -> bool:
    """Whether a person's two ends differ: another outcome, or the same outcome at another level."""
    return outcomes[0] != outcomes[1]


def _outcome(end: tuple[str, str] | None) -> str | None:
    return end[0] if end is not None else None


def _count(diagrams: Diagrams, root: int, variables: tuple[Variable, ...]) -> int:
    """How many persons the paired diagram gives two different outcomes."""
    memo: dict[int, int] = {}

    def count(node: int, level: int) -> int:
        # persons over the variables from `level` on
        if diagrams.is_leaf(node):
            below = 1
            for variable in variables[level:]:
                below *= len(variable.values)
            return below if _differ(diagrams.value(node)) else 0
        at = diagrams._levels[node]
        skipped = 1
        for variable in variables[level:at]:
            skipped *= len(variable.values)
        found = memo.get(node)
        if found is None:
            found = memo[node] = sum(count(child, at + 1) for child in diagrams._children[node])
        return skipped * found

    return count(root, 0)


# -- the persons' variables ------------------------------------------------------------------------

def _shared_thresholds(*flows: Flow) -> dict[str, tuple[float, ...]]:
    bounds: dict[str, set[float]] = {}
    for flow in flows:
        for name, values in temperature_thresholds(flow).items():
            bounds.setdefault(name, set()).update(values)
    return {name: tuple(sorted(values)) for name, values in bounds.items()}


def _variables(old: Flow, new: Flow, thresholds: dict[str, tuple[float, ...]]) -> tuple[Variable, ...]:
    """The findings a question of either version asks, in the new version's dialogue order, then the old's."""
    names: dict[str, None] = {}
    for flow in (new, old):
        order = _ordered_questions(flow)
        for question in order:
            names.update(dict.fromkeys(question.findings()))
    variables = []
    for name in names:
        types = {flow.findings[name].type for flow in (old, new) if name in flow.findings}
        if FindingType.TEMPERATURE in types and len(types) > 1:
            raise ValueError(f"the finding '{name}' is a temperature in one version and not in the other: "
                             "give the new one another name")
        if FindingType.TEMPERATURE in types:
            bands = tuple(Band(low, high) for low, high in temperature_classes(thresholds.get(name, ())))
            variables.append(Variable(name, FindingType.TEMPERATURE, (None, *bands)))
        elif FindingType.BOOLEAN_OR_UNKNOWN in types:
            variables.append(Variable(name, FindingType.BOOLEAN_OR_UNKNOWN, (True, False, None)))
        else:
            variables.append(Variable(name, FindingType.BOOLEAN, (True, False)))
    return tuple(variables)


def _implications(old: Flow, new: Flow, variables: tuple[Variable, ...]) -> tuple[tuple[str, str], ...]:
    """The pairs (X, Y) of findings asked where X implies Y in both versions: nobody has X without Y."""
    names = {variable.name for variable in variables}
    pairs = []
    for name in names:
        if all(name in flow.findings and flow.findings[name].type == FindingType.BOOLEAN for flow in (old, new)):
            for implied in old.implied_by(name):
                if implied in names and implied in new.implied_by(name):
                    pairs.append((name, implied))
    return tuple(sorted(pairs))


def _ordered_questions(flow: Flow) -> list[Question]:
    from chatbot.proof.reachable import Reach

    return [flow.questions[state] for state in Reach(flow).ordered if state in flow.questions]


def value_index(variable: Variable, value: Any) -> int:
    """The number of `value` among the variable's values (a temperature: its class)."""
    if variable.type == FindingType.TEMPERATURE:
        if value is None:
            return 0
        lows = [band.low for band in variable.values[1:]]
        return max(1, bisect_right(lows, Decimal(str(value))))
    if variable.type == FindingType.BOOLEAN and value is None:
        return 1  # never asked: no
    return variable.values.index(value)


def _default(variable: Variable) -> Any:
    return False if variable.type == FindingType.BOOLEAN else None


# -- one version -----------------------------------------------------------------------------------

class _Side:
    """One version: its explored paths, and the diagram of its outcome for every person."""

    def __init__(self, flow: Flow, thresholds: dict[str, tuple[float, ...]]):
        self.flow = flow
        self.explorer, self.graph = _explored(flow, tuple(sorted(thresholds.items())))
        self.root = -1
        self.values: dict[int, tuple[tuple[int, int], ...]] = {}  # id(edge) -> ((level, value index), ...)
        self.asks: dict[str, frozenset[int]] = {}  # state -> the levels a question from there on may ask
        self.first: dict[str, int] = {}  # question -> the first level it asks
        self.ends: dict[int, dict[str, int]] = {}  # node id -> the outcomes it can end at, and the fewest answers

    def build(self, diagrams: Diagrams) -> None:
        flow, graph = self.flow, self.graph
        for state, reachable in self.explorer.reach.reachable.items():
            self.asks[state] = frozenset(diagrams.level[name] for s in reachable if s in flow.questions
                                         for name in flow.questions[s].findings())
        for qid, question in flow.questions.items():
            self.first[qid] = min((diagrams.level[name] for name in question.findings()), default=diagrams.bottom)
        made: dict[int, int] = {}
        for node in reversed(graph.order):
            made[node.id] = self._diagram(node, diagrams, made)
            ends = {node.state: 0} if node.state in flow.outcomes else {}
            for edge in node.edges:
                if edge.target is not None and id(edge) not in graph.closing:
                    for outcome, answers in self.ends[edge.target.id].items():
                        if answers + 1 < ends.get(outcome, answers + 2):
                            ends[outcome] = answers + 1
            self.ends[node.id] = ends
        self.root = diagrams.leaf(NEVER_ENDS) if graph.start_loop else made[graph.root.id]

    def _diagram(self, node: Node, diagrams: Diagrams, made: dict[int, int]) -> int:
        flow = self.flow
        if node.state in flow.outcomes:
            return diagrams.leaf((node.state, flow.outcomes[node.state].level))
        if node.state not in flow.questions:  # routes that go round without asking
            return diagrams.leaf(NEVER_ENDS)
        question = flow.questions[node.state]
        names = sorted(question.findings(), key=diagrams.level.__getitem__)
        levels = tuple(diagrams.level[name] for name in names)
        by_values: dict[tuple[int, ...], int] = {}
        by_findings: dict[tuple, int] = {}
        for edge in node.edges:
            looping = edge.target is None or id(edge) in self.graph.closing
            child = diagrams.leaf(NEVER_ENDS) if looping else made[edge.target.id]
            answered = dict(edge.answer.findings)
            key = tuple(value_index(diagrams.variables[level], answered[name]) for level, name in zip(levels, names))
            self.values[id(edge)] = tuple(zip(levels, key))
            by_values.setdefault(key, child)
            by_findings.setdefault(edge.answer.findings, child)

        def tree(depth: int, key: tuple[int, ...]) -> int:
            if depth == len(levels):
                found = by_values.get(key)
                return found if found is not None else self._other(question, names, levels, key, by_findings,
                                                                   diagrams)
            variable = diagrams.variables[levels[depth]]
            return diagrams.select(levels[depth], tuple(tree(depth + 1, key + (index,))
                                                        for index in range(len(variable.values))))
        return tree(0, ())

    def _other(self, question: Question, names, levels, key, by_findings, diagrams: Diagrams) -> int:
        """The answer given by a person whose answers no single class holds (two yeses at a single
        choice; "not sure" at a yes/no question when the other version has one): what they would type."""
        findings = {name: diagrams.variables[level].values[index] for name, level, index in zip(names, levels, key)}
        try:
            answer = read_answer(question, typed_answer(question, findings))
        except Unreadable:  # pragma: no cover - the typed answer is made from the question's own options
            return diagrams.leaf(NEVER_ENDS)
        return by_findings.get(tuple(sorted(answer.findings.items())), diagrams.leaf(NEVER_ENDS))


def typed_answer(question: Question, findings: dict[str, Any]) -> str:
    """What a person types to `question`, given their answer to each finding (a yes/no question asked
    "not sure" gets no; a single choice given several yeses, the first)."""
    kind = question.kind
    if kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE):
        value = findings.get(question.finding)
        return "yes" if value is True else "no" if value is False or kind == QuestionKind.YES_NO else "not sure"
    if kind == QuestionKind.TEMPERATURE:
        value = findings.get(question.finding)
        return "not measured" if value is None else f"{value.low if isinstance(value, Band) else value} C"
    numbers = [str(i) for i, option in enumerate(question.options, 1)
               if option.finding and findings.get(option.finding) is True]
    if kind == QuestionKind.SINGLE_CHOICE and numbers:
        return numbers[0]
    if numbers:
        return ", ".join(numbers)
    nones = [str(i) for i, option in enumerate(question.options, 1) if option.none or not option.finding]
    return nones[0] if nones else "1"


@lru_cache(maxsize=4)
def _explored(flow: Flow, thresholds: tuple) -> tuple[Explorer, PathGraph]:
    """A flow's explored paths at these thresholds, kept for the next comparison of the same flow (a
    release compared with several candidates, the tests' mutants with the bundled flow)."""
    explorer = Explorer(flow, dict(thresholds))
    return explorer, explorer.explore()


# -- witnesses -------------------------------------------------------------------------------------

class _Witnesses:
    """The shortest pair of conversations of one person of a change, both versions walked side by side.

    A step answers the question of whichever version asks a finding earlier in the
    variables' order (both, in turn, when they ask alike); what one version was told
    is kept while the other may still ask it, so the person answers both alike. The
    walk is best first (A*) over the number of answers in both versions together,
    guided by the fewest answers each version still needs to reach its outcome (a
    bound that never overestimates, so the first witness found is a shortest one);
    of two shortest, the one with fewer answers off the baseline (the plainer); of equal
    promise, the state further on first (it reaches an end sooner).
    """

    def __init__(self, old: _Side, new: _Side, variables: tuple[Variable, ...],
                 implications: tuple[tuple[str, str], ...] = ()):
        self.sides = (old, new)
        self.variables = variables
        level = {variable.name: index for index, variable in enumerate(variables)}
        yes = {index: variable.values.index(True) for index, variable in enumerate(variables)
               if True in variable.values}
        self.implications = tuple((level[x], yes[level[x]], level[y], yes[level[y]]) for x, y in implications)
        self.kept: dict[tuple[str, str], tuple[frozenset, frozenset]] = {}  # the states -> `_ahead`
        self.holding = self.implications  # the implications the search keeps
        self.touching: dict[int, list[tuple]] = {}  # level -> the implications about it
        for implication in self.implications:
            for level in (implication[0], implication[2]):
                self.touching.setdefault(level, []).append(implication)
        self.baseline = tuple(value_index(variable, _default(variable)) for variable in variables)
        self.ordered: dict[int, list[Edge]] = {}  # id(node) -> its edges, answers on the baseline first
        self.off: dict[int, int] = {}  # id(edge) -> how many of its answers are off the baseline

    def shortest(self, change: Change) -> tuple[tuple[Answered, ...], tuple[Answered, ...]]:
        """The witness of a change: a member asked every finding of the class's support (by one
        version at least) and a real person (every implication kept), when the class has one."""
        for shows, implications in ((True, self.implications), (True, ()), (False, self.implications), (False, ())):
            found = self._search(change, implications, frozenset(change.support) if shows else frozenset())
            if found is not None:
                return found
        raise AssertionError("a class without a member: the diagrams and the explored paths disagree")

    def _search(self, change: Change, implications: tuple, shown: frozenset) -> tuple | None:
        """The shortest witness that is asked every finding at the levels of `shown`."""
        self.holding = implications
        old, new = self.sides
        cube, wanted = change.support, (change.old, change.new)
        start = (old.graph.root, new.graph.root, (), shown)
        active = tuple(side for side in (0, 1) if wanted[side] is not None)  # a version going round a loop: left be
        if any(wanted[side] not in self.sides[side].ends[start[side].id] for side in active):
            return None
        parents: dict[tuple, tuple | None] = {self._key(start): None}
        spent = {self._key(start): (0, 0)}  # answers so far, and how many of them off the baseline
        queue = [(self._left(start, wanted), 0, 0, 0, start)]
        pushed = 0
        while queue:
            _, _, _, _, state = heapq.heappop(queue)
            key = self._key(state)
            nodes = state[:2]
            asking = [side for side in active if nodes[side].state in self.sides[side].flow.questions]
            if not asking:
                if all(nodes[side].state == wanted[side] for side in active) and not state[3]:
                    return self._answers(parents, state)  # (an outcome's level is the version's own)
                continue
            side = min(asking, key=lambda s: (self.sides[s].first[nodes[s].state], s))
            answers, off = spent[key]
            known = dict(state[2])
            for edge in self._edges(side, nodes[side]):
                after = self._step(state, known, side, edge, cube, wanted)
                if after is None:
                    continue
                after_key = self._key(after)
                cost = (answers + 1, off + self._off(side, edge))
                if cost < spent.get(after_key, (cost[0] + 1, 0)):
                    spent[after_key] = cost
                    parents[after_key] = (state, side, edge)
                    pushed += 1
                    heapq.heappush(queue, (cost[0] + self._left(after, wanted), cost[1], -cost[0], pushed, after))
        return None

    def _off(self, side: int, edge: Edge) -> int:
        """How many of an answer's findings are off the baseline."""
        found = self.off.get(id(edge))
        if found is None:
            found = self.off[id(edge)] = sum(index != self.baseline[level]
                                             for level, index in self.sides[side].values.get(id(edge), ()))
        return found

    def _left(self, state: tuple, wanted: tuple) -> int:
        """The fewest answers both versions still need to reach the wanted outcomes."""
        return sum(self.sides[side].ends[state[side].id][wanted[side]] for side in (0, 1) if wanted[side] is not None)

    def _step(self, state: tuple, known: dict, side: int, edge: Edge, cube: Cube, wanted: tuple) -> tuple | None:
        """The state after `edge` (`known`: the answers kept in `state`), or None if no member answers so."""
        graph = self.sides[side].graph
        if edge.target is None or id(edge) in graph.closing or wanted[side] not in self.sides[side].ends[edge.target.id]:
            return None  # (never for a version left be: only the others are walked)
        values = self.sides[side].values[id(edge)]
        for level, index in values:
            if index not in cube.get(level, (index,)) or known.get(level, index) != index:
                return None
        told = {**known, **dict(values)}
        if self.holding:
            for level, _ in values:  # a real person: X implies Y, both
                for implying, yes, implied, implied_yes in self.touching.get(level, ()):
                    if told.get(implying) == yes and told.get(implied, implied_yes) != implied_yes:
                        return None
        nodes = list(state[:2])
        nodes[side] = edge.target
        ahead, still = self._ahead(nodes[0].state, nodes[1].state)
        unshown = state[3] - {level for level, _ in values} if state[3] else state[3]
        if not unshown <= ahead:
            return None  # a finding still to show can no longer be asked
        return (nodes[0], nodes[1], tuple(sorted((level, index) for level, index in told.items() if level in still)),
                unshown)

    def _ahead(self, old_state: str, new_state: str) -> tuple[frozenset, frozenset]:
        """What either version may still ask from these states, and the answers to keep for it (with those an
        implication ties to them)."""
        key = (old_state, new_state)
        found = self.kept.get(key)
        if found is None:
            ahead = self.sides[0].asks.get(old_state, frozenset()) | self.sides[1].asks.get(new_state, frozenset())
            tied = {x for x, _, y, _ in self.implications if y in ahead}
            tied |= {y for x, _, y, _ in self.implications if x in ahead}
            found = self.kept[key] = (ahead, ahead | frozenset(tied))
        return found

    def _edges(self, side: int, node: Node) -> list[Edge]:
        """A node's answers, those off the baseline last: of two shortest witnesses, the plainer."""
        edges = self.ordered.get(id(node))
        if edges is None:
            edges = self.ordered[id(node)] = sorted(node.edges, key=lambda edge: self._off(side, edge))
        return edges

    @staticmethod
    def _key(state: tuple) -> tuple:
        return (state[0].id, state[1].id, state[2], state[3])

    def _answers(self, parents: dict, state: tuple) -> tuple[tuple[Answered, ...], tuple[Answered, ...]]:
        answers: tuple[list[Answered], list[Answered]] = ([], [])
        entry = parents[self._key(state)]
        while entry is not None:
            before, side, edge = entry
            answers[side].append(Answered(edge.source.state, edge.answer))
            entry = parents[self._key(before)]
        return tuple(answers[0][::-1]), tuple(answers[1][::-1])
