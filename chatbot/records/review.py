"""The nurse station's writes: who has a session open, a review, an amendment.

Nothing is overwritten. A review is a `reviewed` event (actor: the nurse; detail
`{"version"}`). An amendment is the flow run again by the engine with the amended answer
(the nurse station does that, `chatbot.nurse.amending`); here it is kept, in one
transaction, through the same named writes a kiosk uses: the answers from the first that
changed on are withdrawn, the new run's answers from there are added as new rows (the
amended one given by the nurse, the others by whoever gave them first), the new ending
(`transcript.ending`, as a kiosk's) goes on the session row, and an `amended` event
(actor: the nurse; detail `question_id, old, new, reason, old_level, new_level,
old_outcome, new_outcome, version`) says who, when and why.

Both check the session's `version` in the same statement that raises it: a nurse who
reviewed or amended an older version than the one stored gets `StaleSession`, and
nothing of theirs is written. `version` in an event's detail is the version the write
made, so a session whose version equals its last review's was reviewed as it is now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatbot.engine import Conversation, Turn
from chatbot.flow.text import Text
from chatbot.records.connector import Json
from chatbot.records.model import Event, StoredAnswer, StoredSession
from chatbot.records.store import SessionReader, record_answer, record_event, withdraw_answers
from chatbot.records.transcript import answer_record, ending, json_value
from chatbot.records.url import RecordsError


class StaleSession(RecordsError):
    """The session changed since it was opened: nothing was written; read it again."""


class AmendError(RecordsError):
    """An amendment that cannot be made (an answer the question cannot read, a session not finished)."""

    def __init__(self, message: str, words: Text | None = None):
        super().__init__(message)
        self.words = words  # what the question says about the answer, in the flow's languages


def claim(store: SessionReader, session_id: str, staff: str, at: datetime) -> None:
    """Note that `staff` has the session open (the queue shows "in review by")."""
    store.connector.execute("claim_session", id=session_id, staff=staff, at=at)


def release(store: SessionReader, session_id: str, staff: str) -> None:
    store.connector.execute("release_session", id=session_id, staff=staff)


def _checked(changed: int, session: StoredSession) -> int:
    if changed != 1:
        raise StaleSession(f"session {session.id} changed since version {session.version} was opened")
    return session.version + 1


def review(store: SessionReader, session: StoredSession, staff: str, at: datetime) -> int:
    """Mark the session, as it was read (`session.version`), reviewed by `staff`; the new version."""
    connector = store.connector
    with connector.transaction():
        version = _checked(connector.execute("review_session", id=session.id, version=session.version,
                                             staff=staff, at=at), session)
        record_event(connector, Event(session.id, None, "reviewed", at, staff, {"version": version}))
    return version


def _said(answer: StoredAnswer | Turn) -> dict[str, Any]:
    return {"typed": answer.typed, "shown": answer.shown or "",
            "findings": {name: json_value(value) for name, value in answer.findings.items()}}


def amend(store: SessionReader, session: StoredSession, conversation: Conversation, question_id: str,
          reason: str, staff: str, at: datetime) -> int:
    """Keep an amendment (the module's text says how): `conversation` is the flow run again on the
    session's answers with `question_id` answered anew, to its outcome; the session's new version."""
    if session.status != "finished":
        raise AmendError(f"session {session.id} is not finished: only a finished session can be amended")
    if not conversation.finished:
        raise AmendError("the flow run again has not reached an outcome yet")
    reason = " ".join(reason.split())
    if not reason:
        raise AmendError("say briefly why the answer was amended")
    kept, turns = session.kept_answers, conversation.transcript
    same = 0
    while (same < min(len(kept), len(turns)) and kept[same].question_id == turns[same].question.id
           and kept[same].typed == turns[same].typed):
        same += 1
    old = next((answer for answer in kept if answer.question_id == question_id), None)
    new = next((turn for turn in turns if turn.question.id == question_id), None)
    if old is None or new is None:
        raise AmendError(f"session {session.id} has no answer to {question_id!r}")
    first = {answer.question_id: answer for answer in kept}
    connector = store.connector
    with connector.transaction():
        last = connector.one("last_answer_seq", id=session.id)["seq"]
        seqs = [answer.seq for answer in kept[:same]] + list(range(last + 1, last + 1 + len(turns) - same))
        result = ending(conversation, session.id, seqs, at)
        version = _checked(connector.execute(
            "amend_session", id=session.id, version=session.version, staff=staff, at=at, level=result.level,
            outcome=result.outcome, outcome_title=result.outcome_title, reasons=Json(list(result.reasons)),
            because=Json(list(result.because))), session)
        if same < len(kept):
            withdraw_answers(connector, session.id, kept[same - 1].seq if same else 0, None, at)
        for turn, seq in zip(turns[same:], seqs[same:]):
            earlier = first.get(turn.question.id)
            given_by = staff if turn.question.id == question_id or earlier is None or earlier.typed != turn.typed \
                else earlier.given_by
            record_answer(connector, answer_record(session.id, seq, turn, session.language, at, given_by))
        record_event(connector, Event(session.id, None, "amended", at, staff, {
            "question_id": question_id, "old": _said(old), "new": _said(new), "reason": reason,
            "old_level": session.level, "new_level": result.level, "old_outcome": session.outcome,
            "new_outcome": result.outcome, "version": version}))
    return version
