"""What a kiosk login controls cannot act on a staff terminal, on both backends (issue 21, item 6).

A kiosk login chooses the words of the questions and answers it records, the outcome's
title and reasons, the actors of its events; before migration 0003 (or writing to the
file by hand) also the session's id, place and flow name. `chatbot records show` and
`records list` (run as a nurse would, in a subprocess) show the words and nothing that
acts: no clipboard (OSC 52), no title, no link, no cursor move, no direction override.
The database refuses such ids, places, flow names and languages from now on, even from
a kiosk login that calls the recording function itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import timedelta

import pytest

from chatbot.records.backends import open_writer
from chatbot.records.store import AnswerRecord, Ending, Event, SessionStart, now
from chatbot.records.url import RecordsError

from recordtools import with_database

ESCAPES = ("\x1b]52;c;aGFja2Vk\x07", "\x1b]0;owned\x07", "\x1b]8;;http://e.vil\x07link\x1b]8;;\x07", "\x1b[2J\x1b[H",
           "\u202e", "\x9b1A", "\x9d0;t\x9c", "\r\x1b[K")
HOSTILE = "owned" + "".join(ESCAPES)
FORGED = "\nResult: ROUTINE: a forged line\n"
"""A line of a kiosk's own, meant to pass for one of the summary's."""


def acting(text: str) -> list[str]:
    """Every character in `text` that acts instead of showing (a line break aside)."""
    return [char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs")]


def forged(text: str) -> bool:
    """True when the kiosk's line stands as a line of the summary's own (a wrapped, indented one is
    plainly part of the words before it)."""
    return any(line.startswith("Result: ROUTINE") for line in text.splitlines())


def chatbot(*argv: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CHATBOT_DATA_DIR": str(tmp_path / "data"), "CHATBOT_CONFIG_DIR": str(tmp_path / "config"),
           "CHATBOT_LOG_DIR": str(tmp_path / "log"), "COLUMNS": "80", "LINES": "24"}
    return subprocess.run([sys.executable, "-m", "chatbot", *argv], capture_output=True, text=True, env=env,
                          timeout=60)


def record_hostile(database: str, session_id: str, language: str = "en", place: str = "kiosk:lobby") -> None:
    """A finished session whose every free word a kiosk chose is hostile (its events are the person's: the
    database refuses a kiosk's event in anyone else's name)."""
    at = now() - timedelta(minutes=5)
    with open_writer(database) as writer:
        writer.start_session(SessionStart(session_id, "bmf-symptoms", 1, "0" * 64, language, place, at),
                             Event(session_id, 1, "created", at))
        writer.record_answer(AnswerRecord(session_id, 1, f"fever{HOSTILE}", f"Fever?{HOSTILE}{FORGED}", "yes_no",
                                          f"yes{HOSTILE}", f"Yes{HOSTILE}{FORGED}", True,
                                          {f"fever{HOSTILE}{FORGED}": True}, at),
                             Event(session_id, 2, "answered", at))
        writer.end_session(Ending(session_id, "finished", at, "emergency", f"call{HOSTILE}{FORGED}",
                                  f"Call now{HOSTILE}{FORGED}",
                                  ({"id": f"E1{HOSTILE}", "reason": f"a fever{HOSTILE}{FORGED}"},), (1,)),
                           Event(session_id, 3, "finished", at))


@pytest.mark.parametrize("language, words", [("en", "EMERGENCY: Call now"), ("es", "EMERGENCIA: Call now")])
def test_show_and_list_print_a_kiosks_words_and_nothing_that_acts(database, language, words, tmp_path):
    record_hostile(database, "a1b2c3d4e5f6", language)
    shown = chatbot("records", "show", "a1b2c3d4", "--database", database, tmp_path=tmp_path)
    listed = chatbot("records", "list", "--database", database, tmp_path=tmp_path)
    as_json = chatbot("records", "list", "--json", "--database", database, tmp_path=tmp_path)
    assert shown.returncode == listed.returncode == as_json.returncode == 0, shown.stderr + listed.stderr
    assert words in shown.stdout and "Call now" in shown.stdout and "owned" in shown.stdout
    assert "a1b2c3d4e5f6" in listed.stdout and "call" in listed.stdout
    for output in (shown.stdout, shown.stderr, listed.stdout, listed.stderr, as_json.stdout):
        assert acting(output) == []
    assert not forged(shown.stdout) and len(listed.stdout.splitlines()) == 1  # no line of the kiosk's own
    import json

    row, = map(json.loads, as_json.stdout.splitlines())
    assert row["outcome"] == f"call{HOSTILE}{FORGED}"  # the data is whole: JSON writes what acts as escapes


def test_a_session_from_before_the_rule_shows_its_id_and_place_harmless(database, tmp_path):
    """A row written before migration 0003, or into the file by hand: the rule is taken away for a moment
    (its trigger), as if it had never been there."""
    hostile_id, hostile_place = f"a1b2{HOSTILE}", f"kiosk:{HOSTILE}"
    _without_the_rule(database, lambda: record_hostile(database, hostile_id, place=hostile_place))
    shown = chatbot("records", "show", "a1b2", "--database", database, tmp_path=tmp_path)
    listed = chatbot("records", "list", "--database", database, tmp_path=tmp_path)
    assert shown.returncode == listed.returncode == 0, shown.stderr + listed.stderr
    assert "Where: owned" in shown.stdout and "a1b2owned" in shown.stdout and "a1b2owned" in listed.stdout
    for output in (shown.stdout, listed.stdout, shown.stderr, listed.stderr):
        assert acting(output) == []
    assert not forged(shown.stdout) and len(listed.stdout.splitlines()) == 1


@pytest.mark.parametrize("given", ["a1b2\x1b]0;x\x07", "../../etc", "a b", "\u202eab"])
def test_show_refuses_an_id_that_no_session_can_have_in_one_line(given, database, tmp_path):
    result = chatbot("records", "show", given, "--database", database, tmp_path=tmp_path)
    assert result.returncode == 2 and "session id" in result.stderr and "is not allowed" in result.stderr
    assert acting(result.stderr) == [] and "is not allowed" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("field, value", [
    ("id", f"a1b2{ESCAPES[0]}"), ("id", "a" * 65), ("id", "../x"),
    ("place", f"kiosk:{ESCAPES[1]}"), ("place", "kiosk:lobby 2"), ("place", "kiosk:\u202eyddol"),
    ("flow_name", f"bmf{ESCAPES[2]}"), ("flow_name", ""),
    ("language", "e\x1bs"), ("language", "english"),
])
def test_the_database_refuses_an_id_place_flow_name_or_language_that_could_act(database, field, value):
    start = {"id": "a1b2c3", "flow_name": "bmf-symptoms", "language": "en", "place": "kiosk:lobby", field: value}
    with open_writer(database) as writer, pytest.raises(RecordsError):
        writer.start_session(SessionStart(start["id"], start["flow_name"], 1, "0" * 64, start["language"],
                                          start["place"], now()), Event(start["id"], 1, "created", now()))


def test_a_kiosk_login_cannot_store_a_hostile_place_calling_the_function_itself(postgres_server):
    """On PostgreSQL, a kiosk's own login calling rec_start_session directly meets the same rule."""
    import psycopg

    from chatbot.records.backends import migrate

    url = postgres_server.database()
    migrate(url)
    name = url.split("?")[0].rsplit("/", 1)[1]
    kiosk = with_database(url, name, user=postgres_server.login_role("chatbot_kiosk"))
    with psycopg.connect(kiosk, autocommit=True) as connection:
        for place in (f"kiosk:{ESCAPES[0]}", "kiosk:\u202eyddol"):
            with pytest.raises(psycopg.errors.CheckViolation):
                connection.execute("SELECT rec_start_session(%s, %s, 1, %s, %s, %s, now())",
                                   ("a1b2c3", "bmf-symptoms", "0" * 64, "en", place))
        connection.execute("SELECT rec_start_session(%s, %s, 1, %s, %s, %s, now())",
                           ("a1b2c3", "bmf-symptoms", "0" * 64, "en", "kiosk:lobby"))


