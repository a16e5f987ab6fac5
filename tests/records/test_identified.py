"""Who the person is never changes without the event that says so, on either backend.

A kiosk's identification (and a correction of it) is one write with its `identified` event,
one transaction in the store, and each backend refuses the identification alone (PostgreSQL in
rec_identify, SQLite by a trigger: migration 0008). Outboxes written by earlier chatbots hold
the two as separate writes, one after the other: they are delivered as one, also when a batch
would have cut between them. The databases are real ones, away for real and then back.
"""

from __future__ import annotations

import pytest

from chatbot.engine import Conversation
from chatbot.records.backends import open_reader, open_writer
from chatbot.records.connector import Json
from chatbot.records.delivery import BATCH
from chatbot.records.model import Event, SessionStart, Write, now
from chatbot.records.outbox import Outbox
from chatbot.records.recorder import Recorder
from chatbot.records.url import RecordsError, parse_database_url

from recordtools import answer_as

ANA = {"kind": "name_dob", "name": "Ana", "born": "1980-02-03"}
ANNA = {"kind": "name_dob", "name": "Anna", "born": "1980-02-03"}  # the person corrects their name
TICKET = {"kind": "ticket", "value": "A12"}
FLOW = "bmf-symptoms"


def trail(url: str, session_id: str) -> tuple[dict | None, list[tuple[int | None, dict]]]:
    """The session's identification now, and its `identified` events (seq, detail) in order."""
    with open_reader(url) as reader:
        session = reader.get_session(session_id)
    kept = session.identification.to_json() if session.identification else None
    return kept, [(event.seq, event.detail) for event in session.events if event.kind == "identified"]


def test_an_identification_without_its_event_is_refused_and_changes_nothing(database, flow):
    """The store's own statement, run alone (as a delivery that split the pair would), is refused by the
    database itself; the identification stays as its last event left it."""
    recorder = Recorder(database, background=False)
    conversation = Conversation(flow)
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, {}, 1, recorder)
    recorder.identified(TICKET)
    assert recorder.close() is None
    with open_writer(database) as writer, pytest.raises(RecordsError, match="its event"):
        with writer.connector.transaction():
            writer.connector.run("identify", session_id=session_id, identification=Json(ANA))
    assert trail(database, session_id) == (TICKET, [(3, {"by": "ticket"})])


@pytest.mark.parametrize("outage", [False, True], ids=["live", "outage"])
def test_every_change_of_identification_has_its_event_also_after_an_outage(outage, backend, flow, tmp_path, request):
    """A person identifies, then corrects their name: two changes, two events, in order, whether the
    database took them at once or from the outbox once it came back; delivered again, nothing changes
    (an earlier identification never comes back over the correction)."""
    url, back = request.getfixturevalue("away_then_back") if outage else (request.getfixturevalue("database"),
                                                                          lambda: None)
    recorder = Recorder(url, outbox_dir=tmp_path / "outbox", background=False)
    conversation = Conversation(flow, "es")
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, {}, 1, recorder)
    recorder.identified(ANA)
    answer_as(conversation, {}, 2, recorder)
    recorder.identified(ANNA)
    assert bool(recorder.problem) == outage and bool(recorder.unwritten) == outage
    writes = [write for _, write in recorder.delivery.outbox.head(BATCH)] if outage else []
    assert [write.operation for write in writes].count("identify") == 2 * outage
    assert all(len(write.args) == 3 and write.args[2].kind == "identified" for write in writes
               if write.operation == "identify")  # each with its event: one write, one transaction
    back()
    assert recorder.retry() and recorder.close() is None
    expected = trail(url, session_id)
    assert expected[0] == ANNA and [detail for _, detail in expected[1]] == [{"by": "name_dob"}] * 2
    assert all(seq is not None for seq, _ in expected[1])
    with open_writer(url) as writer:
        writer.deliver(writes)  # the outbox's writes delivered again (a crash before they were removed)
        writer.deliver(writes[:2])  # ... or only the first identification again
    assert trail(url, session_id) == expected


def older_outbox(folder, url: str, sessions: int) -> tuple[str, list[Write]]:
    """An outbox as chatbots before migration 0008 left it: `sessions` sessions started, then the last one
    identified and corrected, each identification a write of its own followed by its event. With
    `sessions` = BATCH the first identification is the last write of the first batch, its event the first
    of the next. The last session's id, and the writes."""
    at = now()
    writes = []
    for number in range(sessions):
        session_id = f"older{number:04d}"
        writes.append(Write("start_session", (SessionStart(session_id, FLOW, 1, "x", "en", "kiosk:k1", at),
                                              Event(session_id, 1, "created", at, detail={"place": "kiosk:k1"}))))
    for seq, identification in ((2, ANA), (3, ANNA)):
        writes.append(Write("identify", (session_id, identification)))
        writes.append(Write("record_event", (Event(session_id, seq, "identified", at,
                                                   detail={"by": identification["kind"]}),)))
    outbox = Outbox.new(folder, parse_database_url(url))
    outbox.put(writes)
    outbox.release()  # its process gone: an orphan the next recorder here delivers
    return session_id, writes


def test_an_older_outbox_delivers_each_identification_with_its_event_even_across_a_batch(database, tmp_path):
    """The pair an older outbox keeps apart, cut by the batch between its two writes, arrives whole: the
    next recorder here delivers it, and `records import`'s reading of the same writes changes nothing."""
    session_id, writes = older_outbox(tmp_path / "outbox", database, BATCH - 1)
    assert writes[BATCH - 1].older_identify and writes[BATCH].operation == "record_event"
    recorder = Recorder(database, outbox_dir=tmp_path / "outbox")
    assert recorder.open() and recorder.wait() and recorder.close() is None
    assert not list((tmp_path / "outbox").glob("outbox-*.sqlite3"))
    expected = (ANNA, [(2, {"by": "name_dob"}), (3, {"by": "name_dob"})])
    assert trail(database, session_id) == expected
    with open_writer(database) as writer:
        writer.deliver(writes)  # an older unsaved-*.jsonl file's writes, imported again
    assert trail(database, session_id) == expected


def test_an_older_identification_whose_event_is_missing_gets_one_of_its_own(database):
    """Never written so by any chatbot, but a file may be cut by hand: the identification is kept, with an
    event that says it was restored, rather than refused or kept without one."""
    session_id, at = "older0000", now()
    start = Write("start_session", (SessionStart(session_id, FLOW, 1, "x", "en", "kiosk:k1", at),
                                    Event(session_id, 1, "created", at)))
    with open_writer(database) as writer:
        writer.deliver([start, Write("identify", (session_id, TICKET))])
    assert trail(database, session_id) == (TICKET, [(None, {"by": "ticket", "restored": True})])
