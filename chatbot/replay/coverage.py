"""Coverage: which questions, answers, transitions and outcomes of a flow the scripts reached.

Each item that was never reached is named with its line in the flow file, so a
tester knows which script to write next.

Which transition an answer took is worked out here, so the engine stays as it is:
once an answer is taken, its question's `next` list is tried in order on the
findings as they then stand (as the engine does), through any routes, and the
state that gives must be the one the driver saw. If it ever is not, coverage
says so rather than count the wrong transition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from chatbot.flow.kinds import QuestionKind
from chatbot.flow.answers import Unreadable, read_answer, read_confirmation
from chatbot.flow.model import Flow, Question
from chatbot.flow.problems import FlowError
from chatbot.replay.runner import Move, ScriptRun
from chatbot.flowfile.source import read_yaml

KINDS = ("question", "answer", "transition", "outcome")
YES_NO_WORDS = {True: "yes", False: "no", None: "not sure"}


@dataclass(frozen=True)
class Item:
    """One thing of the flow a script can reach, and where it is written."""

    kind: str
    key: tuple
    message: str
    at: tuple[int, int]


@dataclass
class Coverage:
    """What the replayed scripts reached of one flow."""

    flow: Flow
    items: dict[tuple, Item] = field(init=False)
    reached: set[tuple] = field(default_factory=set)
    scripts: int = 0
    disagreements: list[str] = field(default_factory=list)
    given: str = ""  # the flow's path as the tester gave it, if they did

    @property
    def file(self) -> str:
        """The flow file as the tester named it, else where it was loaded from."""
        return self.given or self.flow.file

    def __post_init__(self) -> None:
        self.items = {item.key: item for item in _items(self.flow)}

    def add(self, run: ScriptRun) -> None:
        """Count what one replayed script reached (a failed one up to where it failed)."""
        self.scripts += 1
        self.add_moves(run.moves)

    def add_moves(self, moves: Iterable[Move]) -> None:
        flow = self.flow
        waiting = None  # words that wait for their "Did you mean …?": a yes takes them
        for move in moves:
            after = move.after
            self.reached.add(("question", after.question) if after.question is not None else ("outcome", after.outcome))
            step, before = move.step, move.before
            typed, waiting = (waiting if before is not None and before.confirm is not None else None), None
            if step is None or step.kind != "answer" or before is None or before.question not in flow.questions:
                continue
            if after.confirm is not None:
                waiting = step.typed
            if after.error is not None or after.confirm is not None:
                continue
            question = flow.questions[before.question]
            try:
                value = read_answer(question, typed if typed is not None and read_confirmation(step.typed)
                                    else step.typed).value
            except Unreadable:
                continue
            self.reached.update(("answer", question.id, key) for key in _answer_keys(question, value))
            self._follow(question.id, move)

    def _follow(self, state: str, move: Move) -> None:
        """Mark the transitions the answer took: the first that holds, then through routes."""
        flow, findings = self.flow, move.after.findings
        start = state
        while True:
            for index, transition in enumerate(flow.state(state).next):
                if transition.condition is None or transition.condition.holds(findings):
                    self.reached.add(("transition", state, index))
                    state = transition.goto
                    break
            else:
                break
            if state not in flow.routes:
                break
        seen = move.after.question or move.after.outcome
        if state != seen:
            self.disagreements.append(f"after {start} the flow's transitions lead to {state}, "
                                      f"but the conversation went to {seen}")

    # -- the report --------------------------------------------------------------------

    def counts(self) -> dict[str, tuple[int, int]]:
        """For each kind of item: how many were reached, of how many."""
        counts = {}
        for kind in KINDS:
            keys = [key for key, item in self.items.items() if item.kind == kind]
            counts[kind] = (sum(1 for key in keys if key in self.reached), len(keys))
        return counts

    @property
    def percent(self) -> float:
        total = len(self.items)
        return 100.0 * sum(1 for key in self.items if key in self.reached) / total if total else 100.0

    def missing(self) -> list[Item]:
        """The items never reached, in the order they are written in the flow file."""
        return sorted((item for key, item in self.items.items() if key not in self.reached), key=lambda i: i.at)

    def report(self) -> list[str]:
        """The coverage table, then one `file:line:col: never ...` line per item never reached."""
        lines = [f"coverage of {self.file} by {self.scripts} script{'s' if self.scripts != 1 else ''}:"]
        for kind, (done, total) in self.counts().items():
            lines.append(f"  {kind + 's':<12} {done:>4} of {total:<4} {_percent(done, total):>6.1f}%")
        done = sum(1 for key in self.items if key in self.reached)
        lines.append(f"  {'all':<12} {done:>4} of {len(self.items):<4} {self.percent:>6.1f}%")
        lines.extend(f"{self.file}:{item.at[0]}:{item.at[1]}: {item.message}" for item in self.missing())
        lines.extend(f"{self.file}: warning: {text}" for text in self.disagreements)
        return lines


def coverage_of(runs: Iterable[ScriptRun]) -> list[Coverage]:
    """One `Coverage` per flow the runs replayed, in the order first seen."""
    by_flow: dict[int, Coverage] = {}
    for run in runs:
        flow = run.script.flow
        coverage = by_flow.get(id(flow))
        if coverage is None:
            coverage = by_flow[id(flow)] = Coverage(flow, given=run.script.flow_file)
        coverage.add(run)
    return list(by_flow.values())


def _answer_keys(question: Question, value) -> tuple:
    if question.kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE):
        return (YES_NO_WORDS[value],)
    if question.kind == QuestionKind.TEMPERATURE:
        return ("not measured" if value is None else "a reading",)
    return tuple(value)


def _items(flow: Flow) -> list[Item]:
    items: list[Item] = []
    options = None
    for qid, question in flow.questions.items():
        items.append(Item("question", ("question", qid), f"never asked: {qid}", question.at))
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            options = options if options is not None else _option_positions(flow)
            for index, option in enumerate(question.options):
                label = option.label.get(flow.languages[0])
                items.append(Item("answer", ("answer", qid, index),
                                  f'never answered {qid} with option {index + 1}, "{label}"',
                                  options.get((qid, index), question.at)))
        else:
            words = (("a reading", "not measured") if question.kind == QuestionKind.TEMPERATURE else
                     ("yes", "no", "not sure") if question.kind == QuestionKind.YES_NO_UNSURE else ("yes", "no"))
            items.extend(Item("answer", ("answer", qid, word), f"never answered {qid} with {word}", question.at)
                         for word in words)
    for state in (*flow.questions.values(), *flow.routes.values()):
        for index, transition in enumerate(state.next):
            if transition.condition is not None:
                when = f"if {_bare(str(transition.condition))}"
            else:
                when = "otherwise" if len(state.next) > 1 else "always"
            items.append(Item("transition", ("transition", state.id, index),
                              f"never taken: {state.id} -> {transition.goto} ({when})", transition.at))
    items.extend(Item("outcome", ("outcome", oid), f"never reached: {oid} ({outcome.level})", outcome.at)
                 for oid, outcome in flow.outcomes.items())
    return items


def _option_positions(flow: Flow) -> dict[tuple[str, int], tuple[int, int]]:
    """Where each choice option is written (the flow model keeps questions' places, not options')."""
    try:
        source = read_yaml(flow.file)
    except FlowError:
        return {}
    return {(qid, index): source.where(("questions", qid, "options", index))
            for qid, question in flow.questions.items() for index in range(len(question.options))}


def _bare(text: str) -> str:
    """A condition without the parentheses around the whole of it."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return text
    return text[1:-1]


def _percent(done: int, total: int) -> float:
    return 100.0 * done / total if total else 100.0
