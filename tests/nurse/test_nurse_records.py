"""The station's data layer on both backends: staff, the queue, review and amendment, never overwriting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chatbot.records.backends import open_reader, open_writer
from chatbot.records.review import AmendError, StaleSession, amend, claim, queue, rerun, review
from chatbot.records.staff import StaffError, StaffPin, add_staff, allowed_at, list_staff, note_failure, note_success, remove_staff, staff_pin
from chatbot.records.store import now
from chatbot.records.tables import Tables

from nursetools import EMERGENCY, ROUTINE, URGENT, kiosk_session


@pytest.fixture
def tables(database):
    reader = open_reader(database)
    yield Tables(reader)
    reader.close()


def test_the_queue_puts_emergencies_first_then_oldest_first(database, flow, tables):
    """A nurse sees the most dangerous first; within a level, who has waited longest."""
    routine = kiosk_session(database, flow, ROUTINE)
    urgent = kiosk_session(database, flow, URGENT)
    first_emergency = kiosk_session(database, flow, EMERGENCY)
    second_emergency = kiosk_session(database, flow, EMERGENCY)
    stopped = kiosk_session(database, flow, EMERGENCY, count=2)
    entries = queue(tables)
    assert [entry.id for entry in entries] == [first_emergency, second_emergency, urgent, routine, stopped]
    assert [entry.state(now()) for entry in entries] == ["waiting"] * 4 + ["abandoned"]


def test_a_review_is_signed_and_a_second_on_the_old_version_refused(database, flow, tables):
    """Two nurses open the same session: the first review counts, the second is told, nothing is lost."""
    session_id = kiosk_session(database, flow, EMERGENCY)
    seen = tables.reader.get_session(session_id)
    claim(tables, session_id, "Rosa", now())
    assert queue(tables)[0].state(now()) == "in_review"
    assert review(tables, seen, "Rosa", now()) == seen.version + 1
    with pytest.raises(StaleSession):
        review(tables, seen, "Luis", now())
    after = tables.reader.get_session(session_id)
    assert [(e["kind"], e["actor"], e["detail"]) for e in after.events if e["kind"] == "reviewed"] == [
        ("reviewed", "Rosa", {"version": seen.version + 1})]
    assert queue(tables)[0].state(now()) == "reviewed"


def test_an_amendment_keeps_the_old_answer_and_changes_the_level(database, flow, tables):
    """The temperature taken at the desk was 38.6: the flow is re-run and the session becomes an emergency."""
    session_id = kiosk_session(database, flow, ROUTINE)
    before = tables.reader.get_session(session_id)
    run = rerun(flow, before, "temperature", "38.6")
    assert run.result.level == "emergency"
    version = amend(tables, before, run, "  measured at the desk ", "Rosa", now())
    after = tables.reader.get_session(session_id)
    assert (after.level, after.outcome, after.version) == ("emergency", run.result.outcome.id, version)
    assert len(after.answers) > len(before.answers)  # nothing deleted
    old = next(a for a in after.answers if a["question_id"] == "temperature" and a["withdrawn_at"] is not None)
    assert old["typed"] == "not measured"
    assert [a["question_id"] for a in after.kept_answers] == [t.question.id for t in run.conversation.transcript]
    assert [a["seq"] for a in after.kept_answers] == sorted(a["seq"] for a in after.kept_answers)
    assert set(after.because) <= {a["seq"] for a in after.kept_answers} and after.because
    [event] = [e for e in after.events if e["kind"] == "amended"]
    assert event["actor"] == "Rosa"
    detail = event["detail"]
    assert (detail["question_id"], detail["old"]["typed"], detail["new"]["typed"], detail["reason"]) == (
        "temperature", "not measured", "38.6", "measured at the desk")
    assert (detail["old_level"], detail["new_level"], detail["version"]) == ("routine", "emergency", version)
    assert set(detail["old"]) == set(detail["new"]) == {"typed", "shown", "findings"}
    with pytest.raises(StaleSession):  # a second nurse, still on the version before
        amend(tables, before, rerun(flow, before, "temperature", "37.0", {"temperature_highest": "no"}), "again",
              "Luis", now())
    assert tables.reader.get_session(session_id).level == "emergency"


def test_the_record_shows_the_original_the_amendment_and_who_made_it(database, flow, tables):
    """`chatbot records show`: the answer as first given stays visible beside the trail of who changed it."""
    from chatbot.records.summary import stored_summary

    session_id = kiosk_session(database, flow, ROUTINE)
    before = tables.reader.get_session(session_id)
    amend(tables, before, rerun(flow, before, "temperature", "38.6"), "measured at the desk", "Rosa", now())
    review(tables, tables.reader.get_session(session_id), "Luis", now())
    text = stored_summary(tables.reader.get_session(session_id), "en")
    earlier = text.index("Earlier answers, no longer counted")
    assert "-> Not measured" in text[earlier:]
    trail = text[text.index("Review trail:"):]
    assert "Rosa amended temperature: Not measured -> 38.6 °C (measured at the desk); level routine -> emergency" \
        in " ".join(trail.split())
    assert "reviewed by Luis" in trail


@pytest.mark.parametrize("question, typed, why", [
    ("temperature", "hot", "an answer the question cannot read"),
    ("no_such_question", "yes", "a question the person was not asked"),
])
def test_an_amendment_the_flow_cannot_take_is_refused(database, flow, tables, question, typed, why):
    """Bad input is one clear error; nothing is written."""
    session = tables.reader.get_session(kiosk_session(database, flow, ROUTINE))
    with pytest.raises(AmendError):
        rerun(flow, session, question, typed)
    assert tables.reader.get_session(session.id).version == session.version


def test_a_rerun_that_asks_a_new_question_says_which(database, flow, tables):
    """Changing "feverish" opens questions the person never saw: the nurse is asked them."""
    session = tables.reader.get_session(kiosk_session(database, flow, ROUTINE))
    run = rerun(flow, session, "feverish", "yes")
    assert run.result is None and run.needs is not None
    assert run.needs.id not in {a["question_id"] for a in session.kept_answers}


def test_staff_are_added_listed_removed_and_slowed_after_wrong_pins(database, tables):
    """The back-off lives in the store, so a restarted station still waits."""
    pin = StaffPin("Rosa", b"salt", b"digest", 2, 8, 1)
    add_staff(tables, pin, now())
    with pytest.raises(StaffError):
        add_staff(tables, pin, now())
    assert [name for name, _ in list_staff(tables)] == ["Rosa"]
    assert staff_pin(tables, "Rosa") == pin
    at = now()
    assert note_failure(tables, "Rosa", at, lambda failures: 2.0 ** failures) == at + timedelta(seconds=2)
    assert note_failure(tables, "Rosa", at, lambda failures: 2.0 ** failures) == at + timedelta(seconds=4)
    reopened = Tables(open_reader(database))
    assert allowed_at(reopened, "Rosa") == at + timedelta(seconds=4)
    note_success(reopened, "Rosa")
    assert allowed_at(reopened, "Rosa") is None
    reopened.reader.close()
    remove_staff(tables, "Rosa")
    with pytest.raises(StaffError):
        remove_staff(tables, "Rosa")


def test_a_kiosk_can_say_who_the_person_is(database, flow, tables):
    """Identification is kept on the session row for the station and the FHIR export."""
    session_id = kiosk_session(database, flow, ROUTINE)
    with open_writer(database) as writer:
        writer.identify(session_id, {"kind": "ticket", "value": "A12"})
    assert tables.reader.get_session(session_id).identification == {"kind": "ticket", "value": "A12"}
    assert queue(tables)[0].identification == {"kind": "ticket", "value": "A12"}
