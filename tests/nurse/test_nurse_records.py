"""The station's data layer on both backends: staff, the queue, review and amendment, never overwriting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chatbot.nurse.amending import rerun
from chatbot.nurse.handover import summary
from chatbot.nurse.reading import read_session
from chatbot.records.backends import open_reader
from chatbot.records.model import Identification, now
from chatbot.records.review import AmendError, StaleSession, amend, claim, review
from chatbot import pinhash
from chatbot.records.staff import LOCK_AFTER, StaffError, add_staff, list_staff, remove_staff, try_pin, unlock

from nursetools import EMERGENCY, ROUTINE, URGENT, kiosk_session
from recordtools import as_nurse


@pytest.fixture
def store(database):
    reader = open_reader(database)
    yield reader
    reader.close()


def queue(store):
    """The station's queue as it orders it: today's sessions and the unreviewed."""
    return sorted(store.queue(now() - timedelta(days=1)), key=lambda session: session.rank)


def amended(store, flow, session, question: str, typed: str, reason: str, staff: str,
            more: dict[str, str] | None = None) -> int:
    """An amendment as the station makes one: the flow run again by the engine, then kept."""
    run = rerun(flow, session, question, typed, more)
    return amend(as_nurse(store, staff), session, run.conversation, question, reason, now())


def test_the_queue_puts_emergencies_first_then_oldest_first(database, flow, store):
    """A nurse sees the most dangerous first; within a level, who has waited longest."""
    routine = kiosk_session(database, flow, ROUTINE)
    urgent = kiosk_session(database, flow, URGENT)
    first_emergency = kiosk_session(database, flow, EMERGENCY)
    second_emergency = kiosk_session(database, flow, EMERGENCY)
    left = kiosk_session(database, flow, EMERGENCY, count=2)
    entries = queue(store)
    assert [entry.id for entry in entries] == [first_emergency, second_emergency, urgent, routine, left]
    assert [entry.state(now()) for entry in entries] == ["waiting"] * 4 + ["stopped"]


def test_a_review_is_signed_and_a_second_on_the_old_version_refused(database, flow, store):
    """Two nurses open the same session: the first review counts, the second is told, nothing is lost."""
    session_id = kiosk_session(database, flow, EMERGENCY)
    seen = store.get_session(session_id)
    claim(as_nurse(store, "Rosa"), session_id, now())
    assert queue(store)[0].state(now()) == "in_review"
    assert review(as_nurse(store, "Rosa"), seen, now()) == seen.version + 1
    with pytest.raises(StaleSession):
        review(as_nurse(store, "Luis"), seen, now())
    after = store.get_session(session_id)
    assert [(e.kind, e.actor, e.detail) for e in after.events if e.kind == "reviewed"] == [
        ("reviewed", "Rosa", {"version": seen.version + 1})]
    assert queue(store)[0].state(now()) == "reviewed"


def test_an_amendment_keeps_the_old_answer_and_changes_the_level(database, flow, store):
    """The temperature taken at the desk was 38.6: the flow is re-run and the session becomes an emergency."""
    session_id = kiosk_session(database, flow, ROUTINE)
    before = store.get_session(session_id)
    run = rerun(flow, before, "temperature", "38.6")
    assert run.result.level == "emergency"
    version = amend(as_nurse(store, "Rosa"), before, run.conversation, "temperature", "  measured at the desk ", now())
    after = store.get_session(session_id)
    assert (after.level, after.outcome, after.version) == ("emergency", run.result.outcome.id, version)
    assert len(after.answers) > len(before.answers)  # nothing deleted
    old = next(a for a in after.answers if a.question_id == "temperature" and a.withdrawn)
    assert old.typed == "not measured" and old.given_by == "person"
    assert [a.question_id for a in after.kept_answers] == [t.question.id for t in run.conversation.transcript]
    assert [a.seq for a in after.kept_answers] == sorted(a.seq for a in after.kept_answers)
    assert set(after.because) <= {a.seq for a in after.kept_answers} and after.because
    assert {a.question_id: a.given_by for a in after.kept_answers}["temperature"] == "Rosa"
    assert {a.given_by for a in after.kept_answers if a.question_id != "temperature"} == {"person"}
    [event] = [e for e in after.events if e.kind == "amended"]
    assert event.actor == "Rosa"
    detail = event.detail
    assert (detail["question_id"], detail["old"]["typed"], detail["new"]["typed"], detail["reason"]) == (
        "temperature", "not measured", "38.6", "measured at the desk")
    assert (detail["old_level"], detail["new_level"], detail["version"]) == ("routine", "emergency", version)
    assert set(detail["old"]) == set(detail["new"]) == {"typed", "shown", "findings"}
    with pytest.raises(StaleSession):  # a second nurse, still on the version before
        amended(store, flow, before, "temperature", "37.0", "again", "Luis", {"temperature_highest": "no"})
    assert store.get_session(session_id).level == "emergency"


def test_an_amendment_ends_the_session_as_a_kiosk_would_have(database, flow, store):
    """One way from a conversation to its ending: the amended session's row is what a kiosk would have
    written had the person answered so (level, outcome, its title, the reasons, the answers behind them)."""
    session = store.get_session(kiosk_session(database, flow, ROUTINE))
    amended(store, flow, session, "temperature", "38.6", "measured at the desk", "Rosa")
    after = store.get_session(session.id)
    typed = {answer.question_id: answer.typed for answer in after.kept_answers}
    straight = store.get_session(kiosk_session(database, flow, {**ROUTINE, "temperature": 38.6}))
    assert {answer.question_id: answer.typed for answer in straight.kept_answers} == typed
    assert (after.level, after.outcome, after.outcome_title, after.reasons) == (
        straight.level, straight.outcome, straight.outcome_title, straight.reasons)
    because = lambda s: sorted(a.question_id for a in s.kept_answers if a.seq in s.because)  # noqa: E731
    assert because(after) == because(straight)


def test_the_record_shows_the_current_answers_with_the_amendment_folded_in(database, flow, store):
    """`chatbot records show`: one line per current answer, the nurse's change marked on it (who, when, why,
    the answer it replaced), not every answer withdrawn and given again; the trail says who did what."""
    session_id = kiosk_session(database, flow, ROUTINE)
    before = store.get_session(session_id)
    amended(store, flow, before, "temperature", "38.6", "measured at the desk", "Rosa")
    review(as_nurse(store, "Luis"), store.get_session(session_id), now())
    session = store.get_session(session_id)
    text = " ".join(summary(read_session(session, flow, "en", now()), "en").split())
    answers = text[text.index("Answers ("):text.index("Review trail:")]
    assert answers.count(" -> ") == len(session.kept_answers) < len(session.answers)
    assert '38.6 °C (typed: "38.6") [amended by Rosa at' in answers and "was: I have not measured it; why: measured at the desk]" in answers
    assert answers.count("[amended by") == 1 and "withdrawn" not in answers
    trail = text[text.index("Review trail:"):]
    assert "amended by Rosa" in trail and "I have not measured it -> 38.6" in trail and "routine -> EMERGENCY" in trail
    assert "reviewed by Luis" in trail


def test_a_change_made_with_back_is_folded_into_the_answer_that_stands(database, flow, store):
    """The person said yes, went back and said no: the nurse sees the no, and that it was a yes."""
    from chatbot.engine import Conversation
    from chatbot.records.recorder import Recorder

    from recordtools import answer_as

    recorder = Recorder(database, place="kiosk:k1")
    conversation = Conversation(flow)
    conversation.start()
    session_id = recorder.begin(conversation)
    conversation.answer("7")
    recorder.answered(conversation)
    conversation.answer("yes")
    recorder.answered(conversation)
    conversation.back()
    recorder.went_back(conversation)
    conversation.answer("no")
    recorder.answered(conversation)
    answer_as(conversation, {}, None, recorder)
    assert recorder.close() is None
    session = store.get_session(session_id)
    reading = read_session(session, flow, "es", now())
    changed = [line for line in reading.transcript if line.change]
    assert len(changed) == 1 and changed[0].change == "cambiada por el paciente, antes: sí"
    assert len(reading.transcript) == len(session.kept_answers)


@pytest.mark.parametrize("question, typed, why", [
    ("temperature", "hot", "an answer the question cannot read"),
    ("no_such_question", "yes", "a question the person was not asked"),
])
def test_an_amendment_the_flow_cannot_take_is_refused(database, flow, store, question, typed, why):
    """Bad input is one clear error; nothing is written."""
    session = store.get_session(kiosk_session(database, flow, ROUTINE))
    with pytest.raises(AmendError):
        rerun(flow, session, question, typed)
    assert store.get_session(session.id).version == session.version


def test_a_rerun_that_asks_a_new_question_says_which(database, flow, store):
    """Changing "feverish" opens questions the person never saw: the nurse is asked them."""
    session = store.get_session(kiosk_session(database, flow, ROUTINE))
    run = rerun(flow, session, "feverish", "yes")
    assert run.result is None and run.needs is not None
    assert run.needs.id not in {a.question_id for a in session.kept_answers}


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL's waits are on its own clock: test_roles.py
def test_staff_are_added_listed_removed_and_slowed_after_wrong_pins(database, store):
    """The back-off lives in the store, so a restarted station still waits; a right PIN starts it over; ten
    wrong in a row lock the name until an admin unlocks it."""
    setting = pinhash.PinHash(10, 8, 1, b"a salt for tests")
    right, wrong = pinhash.hash_pin("482619", setting), pinhash.hash_pin("000000", setting)
    add_staff(store, "Rosa", right, now())
    with pytest.raises(StaffError):
        add_staff(store, "Rosa", right, now())
    assert [name for name, _ in list_staff(store)] == ["Rosa"]
    at = now()
    delay = lambda failures: 2.0 ** failures  # noqa: E731
    assert try_pin(store, "Rosa", wrong, None, at, delay).wait == 2.0
    assert try_pin(store, "Rosa", wrong, None, at, delay) == try_pin(store, "Rosa", right, None, at, delay)
    assert not try_pin(store, "Rosa", right, None, at, delay).tried  # waiting: not even a right PIN is tried
    with open_reader(database) as reopened:
        assert try_pin(reopened, "Rosa", right, None, at + timedelta(seconds=1), delay).wait == 1.0
        assert try_pin(reopened, "Rosa", right, None, at + timedelta(seconds=2), delay).name == "Rosa"
    for failures in range(1, LOCK_AFTER + 1):
        attempt = try_pin(store, "Rosa", wrong, None, at + timedelta(hours=failures), delay)
        assert (attempt.tried, attempt.locked) == (True, failures == LOCK_AFTER)
    attempt = try_pin(store, "Rosa", right, None, at + timedelta(days=2), delay)
    assert (attempt.name, attempt.tried, attempt.locked) == (None, False, True)
    assert unlock(store, "Rosa")
    assert try_pin(store, "Rosa", right, None, at + timedelta(days=2), delay).name == "Rosa"
    remove_staff(store, "Rosa")
    with pytest.raises(StaffError):
        remove_staff(store, "Rosa")


def test_a_kiosk_can_say_who_the_person_is(database, flow, store):
    """Identification is kept on the session row for the station and the FHIR export."""
    session_id = kiosk_session(database, flow, ROUTINE, identification={"kind": "ticket", "value": "A12"})
    assert store.get_session(session_id).identification == Identification("ticket", "A12")
    assert queue(store)[0].identification == Identification("ticket", "A12")
