"""`chatbot records ...` on both backends: what staff see, and one clear line for every mistake."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

from chatbot.cli import main
from chatbot.engine import Conversation
from chatbot.records.recorder import Recorder
from chatbot.records.migrate import SCHEMA_VERSION

from recordtools import answer_as, as_nurse, server_port_url

FEVER = {"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6}


@pytest.fixture
def kept(database, flow):
    """A database with a finished emergency session and an unfinished one; their ids."""
    ids = []
    for findings, count in ((FEVER, None), ({}, 2)):
        recorder = Recorder(database, place="kiosk:desk")
        conversation = Conversation(flow)
        conversation.start()
        recorder.begin(conversation)
        answer_as(conversation, findings, count, recorder)
        assert recorder.wait()
        ids.append(recorder.session_id)
    return database, ids


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_list_shows_each_session_and_filters_by_status(kept, capsys):
    """The desk finds a session by its state; --json is for scripts."""
    database, (finished, unfinished) = kept
    status, out, _ = run(capsys, "records", "list", "--database", database)
    assert status == 0 and finished[:12] in out and unfinished[:12] in out
    status, out, _ = run(capsys, "records", "list", "--json", "--status", "finished", "--database", database)
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [(row["id"], row["level"]) for row in rows] == [(finished, "emergency")]


def test_show_prints_the_nurse_summary_from_the_record(kept, capsys):
    """The nurse at the desk gets the level, the reasons and every answer, with no screen left to ask."""
    database, (finished, unfinished) = kept
    status, out, _ = run(capsys, "records", "show", finished[:8], "--database", database)
    assert status == 0 and out.startswith("EMERGENCY: ") and "38.6" in out and finished in out
    assert "Identification: not identified" in out and "Reasons:" in out
    status, out, _ = run(capsys, "records", "show", unfinished, "--database", database)
    assert status == 0 and out.startswith("Not finished: in progress") and "stopped" not in out
    assert "Answers (2)" in out


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_export_writes_every_answer_to_an_owner_only_file(kept, capsys, tmp_path, form):
    database, (finished, unfinished) = kept
    target = tmp_path / f"export.{form}"
    status, _, _ = run(capsys, "records", "export", "--format", form, "-o", str(target), "--database", database)
    assert status == 0 and stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    if form == "jsonl":
        sessions = {row["id"]: row for row in map(json.loads, text.splitlines())}
        assert len(sessions[unfinished]["answers"]) == 2 and sessions[finished]["status"] == "finished"
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sum(row["session_id"] == unfinished for row in rows) == 2
        assert {row["level"] for row in rows if row["session_id"] == finished} == {"emergency"}


def test_purge_keeps_sessions_younger_than_the_period(kept, capsys):
    """The default retention never removes today's sessions."""
    database, _ = kept
    status, out, _ = run(capsys, "records", "purge", "--older-than", "30d", "--database", database)
    assert status == 0 and out.startswith("purged 0 ended sessions")


def test_migrate_says_what_it_did(empty_database, capsys):
    """Whoever deploys sees whether the schema changed."""
    assert run(capsys, "records", "migrate", "--database", empty_database)[1].endswith(f"schema version 0 -> {SCHEMA_VERSION}\n")
    assert run(capsys, "records", "migrate", "--database", empty_database)[1].endswith("nothing to do\n")


BAD = [
    # why it is refused, the arguments, what the line says
    ("an id no session has", ["show", "0000"], "no session '0000'"),
    ("a URL of another kind of database", ["list", "--database", "mysql://u:hunter2@db/x"], "unknown kind"),
    ("a server that does not answer", ["list", "--database", "postgresql://u:hunter2@127.0.0.1:1/x"],
     "cannot be reached"),
    ("a mistyped SQLite path", ["list", "--database", "sqlite:///nonexistent/records.db"], "no records database"),
    ("a file that is not a saved-writes file", ["import", "pyproject.toml"], "not a saved write"),
]


@pytest.mark.parametrize("why, argv, says", BAD, ids=[case[0] for case in BAD])
def test_bad_input_is_one_line_and_exit_2(database, capsys, why, argv, says):
    """Never a traceback, never a password: one line a person can act on, and status 2."""
    if "--database" not in argv:
        argv = [*argv, "--database", database]
    status, out, err = run(capsys, "records", *argv)
    assert status == 2 and out == "" and len(err.splitlines()) == 1, err
    assert says in err and "hunter2" not in err and "Traceback" not in err


def test_a_wrong_password_is_one_line_without_the_password(postgres_server, capsys):
    """The test server asks for passwords over TCP; a wrong one is refused in one line, and not echoed."""
    url = server_port_url(postgres_server.admin, "postgres", "hunter2")
    status, out, err = run(capsys, "records", "list", "--database", url)
    assert status == 2 and len(err.splitlines()) == 1
    assert "password authentication failed" in err and "hunter2" not in err


@pytest.mark.parametrize("argv", [
    ["purge", "--older-than", "soon"],
    ["purge", "--older-than", "0d"],
    ["list", "--since", "yesterday"],
    ["export", "--format", "xml"],
])
def test_a_bad_option_is_a_usage_error(capsys, argv):
    """Periods, dates and formats are checked by the parser, with its usage line and status 2."""
    with pytest.raises(SystemExit) as exit_:
        main(["records", *argv])
    assert exit_.value.code == 2 and "Traceback" not in capsys.readouterr().err


