"""On PostgreSQL the station runs as a chatbot_staff login and kiosks as chatbot_kiosk logins."""

from __future__ import annotations

import pytest

from chatbot.nurse.amending import rerun
from chatbot.records.backends import migrate, open_reader
from chatbot.records.model import now
from chatbot.records.review import amend, claim, review
from chatbot.records.url import RecordsError

from nursetools import ROUTINE, kiosk_session
from recordtools import TEST_PIN, as_nurse, with_database


@pytest.fixture
def logins(postgres_server):
    url = postgres_server.database()
    migrate(url)
    name = url.split("?")[0].rsplit("/", 1)[1]
    with open_reader(url) as owner:
        as_nurse(owner, "Rosa")  # enrolled by the store's owner (an admin's work)
    return (with_database(url, name, user=postgres_server.login_role("chatbot_kiosk")),
            with_database(url, name, user=postgres_server.login_role("chatbot_staff")))


def test_a_staff_login_can_do_all_the_station_does(logins, flow):
    """Signing in, claims, reviews and amendments need no more than chatbot_staff."""
    kiosk, staff = logins
    session_id = kiosk_session(kiosk, flow, ROUTINE, identification={"kind": "ticket", "value": "A12"})
    with open_reader(staff) as reader:
        as_nurse(reader, "Rosa", TEST_PIN)
        claim(reader, session_id, now())
        session = reader.get_session(session_id)
        run = rerun(flow, session, "temperature", "38.6")
        version = amend(reader, session, run.conversation, "temperature", "desk", now())
        session = reader.get_session(session_id)
        assert (session.version, session.level, session.identification.value) == (version, "emergency", "A12")
        assert review(reader, session, now()) == version + 1


def test_a_kiosk_login_cannot_read_the_staff(logins):
    """A kiosk never sees who works at the desk, nor their PIN hashes."""
    kiosk, _ = logins
    import psycopg

    with psycopg.connect(kiosk, autocommit=True) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute("SELECT * FROM staff")
