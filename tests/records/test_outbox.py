"""The durable outbox: every answer kept, in order, while the database is away, and delivered exactly once.

Time is the recorder's own (`clock` for its back-off, `wallclock` for the times it keeps),
moved by the test: a 72-hour outage takes a few seconds. The database is a real one on
both backends, away for real (an SQLite folder that cannot be made; a PostgreSQL database
that is not there), then back.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

from chatbot.cli import main
from chatbot.engine import Conversation
from chatbot.records.backends import open_reader, open_writer
from chatbot.records.model import Write, now
from chatbot.records.outbox import Outbox
from chatbot.records.recorder import Recorder
from chatbot.records.url import parse_database_url

from recordtools import answer_as

HERE = Path(__file__).resolve().parent
LEVELS = ({"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6},  # emergency
          {"fever_feeling": True, "temperature": 37.0},  # urgent
          {"known_low_white_count": True})  # routine


class Time:
    """The recorder's two clocks, moved by the test."""

    def __init__(self):
        self.seconds = 0.0
        self.start = now()

    def monotonic(self) -> float:
        return self.seconds

    def wall(self):
        return self.start + timedelta(seconds=self.seconds)


def counts(url: str) -> dict[str, tuple[int, int]]:
    """Each session's answers and events, as the store has them."""
    with open_reader(url) as reader:
        return {session.id: (len(session.answers), len(session.events))
                for session in reader.iter_sessions(whole=True)}


