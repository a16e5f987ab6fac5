"""PostgreSQL's two roles: a kiosk writes its own sessions and reads none; staff read them all."""

from __future__ import annotations

import pytest

from chatbot.engine import Conversation
from chatbot.records.recorder import Recorder
from chatbot.records.model import AnswerRecord, Ending, Event, now
from chatbot.records.backends import migrate, open_reader, open_writer
from chatbot.records.url import RecordsError

from recordtools import answer_as, with_database


@pytest.fixture
def clinic(postgres_server, flow):
    """A migrated database, two kiosks that each recorded a session, and a staff login."""
    url = postgres_server.database()
    migrate(url)
    name = url.split("?")[0].rsplit("/", 1)[1]
    kiosks = {}
    for kiosk in ("a", "b"):
        kiosk_url = with_database(url, name, user=postgres_server.login_role("chatbot_kiosk"))
        recorder = Recorder(kiosk_url, place=f"kiosk:{kiosk}")
        conversation = Conversation(flow)
        conversation.start()
        recorder.begin(conversation)
        answer_as(conversation, {}, 2, recorder)
        assert recorder.wait() and recorder.problem is None
        kiosks[kiosk] = (kiosk_url, recorder.session_id)
    staff_url = with_database(url, name, user=postgres_server.login_role("chatbot_staff"))
    return kiosks, staff_url


@pytest.mark.parametrize("query", [
    "SELECT * FROM sessions",
    "SELECT * FROM answers",
    "SELECT * FROM events",
])
def test_a_kiosk_cannot_read_any_session(clinic, query):
    """A kiosk's login can only call the write functions: every table is closed to it, its own rows too."""
    import psycopg

    kiosks, _ = clinic
    kiosk_url, _ = kiosks["a"]
    with psycopg.connect(kiosk_url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(query)


def test_a_kiosk_cannot_open_the_staff_reader(clinic):
    """`chatbot records list` run with a kiosk's login is refused by the database, not by our code."""
    kiosks, _ = clinic
    with open_reader(kiosks["a"][0]) as reader, pytest.raises(RecordsError, match="permission denied"):
        reader.list_sessions()


@pytest.mark.parametrize("write", ["answer", "end", "event"])
def test_a_kiosk_cannot_write_to_another_kiosks_session(clinic, write):
    """Row ownership is enforced by the database: kiosk A cannot add to or close kiosk B's session."""
    kiosks, staff_url = clinic
    (kiosk_a, _), (_, session_b) = kiosks["a"], kiosks["b"]
    event = Event(session_b, 99, "answered", now())
    with open_writer(kiosk_a) as writer, pytest.raises(RecordsError, match="not one this role recorded"):
        if write == "answer":
            writer.record_answer(AnswerRecord(session_b, 99, "q", "q", "yes_no", "yes", "Yes", True, {}, now()),
                                 event)
        elif write == "end":
            writer.end_session(Ending(session_b, "abandoned", now()), event)
        else:
            writer.record_event(event)
    with open_reader(staff_url) as reader:
        session = reader.get_session(session_b)
    assert (len(session.answers), session.status) == (2, "unfinished")


def test_staff_read_every_kiosks_sessions(clinic):
    """The nurse station reads what every kiosk wrote."""
    kiosks, staff_url = clinic
    with open_reader(staff_url) as reader:
        assert {session.id for session in reader.list_sessions()} == {kiosks["a"][1], kiosks["b"][1]}


def test_staff_purge_ended_sessions_and_the_purge_is_logged(clinic, flow):
    """Retention is a staff task: the staff role may delete ended sessions, and its event is kept."""
    import psycopg
    from datetime import timedelta

    kiosks, staff_url = clinic
    kiosk_url, _ = kiosks["a"]
    recorder = Recorder(kiosk_url, place="kiosk:a")
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    answer_as(conversation, {}, None, recorder)
    assert recorder.wait()
    with open_reader(staff_url) as reader:
        assert reader.purge(timedelta(days=30), at=now() + timedelta(days=31)) == 1
        assert {s.status for s in reader.list_sessions()} == {"unfinished"}
    with psycopg.connect(staff_url, autocommit=True) as connection:
        rows = connection.execute("SELECT actor FROM events WHERE kind = 'purged' AND session_id IS NULL").fetchall()
    from urllib.parse import urlsplit

    assert rows == [(f"staff:{urlsplit(staff_url).username}",)]  # the login that purged: no name passed in


def test_an_import_refused_is_one_line_naming_the_file(clinic, tmp_path, capsys):
    """Staff import a kiosk's saved answers with their own login: the database refuses (staff may not call the
    kiosk's functions; only the kiosk's login adds to its sessions), said in one line with the file's name; the
    kiosk's login takes them."""
    from chatbot.cli import main
    from chatbot.records.model import Write
    from chatbot.records.outbox import save_unwritten

    kiosks, staff_url = clinic
    kiosk_url, session_id = kiosks["a"]
    record = AnswerRecord(session_id, 3, "feverish", "Do you feel hot?", "yes_no", "no", "No", False,
                          {"fever_feeling": False}, now())
    saved = save_unwritten([Write("record_answer", (record, Event(session_id, 3, "answered", now())))], tmp_path)
    assert main(["records", "import", str(saved), "--database", staff_url]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and str(saved) in said[0] and "0 of 1 saved writes" in said[0], said
    assert "permission denied for function rec_record_event" in said[0] and "CONTEXT" not in said[0]
    assert main(["records", "import", str(saved), "--database", kiosk_url]) == 0
