"""The dialogue: a flow run on the `transitions` library, one answer at a time.

Each flow gets one `transitions.Machine`, built once and shared by every
conversation on it: its states are the flow's questions, routes and outcomes,
an answer is the `answer` trigger, and each transition's condition is the flow's
condition, evaluated on the conversation's findings. Conversations are plain
models handed to the machine's events, so none is kept alive by it.

The engine returns data (`Prompt`, `Result`, `Turn`); it never draws anything. What it makes for every
step is a named tuple, as the flow's parts are (`chatbot.flow.model`): as immutable as a frozen dataclass,
and made at import in a fraction of the time, on the way to the UI's first frame.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple, Union

from transitions import Event, EventData, Machine, Transition

from chatbot.flow import phrases
from chatbot.flow.model import Flow, Outcome, Question, Rule
from chatbot.flow.phrases import Unreadable
from chatbot.flow.text import Text
from chatbot.flow.triage import triage

if TYPE_CHECKING:  # the reader is imported with the first answer: a screen's first frame asks, never reads
    from chatbot.flow.answers import Answer

logging.getLogger("transitions").setLevel(logging.WARNING)

WELCOME = "_welcome"


class Turn(NamedTuple):
    """One answered question, as it goes into the transcript and the nurse's summary."""

    question: Question
    typed: str
    value: Any
    shown: str
    findings: dict[str, Any]
    confirmed: str | None = None
    """Words that matched a choice only in part were confirmed with this reply, as typed ("yes")."""


class Progress(NamedTuple):
    """Where the person is: the topic, and how many questions are done and may be left."""

    topic: str | None
    topic_title: Text | None
    topic_number: int
    topic_count: int
    answered: int
    at_most_left: int

    @property
    def fraction(self) -> float:
        total = self.answered + self.at_most_left
        return self.answered / total if total else 1.0


class Prompt(NamedTuple):
    """A question waiting for an answer; `error` says why the last answer was not taken.

    `confirm`, when set, is a question about the last answer, asked before it is taken:
    words that matched a choice only in part ("Did you mean: 4. A sudden very bad
    headache…?"). The next answer is read as yes or no to it (anything else is read as a
    new answer to the question).
    """

    question: Question
    progress: Progress
    error: Text | None = None
    confirm: Text | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """The end of the dialogue: the outcome, its level, and why."""

    outcome: Outcome
    reasons: tuple[Rule, ...]
    because: tuple[Turn, ...]
    findings: dict[str, Any]

    @property
    def level(self) -> str:
        return self.outcome.level


Step = Union[Prompt, Result]


class _Snapshot(NamedTuple):
    state: str
    findings: dict[str, Any]
    turns: int


class _FlowTransition(Transition):
    """A transition that checks its conditions and changes state, and nothing more.

    A flow registers no callbacks on transitions or states, so skipping their
    (empty) chains and the debug logging halves the cost of an answer.
    """

    def execute(self, event_data) -> bool:
        for condition in self.conditions:  # the flow's own callables: nothing to resolve by name
            if condition.func(event_data) != condition.target:
                return False
        event_data.model.state = self.dest  # what `Machine.set_state` does, the destination known by name
        return True


class _FlowEvent(Event):
    """An event that records the answer, then takes the first transition whose conditions hold.

    What `Event.trigger` does for a machine with no queue, no finalize or exception
    callbacks and one preparation callback (the answer), without the partial, the
    callback lookups and the debug logging around each step: a third of an answer's cost.
    """

    def trigger(self, model, *args, **kwargs) -> bool:
        machine = self.machine
        state = machine.states[model.state]  # `get_model_state`, the model's attribute known
        transitions = self.transitions.get(state.name)
        if transitions is None:
            return self._is_valid_source(state)  # False, or MachineError: `Event.trigger`'s own way
        event_data = EventData(state, self, machine, model, args=args, kwargs=kwargs)
        for callback in machine.prepare_event:
            callback(event_data)
        for transition in transitions:
            event_data.transition = transition
            if transition.execute(event_data):
                event_data.result = True
                break
        return event_data.result


class _FlowMachine(Machine):
    transition_cls = _FlowTransition
    event_cls = _FlowEvent