def test_a_72_hour_outage_with_500_sessions_delivers_every_one_exactly_once(away_then_back, flow, tmp_path):
    """Three days without the database, 500 people: nothing is dropped, nothing is written twice, the
    times kept are those the answers were given at, and the outbox is gone once delivered."""
    url, back = away_then_back
    time = Time()
    recorder = Recorder(url, place="kiosk:lobby", outbox_dir=tmp_path / "outbox", clock=time.monotonic,
                        wallclock=time.wall, background=False)
    expected = {}
    for number in range(500):
        conversation = Conversation(flow, "es" if number % 4 == 0 else "en")
        conversation.start()
        session_id = recorder.begin(conversation)
        if number % 10:  # most say a danger sign at once (one answer); every tenth answers it all
            conversation.answer("1")
            recorder.answered(conversation)
        else:
            answer_as(conversation, LEVELS[number // 10 % 3], None, recorder)
        expected[session_id] = len(conversation.transcript)
        recorder.wiped()
        time.seconds += 72 * 3600 / 500
    assert recorder.problem and recorder.unwritten >= 3 * 500
    assert not recorder.retry()  # still away after three days: tried, and kept
    outbox = next((tmp_path / "outbox").glob("outbox-*.sqlite3"))
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600
    back()
    assert recorder.retry() and recorder.unwritten == 0 and recorder.problem is None
    stored = counts(url)
    assert {id_: answers for id_, (answers, _) in stored.items()} == expected
    assert all(events == answers + 3 for answers, events in stored.values())  # created, finished, wiped
    with open_reader(url) as reader:
        sessions = reader.list_sessions()
    span = max(session.started_at for session in sessions) - min(session.started_at for session in sessions)
    assert timedelta(hours=71) < span < timedelta(hours=72)
    assert recorder.close() is None and not outbox.exists()


def test_a_second_delivery_of_the_same_writes_changes_nothing(database, flow, tmp_path):
    """A delivery whose commit went through but whose removal from the outbox did not (a crash between
    the two) is delivered again: the ids make it harmless."""
    recorder = Recorder(database, outbox_dir=tmp_path / "outbox", background=False)
    recorder.delivery._deliver = lambda force=False: False  # keep everything in the outbox for this test
    conversation = Conversation(flow)
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, {}, 3, recorder)
    conversation.back()
    recorder.went_back(conversation)
    answer_as(conversation, LEVELS[2], None, recorder)
    recorder.wiped()
    writes = [write for _, write in recorder.delivery.outbox.head(1000)]
    with open_writer(database) as writer:
        writer.deliver(writes)
        with open_reader(database) as reader:
            once = reader.get_session(session_id)
        writer.deliver(writes)
        writer.deliver(writes[:5])
    with open_reader(database) as reader:
        again = reader.get_session(session_id)
    assert again == once and len(once.answers) == len(conversation.transcript) + 1  # one withdrawn by back
    assert [event.seq for event in once.events] == sorted({event.seq for event in once.events})


def test_an_outbox_left_by_a_process_that_is_gone_is_delivered_by_the_next_one(database, flow, tmp_path):
    """A kiosk stopped while the database was away leaves its outbox; the next one here delivers it first."""
    first = Recorder(database, outbox_dir=tmp_path / "outbox", background=False)
    first.delivery._deliver = lambda force=False: False  # as if the database never answered before it stopped
    conversation = Conversation(flow)
    conversation.start()
    session_id = first.begin(conversation)
    answer_as(conversation, LEVELS[0], None, first)
    left = first.close()
    assert left is not None and left.exists()
    other_database = Outbox.new(tmp_path / "outbox", parse_database_url(str(tmp_path / "elsewhere.sqlite3")))
    other_database.put([Write("record_event", (first._event("answered", now()),))])
    other_database.release()  # an outbox for another database: not this recorder's to deliver
    second = Recorder(database, outbox_dir=tmp_path / "outbox")
    assert second.open() and second.wait()
    assert second.close() is None and not left.exists()
    assert len(list((tmp_path / "outbox").glob("outbox-*.sqlite3"))) == 1  # the other database's, untouched
    assert counts(database)[session_id][0] == len(conversation.transcript)


def test_records_import_still_reads_the_files_the_last_release_saved(database):
    """An unsaved-*.jsonl file written by the last release (before the outbox) imports as it did, and its
    sessions end as they did then (how each ended is read from its event)."""
    saved = HERE / "data" / "unsaved-last-release.jsonl"
    assert main(["records", "import", str(saved), "--database", database]) == 0
    first, second = [json.loads(line)["args"][0]["id"] for line in saved.read_text().splitlines()
                     if json.loads(line)["op"] == "start_session"]
    with open_reader(database) as reader:
        wiped, finished = reader.get_session(first), reader.get_session(second)
    assert (wiped.status, wiped.ended_by, wiped.state(now())) == ("abandoned", "wiped", "stopped")
    assert wiped.identification.value == "A12" and wiped.language == "es"
    assert [answer.withdrawn for answer in wiped.answers] == [False, False, True, False]
    assert (finished.status, finished.level, finished.ended_by) == ("finished", "emergency", "finished")
    assert main(["records", "import", str(saved), "--database", database]) == 0  # again: nothing doubles
    assert counts(database)[first] == (4, len(wiped.events))


def test_the_outbox_folder_and_file_are_the_owners_alone(tmp_path, flow, database):
    recorder = Recorder(database, outbox_dir=tmp_path / "private" / "outbox", background=False)
    recorder.delivery._deliver = lambda force=False: False
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    answer_as(conversation, {}, 1, recorder)
    path = recorder.delivery.outbox.path
    assert stat.S_IMODE(os.stat(tmp_path / "private").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    recorder.close()


def test_an_outbox_being_made_is_never_taken_for_an_orphan(tmp_path, monkeypatch):
    """The recorder's thread looks for orphans in the same folder while the UI's thread makes its outbox:
    a search at the moment the file exists but is not yet locked took it over (the search holding its
    lock), and the maker kept the answers in memory, not on disk (once, in CI). The search is run, and its
    outbox held, exactly at the maker's lock."""
    import fcntl

    from chatbot.records import outbox as outbox_module

    url = parse_database_url(f"sqlite://{tmp_path / 'records.sqlite3'}")
    folder = tmp_path / "outbox"
    held = []
    real_flock = fcntl.flock

    def searched_first(descriptor, operation):
        if not held:
            held.extend(Outbox.take_over(path) for path in folder.glob(outbox_module.PATTERN))
            held.append(None)  # searched once
        return real_flock(descriptor, operation)

    monkeypatch.setattr(outbox_module.fcntl, "flock", searched_first)
    made = Outbox.new(folder, url)
    assert [taken for taken in held if taken is not None] == []
    assert made.path.exists() and made.meta("target") == outbox_module.target_of(url)
    assert not list(folder.glob(".*.new"))  # made under its own name, nothing left of the making
    made.close()
