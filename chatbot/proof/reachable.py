"""What each state of a flow can lead to, read off its transitions alone (conditions ignored).

The path analysis uses these facts to merge states (a finding no later question
can set is final), and to say which line of the flow is at fault (the transition
after which the right level, or a missing question, can no longer be reached).
"""

from __future__ import annotations

import heapq
from functools import cached_property

from chatbot.flow.model import Flow, level_rank


class Reach:
    """Reachability facts of one flow, computed once."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.states = {**flow.questions, **flow.routes, **flow.outcomes}
        self.back = self._going_back()
        self.successors = {name: tuple(t.goto for index, t in enumerate(getattr(state, "next", ()))
                                       if t.goto in self.states and (name, index) not in self.back)
                           for name, state in self.states.items()}
        self.reachable = {name: self._from(name) for name in self.states}
        self._passing: dict[str, frozenset] = {}

    def _going_back(self) -> frozenset:
        """The transitions (state, index) that go back round a loop through a question.

        Found depth first from the start (then from any state not yet met): a transition
        to a state still being explored closes a loop. A person who takes it once can
        answer the same way again and take it for ever, so the explorer stops there and
        reports it (`never-ends`) rather than going round; the facts here are of the flow
        without these transitions, which has no loop through a question (a loop of routes
        alone asks nothing, and `Explorer.follow_routes` catches it).
        """
        flow, states = self.flow, self.states
        back: set[tuple[str, int]] = set()
        colour: dict[str, int] = {}
        for first in (flow.start, *states):
            if first not in states or first in colour:
                continue
            colour[first] = 1
            stack: list[tuple[str, int]] = [(first, 0)]
            while stack:
                name, index = stack.pop()
                transitions = getattr(states[name], "next", ())
                if index >= len(transitions):
                    colour[name] = 2
                    continue
                stack.append((name, index + 1))
                goto = transitions[index].goto
                if goto not in states:
                    continue
                if colour.get(goto) == 1:
                    on_loop = [s for s, _ in stack]
                    loop = on_loop[on_loop.index(goto):] if goto in on_loop else [name, goto]
                    if any(s in flow.questions for s in loop):
                        back.add((name, index))
                elif goto not in colour:
                    colour[goto] = 1
                    stack.append((goto, 0))
        return frozenset(back)

    def _from(self, start: str) -> frozenset:
        seen, stack = {start}, [start]
        while stack:
            for nxt in self.successors[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)

    # -- findings ------------------------------------------------------------------

    @cached_property
    def asked_by(self) -> dict[str, tuple[str, ...]]:
        """For each finding, the questions that ask it directly."""
        asked: dict[str, list[str]] = {}
        for qid, question in self.flow.questions.items():
            for name in question.findings():
                asked.setdefault(name, []).append(qid)
        return {name: tuple(qids) for name, qids in asked.items()}

    @cached_property
    def settable(self) -> dict[str, frozenset]:
        """For each question, the findings an answer to it can change.

        Its own findings, the findings they imply (a yes sets them), and the
        findings that imply one of its own (a no to `bleeding` rules out every
        kind of bleeding).
        """
        flow = self.flow
        implying: dict[str, set[str]] = {}
        for name in flow.findings:
            for implied in flow.implied_by(name):
                implying.setdefault(implied, set()).add(name)
        result = {}
        for qid, question in flow.questions.items():
            names = set(question.findings())
            for name in list(names):
                names.update(flow.implied_by(name))
            for name in list(names):
                names.update(implying.get(name, ()))
            result[qid] = frozenset(names)
        return result

    @cached_property
    def future_findings(self) -> dict[str, frozenset]:
        """For each state, the findings that an answer from there on can still change."""
        return {name: frozenset().union(*(self.settable[s] for s in reach if s in self.flow.questions))
                for name, reach in self.reachable.items()}

    @cached_property
    def future_transitions(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """For each state, every conditional transition (state, index) that may still be tested."""
        result = {}
        for name, reach in self.reachable.items():
            result[name] = tuple((sid, index) for sid in self.ordered if sid in reach
                                 for index, t in enumerate(getattr(self.states[sid], "next", ()))
                                 if t.condition is not None)
        return result

    # -- levels --------------------------------------------------------------------

    @cached_property
    def levels(self) -> dict[str, frozenset]:
        """For each state, the levels of the outcomes it can lead to."""
        return {name: frozenset(self.flow.outcomes[s].level for s in reach if s in self.flow.outcomes)
                for name, reach in self.reachable.items()}

    def can_reach(self, state: str, at_least: str | None = None, at_most: str | None = None) -> bool:
        """Whether `state` can lead to an outcome of a level in [at_least, at_most]."""
        low = level_rank(at_least) if at_least else 0
        high = level_rank(at_most) if at_most else 2
        return any(low <= level_rank(level) <= high for level in self.levels[state])

    def inevitable(self, start: str, goal: str) -> bool:
        """Whether every way on from `start` passes through `goal` (conditions ignored; a loop may not)."""
        return start in self._inevitable(goal)

    def _inevitable(self, goal: str) -> frozenset:
        """The states every way on from which passes through `goal` (found once per goal)."""
        found = self._passing.get(goal)
        if found is None:
            states = {goal}
            changed = True
            while changed:
                changed = False
                for name, nexts in self.successors.items():
                    if name not in states and nexts and all(n in states for n in nexts):
                        states.add(name)
                        changed = True
            found = self._passing[goal] = frozenset(states)
        return found

    @cached_property
    def direct_levels(self) -> dict[str, frozenset]:
        """For each state, the levels it leads to without another question (through routes)."""
        result: dict[str, frozenset] = {}

        def direct(name: str, visiting: frozenset) -> frozenset:
            if name in result:
                return result[name]
            if name in self.flow.outcomes:
                return frozenset({self.flow.outcomes[name].level})
            if name not in self.flow.routes or name in visiting:
                return frozenset()
            levels = frozenset().union(*(direct(n, visiting | {name}) for n in self.successors[name]))
            result[name] = levels
            return levels

        return {name: direct(name, frozenset()) for name in self.states}

    # -- order ---------------------------------------------------------------------

    @cached_property
    def ordered(self) -> tuple[str, ...]:
        """The states in dialogue order: a topological order, in file order where free.

        A loop has no such order; it is broken at the state written first.
        """
        line = {name: state.at for name, state in self.states.items()}
        incoming = {name: 0 for name in self.states}
        for name, nexts in self.successors.items():
            for nxt in set(nexts):
                incoming[nxt] += 1
        ready = [(line[n], n) for n, count in incoming.items() if count == 0]
        heapq.heapify(ready)
        order: list[str] = []
        placed: set[str] = set()
        while len(order) < len(self.states):
            if not ready:  # a loop: take the first state of it in the file
                name = min((n for n in self.states if n not in placed), key=lambda n: line[n])
                incoming[name] = 0
                heapq.heappush(ready, (line[name], name))
            _, name = heapq.heappop(ready)
            if name in placed:
                continue
            placed.add(name)
            order.append(name)
            for nxt in set(self.successors[name]):
                incoming[nxt] -= 1
                if incoming[nxt] == 0 and nxt not in placed:
                    heapq.heappush(ready, (line[nxt], nxt))
        return tuple(order)

    @cached_property
    def position(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.ordered)}
