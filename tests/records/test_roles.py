"""PostgreSQL's three roles hold the record: nobody changes it without an event naming who, and no login reads a PIN.

Every statement a probe used to rewrite the record quietly is run here as a staff login
and as a kiosk login: each must fail, and nothing in the store may change. Then what
each role may do, it can: a nurse signed in reviews and amends as themself (never as a
name passed in), an admin keeps the staff list, and the back-off holds under 16
sign-ins at once.
"""

from __future__ import annotations

import threading

import pytest

from chatbot import pinhash
from chatbot.cli import main
from chatbot.nurse.amending import rerun
from chatbot.nurse.signin import sign_in
from chatbot.records.backends import migrate, open_reader
from chatbot.records.model import now
from chatbot.records.review import amend, answer_help, review
from chatbot.records.staff import LOCK_AFTER, NotSignedIn, add_staff, try_pin

from recordtools import TEST_PIN, answer_as, as_nurse, kiosk_session, with_database

EMERGENCY = {"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6}


def help_asked(url: str, flow) -> str:
    """A staffed kiosk's session begun by "Ask for help" on its welcome (nothing answered): its request stays
    open on the row until a nurse answers it; its id."""
    from chatbot.engine import Conversation
    from chatbot.records.recorder import Recorder

    recorder = Recorder(url, place="kiosk:k3")
    conversation = Conversation(flow, "en")
    conversation.start()
    session_id = recorder.begin(conversation)
    recorder.help_requested()
    assert recorder.close() is None
    return session_id


TABLES = ("sessions", "answers", "events", "staff", "staff_attempts", "staff_signins")


@pytest.fixture
def clinic(postgres_server, flow):
    """A migrated store with a finished emergency, an unfinished session and one asking for help (unfinished
    too) recorded by a kiosk, Rosa and Luis on the staff, and a login of each role."""
    import psycopg

    url = postgres_server.database()
    migrate(url)
    name = url.split("?")[0].rsplit("/", 1)[1]
    logins = {role: with_database(url, name, user=postgres_server.login_role(f"chatbot_{role}"))
              for role in ("kiosk", "staff", "admin")}
    finished = kiosk_session(logins["kiosk"], flow, EMERGENCY)
    unfinished = kiosk_session(logins["kiosk"], flow, EMERGENCY, count=2)
    asking = help_asked(logins["kiosk"], flow)
    with psycopg.connect(url, autocommit=True) as connection:  # back to unfinished: as a kiosk that stopped
        connection.execute("UPDATE sessions SET status = 'unfinished', finished_at = NULL, ended_by = NULL "
                           "WHERE id = ANY(%s)", ([unfinished, asking],))
    with open_reader(url) as owner:
        as_nurse(owner, "Rosa")
        as_nurse(owner, "Luis")
    return {"owner": url, **logins, "finished": finished, "unfinished": unfinished, "asking": asking}


def snapshot(url: str) -> dict:
    """Every row of every table of the record, as the store's owner reads them."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return {table: sorted(map(repr, connection.execute(f"SELECT * FROM {table}").fetchall()))
                for table in TABLES}


HASH = "$scrypt$ln=10,r=8,p=1$YSBzYWx0IGZvciB0ZXN0cw$" + "A" * 43
FORBIDDEN = [  # what a probe did; {finished} and {unfinished} are the sessions' ids
    "UPDATE sessions SET level = 'routine' WHERE id = '{finished}'",
    "UPDATE sessions SET reviewed_by = 'Rosa', reviewed_at = now() WHERE id = '{finished}'",
    "UPDATE sessions SET in_review_by = 'Luis' WHERE id = '{finished}'",
    "UPDATE answers SET withdrawn_at = now() WHERE session_id = '{finished}'",
    "INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, findings, "
    "answered_at) VALUES ('{finished}', 99, 'temperature', 'q', 'temperature', '36.5', '36.5', '{{}}', now())",
    "DELETE FROM answers WHERE session_id = '{finished}' AND seq = 1",
    "DELETE FROM sessions WHERE id = '{unfinished}'",
    "DELETE FROM sessions WHERE id = '{finished}'",
    "INSERT INTO events (session_id, kind, actor, at) VALUES ('{finished}', 'reviewed', 'Luis', now())",
    "TRUNCATE events",
    f"INSERT INTO staff (name, pin_hash, added_at) VALUES ('Mallory', '{HASH}', now())",
    f"UPDATE staff SET pin_hash = '{HASH}' WHERE name = 'Luis'",
    "DELETE FROM staff_attempts",
    "INSERT INTO staff_attempts (name, failures) VALUES ('Luis', 0)",
    "SELECT pin_hash FROM staff",
    "UPDATE staff_signins SET name = 'Luis'",
    "INSERT INTO staff_signins (token_hash, name, login, signed_in_at) VALUES ('x', 'Luis', session_user, now())",
    # the kiosk's functions, as a way around: staff may not call them, a kiosk not for this
    "SELECT rec_record_event(NULL, NULL, 'purged', 'nurse2', now(), '{{}}') FROM generate_series(1, 1000)",
    "SELECT rec_record_event('{finished}', 99, 'purged', 'nurse2', now(), '{{}}')",
    "SELECT rec_record_event('{finished}', 99, 'reviewed', 'person', now(), '{{}}')",
    "SELECT rec_record_event('{finished}', 99, 'answered', 'Luis', now(), '{{}}')",
    "SELECT rec_end_session('{finished}', 'finished', now(), 'routine', 'x', 'x', '[]', '[]', 'finished')",
    "SELECT rec_withdraw_answers('{finished}', 0, now())",
    "SELECT rec_record_answer('{finished}', 99, 'q', 'q', 'yes_no', 'no', 'No', 'false', '{{}}', now(), 'person')",
    "SELECT rec_identify('{finished}', '{{\"kind\": \"ticket\", \"value\": \"Z9\"}}')",  # no identified event with it
    # a help request: answered only by a nurse signed in, through the desk's function, with its event
    "SELECT rec_record_event('{asking}', 99, 'help_answered', 'person', now(), '{{}}')",
    "SELECT rec_record_event('{asking}', 99, 'help_answered', 'Luis', now(), '{{}}')",
    "UPDATE sessions SET help_asked_at = NULL, help_asks = 0 WHERE id = '{asking}'",
    "INSERT INTO events (session_id, kind, actor, at) VALUES ('{asking}', 'help_answered', 'Luis', now())",
    "SELECT rec_note_event('{asking}', 'help_answered', now(), '{{}}')",
    "SELECT rec_answer_help('{asking}', now())",
    "SELECT set_config('chatbot.staff_token', 'a guess', false), rec_answer_help('{asking}', now())",
    # the desk's functions with nobody signed in, or a guessed sign-in
    "SELECT rec_review('{finished}', 1, now())",
    "SELECT rec_claim('{finished}', now())",
    "SELECT rec_amend('{finished}', 1, now(), 'routine', 'x', 'x', '[]', '[]', NULL, '[]', '{{}}')",
    "SELECT set_config('chatbot.staff_token', 'a guess', false), rec_review('{finished}', 1, now())",
    "SELECT rec_purge('infinity', now(), '{{}}')",
]


@pytest.mark.parametrize("role", ["staff", "kiosk"])
@pytest.mark.parametrize("statement", FORBIDDEN)
def test_no_login_changes_the_record_without_an_event(clinic, role, statement):
    """Each statement fails as a staff login and as a kiosk login, and leaves every row as it was."""
    import psycopg

    before = snapshot(clinic["owner"])
    sql = statement.format(**clinic)
    if role == "staff" and sql.startswith("SELECT rec_purge"):
        pytest.skip("staff may purge: ended sessions only, with an event (test_staff_purge_...)")
    with psycopg.connect(clinic[role], autocommit=True) as connection, pytest.raises(psycopg.Error):
        connection.execute(sql)
    assert snapshot(clinic["owner"]) == before


def test_an_unfinished_session_is_never_deleted_even_by_the_owner(clinic):
    import psycopg

    with psycopg.connect(clinic["owner"], autocommit=True) as connection, pytest.raises(psycopg.Error,
                                                                                        match="never deleted"):
        connection.execute("DELETE FROM sessions WHERE id = %s", (clinic["unfinished"],))


def test_a_kiosk_login_notes_a_persons_help_request_on_its_own_session(clinic, flow):
    """A staffed kiosk's "Ask for help" (a help_requested event, as the person) is a kiosk's kind: its login
    records it, before anything is answered and after, on its own session and no other (migration 0006)."""
    import psycopg

    from chatbot.engine import Conversation
    from chatbot.records.recorder import Recorder

    recorder = Recorder(clinic["kiosk"], place="kiosk:k1")
    conversation = Conversation(flow, "en")
    conversation.start()
    session_id = recorder.begin(conversation)
    recorder.help_requested()  # nothing answered yet: the session begins here
    answer_as(conversation, {"known_low_white_count": True}, 1, recorder)
    recorder.help_requested()
    recorder.wiped()
    assert recorder.close() is None
    with open_reader(clinic["owner"]) as reader:
        events = reader.get_session(session_id).events
    assert [(event.kind, event.actor) for event in events if event.kind == "help_requested"] == [
        ("help_requested", "person")] * 2
    with open_reader(clinic["owner"]) as reader:
        session = reader.get_session(session_id)
    assert (session.help_open, session.help_asks) == (True, 2)  # one request, asked twice: on the row
    before = snapshot(clinic["owner"])
    with psycopg.connect(clinic["kiosk"], autocommit=True) as connection, pytest.raises(psycopg.Error):
        connection.execute("SELECT rec_record_event(%s, 99, 'help_requested', 'person', now(), '{}')",
                           (clinic["finished"] + "x",))
    assert snapshot(clinic["owner"]) == before


def test_a_nurse_writes_as_the_nurse_signed_in_and_each_write_has_its_event(clinic, flow):
    """Review and amendment take the nurse from the connection's sign-in; the events name them."""
    routine = kiosk_session(clinic["kiosk"], flow, {"known_low_white_count": True})
    with open_reader(clinic["staff"]) as reader:
        session = reader.get_session(routine)
        with pytest.raises(NotSignedIn):
            review(reader, session, now())
        as_nurse(reader, "Rosa")
        run = rerun(flow, session, "temperature", "38.6")
        version = amend(reader, session, run.conversation, "temperature", "measured again", now())
        after = review(reader, reader.get_session(session.id), now())
        session = reader.get_session(session.id)
    assert (session.version, session.reviewed_by) == (after, "Rosa") and after == version + 1
    assert [(event.kind, event.actor) for event in session.events if event.actor != "person"] == [
        ("amended", "Rosa"), ("reviewed", "Rosa")]
    amended = next(event for event in session.events if event.kind == "amended")
    assert (amended.detail["old_level"], amended.detail["new_level"], amended.detail["version"]) == (
        "routine", "emergency", version)
    assert {answer.question_id: answer.given_by for answer in session.kept_answers}["temperature"] == "Rosa"


def test_a_sign_in_is_the_connections_own_and_its_login_s(clinic, postgres_server):
    """The token of Rosa's sign-in, stolen by another staff login, signs nobody in; a new connection of the
    same station takes it up (a lost connection does not sign the nurse out)."""
    import psycopg

    with open_reader(clinic["staff"]) as reader:
        as_nurse(reader, "Rosa")
        token = reader.token
        reader.connector.drop()  # the connection is lost: the next one resumes the sign-in
        assert reader.connector.one("resume", token=token)["name"] == "Rosa"
    name = clinic["owner"].split("?")[0].rsplit("/", 1)[1]
    other = with_database(clinic["owner"], name, user=postgres_server.login_role("chatbot_staff"))
    with psycopg.connect(other, autocommit=True) as connection:
        assert connection.execute("SELECT rec_resume(%s)", (token,)).fetchone() == (None,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="no nurse is signed in"):
            connection.execute("SELECT rec_review(%s, 1, now())", (clinic["finished"],))


def test_staff_purge_ended_sessions_only_and_each_has_its_event(clinic):
    from datetime import timedelta

    with open_reader(clinic["staff"]) as reader:
        assert reader.purge(timedelta(days=30), at=now() + timedelta(days=31)) == 1
        assert {session.id for session in reader.list_sessions()} == {clinic["unfinished"], clinic["asking"]}
        events = reader.connector.fetch("events_of_sessions", ids=[clinic["finished"], None])
    assert [(event["kind"], event["actor"].startswith("staff:")) for event in events
            if event["actor"] != "person"] == [("purged", True)]


def test_the_admin_keeps_the_staff_list_and_reads_no_hash(clinic, capsys, monkeypatch):
    """`chatbot staff` as an admin login: add, list, unlock; the hash and the sessions stay closed to it."""
    import io

    import psycopg

    monkeypatch.setattr("sys.stdin", io.StringIO("731904\n"))
    assert main(["staff", "add", "Ana", "--database", clinic["admin"]]) == 0
    assert main(["staff", "list", "--database", clinic["admin"]]) == 0
    assert "Ana\tadded" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("731904\n"))
    assert main(["staff", "add", "Eve", "--database", clinic["staff"]]) == 2  # a staff login may not
    assert "permission denied" in capsys.readouterr().err
    with psycopg.connect(clinic["admin"], autocommit=True) as connection:
        for sql in ("SELECT pin_hash FROM staff", "SELECT * FROM sessions", "SELECT * FROM events",
                    "SELECT * FROM staff_signins"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(sql)


def test_ten_wrong_pins_lock_a_name_until_an_admin_unlocks_it(clinic, capsys):
    """The waits pass (the owner moves them back, as time would); the tenth wrong PIN locks the name, and
    even the right one is then not tried, until `chatbot staff unlock`."""
    import psycopg

    def time_passes():
        with psycopg.connect(clinic["owner"], autocommit=True) as connection:
            connection.execute("UPDATE staff_attempts SET locked_until = now() - interval '1 second'")

    with open_reader(clinic["staff"]) as reader:
        for failures in range(1, LOCK_AFTER + 1):
            attempt = sign_in(reader, "Luis", "000000", now())
            assert (attempt.tried, attempt.locked) == (True, failures == LOCK_AFTER)
            time_passes()
        attempt = sign_in(reader, "Luis", TEST_PIN, now())
        assert (attempt.name, attempt.tried, attempt.locked) == (None, False, True)
        assert main(["staff", "unlock", "Luis", "--database", clinic["admin"]]) == 0
        assert "Luis may try a PIN again" in capsys.readouterr().out
        assert sign_in(reader, "Luis", TEST_PIN, now()).name == "Luis"


def test_sixteen_sign_ins_at_once_get_one_guess(clinic):
    """The check and the count are one statement: of 16 stations guessing at the same moment, one is tried,
    the others are told to wait (before: each read the count, then wrote it, and most guessed)."""
    setting = pinhash.parse(pinhash.hash_pin("000000", pinhash.PinHash(10, 8, 1, b"a salt for tests")))
    results, start = [], threading.Barrier(16)

    def guess(number: int) -> None:
        with open_reader(clinic["staff"]) as reader:
            proof = pinhash.hash_pin(f"{100000 + number}", setting)
            start.wait()
            results.append(try_pin(reader, "Rosa", proof, None, now(), lambda failures: 1.0))

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result.tried for result in results) == [False] * 15 + [True]
    assert all(result.name is None and result.wait > 0 for result in results)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_old_hash_still_verifies_and_is_upgraded_at_the_next_sign_in(database, backend):
    """A PIN kept before the self-describing format (salt, hash and costs apart) signs in, and is then kept
    in today's format and costs."""
    import hashlib

    salt = b"sixteen byte slt"
    old = pinhash.from_parts(salt, hashlib.scrypt(TEST_PIN.encode(), salt=salt, n=2 ** 10, r=8, p=1, dklen=32),
                             2 ** 10, 8, 1)
    with open_reader(database) as reader:
        add_staff(reader, "Rosa", old, now())
        assert sign_in(reader, "Rosa", "000000", now()).name is None
        reader.connector.run("forget_pin_attempts", name="Rosa")
        assert sign_in(reader, "Rosa", TEST_PIN, now()).name == "Rosa"
        stored = reader.connector.one("staff_pin", name="Rosa")["pin_hash"]
    assert stored.startswith("$scrypt$ln=14,r=8,p=1$") and pinhash.verify(TEST_PIN, stored)


