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

from chatbot.catalog import SOURCE, Message, message, message_in, plural
from chatbot.formats import decimal
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
    said: Message
    at: tuple[int, int]

    @property
    def message(self) -> str:
        """What it says, in English (the JUnit file's words)."""
        return str(self.said)


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

    def report(self, language: str = SOURCE) -> list[str]:
        """The coverage table, then one `file:line:col: never ...` line per item never reached."""
        lines = [COVERAGE_OF.fill(file=self.file, scripts=SCRIPTS.count(self.scripts)).get(language)]
        rows = [(KIND_NAMES[kind], done, total, _percent(done, total)) for kind, (done, total) in self.counts().items()]
        rows.append((ALL, sum(1 for key in self.items if key in self.reached), len(self.items), self.percent))
        for name, done, total, percent in rows:
            row = ROW.fill(done=f"{done:>4}", total=f"{total:<4}").get(language)
            lines.append(f"  {name.get(language):<12} {row} {decimal(percent, language):>6}%")
        lines.extend(f"{self.file}:{item.at[0]}:{item.at[1]}: {item.said.get(language)}" for item in self.missing())
        lines.extend(f"{self.file}: warning: {text}" for text in self.disagreements)
        return lines


COVERAGE_OF = message("coverage of {file} by {scripts}:")
SCRIPTS = plural("{count} script", "{count} scripts")
KIND_NAMES = {"question": message("questions"), "answer": message("answers"), "transition": message("transitions"),
              "outcome": message("outcomes")}
ALL = message_in("all items", "all")
ROW = message("{done} of {total}")


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


NEVER_ASKED = message("never asked: {question}")
NEVER_CHOSEN = message('never answered {question} with option {number}, "{label}"')
NEVER_ANSWERED = message("never answered {question} with {answer}")
ANSWER_WORDS = {"yes": message("yes"), "no": message("no"), "not sure": message("not sure"),
                "a reading": message("a reading"), "not measured": message("not measured")}
NEVER_TAKEN = message("never taken: {state} -> {goto} ({when})")
NEVER_REACHED = message("never reached: {outcome} ({level})")


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
        items.append(Item("question", ("question", qid), NEVER_ASKED.fill(question=qid), question.at))
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            options = options if options is not None else _option_positions(flow)
            for index, option in enumerate(question.options):
                items.append(Item("answer", ("answer", qid, index),
                                  NEVER_CHOSEN.fill(question=qid, number=index + 1, label=option.label),
                                  options.get((qid, index), question.at)))
        else:
            words = (("a reading", "not measured") if question.kind == QuestionKind.TEMPERATURE else
                     ("yes", "no", "not sure") if question.kind == QuestionKind.YES_NO_UNSURE else ("yes", "no"))
            items.extend(Item("answer", ("answer", qid, word), NEVER_ANSWERED.fill(question=qid, answer=ANSWER_WORDS[word]),
                              question.at) for word in words)
    for state in (*flow.questions.values(), *flow.routes.values()):
        for index, transition in enumerate(state.next):
            if transition.condition is not None:
                when = f"if {_bare(str(transition.condition))}"  # the flow file's own words (docs/flow-format.md)
            else:
                when = "otherwise" if len(state.next) > 1 else "always"
            items.append(Item("transition", ("transition", state.id, index),
                              NEVER_TAKEN.fill(state=state.id, goto=transition.goto, when=when), transition.at))
    items.extend(Item("outcome", ("outcome", oid), NEVER_REACHED.fill(outcome=oid, level=outcome.level), outcome.at)
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
