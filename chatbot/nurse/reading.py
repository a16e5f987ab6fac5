"""A stored session read for a nurse, in the station's language, whatever language the patient used.

Questions, outcomes and reasons are looked up in the flow by id, in the station's
language (the record's own words when the flow no longer has them); answers are said
in the station's language from their value, and the patient's own typed words are
kept as typed, to be quoted. The screen, the handover and the printable page all read
a session through `read_session`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chatbot.flow.model import Flow
from chatbot.flow.text import printable
from chatbot.records.summary import _value
from chatbot.nurse.words import language_name, say
from chatbot.records.store import StoredSession


@dataclass(frozen=True)
class Line:
    seq: int
    question_id: str
    question: str
    answer: str  # in the station's language
    typed: str  # the patient's own words, as typed
    yes: bool
    withdrawn: bool = False


@dataclass
class Reading:
    id: str
    level: str | None
    level_word: str
    outcome: str
    instruction: str
    reasons: list[str]
    status: str
    about: str
    patient_language: str
    identification: str
    who: str = ""
    """Whose session: the identification, or "not identified" with the kiosk and the time it started."""
    led_there: list[Line] = field(default_factory=list)
    yeses: list[Line] = field(default_factory=list)
    negatives: list[Line] = field(default_factory=list)
    transcript: list[Line] = field(default_factory=list)
    trail: list[str] = field(default_factory=list)
    white_count: str | None = None


def waited(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d}"


def local(when: datetime | None) -> str:
    return "" if when is None else f"{when.astimezone():%H:%M}"


def identification(value: dict[str, Any] | None, language: str) -> str:
    if not value:
        return say("not_identified", language)
    if value.get("kind") == "ticket":
        return say("ticket", language, value=printable(str(value.get("value", ""))))
    if value.get("kind") == "name_dob":
        return f"{printable(str(value.get('name', '')))} ({printable(str(value.get('born', '')))})"
    return printable(", ".join(f"{key}: {item}" for key, item in value.items()))


def _answer(answer: dict[str, Any], flow: Flow, language: str) -> str:
    """The answer in the station's language: yes/no/not measured/°C from its value, a choice's labels."""
    value = answer["value"]
    question = flow.questions.get(answer["question_id"])
    if isinstance(value, list) and question is not None and question.options:
        labels = [question.options[i].label.get(language) for i in value
                  if isinstance(i, int) and 0 <= i < len(question.options)]
        if labels:
            return "; ".join(labels)
    if value is None or isinstance(value, (bool, float)):
        return _value(value, answer["question_kind"], language)
    return printable(answer["shown"])


def _line(answer: dict[str, Any], flow: Flow, language: str) -> Line:
    question = flow.questions.get(answer["question_id"])
    text = question.text.get(language) if question is not None else answer["question_text"]
    yes = any(value is True for value in answer["findings"].values())
    return Line(answer["seq"], answer["question_id"], printable(text), _answer(answer, flow, language),
                printable(answer["typed"]), yes, answer["withdrawn_at"] is not None)


def read_session(session: StoredSession, flow: Flow, language: str, at: datetime) -> Reading:
    """`session` as the station shows it, in `language`, at time `at` (for the waiting time)."""
    outcome = flow.outcomes.get(session.outcome or "")
    if outcome is not None:
        title = outcome.title.fill(emergency_number=flow.emergency_number).get(language)
        instruction = outcome.text.fill(emergency_number=flow.emergency_number).get(language)
    else:
        title, instruction = session.outcome_title or "", ""
    rules = {rule.id: rule for rule in flow.rules}
    reasons = [rules[reason["id"]].for_nurse.get(language) if reason["id"] in rules else reason["reason"]
               for reason in session.reasons]
    level_word = say(session.level, language) if session.level else say("not_finished", language,
                                                                         status=say(_state(session), language))
    reading = Reading(
        session.id, session.level, level_word, printable(title), printable(instruction),
        [printable(reason) for reason in reasons], session.status,
        say("about", language, place=printable(session.place.removeprefix("kiosk:")),
            started=local(session.started_at), waited=waited(at - (session.finished_at or session.started_at))),
        say("patient_language", language, language=language_name(session.language, language)),
        identification(session.identification, language))
    reading.who = reading.identification if session.identification else say(
        "not_identified_at", language, place=printable(session.place.removeprefix("kiosk:")),
        started=local(session.started_at))
    because = set(session.because)
    for answer in session.answers:
        line = _line(answer, flow, language)
        reading.transcript.append(line)
        if line.withdrawn:
            continue
        if answer["question_id"] == "white_count" or "known_low_white_count" in answer["findings"]:
            reading.white_count = line.answer
        if answer["seq"] in because:
            reading.led_there.append(line)
        if line.yes:  # every yes, those that led there too: "Every yes: none" never sits under a yes
            reading.yeses.append(line)
        elif answer["seq"] not in because:
            reading.negatives.append(line)
    for event in session.events:
        when = local(event["at"])
        if event["kind"] == "reviewed":
            reading.trail.append(say("reviewed_event", language, at=when, actor=printable(event["actor"])))
        elif event["kind"] == "amended":
            detail = event["detail"]
            reading.trail.append(say(
                "amended_event", language, at=when, actor=printable(event["actor"]),
                question=detail.get("question_id", ""), old=printable(str(detail.get("old", {}).get("typed", ""))),
                new=printable(str(detail.get("new", {}).get("typed", ""))),
                old_level=detail.get("old_level"), new_level=detail.get("new_level"),
                reason=printable(str(detail.get("reason", "")))))
    return reading


def _state(session: StoredSession) -> str:
    return {"unfinished": "in_progress", "abandoned": "abandoned"}.get(session.status, "waiting")