def test_a_notification_names_nothing_and_a_flood_of_forged_ones_names_nothing_either(clinic, flow):
    """A kiosk may LISTEN and NOTIFY (PostgreSQL has no privilege for either): a real change's notification is
    empty, and the station's watcher believes no payload: after 20,000 forged ones it reports only the
    session that really changed, with its row read from the store."""
    import time

    import psycopg

    from chatbot.records.backends import watcher_for
    from chatbot.records.watch import Changed

    notices: list = []
    watcher = watcher_for(clinic["staff"], notices.append, every=0.05).start()
    try:
        deadline = time.monotonic() + 30
        while not watcher.last and time.monotonic() < deadline:  # listening, from the store's last change
            time.sleep(0.01)
        with psycopg.connect(clinic["kiosk"], autocommit=True) as listener:
            listener.execute("LISTEN chatbot_sessions")
            with psycopg.connect(clinic["kiosk"], autocommit=True) as flooder:
                flooder.execute("SELECT pg_notify('chatbot_sessions', g::text) FROM generate_series(1, 20000) g")
            session_id = kiosk_session(clinic["kiosk"], flow, EMERGENCY)
            payloads = {notify.payload for notify in listener.notifies(timeout=3)}
        while not any(isinstance(notice, Changed) and notice.ids and session_id in notice.ids for notice in notices):
            assert time.monotonic() < deadline, notices
            time.sleep(0.01)
    finally:
        watcher.stop()
    assert "" in payloads and session_id not in payloads and clinic["finished"] not in payloads
    changed = [notice for notice in notices if isinstance(notice, Changed)]
    assert all(notice.ids is not None and notice.ids <= {session_id} for notice in changed), changed
    assert {row.id for notice in changed for row in notice.sessions} == {session_id}