class DialogueMachine:
    """The `transitions` machine of one flow, shared by all its conversations.

    It runs on `_FlowEvent` and `_FlowTransition`, `transitions`' own trigger path without the
    steps a flow never uses (about 45% of an answer's time in the machine, 20% of a simulated
    conversation's: `bench/simulate.py --stock`). `stock=True` runs on `transitions`' own `Event`
    and `Transition` instead, unchanged: tests hold the two to the same states and findings.
    """

    def __init__(self, flow: Flow, *, stock: bool = False):
        self.flow = flow
        self.machine = (Machine if stock else _FlowMachine)(
            model=None,
            states=[WELCOME, *flow.questions, *flow.routes, *flow.outcomes],
            initial=WELCOME,
            auto_transitions=False,
            send_event=True,
            prepare_event=self._record_answer,
        )
        self.machine.add_transition("begin", WELCOME, flow.start)
        for trigger, states in (("answer", flow.questions), ("route", flow.routes)):
            for name, state in states.items():
                for transition in state.next:
                    conditions = [_Holds(transition.condition)] if transition.condition else []
                    self.machine.add_transition(trigger, name, transition.goto, conditions=conditions)
        self.events = self.machine.events
        self.answered = self.events["answer"].trigger
        self.routed = self.events["route"].trigger if "route" in self.events else None
        self.implied = {name: tuple(flow.implied_by(name)) for name in flow.findings}
        self.at_most_left = _longest_paths(flow)
        self.topic_numbers = {topic: number for number, topic in enumerate(flow.topics, 1)}
        self.default_findings = flow.default_findings()
        # Tmax and its kind are worked out again after an answer that gives one of their readings.
        self.derived_from = frozenset(source for sources in flow.derived.values() for source in sources)
        # What each answer `step` took writes into the findings (`_recording`), by the answer: simulated
        # patients' answers are read once each (`chatbot.replay.patients.AnswerMemo`) and never changed.
        self._recorded: dict[int, tuple[Answer, dict[str, Any], bool]] = {}

    @cached_property
    def table(self) -> "Table":
        """Each state's transitions read off the machine (`_table`), made when first asked for: only
        `chatbot simulate` steps on it, and a kiosk's start-up need not make it."""
        return _table(self.machine)

    def step(self, state: str, findings: dict[str, Any], answer: Answer) -> str:
        """Where an answer to the question at `state` leads, its findings recorded in `findings` (in place):
        what `Conversation.take` does on the machine, routes followed, without a conversation's transcript,
        history or `EventData`, for thousands of simulated patients (`chatbot simulate`). Read off `table`,
        which is read off the machine: tests hold it to the machine on every state and answer."""
        recorded = self._recorded.get(id(answer))
        if recorded is None or recorded[0] is not answer:
            if len(self._recorded) >= RECORDED_KEPT:
                self._recorded.clear()
            recorded = self._recorded[id(answer)] = (answer, *_recording(answer.findings, self.implied,
                                                                         self.derived_from))
        findings.update(recorded[1])
        if recorded[2]:
            self.flow.derive(findings)
        table, routes = self.table, self.flow.routes
        while True:  # the first transition whose condition holds (none: the machine stays), then each route's
            for check, dest in table[state]:
                if check is None or check(findings) == True:  # noqa: E712 - as `transitions` compares with its target
                    state = dest
                    break
            if state not in routes:
                return state

    @staticmethod
    def _record_answer(event) -> None:
        answer: Answer | None = event.kwargs.get("answer")
        if answer is not None:
            event.model.record(answer)

    def fire(self, trigger: str, model: "Conversation", **kwargs: Any) -> None:
        self.events[trigger].trigger(model, **kwargs)

    def set_state(self, state: str, model: "Conversation") -> None:
        self.machine.set_state(state, model)


class _Holds:
    """A `transitions` condition that evaluates a flow condition on the model's findings."""

    __slots__ = ("check",)

    def __init__(self, condition):
        self.check = condition.check  # read by `_table`

    def __call__(self, event) -> bool:
        return self.check(event.model.findings)


Table = dict[str, tuple[tuple[Callable[[dict[str, Any]], Any] | None, str], ...]]


