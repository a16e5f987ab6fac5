"""Decision diagrams over a person's answers: what a flow does with every person at once.

A person, here, is one answer to each finding a question can ask: yes or no; yes,
no or not sure; a temperature (one of the classes between the thresholds that
anything tests, `chatbot.proof.answer_classes`) or not measured. A flow is then a
function from persons to outcomes, and `chatbot diff` compares two such functions.

They are kept as multi-valued decision diagrams. Each inner node tests one finding
(a `Variable`, at its place in one fixed order) and has a child for each of its
values; each leaf holds a value (an outcome; for a comparison, a pair of them). Nodes
are shared (one node for one function) and reduced (a node whose children are all
the same is that child), so a finding a function does not depend on is never tested
on the way to a leaf.

Reading a diagram: `supports` names, for each leaf, the least answers off the
baseline (no, not sure, not measured) that lead there; `members` and `ranges` say
which answers the persons of a set give, finding by finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

Cube = dict[int, frozenset[int]]  # level -> the indexes of the values allowed there; a level not named: any


@dataclass(frozen=True)
class Variable:
    """A finding as the diagrams test it: its name, its type, and its values in order."""

    name: str
    type: str
    values: tuple[Any, ...]


class Diagrams:
    """Every diagram over one list of variables, in that order: nodes are ints, shared by all."""

    def __init__(self, variables: tuple[Variable, ...]):
        self.variables = tuple(variables)
        self.level = {variable.name: index for index, variable in enumerate(self.variables)}
        self.bottom = len(self.variables)
        self._levels: list[int] = []
        self._children: list[tuple] = []
        self._unique: dict[tuple, int] = {}
        self._selected: dict[tuple, int] = {}
        self._paired: dict[tuple[int, int], int] = {}

    # -- nodes -------------------------------------------------------------------------------------

    def leaf(self, value: Any) -> int:
        """The diagram that gives `value` to every person."""
        return self._make(self.bottom, (value,))

    def node(self, level: int, children: tuple[int, ...]) -> int:
        """The diagram that tests the variable at `level` and goes on to one child per value."""
        first = children[0]
        if all(child == first for child in children):
            return first
        return self._make(level, tuple(children))

    def _make(self, level: int, children: tuple) -> int:
        key = (level, children)
        found = self._unique.get(key)
        if found is None:
            found = self._unique[key] = len(self._levels)
            self._levels.append(level)
            self._children.append(children)
        return found

    def is_leaf(self, node: int) -> bool:
        return self._levels[node] == self.bottom

    def value(self, node: int) -> Any:
        """The value of a leaf."""
        return self._children[node][0]

    def _cofactor(self, node: int, level: int, index: int) -> int:
        """`node` for the persons whose variable at `level` has its value number `index`."""
        return self._children[node][index] if self._levels[node] == level else node

    # -- building ----------------------------------------------------------------------------------

    def select(self, level: int, branches: tuple[int, ...]) -> int:
        """The diagram that is `branches[i]` for the persons whose variable at `level` has value `i`.

        The branches may test variables above `level` in the order (a flow need not ask
        in the diagrams' order) and may test that variable again (the same finding
        asked twice): the result is ordered and answers each finding once.
        """
        first = branches[0]
        if all(branch == first for branch in branches):
            return first
        key = (level, branches)
        found = self._selected.get(key)
        if found is not None:
            return found
        top = min(level, *(self._levels[branch] for branch in branches))
        if top == level:
            found = self.node(level, tuple(self._cofactor(branch, level, index)
                                           for index, branch in enumerate(branches)))
        else:
            found = self.node(top, tuple(
                self.select(level, tuple(self._cofactor(branch, top, value) for branch in branches))
                for value in range(len(self.variables[top].values))))
        self._selected[key] = found
        return found

    def pair(self, first: int, second: int) -> int:
        """The diagram whose leaves are the pairs (what `first` gives, what `second` gives)."""
        key = (first, second)
        found = self._paired.get(key)
        if found is not None:
            return found
        if self.is_leaf(first) and self.is_leaf(second):
            found = self.leaf((self.value(first), self.value(second)))
        else:
            top = min(self._levels[first], self._levels[second])
            found = self.node(top, tuple(self.pair(self._cofactor(first, top, value),
                                                   self._cofactor(second, top, value))
                                         for value in range(len(self.variables[top].values))))
        self._paired[key] = found
        return found

    # -- reading ---------------------------------------------------------------------------------

    def useful(self, root: int, wanted: Callable[[Any], bool]) -> dict[int, bool]:
        """For each node under `root`: whether a path from it reaches a leaf whose value is `wanted`."""
        found: dict[int, bool] = {}
        order = self._below(root)
        for node in reversed(order):
            if self.is_leaf(node):
                found[node] = bool(wanted(self.value(node)))
            else:
                found[node] = any(found[child] for child in self._children[node])
        return found

    def supports(self, root: int, wanted: Callable[[Any], bool], baseline: tuple[int, ...]
                 ) -> dict[Any, list[Support]]:
        """For each wanted leaf value, the least sets of answers off the baseline that lead to it.

        A person is on the baseline for a finding when they give its `baseline` answer
        (no; not sure; not measured). Every person whose value is wanted gives, off the
        baseline, at least the answers of one of these supports; the supports are
        minimal (none holds another), and those that differ in one finding's answer
        alone are one support with both answers. They do not depend on the order.
        """
        useful = self.useful(root, wanted)
        memo: dict[int, dict[Any, set[frozenset]]] = {}
        for node in reversed(self._below(root)):
            if not useful[node]:
                continue
            if self.is_leaf(node):
                memo[node] = {self.value(node): {frozenset()}}
                continue
            level = self._levels[node]
            gathered: dict[Any, set[frozenset]] = {}
            for index, child in enumerate(self._children[node]):
                if not useful[child]:
                    continue
                for value, found in memo[child].items():
                    into = gathered.setdefault(value, set())
                    if index == baseline[level]:
                        into.update(found)
                    else:
                        into.update(support | {(level, index)} for support in found)
            memo[node] = {value: _least(found) for value, found in gathered.items()}
        return {value: _joined(found) for value, found in memo.get(root, {}).items()}

    def members(self, root: int, leaf: Any, cube: Cube) -> int:
        """A diagram that is True for the persons in `cube` whose value under `root` is `leaf`, else False."""
        levels = sorted(cube)
        yes, no = self.leaf(True), self.leaf(False)
        memo: dict[tuple[int, int], int] = {}

        def within(node: int, next_pinned: int) -> int:
            key = (node, next_pinned)
            found = memo.get(key)
            if found is not None:
                return found
            level = self._levels[node]
            if next_pinned < len(levels) and levels[next_pinned] <= level:
                pinned = levels[next_pinned]
                allowed = cube[pinned]
                found = self.node(pinned, tuple(
                    within(self._cofactor(node, pinned, index), next_pinned + 1) if index in allowed else no
                    for index in range(len(self.variables[pinned].values))))
            elif self.is_leaf(node):
                found = yes if self.value(node) == leaf else no
            else:
                found = self.node(level, tuple(within(child, next_pinned) for child in self._children[node]))
            memo[key] = found
            return found

        return within(root, 0)

    def ranges(self, root: int) -> dict[int, frozenset[int]]:
        """For a diagram of True and False: for each level, the values some person with True has there."""
        useful = self.useful(root, lambda value: value is True)
        if not useful.get(root):
            return {}
        found: dict[int, set[int]] = {}
        skipped: set[int] = set(range(self._levels[root]))
        seen, stack = {root}, [root]
        while stack:
            node = stack.pop()
            if self.is_leaf(node):
                continue
            level = self._levels[node]
            for index, child in enumerate(self._children[node]):
                if useful[child]:
                    found.setdefault(level, set()).add(index)
                    skipped.update(range(level + 1, min(self._levels[child], self.bottom)))
                    if child not in seen:
                        seen.add(child)
                        stack.append(child)
        return {level: frozenset(range(len(variable.values))) if level in skipped or level not in found
                else frozenset(found[level]) for level, variable in enumerate(self.variables)}

    def _below(self, root: int) -> list[int]:
        """The nodes under `root`, each before its children."""
        order, seen, stack = [], set(), [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            if not self.is_leaf(node):
                stack.extend((child, False) for child in set(self._children[node]) if child not in seen)
        return order[::-1]

    def size(self, root: int) -> int:
        """How many nodes the diagram has (its leaves included)."""
        return len(self._below(root))


Support = dict[int, frozenset[int]]  # level -> the answers off the baseline it gives there


def _least(found: set[frozenset]) -> set[frozenset]:
    """The sets of `found` that hold no other."""
    kept: list[frozenset] = []
    for candidate in sorted(found, key=len):
        if not any(other <= candidate for other in kept):
            kept.append(candidate)
    return set(kept)


def _joined(found: set[frozenset]) -> list[Support]:
    """Supports that differ in the answer to one finding alone, made one (until none do)."""
    supports = {tuple(sorted(_by_level(support).items())) for support in found}
    changed = True
    while changed:
        changed = False
        groups: dict[tuple, list[tuple]] = {}
        for support in supports:
            for position, (level, _) in enumerate(support):
                groups.setdefault((support[:position], level, support[position + 1:]), []).append(support)
        for (before, level, after), same in groups.items():
            if len(same) > 1 and all(s in supports for s in same):
                supports.difference_update(same)
                union = frozenset().union(*(dict(s)[level] for s in same))
                supports.add(before + ((level, union),) + after)
                changed = True
                break
    return [dict(support) for support in sorted(supports, key=lambda s: [(level, sorted(v)) for level, v in s])]


def _by_level(support: frozenset) -> dict[int, frozenset[int]]:
    levels: dict[int, set[int]] = {}
    for level, index in support:
        levels.setdefault(level, set()).add(index)
    return {level: frozenset(indexes) for level, indexes in levels.items()}
