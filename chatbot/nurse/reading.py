"""A stored session read for a nurse, in one language: the one reading of a session every view renders.

The station's screen, the handover, the printable page and `chatbot records show` all
read a session through `read_session`. Questions, outcomes and reasons are looked up in
the flow by id, in the language asked for (the record's own words when there is no flow
or it no longer has them); answers are said in that language from their value, and the
patient's own typed words are kept as typed, to be quoted. The answers are the current
ones, each on one line, with what changed it folded into that line: a nurse's amendment
(who, when, why, the old answer), or the patient's own change with back (the old answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chatbot.flow.model import Flow
from chatbot.flow.text import printable
from chatbot.nurse.words import language_name, say
from chatbot.records.model import Amendment, Current, Identification, StoredAnswer, StoredSession
from chatbot.summary import value_in_words


@dataclass(frozen=True)
class Line:
    seq: int
    question_id: str
    question: str
    answer: str  # in the reading's language
    typed: str  # the patient's own words, as typed
    yes: bool
    withdrawn: bool = False
    change: str = ""  # what replaced the answer before it, folded: "amended by Ana 14:02: was Yes; ..."


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
    state: str = ""  # in_progress, stopped, abandoned, waiting, in_review, reviewed
    started: datetime | None = None
    """When the session started, in local time (the summary says it as its language writes a date)."""
    place: str = ""


def waited(delta: timedelta, language: str) -> str:
    """How long a session has waited, in the station's language: 7 min, 1 h 05."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return say("minutes", language, minutes=minutes)
    return say("hours", language, hours=minutes // 60, minutes=f"{minutes % 60:02d}")


def local(when: datetime | None) -> str:
    return "" if when is None else f"{when.astimezone():%H:%M}"


def identification(value: Identification | None, language: str) -> str:
    if value is None:
        return say("not_identified", language)
    if value.kind == "ticket":
        return say("ticket", language, value=printable(value.value))
    if value.kind == "name_dob":
        return f"{printable(value.name)} ({printable(value.born)})"
    return printable(value.kind)


def _answer(answer: StoredAnswer, flow: Flow | None, language: str, same_language: bool) -> str:
    """The answer in `language`: yes/no/not measured/°C from its value, a choice's labels (the words the
    patient saw, when they are in that language already)."""
    value = answer.value
    question = flow.questions.get(answer.question_id) if flow is not None else None
    if same_language and answer.shown:
        return printable(answer.shown)
    if isinstance(value, list) and question is not None and question.options:
        labels = [question.options[i].label.get(language) for i in value
                  if isinstance(i, int) and 0 <= i < len(question.options)]
        if labels:
            return "; ".join(labels)
    if value is None and question is not None and question.not_measured is not None:
        return question.not_measured.get(language)  # "No higher reading", not "not measured"
    if value is None or isinstance(value, (bool, float)):
        return value_in_words(value, "temperature" if answer.question_kind == "temperature" else None, language)
    return printable(answer.shown)


def _change(current: Current, flow: Flow | None, language: str, same_language: bool) -> str:
    if current.amendment is not None:
        amendment = current.amendment
        old = current.earlier
        was = _answer(old, flow, language, same_language) if old is not None else printable(amendment.old.shown)
        return say("amended_mark", language, actor=printable(amendment.by), at=local(amendment.at), old=was,
                   reason=printable(amendment.reason))
    if current.earlier is not None:
        return say("changed_mark", language, old=_answer(current.earlier, flow, language, same_language))
    return ""


def read_session(session: StoredSession, flow: Flow | None, language: str, at: datetime) -> Reading:
    """`session` as a nurse reads it, in `language`, at time `at` (for the waiting time). `flow` is the
    one it was answered on (None, or another flow: the record's own words)."""
    if flow is not None and flow.name != session.flow_name:
        flow = None
    same_language = language == session.language
    outcome = flow.outcomes.get(session.outcome or "") if flow is not None else None
    if outcome is not None:
        title = outcome.title.fill(emergency_number=flow.emergency_number).get(language)
        instruction = outcome.text.fill(emergency_number=flow.emergency_number).get(language)
    else:
        title, instruction = session.outcome_title or "", ""
    rules = {rule.id: rule for rule in flow.rules} if flow is not None else {}
    reasons = [rules[reason.id].for_nurse.get(language) if reason.id in rules else reason.reason
               for reason in session.reasons]
    state = session.state(at)
    level_word = say(session.level, language) if session.level else say(
        "not_finished", language, status=say(state, language, name=""))
    place = printable(session.place.removeprefix("kiosk:"))
    reading = Reading(
        session.id, session.level, level_word, printable(title), printable(instruction),
        [printable(reason) for reason in reasons], session.status,
        say("about", language, place=place, started=local(session.started_at),
            waited=waited(session.waited(at), language)),
        say("patient_language", language, language=language_name(session.language, language)),
        identification(session.identification, language), state=state,
        started=session.started_at.astimezone(), place=place)
    reading.who = reading.identification if session.identification else say(
        "not_identified_at", language, place=place, started=local(session.started_at))
    because = set(session.because)
    for current in session.current():
        answer = current.answer
        question = flow.questions.get(answer.question_id) if flow is not None else None
        text = question.text.get(language) if question is not None else answer.question_text
        line = Line(answer.seq, answer.question_id, printable(text), _answer(answer, flow, language, same_language),
                    printable(answer.typed), any(value is True for value in answer.findings.values()),
                    change=_change(current, flow, language, same_language))
        reading.transcript.append(line)
        if answer.question_id == "white_count" or "known_low_white_count" in answer.findings:
            reading.white_count = line.answer
        if answer.seq in because:
            reading.led_there.append(line)
        if line.yes:  # every yes, those that led there too: "Every yes: none" never sits under a yes
            reading.yeses.append(line)
        elif answer.seq not in because:
            reading.negatives.append(line)
    asked = {answer.question_id: answer.question_text for answer in session.answers}
    for event in session.events:
        if event.kind == "help_requested":
            reading.trail.append(say("help_requested_event", language, at=local(event.at)))
        elif event.kind == "help_answered":
            reading.trail.append(say("help_answered_event", language, at=local(event.at),
                                     actor=printable(event.actor)))
        elif event.kind == "reviewed":
            reading.trail.append(say("reviewed_event", language, at=local(event.at), actor=printable(event.actor)))
        elif event.kind == "amended":
            amendment = Amendment.from_event(event)
            question = flow.questions.get(amendment.question_id) if flow is not None else None
            text = question.text.get(language) if question is not None else asked.get(amendment.question_id, "")
            reading.trail.append(say(
                "amended_event", language, at=local(amendment.at), actor=printable(amendment.by),
                question=printable(text or amendment.question_id), old=printable(amendment.old.shown),
                new=printable(amendment.new.shown), old_level=_level(amendment.old_level, language),
                new_level=_level(amendment.new_level, language), reason=printable(amendment.reason)))
    return reading


def _level(level: str | None, language: str) -> str:
    return say(level, language) if level in ("emergency", "urgent", "routine") else "-"
