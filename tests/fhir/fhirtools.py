"""Helpers the FHIR tests share: conversations recorded into a real store, the scripted conversations
replayed into one, and sessions with fixed ids and times."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

from chatbot.engine import Conversation
from chatbot.records.backends import open_reader, open_writer
from chatbot.records.recorder import Recorder
from chatbot.records.store import record_event
from chatbot.records.model import AnswerRecord, Ending, Event, StoredSession
from chatbot.replay import ScriptReader

from randomtalk import Expected, expected

SCRIPTS = Path(__file__).resolve().parents[1] / "conversations"

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

# Typed answers that end at each level on the bundled flow.
ANSWERS = {
    "emergency": ["1, 3"],
    "urgent": ["7", "not sure", "no", "not measured", "no", "no", "no", "1, 2", "4", "no", "no", "no", "yes", "no",
               "no", "no", "no", "yes"],
    "routine": ["7", "no", "no", "98.6 F", "no", "no", "no", "5", "4", "no", "no", "no", "yes", "no", "no", "no", "no",
                "no"],
}


def record(url: str, flow, typed: list[str], language: str | None = None, tmp=None) -> str:
    """Answer `typed` on the engine with a real Recorder writing to `url`; the session's id."""
    recorder = Recorder(url, place="replay", unsaved_dir=tmp)
    conversation = Conversation(flow, language)
    conversation.start()
    session_id = recorder.begin(conversation)
    for answer in typed:
        conversation.answer(answer)
        recorder.answered(conversation)
    assert recorder.close() is None
    return session_id


@dataclasses.dataclass(frozen=True)
class Left:
    """A session a scripted conversation left in the store, and the engine as it stood when it was left."""

    session_id: str
    level: str | None  # the ending's level when the conversation had finished, else None
    engine: Expected  # what the engine asked and found, and what a form offers next (randomtalk.expected)
    last: bool  # the script's last session; the others were left by a restart


def replay_scripts(url: str, folder: Path) -> list[Left]:
    """Every script of tests/conversations replayed on the engine and kept by a real Recorder in `url`
    (its outbox and unsaved files in `folder`): each session it left, in order.

    The script's own steps, as the replay driver takes them: answer, back, restart. A Recorder per
    script, as each app has its own, delivering on this thread (`randomtalk.wander` says why); every one
    closes with everything in the database.
    """
    left = []
    for script in ScriptReader().read([SCRIPTS]):
        recorder = Recorder(url, place="replay", outbox_dir=folder / "outbox", unsaved_dir=folder / "unsaved",
                            background=False)
        conversation = Conversation(script.flow, script.language)
        conversation.start()
        recorder.begin(conversation)
        for step in script.steps:
            if step.kind == "answer":
                conversation.answer(step.typed)
                recorder.answered(conversation)
            elif step.kind == "back":
                conversation.back()
                recorder.went_back(conversation)
            elif step.kind == "restart":
                left.append(_left(recorder.session_id, conversation, last=False))
                conversation.restart()
                recorder.restarted(conversation)
        left.append(_left(recorder.session_id, conversation, last=True))
        assert recorder.close() is None
    return left


def _left(session_id: str, conversation: Conversation, last: bool) -> Left:
    level = conversation.result().level if conversation.finished else None  # before `expected` looks ahead
    return Left(session_id, level, expected(conversation), last)


def amend_last(url: str, flow, session_id: str, typed: list[str], new: str, nurse: str = "nurse:alice") -> None:
    """A nurse's amendment of the last answer, written as the nurse station will (the data contract)."""
    with open_reader(url) as reader:
        session = reader.get_session(session_id)
    old = session.kept_answers[-1]
    conversation = Conversation(flow, session.language)
    conversation.start()
    for answer in [*typed[:-1], new]:
        conversation.answer(answer)
    turn, result = conversation.transcript[-1], conversation.result()
    at = session.finished_at + timedelta(minutes=20)
    seq = max(answer.seq for answer in session.answers) + 1
    events = max(event.seq or 0 for event in session.events)
    detail = {"question_id": old.question_id,
              "old": {"typed": old.typed, "shown": old.shown, "findings": old.findings},
              "new": {"typed": turn.typed, "shown": turn.shown, "findings": turn.findings},
              "reason": "the patient said the tiredness is new", "old_level": session.level,
              "new_level": result.level, "old_outcome": session.outcome, "new_outcome": result.outcome.id,
              "version": 1}
    with open_writer(url) as writer:
        writer.withdraw_answers(session_id, old.seq - 1, Event(session_id, events + 1, "amended", at, nurse, detail))
        writer.record_answer(AnswerRecord(session_id, seq, turn.question.id, turn.question.text.get(session.language),
                                          turn.question.kind, turn.typed, turn.shown, turn.value, turn.findings, at),
                             Event(session_id, events + 2, "answered", at, nurse, {"question": turn.question.id}))
        writer.end_session(Ending(session_id, "finished", at, result.level, result.outcome.id,
                                  result.outcome.title.fill(emergency_number="911").get(session.language),
                                  tuple({"id": r.id, "reason": r.reason.get(session.language)} for r in result.reasons)),
                           Event(session_id, events + 3, "finished", at, nurse, {"level": result.level}))
    with open_reader(url) as reader:  # SQLite: the file's owner writes the event as it stood in the data contract
        record_event(reader.connector, Event(session_id, None, "reviewed", at + timedelta(minutes=5), nurse,
                                             {"version": 2}))


def fixed(session: StoredSession, name: str) -> StoredSession:
    """The session with its id and every time fixed, so that its export can be compared with a golden file."""
    shift = T0 - session.started_at

    def moved(when):
        return None if when is None else (when + shift).replace(microsecond=0)

    return dataclasses.replace(
        session, id=f"golden-{name}", started_at=T0, finished_at=moved(session.finished_at),
        answers=tuple(dataclasses.replace(answer, answered_at=moved(answer.answered_at),
                                          withdrawn_at=moved(answer.withdrawn_at)) for answer in session.answers),
        events=tuple(dataclasses.replace(event, at=moved(event.at)) for event in session.events))