def _table(machine: Machine) -> Table:
    """Each state's transitions as the machine holds them, in its order: (the flow condition's check, or None
    for none, and the destination). The table holds conditions only: a machine with any callback but the one
    that records the answer, or a condition not one of ours (`_Holds`) wanted true, is refused."""
    if (machine.before_state_change or machine.after_state_change or machine.finalize_event
            or machine.on_exception or len(machine.prepare_event) != 1
            or any(state.on_enter or state.on_exit for state in machine.states.values())):
        raise TypeError("the machine has callbacks the table cannot hold")
    table: Table = {}
    for event in machine.events.values():
        for source, transitions in event.transitions.items():
            rows = []
            for transition in transitions:
                if (len(transition.conditions) > 1 or transition.prepare or transition.before or transition.after
                        or any(not isinstance(c.func, _Holds) or c.target is not True for c in transition.conditions)):
                    raise TypeError(f"a transition from '{source}' has what the table cannot hold")
                rows.append((transition.conditions[0].func.check if transition.conditions else None, transition.dest))
            if source in table:
                raise TypeError(f"'{source}' is the source of two events")
            table[source] = tuple(rows)
    return table


RECORDED_KEPT = 4096  # answers whose recording `step` keeps (simulated patients give a few hundred)


def _recording(given: dict[str, Any], implied_by: dict, derived_from: frozenset) -> tuple[dict[str, Any], bool]:
    """What `_record` does with an answer's findings: what it writes into the findings (the given ones, then what
    they imply), and whether Tmax is worked out again."""
    written = dict(given)
    for name, value in given.items():
        if value is True:
            for implied in implied_by.get(name, ()):
                written[implied] = True
    return written, not derived_from.isdisjoint(given)


def _record(findings: dict[str, Any], given: dict[str, Any], implied_by: dict, derived_from: frozenset,
            flow: Flow) -> None:
    """An answer's findings stored in `findings`, with what they imply, and Tmax worked out again if a reading changed."""
    written, derive = _recording(given, implied_by, derived_from)
    findings.update(written)
    if derive:
        flow.derive(findings)


@lru_cache(maxsize=16)
def dialogue_machine(flow: Flow) -> DialogueMachine:
    return DialogueMachine(flow)