def test_a_nurse_signed_in_answers_a_help_request_as_themself_and_a_kiosk_cannot(clinic, flow):
    """Only the desk's function answers a request (migration 0007): as the nurse signed in on the staff
    login, with its event; once (a second station finds it answered); never by a kiosk's login. The kiosk
    asking again afterwards opens a new request."""
    import psycopg

    with open_reader(clinic["staff"]) as reader:
        with pytest.raises(NotSignedIn):
            answer_help(reader, clinic["asking"], now())
        as_nurse(reader, "Luis")
        assert answer_help(reader, clinic["asking"], now()) is True
        assert answer_help(reader, clinic["asking"], now()) is False  # answered already: nothing written
        session = reader.get_session(clinic["asking"])
    assert (session.help_open, session.help_asks, session.help_answered_by) == (False, 0, "Luis")
    answered = [event for event in session.events if event.kind == "help_answered"]
    assert [(event.actor, event.detail["asks"]) for event in answered] == [("Luis", 1)]
    with psycopg.connect(clinic["kiosk"], autocommit=True) as connection, pytest.raises(
            psycopg.errors.InsufficientPrivilege):
        connection.execute("SELECT rec_answer_help(%s, now())", (clinic["asking"],))
    with psycopg.connect(clinic["kiosk"], autocommit=True) as connection:  # the person asks again, later
        connection.execute("SELECT rec_record_event(%s, 99, 'help_requested', 'person', now(), '{}')",
                           (clinic["asking"],))
    with open_reader(clinic["owner"]) as reader:
        again = reader.get_session(clinic["asking"])
    assert (again.help_open, again.help_asks, again.help_answered_by) == (True, 1, "Luis")