def _without_the_rule(database: str, write) -> None:
    """Run `write` with the names rule of migration 0003 taken away (its triggers), then put it back."""
    from importlib import resources

    if database.startswith("sqlite"):
        import sqlite3

        path = database[len("sqlite://"):]
        sql = resources.files("chatbot.records").joinpath("migrations", "sqlite", "0003_names.sql").read_text()
        with sqlite3.connect(path) as connection:
            connection.execute("DROP TRIGGER sessions_names_on_insert")
            connection.execute("DROP TRIGGER sessions_names_on_update")
        write()
        with sqlite3.connect(path) as connection:
            connection.executescript(sql)
        return
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("ALTER TABLE sessions DISABLE TRIGGER sessions_names")
        write()
        connection.execute("ALTER TABLE sessions ENABLE TRIGGER sessions_names")


@pytest.mark.parametrize("text, line, lines, as_json", [
    ("plain °C, ñ and 😀", "plain °C, ñ and 😀", "plain °C, ñ and 😀", "plain °C, ñ and 😀"),
    ("a]\x1b[31m^-\\b", "a][31m^-\\b", "a][31m^-\\b", "a]\\u001b[31m^-\\b"),
    ("x\u202ey\tz\n\u00ad", "xy z ", "xy z\n", "x\\u202ey\\u0009z\n\\u00ad"),
    ("\ue000]\u2028[", "] [", "]\u2028[", "\\ue000]\u2028["),
])
def test_the_filter_drops_or_escapes_only_what_acts_whatever_is_beside_it(text, line, lines, as_json):
    """Each distinct character is judged once and only those that act are replaced (a regex of them):
    the characters a regex treats apart (] ^ - \\) are left as they are beside them."""
    from chatbot.printable import printable, printable_json, printable_lines

    assert (printable(text), printable_lines(text), printable_json(text)) == (line, lines, as_json)
