"""The session store on both backends: what a recorded conversation leaves, and what it may not do."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import timedelta

import pytest

from chatbot.engine import Conversation
from chatbot.records.backends import migrate, open_reader, open_writer
from chatbot.records.migrate import SCHEMA_VERSION, SchemaMismatch
from chatbot.records.model import AnswerRecord, Event, now
from chatbot.records.outbox import take_over
from chatbot.records.recorder import Recorder
from chatbot.records.store import SessionNotFound
from chatbot.records.url import RecordsError, parse_database_url

from recordtools import answer_as

FEVER = {"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6}


def raw(url: str, sql: str, parameters: tuple = ()) -> list[tuple]:
    """Run SQL on the database directly, outside the store (as a person with a SQL prompt would)."""
    parsed = parse_database_url(url)
    if parsed.backend == "sqlite":
        connection = sqlite3.connect(parsed.target, isolation_level=None)
        try:
            return connection.execute(sql, parameters).fetchall()
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(parsed.target, autocommit=True) as connection:
        cursor = connection.execute(sql.replace("?", "%s"), parameters)
        return cursor.fetchall() if cursor.description else []


def recorded(database: str, flow, findings: dict, count: int | None = None, place: str = "terminal"):
    recorder = Recorder(database, place=place)
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    answer_as(conversation, findings, count, recorder)
    recorder.wait(5)  # the recorder's own thread writes the database
    return recorder, conversation


def test_a_finished_conversation_is_kept_answer_by_answer(database, flow):
    """Every answer as typed and as read, its findings, the level, the reasons and the answers behind them."""
    recorder, conversation = recorded(database, flow, FEVER, place="kiosk:lobby-1")
    assert recorder.problem is None and recorder.unwritten == 0
    with open_reader(database) as reader:
        session = reader.get_session(recorder.session_id)
    result = conversation.result()
    assert (session.status, session.level, session.outcome) == ("finished", result.level, result.outcome.id)
    assert session.place == "kiosk:lobby-1" and session.flow_name == flow.name and len(session.flow_hash) == 64
    assert [r.id for r in session.reasons] == [rule.id for rule in result.reasons]
    assert [(a.question_id, a.typed, a.shown) for a in session.answers] == [
        (turn.question.id, turn.typed, turn.shown) for turn in conversation.transcript]
    assert session.answers[-1].findings == conversation.transcript[-1].findings
    because = {a.question_id for a in session.answers if a.seq in session.because}
    assert because == {turn.question.id for turn in result.because}
    kinds = [event.kind for event in session.events]
    assert kinds == ["created", *["answered"] * len(conversation.transcript), "finished"]


def test_going_back_keeps_the_undone_answer_marked_withdrawn(database, flow):
    """The record keeps what was said and changed; the summary reads only what still stands."""
    recorder, conversation = recorded(database, flow, {}, count=3)
    conversation.back()
    recorder.went_back(conversation)
    answer_as(conversation, {}, None, recorder)
    assert recorder.wait()
    with open_reader(database) as reader:
        session = reader.get_session(recorder.session_id)
    withdrawn = [a for a in session.answers if a.withdrawn_at is not None]
    assert [a.seq for a in withdrawn] == [3]
    assert [a.question_id for a in session.kept_answers] == conversation.asked
    assert "went_back" in [event.kind for event in session.events] and session.status == "finished"


@pytest.mark.parametrize("leave", ["restarted", "wiped"])
def test_a_session_started_over_or_wiped_is_kept_as_abandoned(database, flow, leave):
    """The screen forgets (r, or the kiosk's idle wipe); the record does not."""
    recorder, conversation = recorded(database, flow, FEVER, count=2)
    first = recorder.session_id
    if leave == "restarted":
        conversation.restart()
        recorder.restarted(conversation)
        answer_as(conversation, {}, 1, recorder)
    else:
        recorder.wiped()
    recorder.close()
    with open_reader(database) as reader:
        session = reader.get_session(first)
        sessions = reader.list_sessions()
    assert session.status == "abandoned" and len(session.answers) == 2
    assert session.events[-1].kind == leave
    assert len(sessions) == (2 if leave == "restarted" else 1)


def test_a_session_without_an_answer_leaves_nothing(database, flow):
    """A kiosk showing its first question to nobody does not fill the records."""
    recorder = Recorder(database)
    for _ in range(3):
        conversation = Conversation(flow)
        conversation.start()
        recorder.begin(conversation)
        recorder.wiped()
    assert recorder.close() is None
    with open_reader(database) as reader:
        assert reader.list_sessions() == []


def test_writing_the_same_thing_twice_keeps_it_once(database, flow):
    """A write whose commit could not be confirmed is simply written again."""
    recorder, _ = recorded(database, flow, {}, count=2)
    with open_reader(database) as reader:
        session = reader.get_session(recorder.session_id)
    answer = session.answers[0]
    again = AnswerRecord(session.id, answer.seq, answer.question_id, "changed", answer.question_kind,
                         "changed", "changed", None, {}, now())
    with open_writer(database) as writer:
        writer.record_answer(again, Event(session.id, 2, "answered", now()))
    with open_reader(database) as reader:
        stored = reader.get_session(session.id)
    assert len(stored.answers) == 2 and stored.answers[0].typed == answer.typed
    assert len(stored.events) == len(session.events)


@pytest.mark.parametrize("statement", [
    "UPDATE events SET kind = 'reviewed'",
    "DELETE FROM events",
])
def test_the_event_log_is_append_only(database, flow, statement):
    """Not even the database's owner can rewrite who did what when: the database itself refuses."""
    recorded(database, flow, {}, count=1)
    with pytest.raises(Exception, match="append-only"):
        raw(database, statement)
    assert len(raw(database, "SELECT kind FROM events")) == 2


def test_purge_deletes_ended_sessions_past_the_period_and_keeps_its_trail(database, flow):
    """Retention: finished and abandoned sessions go with their answers; an unfinished one and the events stay."""
    finished, _ = recorded(database, flow, {})
    abandoned, _ = recorded(database, flow, {}, count=1)
    abandoned.wiped()
    unfinished, _ = recorded(database, flow, {}, count=1)
    with open_reader(database) as reader:
        assert reader.purge(timedelta(days=30)) == 0
        assert reader.purge(timedelta(days=30), at=now() + timedelta(days=31)) == 2
        left = reader.list_sessions()
    assert [session.id for session in left] == [unfinished.session_id]
    assert raw(database, "SELECT count(*) FROM answers WHERE session_id = ?", (finished.session_id,)) == [(0,)]
    kinds = raw(database, "SELECT kind FROM events WHERE session_id = ? ORDER BY id", (finished.session_id,))
    assert kinds[0] == ("created",) and kinds[-1] == ("purged",)
    assert raw(database, "SELECT count(*) FROM events WHERE session_id IS NULL AND kind = 'purged'") == [(2,)]


def test_list_filters_by_status_and_start_and_show_takes_a_prefix(database, flow):
    """What a nurse types: a status, a start time, the first characters of an id."""
    done, _ = recorded(database, flow, {})
    open_one, _ = recorded(database, flow, {}, count=1)
    with open_reader(database) as reader:
        assert [s.id for s in reader.list_sessions(status="finished")] == [done.session_id]
        assert [s.id for s in reader.list_sessions(status="unfinished")] == [open_one.session_id]
        assert reader.list_sessions(since=now() + timedelta(minutes=1)) == []
        assert reader.get_session(done.session_id[:10]).id == done.session_id
        with pytest.raises(SessionNotFound):
            reader.get_session("not-an-id")


def test_migrate_twice_does_nothing_the_second_time(empty_database):
    """`chatbot records migrate` may be run at every deployment."""
    assert migrate(empty_database) == (0, SCHEMA_VERSION)
    assert migrate(empty_database) == (SCHEMA_VERSION, SCHEMA_VERSION)


def test_an_older_schema_names_the_command_that_updates_it(database):
    """A kiosk started on a database nobody migrated says what to run, and writes nothing."""
    raw(database, "DELETE FROM schema_version")
    with pytest.raises(SchemaMismatch, match="run `chatbot records migrate --database "):
        open_writer(database)


def test_a_newer_schema_is_not_written_to(database):
    """A chatbot older than its database could corrupt it: it refuses to write."""
    raw(database, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
        (SCHEMA_VERSION + 1, now().isoformat()))
    with pytest.raises(SchemaMismatch, match="newer than this chatbot's .*refusing to write"):
        open_writer(database)


def test_while_the_database_is_away_answers_wait_in_the_outbox_and_are_written_when_it_is_back(away_then_back,
                                                                                               flow):
    """Nothing is dropped: a problem is reported, and the writes wait, in order, until the database returns."""
    url, back = away_then_back
    recorder, conversation = recorded(url, flow, FEVER, count=3)
    assert recorder.problem and recorder.unwritten > 0
    back()
    assert recorder.retry() and recorder.problem is None
    answer_as(conversation, FEVER, None, recorder)
    assert recorder.wait()
    with open_reader(url) as reader:
        session = reader.get_session(recorder.session_id)
    assert session.status == "finished" and len(session.answers) == len(conversation.transcript)


def test_what_cannot_be_written_by_exit_stays_in_the_owner_only_outbox_for_import(away_then_back, flow, tmp_path):
    """At exit the waiting writes stay in the 0600 outbox; `chatbot records import` writes them, once."""
    url, back = away_then_back
    recorder = Recorder(url, outbox_dir=tmp_path / "outbox")
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    answer_as(conversation, FEVER, 2, recorder)
    session_id = recorder.session_id
    saved = recorder.close()
    assert saved is not None and stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert [path.name for path in saved.parent.iterdir()] == [saved.name]  # no temporary file left
    outbox = take_over(saved)
    assert [write.operation for _, write in outbox.head(2)] == ["start_session", "record_answer"]
    outbox.release()
    back()
    from chatbot.cli import main

    assert main(["records", "import", str(saved), "--database", url]) == 0
    assert main(["records", "import", str(saved), "--database", url]) == 2  # delivered once: it is gone
    with open_reader(url) as reader:
        session = reader.get_session(session_id)
    assert len(session.answers) == 2 and (session.status, session.ended_by) == ("abandoned", "closed")


def test_a_new_sqlite_store_is_owner_only(tmp_path, flow):
    """The default store holds people's answers: its folder and file are for their owner alone."""
    database = f"sqlite://{tmp_path / 'data' / 'records.sqlite3'}"
    recorded(database, flow, {}, count=1)
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "records.sqlite3").st_mode) == 0o600
    assert raw(database, "PRAGMA journal_mode") == [("wal",)]


