"""The nurse station's data: the queue, opening, reviewing and amending a session.

Nothing is overwritten. A review is a `reviewed` event (actor: the nurse; detail
`{"version"}`). An amendment re-runs the flow with the amended answer (every other
answer to a question still asked is kept) and, in one transaction: marks the old answer
rows from the first that changed on as withdrawn, appends the re-run's answers from
there as new rows (new seq numbers), puts the re-run's level, outcome, reasons and
because on the session row, and adds an `amended` event (actor: the nurse; detail
`question_id, old, new, reason, old_level, new_level, old_outcome, new_outcome,
version`). The current answers are then the rows not withdrawn, in seq order.

Both check the session's `version` in the same statement that raises it: a nurse who
reviewed or amended an older version than the one stored gets `StaleSession`, and
nothing of theirs is written. `version` in an event's detail is the version the write
made, so a session whose version equals its last review's was reviewed as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chatbot.engine import Conversation, Result, Turn
from chatbot.flow.model import Flow, Question
from chatbot.flow.text import Text
from chatbot.records.recorder import _json_value
from chatbot.records.store import StoredSession
from chatbot.records.tables import Json, Tables
from chatbot.records.url import RecordsError

LEVELS = ("emergency", "urgent", "routine")
CLAIM_FOR = timedelta(minutes=15)  # "in review by" lapses when a station closed without saying so
STATES = ("in_progress", "waiting", "in_review", "reviewed", "abandoned")


class StaleSession(RecordsError):
    """The session changed since it was opened: nothing was written; read it again."""


@dataclass(frozen=True)
class QueueEntry:
    """One session as the queue shows it."""

    id: str
    place: str
    language: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    level: str | None
    outcome_title: str | None
    version: int
    in_review_by: str | None
    in_review_at: datetime | None
    reviewed_by: str | None
    identification: dict[str, Any] | None
    help_requested_at: datetime | None = None
    """The last time the person asked for staff to come (a staffed kiosk's "Ask for help"), or None."""

    def state(self, at: datetime) -> str:
        """in_progress, waiting (for review), in_review (by `in_review_by`), reviewed, or abandoned."""
        if self.reviewed_by is not None:
            return "reviewed"
        if self.in_review_by is not None and self.in_review_at is not None and at - self.in_review_at < CLAIM_FOR:
            return "in_review"
        return {"unfinished": "in_progress", "abandoned": "abandoned"}.get(self.status, "waiting")

    def waited(self, at: datetime) -> timedelta:
        return at - (self.finished_at or self.started_at)

    @property
    def rank(self) -> tuple:
        """Emergencies first, then urgent, then routine, then those without a level; oldest first in each."""
        return (LEVELS.index(self.level) if self.level in LEVELS else len(LEVELS), self.started_at, self.id)


_QUEUE = ("SELECT id, place, language, started_at, finished_at, status, level, outcome_title, version, "
          "in_review_by, in_review_at, reviewed_by, identification, (SELECT MAX(at) FROM events WHERE "
          "events.session_id = sessions.id AND events.kind = 'help_requested') FROM sessions")


def queue(tables: Tables, since: datetime | None = None) -> list[QueueEntry]:
    """The sessions in queue order (see `QueueEntry.rank`), those started since `since` when given."""
    sql, parameters = (_QUEUE + " WHERE started_at >= ?", (since,)) if since is not None else (_QUEUE, ())
    entries = []
    for row in tables.rows(sql, parameters):
        (id_, place, language, started, finished, status, level, title, version, by, at, reviewed,
         identification, help_at) = row
        entries.append(QueueEntry(id_, place, language, tables.time(started), tables.time(finished), status,
                                  level, title, version, by, tables.time(at), reviewed,
                                  tables.json(identification), tables.time(help_at)))
    entries.sort(key=lambda entry: entry.rank)
    return entries


def claim(tables: Tables, session_id: str, staff: str, at: datetime) -> None:
    """Note that `staff` has the session open (the queue shows "in review by")."""
    tables.write("UPDATE sessions SET in_review_by = ?, in_review_at = ? WHERE id = ?", (staff, at, session_id))


def release(tables: Tables, session_id: str, staff: str) -> None:
    tables.write("UPDATE sessions SET in_review_by = NULL, in_review_at = NULL WHERE id = ? AND in_review_by = ?",
                 (session_id, staff))


def _raise_version(run, session_id: str, seen: int, staff: str, at: datetime, extra: str = "",
                   parameters: tuple = ()) -> int:
    changed = run(f"UPDATE sessions SET version = version + 1, reviewed_by = ?, reviewed_at = ?, "
                  f"in_review_by = NULL, in_review_at = NULL{extra} WHERE id = ? AND version = ?",
                  (staff, at, *parameters, session_id, seen)).rowcount
    if changed != 1:
        raise StaleSession(f"session {session_id} changed since version {seen} was opened")
    return seen + 1


def _event(run, session_id: str, kind: str, staff: str, at: datetime, detail: dict) -> None:
    run("INSERT INTO events (session_id, seq, kind, actor, at, detail) VALUES (?, NULL, ?, ?, ?, ?)",
        (session_id, kind, staff, at, Json(detail)))


def review(tables: Tables, session: StoredSession, staff: str, at: datetime) -> int:
    """Mark the session, as it was read (`session.version`), reviewed by `staff`; the new version."""
    with tables.transaction() as run:
        version = _raise_version(run, session.id, session.version, staff, at)
        _event(run, session.id, "reviewed", staff, at, {"version": version})
    return version


# -- amending -------------------------------------------------------------------------------


class AmendError(RecordsError):
    """An amendment that cannot be made (an answer the question cannot read, a session not finished)."""

    def __init__(self, message: str, words: Text | None = None):
        super().__init__(message)
        self.words = words  # what the question says about the answer, in the flow's languages


@dataclass
class Rerun:
    """The flow re-run with an amended answer: its result, or the question it still needs answered."""

    question_id: str
    typed: str
    conversation: Conversation
    needs: Question | None = None

    @property
    def result(self) -> Result | None:
        return self.conversation.result() if self.conversation.finished else None


def rerun(flow: Flow, session: StoredSession, question_id: str, typed: str,
          more: dict[str, str] | None = None) -> Rerun:
    """Re-run `flow` on the session's answers with `question_id` answered `typed` (and `more`:
    answers to questions the first run did not ask). Stops at the first question without an answer."""
    if session.status != "finished":
        raise AmendError(f"session {session.id} is not finished: only a finished session can be amended")
    answers = {answer["question_id"]: answer["typed"] for answer in session.kept_answers}
    if question_id not in answers:
        raise AmendError(f"session {session.id} has no answer to {question_id!r}")
    answers.update(more or {})
    answers[question_id] = typed
    conversation = Conversation(flow, session.language)
    conversation.start()
    for _ in range(len(flow.questions) + 1):
        if conversation.finished:
            return Rerun(question_id, typed, conversation)
        question = conversation.current.question
        if question.id not in answers:
            return Rerun(question_id, typed, conversation, needs=question)
        # Words that fit a choice in part were confirmed by the person when kept; the nurse's own
        # amendment is confirmed by its preview (the new level, beside the old) before it is saved.
        step = conversation.answer(answers[question.id], confirmed=True)
        if not conversation.finished and step.question.id == question.id and step.error is not None:
            raise AmendError(f"{question.id}: {answers[question.id]!r} is not an answer to it", step.error)
    raise AmendError("the re-run did not end")


def _said(answer: dict | Turn) -> dict[str, Any]:
    if isinstance(answer, Turn):
        return {"typed": answer.typed, "shown": answer.shown or "",
                "findings": {name: _json_value(value) for name, value in answer.findings.items()}}
    return {"typed": answer["typed"], "shown": answer["shown"], "findings": answer["findings"]}


def amend(tables: Tables, session: StoredSession, run_: Rerun, reason: str, staff: str, at: datetime) -> int:
    """Save an amendment (the module's text says how); the session's new version."""
    result = run_.result
    if result is None:
        raise AmendError("the re-run has not reached an outcome yet")
    reason = " ".join(reason.split())
    if not reason:
        raise AmendError("say briefly why the answer was amended")
    conversation = run_.conversation
    language = session.language
    kept = session.kept_answers
    turns = conversation.transcript
    same = 0
    while (same < min(len(kept), len(turns)) and kept[same]["question_id"] == turns[same].question.id
           and kept[same]["typed"] == turns[same].typed):
        same += 1
    old = next(answer for answer in kept if answer["question_id"] == run_.question_id)
    new = next(turn for turn in turns if turn.question.id == run_.question_id)
    flow = conversation.flow
    title = result.outcome.title.fill(emergency_number=flow.emergency_number).get(language)
    reasons = [{"id": rule.id, "reason": rule.for_nurse.get(language)} for rule in result.reasons]
    with tables.transaction() as run:
        last = run("SELECT coalesce(max(seq), 0) FROM answers WHERE session_id = ?", (session.id,)).fetchall()[0][0]
        seqs = [answer["seq"] for answer in kept[:same]] + list(range(last + 1, last + 1 + len(turns) - same))
        by_turn = {id(turn): seq for turn, seq in zip(turns, seqs)}
        because = [by_turn[id(turn)] for turn in result.because if id(turn) in by_turn]
        version = _raise_version(
            run, session.id, session.version, staff, at,
            ", level = ?, outcome = ?, outcome_title = ?, reasons = ?, because = ?",
            (result.level, result.outcome.id, title, Json(reasons), Json(because)))
        for answer in kept[same:]:
            run("UPDATE answers SET withdrawn_at = ? WHERE session_id = ? AND seq = ?", (at, session.id, answer["seq"]))
        for turn, seq in zip(turns[same:], seqs[same:]):
            said = _said(turn)
            run("INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, "
                "value, findings, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session.id, seq, turn.question.id, turn.question.text.get(language), turn.question.kind,
                 turn.typed, said["shown"], Json(_json_value(turn.value)), Json(said["findings"]), at))
        _event(run, session.id, "amended", staff, at, {
            "question_id": run_.question_id, "old": _said(old), "new": _said(new), "reason": reason,
            "old_level": session.level, "new_level": result.level, "old_outcome": session.outcome,
            "new_outcome": result.outcome.id, "version": version})
    return version