@pytest.fixture
def amended(database, flow):
    """A routine session whose temperature a nurse changed (and a Spanish one, identified, left at question 3)."""
    from chatbot.nurse.amending import rerun
    from chatbot.records.backends import open_reader
    from chatbot.records.model import now
    from chatbot.records.review import amend

    recorder = Recorder(database, place="kiosk:desk")
    ids = []
    for findings, language, count in (({"known_low_white_count": True}, "en", None), (FEVER, "es", 3)):
        conversation = Conversation(flow, language)
        conversation.start()
        ids.append(recorder.begin(conversation))
        answer_as(conversation, findings, count, recorder)
        if count is not None:
            recorder.identified({"kind": "name_dob", "name": "Ana", "born": "1980-02-03"})
    assert recorder.close() is None
    with open_reader(database) as reader:
        session = reader.get_session(ids[0])
        run = rerun(flow, session, "temperature", "38.6")
        amend(as_nurse(reader, "Rosa"), session, run.conversation, "temperature", "taken at the desk", now())
    return database, ids


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_exports_say_who_changed_an_answer_when_and_why(amended, capsys, form):
    """For every answer a nurse changed: who gave it, when, why, and the answer it replaced."""
    database, (session_id, _) = amended
    status, out, _ = run(capsys, "records", "export", "--format", form, "--database", database)
    assert status == 0
    if form == "jsonl":
        session = next(row for row in map(json.loads, out.splitlines()) if row["id"] == session_id)
        [changed] = [answer for answer in session["answers"] if "amended" in answer]
        assert (changed["question_id"], changed["typed"], changed["given_by"]) == ("temperature", "38.6", "Rosa")
        assert (changed["amended"]["by"], changed["amended"]["reason"], changed["amended"]["replaced"]) == (
            "Rosa", "taken at the desk", "I have not measured it")
        assert changed["amended"]["at"] and session["level"] == "emergency"
        assert {answer["given_by"] for answer in session["answers"] if answer is not changed} == {"person"}
    else:
        rows = [row for row in csv.DictReader(io.StringIO(out)) if row["session_id"] == session_id]
        [changed] = [row for row in rows if row["amended_reason"]]
        assert (changed["question_id"], changed["given_by"], changed["amended_reason"], changed["replaced"]) == (
            "temperature", "Rosa", "taken at the desk", "I have not measured it")
        assert changed["amended_at"] and not changed["withdrawn_at"]
        [old] = [row for row in rows if row["question_id"] == "temperature" and row["withdrawn_at"]]
        assert (old["typed"], old["given_by"]) == ("not measured", "person")


def test_show_is_in_the_sessions_language_with_who_the_person_is(amended, capsys):
    """`records show` of a Spanish session: Spanish words for the level and the answers (never ids), and the
    identification; `--language en` reads it in English."""
    database, (_, spanish) = amended
    status, out, _ = run(capsys, "records", "show", spanish, "--database", database)
    assert status == 0 and out.startswith("Sin terminar: detenida") and "Identificación: Ana (1980-02-03)" in out
    assert "Respuestas (3)" in out and "¿se ha sentido con calor" in out and "Idioma del paciente: español" in out
    assert "white_count" not in out and "danger_signs" not in out and "known_low" not in out
    status, out, _ = run(capsys, "records", "show", spanish, "--language", "en", "--database", database)
    assert out.startswith("Not finished: stopped") and "Identification: Ana (1980-02-03)" in out


def test_show_marks_the_amended_answer_on_its_line(amended, capsys):
    database, (session_id, _) = amended
    status, out, _ = run(capsys, "records", "show", session_id, "--database", database)
    answers = out[out.index("Answers ("):out.index("Review trail:")]
    numbered = " ".join(answers.split()).split(" 4. ")  # the answers, one each (a long one wraps)
    assert status == 0 and numbered[-1].count("[amended by Rosa") == 1 and "38.6 °C" in numbered[-1]
    assert " ".join(answers.split()).count("[amended by") == 1
    assert "was: I have not measured it; why: taken at the desk]" in " ".join(answers.split())


def test_in_progress_stopped_and_abandoned_are_three_words(database, flow, capsys):
    """A session still being answered is in progress (never "stopped"); one left before the end is stopped;
    one given up to start over is abandoned; the list, the desk and `show` say the same."""
    recorder = Recorder(database, place="kiosk:desk")
    conversation = Conversation(flow)
    conversation.start()
    started_over = recorder.begin(conversation)
    answer_as(conversation, {}, 1, recorder)
    conversation.restart()
    left = recorder.restarted(conversation)
    answer_as(conversation, {}, 2, recorder)
    recorder.wiped()
    conversation = Conversation(flow)
    conversation.start()
    going = recorder.begin(conversation)
    answer_as(conversation, {}, 1, recorder)
    assert recorder.wait()
    status, out, _ = run(capsys, "records", "list", "--database", database)
    word = {line.split()[0]: line for line in out.splitlines()}
    assert "in progress" in word[going[:12]] and "stopped" in word[left[:12]]
    assert "abandoned" in word[started_over[:12]]
    assert "stopped" not in word[going[:12]] and "abandoned" not in word[left[:12]]
    shown = {session_id: run(capsys, "records", "show", session_id, "--database", database)[1].splitlines()[0]
             for session_id in (going, left, started_over)}
    assert shown == {going: "Not finished: in progress", left: "Not finished: stopped",
                     started_over: "Not finished: abandoned"}
    recorder.close()