def test_a_reader_does_not_create_a_database(tmp_path):
    """`chatbot records list` on a mistyped path says so instead of making an empty store there."""
    with pytest.raises(RecordsError, match="no records database"):
        open_reader(f"sqlite://{tmp_path / 'nope.sqlite3'}")
    assert not (tmp_path / "nope.sqlite3").exists()


def test_the_schema_version_is_the_last_migration_of_each_backend():
    """A migration added without raising SCHEMA_VERSION (or the other way round) is caught here."""
    from chatbot.records.migrate import migrations

    assert [len(migrations(backend)) for backend in ("sqlite", "postgresql")] == [SCHEMA_VERSION] * 2


def test_beginning_again_without_a_word_abandons_the_open_session(database, flow):
    """A UI that starts the next person without calling wiped() still leaves no session looking crashed."""
    recorder, _ = recorded(database, flow, {}, count=1)
    first = recorder.session_id
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    assert recorder.wait()
    with open_reader(database) as reader:
        session = reader.get_session(first)
    assert session.status == "abandoned" and session.events[-1].kind == "closed"


def test_the_kiosks_writer_offers_nothing_that_reads(database):
    """On SQLite the kiosk is held back by its code path alone: its writer cannot list or read a session."""
    with open_writer(database) as writer:
        assert not [name for name in ("list_sessions", "get_session", "iter_sessions", "purge")
                    if hasattr(writer, name)]
