"""An amendment before it is saved, and what the amend form needs to know, in plain Python.

- `rerun(flow, session, question_id, typed, more)`: the flow run again by the engine with the
  amended answer. Every other answer to a question the new run still asks is kept as the person
  gave it; a question the first run never asked needs the nurse's answer (`Rerun.needs`), given
  in `more`. `chatbot.records.review.amend` keeps the result, with the same ending a kiosk would
  have written (`chatbot.records.transcript.ending`).
- `accepts(question, language)`: what the answer field takes, in the station's words ("yes, no or
  not sure"; a choice's numbers with their labels; a temperature or "not measured").
- `later_questions(flow, start, answered)`: the questions a re-run may still ask once it needs
  `start`, in the flow's order, so that the form shows them together, each with its own field.
- `unchanged(answers, run)`: the re-run gives every question the very answer the session has: an
  amendment that changes nothing, which the station refuses (it would count as a review).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from chatbot.catalog import message
from chatbot.engine import Conversation, Prompt, Result
from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Flow, Question
from chatbot.nurse.words import say
from chatbot.records.model import StoredAnswer, StoredSession
from chatbot.records.review import AmendError


@dataclass
class Rerun:
    """The flow run again with an amended answer: its result, or the question it still needs answered."""

    question_id: str
    typed: str
    conversation: Conversation
    needs: Question | None = None

    @property
    def result(self) -> Result | None:
        return self.conversation.result() if self.conversation.finished else None


def rerun(flow: Flow, session: StoredSession, question_id: str, typed: str,
          more: dict[str, str] | None = None) -> Rerun:
    """Run `flow` again on the session's answers with `question_id` answered `typed` (and `more`:
    answers to questions the first run did not ask); it stops at the first question without one."""
    if session.status != "finished":
        raise AmendError(message("session {session} is not finished: only a finished session can be amended").fill(
            session=session.id))
    answers = {answer.question_id: answer.typed for answer in session.kept_answers}
    if question_id not in answers:
        raise AmendError(message("session {session} has no answer to {question}").fill(
            session=session.id, question=repr(question_id)))
    answers.update(more or {})
    answers[question_id] = typed
    conversation = Conversation(flow, session.language)
    conversation.start()
    step = conversation.answer_from(answers)
    if isinstance(step, Prompt):
        if step.error is not None:
            raise AmendError(f"{step.question.id}: {answers.get(step.question.id)!r} is not an answer to it",
                             step.error)
        return Rerun(question_id, typed, conversation, needs=step.question)
    return Rerun(question_id, typed, conversation)

LABEL_MOST = 24
"""A choice's label is shortened to this many characters on the line that says what a field takes."""


def accepts(question: Question, language: str) -> str:
    """What an answer to `question` may be, in `language`: the line under the answer field."""
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = "; ".join(f"{number} {_short(option.label.get(language))}"
                            for number, option in enumerate(question.options, 1))
        return say("accepts_many" if kind == QuestionKind.MULTIPLE_CHOICE else "accepts_one", language,
                   options=options)
    return say(f"accepts_{kind.value}", language)


def _short(label: str, most: int = LABEL_MOST) -> str:
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


def later_questions(flow: Flow, start: str, answered: Iterable[str]) -> list[Question]:
    """`start` and every question the flow can go on to from it (through routes too), not yet
    `answered`, in the order the flow file lists them."""
    known = set(answered)
    seen: set[str] = set()
    waiting = [start]
    while waiting:
        node = waiting.pop()
        if node in seen:
            continue
        seen.add(node)
        step = flow.questions.get(node) or flow.routes.get(node)
        if step is not None:
            waiting.extend(transition.goto for transition in step.next)
    return [question for question_id, question in flow.questions.items()
            if question_id in seen and question_id not in known]


def _plain(value: Any) -> Any:
    """An answer's value as the records keep it (a choice's numbers as a list)."""
    return list(value) if isinstance(value, tuple) else value


def unchanged(answers: list[StoredAnswer], run: Rerun) -> bool:
    """True when the re-run (finished) answers the same questions with the same values as `answers`
    (the session's kept answers): a different way of typing the same answer changes nothing."""
    kept = [(answer.question_id, _plain(answer.value)) for answer in answers]
    again = [(turn.question.id, _plain(turn.value)) for turn in run.conversation.transcript]
    return run.result is not None and kept == again
