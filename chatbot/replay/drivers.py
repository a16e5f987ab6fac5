"""Drivers: what carries a script's steps to a conversation, and reports what was seen.

The runner's checks never touch a conversation. A driver applies each step (an
answer as typed, back, restart) and reports a `Seen`: the question now asked or
the outcome reached, any reprompt, and the findings recorded. `EngineDriver`
talks to the engine directly; a driver for the Textual UI (`--tui`) presses the
same keys a person would through Textual's Pilot and reports the same `Seen`,
so one script checks both. Async drivers (the UI's) have the same methods as
coroutines; `run_script_async` drives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Protocol

from chatbot.engine import Conversation, Result
from chatbot.flow.model import Flow
from chatbot.summary import phone_line

if TYPE_CHECKING:
    from chatbot.records.recorder import Recorder


@dataclass(frozen=True)
class Seen:
    """The conversation as it stands after an action: what a tester would see."""

    question: str | None
    question_text: str = ""
    error: str | None = None
    outcome: str | None = None
    level: str | None = None
    reasons: tuple[str, ...] = ()
    findings: Mapping[str, Any] = field(default_factory=dict)
    asked: tuple[str, ...] = ()
    words: str = ""  # at an outcome, what it tells the person: its title, text and what to say on the phone
    confirm: str | None = None  # a "Did you mean …?" about the last answer, waiting for yes or no

    @property
    def finished(self) -> bool:
        return self.question is None

    def describe(self) -> str:
        """'the question chills was asked: "..."', or 'the conversation ended at emergency (...)'."""
        if self.finished:
            return f"the conversation ended at {self.level} ({self.outcome})"
        if self.confirm is not None:
            return f'the question {self.question} asked to confirm the answer: "{self.confirm}"'
        return f'the question {self.question} was asked: "{self.question_text}"'


class Driver(Protocol):
    """Applies steps to one conversation and says what is seen after each."""

    name: str

    def start(self) -> Seen: ...

    def answer(self, typed: str) -> Seen: ...

    def back(self) -> Seen: ...

    def restart(self) -> Seen: ...


class AsyncDriver(Protocol):
    """A `Driver` whose actions are coroutines (the Textual UI through Pilot)."""

    name: str

    async def start(self) -> Seen: ...

    async def answer(self, typed: str) -> Seen: ...

    async def back(self) -> Seen: ...

    async def restart(self) -> Seen: ...


def seen_of(conversation: Conversation) -> Seen:
    """What a conversation shows now (a UI driver reads its app's conversation with this too)."""
    step = conversation.current
    findings = dict(conversation.findings)
    asked = tuple(conversation.asked)
    if isinstance(step, Result):
        return Seen(None, outcome=step.outcome.id, level=step.level,
                    reasons=tuple(rule.id for rule in step.reasons), findings=findings, asked=asked,
                    words=outcome_words(step, conversation.flow.emergency_number, conversation.language))
    language = conversation.language
    return Seen(step.question.id, step.question.text.get(language),
                step.error.get(language) if step.error is not None else None, findings=findings, asked=asked,
                confirm=step.confirm.get(language) if step.confirm is not None else None)


def outcome_words(result: Result, emergency_number: str, language: str) -> str:
    """What an outcome tells the person, as the screen draws it: title, text, phone line."""
    outcome = result.outcome
    parts = [text.fill(emergency_number=emergency_number).get(language) for text in (outcome.title, outcome.text)]
    return "\n".join([*parts, phone_line(result, language)])


class EngineDriver:
    """Replays straight on the engine: no screen, microseconds per step."""

    name = "engine"

    def __init__(self, flow: Flow, language: str | None = None, recorder: Recorder | None = None):
        self.conversation = Conversation(flow, language)
        self.recorder = recorder
        """Keeps the conversation in the session records (`chatbot replay --database URL`), or None."""

    def start(self) -> Seen:
        self.conversation.start()
        if self.recorder is not None:
            self.recorder.begin(self.conversation)
        return seen_of(self.conversation)

    def answer(self, typed: str) -> Seen:
        self.conversation.answer(typed)
        if self.recorder is not None:
            self.recorder.answered(self.conversation)
        return seen_of(self.conversation)

    def back(self) -> Seen:
        self.conversation.back()
        if self.recorder is not None:
            self.recorder.went_back(self.conversation)
        return seen_of(self.conversation)

    def restart(self) -> Seen:
        self.conversation.restart()
        if self.recorder is not None:
            self.recorder.restarted(self.conversation)
        return seen_of(self.conversation)
