"""An amendment before it is saved: the flow run again by the engine with the amended answer.

Every other answer to a question the new run still asks is kept as the person gave it;
a question the first run never asked needs the nurse's answer (`Rerun.needs`), given in
`more`. `chatbot.records.review.amend` keeps the result, with the same ending a kiosk
would have written (`chatbot.records.transcript.ending`).
"""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.engine import Conversation, Prompt, Result
from chatbot.flow.model import Flow, Question
from chatbot.records.model import StoredSession
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
        raise AmendError(f"session {session.id} is not finished: only a finished session can be amended")
    answers = {answer.question_id: answer.typed for answer in session.kept_answers}
    if question_id not in answers:
        raise AmendError(f"session {session.id} has no answer to {question_id!r}")
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
