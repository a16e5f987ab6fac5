"""The nurse station's writes: who has a session open, a review, an amendment, a help request answered.

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

A staffed kiosk's "Ask for help" is answered with a `help_answered` event (actor: the
nurse; detail `asked_at, last_at, asks`: the request it closes); the schema's trigger then
clears the request from the session's row, which every station watches.

Every write here is done as the nurse signed in on the store (`staff.actor`), never a
name passed in. On PostgreSQL each is one SECURITY DEFINER function of the schema
(`rec_claim`, `rec_release`, `rec_review`, `rec_amend`, `rec_answer_help`) that finds the nurse from the
connection's sign-in and records the event itself: a staff login can write nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatbot.catalog import Message, message
from chatbot.engine import Conversation, Turn
from chatbot.flow.text import Text
from chatbot.records.connector import Json
from chatbot.records.model import Event, StoredAnswer, StoredSession, iso
from chatbot.records.staff import actor
from chatbot.records.store import SessionReader, record_answer, record_event, withdraw_answers
from chatbot.records.transcript import answer_record, ending, json_value
from chatbot.records.url import RecordsError


class StaleSession(RecordsError):
    """The session changed since it was opened: nothing was written; read it again."""


class AmendError(RecordsError):
    """An amendment that cannot be made (an answer the question cannot read, a session not finished)."""

    def __init__(self, message: str | Message, words: Text | None = None):
        super().__init__(message)
        self.words = words  # what the question says about the answer, in the flow's languages


def claim(store: SessionReader, session_id: str, at: datetime) -> None:
    """Note that the signed-in nurse has the session open (the queue shows "in review by")."""
    store.connector.execute("claim_session", id=session_id, staff=actor(store), at=at)


def release(store: SessionReader, session_id: str) -> None:
    """Lift the signed-in nurse's claim (another nurse's stays)."""
    store.connector.execute("release_session", id=session_id, staff=actor(store))


def answer_help(store: SessionReader, session_id: str, at: datetime) -> bool:
    """Mark the session's open help request answered by the signed-in nurse; False when none was open (another
    station answered it first: nothing is written)."""
    connector, staff = store.connector, actor(store)
    if connector.definer:
        return bool(connector.one("answer_help", id=session_id, at=at)["answered"])
    with connector.transaction():
        rows = connector.fetch("session_by_id", id=session_id)
        if not rows or rows[0]["help_asked_at"] is None:
            return False
        row = rows[0]
        record_event(connector, Event(session_id, None, "help_answered", at, staff, {
            "asked_at": iso(row["help_asked_at"]), "last_at": iso(row["help_last_at"]), "asks": row["help_asks"]}))
    return True


def _checked(row: dict | None, session: StoredSession) -> int:
    if row is None or row["version"] is None:
        raise StaleSession(message("session {session} changed since version {version} was opened").fill(
            session=session.id, version=str(session.version)))
    return row["version"]


def review(store: SessionReader, session: StoredSession, at: datetime) -> int:
    """Mark the session, as it was read (`session.version`), reviewed by the signed-in nurse; the new version."""
    connector, staff = store.connector, actor(store)
    with connector.transaction():
        version = _checked(connector.one("review_session", id=session.id, version=session.version, staff=staff,
                                         at=at), session)
        if not connector.definer:  # PostgreSQL's rec_review records it
            record_event(connector, Event(session.id, None, "reviewed", at, staff, {"version": version}))
    return version


def _said(answer: StoredAnswer | Turn) -> dict[str, Any]:
    return {"typed": answer.typed, "shown": answer.shown or "",
            "findings": {name: json_value(value) for name, value in answer.findings.items()}}


def amend(store: SessionReader, session: StoredSession, conversation: Conversation, question_id: str,
          reason: str, at: datetime) -> int:
    """Keep an amendment by the signed-in nurse (the module's text says how): `conversation` is the flow run
    again on the session's answers with `question_id` answered anew, to its outcome; the new version."""
    staff = actor(store)
    if session.status != "finished":
        raise AmendError(message("session {session} is not finished: only a finished session can be amended").fill(
            session=session.id))
    if not conversation.finished:
        raise AmendError(message("the flow run again has not reached an outcome yet"))
    reason = " ".join(reason.split())
    if not reason:
        raise AmendError(message("say briefly why the answer was amended"))
    kept, turns = session.kept_answers, conversation.transcript
    same = 0
    while (same < min(len(kept), len(turns)) and kept[same].question_id == turns[same].question.id
           and kept[same].typed == turns[same].typed):
        same += 1
    old = next((answer for answer in kept if answer.question_id == question_id), None)
    new = next((turn for turn in turns if turn.question.id == question_id), None)
    if old is None or new is None:
        raise AmendError(message("session {session} has no answer to {question}").fill(
            session=session.id, question=repr(question_id)))
    first = {answer.question_id: answer for answer in kept}
    connector = store.connector
    detail = {"question_id": question_id, "old": _said(old), "new": _said(new), "reason": reason,
              "old_level": session.level, "old_outcome": session.outcome}
    after = (kept[same - 1].seq if same else 0) if same < len(kept) else None
    with connector.transaction():
        last = connector.one("last_answer_seq", id=session.id)["seq"]
        seqs = [answer.seq for answer in kept[:same]] + list(range(last + 1, last + 1 + len(turns) - same))
        result = ending(conversation, session.id, seqs, at)
        ended = {"level": result.level, "outcome": result.outcome, "outcome_title": result.outcome_title,
                 "reasons": Json(list(result.reasons)), "because": Json(list(result.because))}
        if connector.definer:  # one function: the answers' givers, the event and its levels are the database's
            answers = [answer_record(session.id, seq, turn, session.language, at, staff)
                       for turn, seq in zip(turns[same:], seqs[same:])]
            return _checked(connector.one(
                "amend_whole", id=session.id, version=session.version, at=at, **ended, after_seq=after,
                answers=Json([_answer_json(answer) for answer in answers]), detail=Json(detail)), session)
        version = _checked(connector.one("amend_session", id=session.id, version=session.version, staff=staff,
                                         at=at, **ended), session)
        if after is not None:
            withdraw_answers(connector, session.id, after, None, at)
        for turn, seq in zip(turns[same:], seqs[same:]):
            earlier = first.get(turn.question.id)
            given_by = staff if turn.question.id == question_id or earlier is None or earlier.typed != turn.typed \
                else earlier.given_by
            record_answer(connector, answer_record(session.id, seq, turn, session.language, at, given_by))
        record_event(connector, Event(session.id, None, "amended", at, staff, {
            **detail, "new_level": result.level, "new_outcome": result.outcome, "version": version}))
    return version


def _answer_json(answer) -> dict[str, Any]:
    return {"seq": answer.seq, "question_id": answer.question_id, "question_text": answer.question_text,
            "question_kind": answer.question_kind, "typed": answer.typed, "shown": answer.shown,
            "value": answer.value, "findings": answer.findings}
