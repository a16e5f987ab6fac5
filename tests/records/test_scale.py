"""Built for years: every query the store runs finds its rows by an index, and the desk reads only what it shows.

`EXPLAIN` of each named query (`chatbot.records.queries`) on both backends: no table is read
whole (SQLite: every step on sessions, answers and events is a SEARCH; PostgreSQL, told to
avoid them: no sequential scan). A session is found by the start of its id through a range of
the primary key, never LIKE. The desk's queue is today's sessions and the unreviewed ones,
however many the store keeps.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chatbot.engine import Conversation
from chatbot.records.backends import connector_for, migrate, open_reader
from chatbot.records.model import now
from chatbot.records.queries import queries
from chatbot.records.recorder import Recorder
from chatbot.records.review import review

from recordtools import answer_as, as_nurse

TABLES = ("sessions", "answers", "events")
READS = ["session_by_id", "sessions_by_prefix", "answers_of", "events_of", "sessions_started_since",
         "unreviewed_before", "sessions_changed_since", "sessions_by_ids", "answers_of_sessions",
         "events_of_sessions", "sessions_oldest_first", "sessions_newest_first", "last_change", "last_answer_seq",
         "purge_sessions"]
VALUES = {"ids": ["0" * 32, "1" * 32], "page": 500, "changed": 1, "seq": 1, "version": 1, "detail": "{}"}


def plan(database: str, name: str) -> list[str]:
    connector = connector_for(database)
    sql = connector.sql(name)
    names = set(re.findall(r"(?<![:\w]):(\w+)", queries("sqlite")[name]))
    names |= set(re.findall(r"%\((\w+)\)s", queries("postgresql")[name]))  # a function may take more
    parameters = {key: VALUES.get(key, now() if key in ("since", "before", "cutoff", "before_at", "after_at", "at")
                                  else "abc") for key in names}
    if "ids" in parameters:
        parameters["ids"] = connector.array_in(parameters["ids"])
    try:
        connection = connector.connection
        if connector.dialect == "sqlite":
            rows = connection.execute("EXPLAIN QUERY PLAN " + sql, {k: connector._parameter(v)
                                                                    for k, v in parameters.items()}).fetchall()
            return [row[3] for row in rows]
        connection.execute("SET enable_seqscan = off")
        rows = connection.execute("EXPLAIN " + sql, {k: connector._parameter(v) for k, v in parameters.items()})
        return [list(row.values())[0] for row in rows.fetchall()]
    finally:
        connector.close()


@pytest.mark.parametrize("name", READS)
def test_every_query_finds_its_rows_by_an_index(database, backend, name):
    steps = plan(database, name)
    if backend == "sqlite":
        reads = [step for step in steps if re.search(rf"\b({'|'.join(TABLES)})\b", step)]
        assert reads and all(step.startswith("SEARCH") for step in reads), steps
    else:
        assert not [step for step in steps if re.search(rf"Seq Scan on ({'|'.join(TABLES)})\b", step)], steps


def test_a_prefix_is_a_range_of_the_key_never_like():
    for dialect in ("sqlite", "postgresql"):
        assert not [name for name, sql in queries(dialect).items() if re.search(r"\bLIKE\b", sql, re.I)]


def test_the_queue_is_today_and_the_unreviewed_whatever_the_store_keeps(database, flow):
    """Older sessions a nurse has reviewed stay out of the queue; unreviewed ones of any age stay in."""
    clock = {"at": now() - timedelta(days=40)}
    recorder = Recorder(database, place="kiosk:k1", background=False, wallclock=lambda: clock["at"])
    old = []
    for number in range(12):
        conversation = Conversation(flow)
        conversation.start()
        old.append(recorder.begin(conversation))
        conversation.answer("1")
        recorder.answered(conversation)  # a danger sign: finished at once
        clock["at"] += timedelta(days=3)
    clock["at"] = now()
    conversation = Conversation(flow)
    conversation.start()
    today = recorder.begin(conversation)
    answer_as(conversation, {}, 1, recorder)
    assert recorder.close() is None
    with open_reader(database) as reader:
        for session_id in old[:8]:
            review(as_nurse(reader, "Rosa"), reader.get_session(session_id), now())
        since = now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        shown = {session.id for session in reader.queue(since)}
        assert shown == {today, *old[8:]}
        assert {session.id for session in reader.queue(since, older_unreviewed=2)} == {today, *old[10:]}
        older = reader.sessions_before(*min((s.started_at, s.id) for s in reader.queue(since)), page=5)
        assert [s.id for s in older] == old[7:2:-1]  # the next page back in time, newest first


@pytest.mark.parametrize("held_across", ["a later commit", "the watcher's start", "the watcher's first reads"])
def test_a_change_committed_after_a_later_numbered_one_still_reaches_the_watcher(held_across, postgres_server, flow,
                                                                                  monkeypatch):
    """PostgreSQL numbers a change when it is made, not when it is committed: a kiosk's transaction that took
    number n and commits after another's n + 1 was read (or after the station's watcher started) must still
    be told; it was lost, the watcher having read past n. Two writers on the real server, the first held
    open across the second's commit, across the watcher's start, or committed between the watcher's first
    read (the last number, writers in progress) and its second (the rows it counts as seen): once, in CI,
    that row was kept as seen at its new number and never told."""
    import time

    import psycopg

    from chatbot.records import postgres
    from chatbot.records.backends import watcher_for
    from chatbot.records.watch import Changed

    database = postgres_server.database()
    migrate(database)
    recorder = Recorder(database, place="kiosk:k1", background=False)
    ids = []
    for _ in range(2):
        conversation = Conversation(flow)
        conversation.start()
        ids.append(recorder.begin(conversation))
        conversation.answer("7")  # none of the danger signs: the session is kept, and goes on
        recorder.answered(conversation)
    assert recorder.close() is None
    slow, quick = ids
    told: dict[str, object] = {}

    def tell(notice):
        if isinstance(notice, Changed) and notice.sessions:
            told.update({session.id: session for session in notice.sessions})

    def until(done, what):
        deadline = time.monotonic() + 20
        while not done():
            assert time.monotonic() < deadline, what
            time.sleep(0.01)

    ticket = "UPDATE sessions SET identification = %s WHERE id = %s"
    watcher = None
    try:
        with psycopg.connect(database) as first, psycopg.connect(database, autocommit=True) as second:

            class CommitsAfterTheFirstRead(postgres.PostgresConnector):
                """The real connector; the held transaction commits just after the watcher's first read."""

                def one(self, name, /, **parameters):
                    row = super().one(name, **parameters)
                    if name == "last_change":
                        first.commit()
                    return row

            if held_across == "the watcher's first reads":
                monkeypatch.setattr(postgres, "PostgresConnector", CommitsAfterTheFirstRead)
            first.execute(ticket, ('{"kind": "ticket", "value": "A1"}', slow))  # number n, not committed yet
            if held_across != "a later commit":
                second.execute(ticket, ('{"kind": "ticket", "value": "B2"}', quick))  # n + 1, committed
            watcher = watcher_for(database, tell, every=0.05).start()
            until(lambda: hasattr(watcher, "pending"), "the watcher listens")  # its open() has begun
            if held_across == "a later commit":
                second.execute(ticket, ('{"kind": "ticket", "value": "B2"}', quick))
                until(lambda: quick in told, "the later number is told")
            if held_across != "the watcher's first reads":
                first.commit()
        until(lambda: slow in told and told[slow].identification is not None, "the earlier number is told too")
    finally:
        if watcher is not None:
            watcher.stop()
    assert told[slow].identification.value == "A1"