class Conversation:
    """One person's dialogue with a flow: answer, go back, restart, read the result."""

    def __init__(self, flow: Flow, language: str | None = None, *, machine: DialogueMachine | None = None,
                 read: Callable[[Question, str], Answer] | None = None):
        self.flow = flow
        self._read = read  # `read_answer` (None: imported when first needed), or a memo of it for simulations
        self.language = language or flow.languages[0]
        self._machine = machine or dialogue_machine(flow)  # another only to compare machines (`stock`)
        self.state = WELCOME
        self.findings: dict[str, Any] = dict(self._machine.default_findings)
        self.transcript: list[Turn] = []
        self._history: list[_Snapshot] = []
        self._error: Text | None = None
        self._pending: Answer | None = None  # an answer waiting for its "Did you mean …?"

    # -- the person's actions --------------------------------------------------------

    def start(self) -> Step:
        """Leave the welcome and ask the first question."""
        if self.state == WELCOME:
            self._machine.fire("begin", self)
        return self.current

    def answer(self, typed: str, *, confirmed: bool = False) -> Step:
        """Take an answer as typed. An unreadable one is asked again, losing nothing; words that
        match a choice only in part are confirmed first (`Prompt.confirm`), unless `confirmed`
        says the person already did (an answer kept from an earlier run)."""
        self.take(typed, confirmed=confirmed)
        return self.current

    def take(self, typed: str, *, confirmed: bool = False) -> Text | None:
        """`answer` without building the next step: None, or why the answer was not taken yet
        (a reprompt, or the "Did you mean …?" it waits for).

        For those that run thousands of conversations (`chatbot simulate`) and read
        `question` and `result()` themselves.
        """
        question = self._question()
        pending, self._pending = self._pending, None
        if self._read is None:
            from chatbot.flow.answers import read_answer

            self._read = read_answer
        if pending is not None:
            from chatbot.flow.answers import read_confirmation

            reply = read_confirmation(typed)
        else:
            reply = None
        if reply is True:
            answer = pending
            answer.confirmed = typed
        elif reply is False:
            self._error = phrases.CHOICE_NOT_MEANT.fill(count=str(len(question.options)))
            return self._error
        else:
            try:
                answer = self._read(question, typed)
            except Unreadable as unreadable:
                self._error = unreadable.message
                return self._error
            if answer.confirm is not None and not confirmed:
                self._pending, self._error = answer, None
                return answer.confirm
        self._error = None
        self._history.append(_Snapshot(self.state, dict(self.findings), len(self.transcript)))
        self._machine.answered(self, answer=answer)  # `fire("answer", …)`, the event known
        routes = self.flow.routes
        while self.state in routes:
            self._machine.routed(self)
        return None

    def back(self) -> Step:
        """Undo the last answer and ask that question again; from a "Did you mean …?", ask its question again."""
        if self._pending is not None:
            self._pending = None
        elif self._history:
            snapshot = self._history.pop()
            self._machine.set_state(snapshot.state, self)
            self.findings = snapshot.findings
            del self.transcript[snapshot.turns:]
        self._error = None
        return self.current

    def restart(self) -> Step:
        """Forget every answer and start again at the first question."""
        self._machine.set_state(WELCOME, self)
        self.findings = dict(self._machine.default_findings)
        self.transcript.clear()
        self._history.clear()
        self._error = None
        self._pending = None
        return self.start()

    def answer_from(self, answers: Mapping[str, str]) -> Step:
        """Answer each question asked with its answer in `answers` (by question id), from where the
        dialogue is, until an outcome or a question `answers` has none for: that step (a `Prompt`
        whose `error` says why, when an answer could not be read). A nurse's amendment runs the
        flow again this way: words that fit a choice in part were confirmed by the person when
        kept, and the nurse's own answer is confirmed by the amendment's preview."""
        for _ in range(len(self.flow.questions) + 1):
            if self.finished or self._question().id not in answers:
                break
            if self.take(answers[self._question().id], confirmed=True) is not None:
                break
        return self.current

    # -- what there is to show -------------------------------------------------------

    @property
    def can_go_back(self) -> bool:
        return bool(self._history) or self._pending is not None

    @property
    def confirming(self) -> bool:
        """A "Did you mean …?" waits for its yes or no (`Prompt.confirm`)."""
        return self._pending is not None

    @property
    def finished(self) -> bool:
        return self.state in self.flow.outcomes

    @property
    def question(self) -> Question | None:
        """The question being asked, or None at the welcome and at an outcome."""
        return self.flow.questions.get(self.state)

    @property
    def current(self) -> Step:
        if self.finished:
            return self.result()
        question = self._question()
        pending = self._pending
        return Prompt(question, self.progress(question), self._error,
                      pending.confirm if pending is not None else None)

    def result(self) -> Result:
        outcome = self.flow.outcomes[self.state]
        verdict = triage(self.flow.rules, self.findings)
        reasons = tuple(rule for rule in verdict.rules if rule.level == outcome.level) or verdict.rules
        read = set().union(*(rule.when.findings() for rule in reasons)) if reasons else set()
        because = tuple(turn for turn in self.transcript
                        if any(name in read and value is not False for name, value in turn.findings.items()))
        return Result(outcome, reasons, because, dict(self.findings))

    def progress(self, question: Question) -> Progress:
        machine = self._machine
        return Progress(question.topic, self.flow.topics.get(question.topic),
                        machine.topic_numbers.get(question.topic, 0), len(machine.topic_numbers),
                        len(self.transcript), machine.at_most_left[question.id])

    @property
    def asked(self) -> list[str]:
        return [turn.question.id for turn in self.transcript]

    # -- called by the machine -----------------------------------------------------------

    def record(self, answer: Answer) -> None:
        """Store an answer's findings (and what they imply) and add it to the transcript."""
        question = self._question()
        machine = self._machine
        _record(self.findings, answer.findings, machine.implied, machine.derived_from, self.flow)
        self.transcript.append(Turn(question, answer.typed, answer.value,
                                    answer.shown.get(self.language), answer.findings, answer.confirmed))

    def _question(self) -> Question:
        if self.state not in self.flow.questions:
            raise RuntimeError(f"no question is being asked (the dialogue is at '{self.state}')")
        return self.flow.questions[self.state]


def _longest_paths(flow: Flow) -> dict[str, int]:
    """For each state, the most questions that may still be asked from it, itself included."""
    memo: dict[str, int] = {}

    def longest(name: str, visiting: frozenset) -> int:
        if name in memo:
            return memo[name]
        if name in visiting or name in flow.outcomes:
            return 0
        state = flow.state(name)
        here = 1 if name in flow.questions else 0
        best = max((longest(t.goto, visiting | {name}) for t in state.next), default=0)
        memo[name] = here + best
        return memo[name]

    for name in (*flow.questions, *flow.routes):
        longest(name, frozenset())
    return memo
