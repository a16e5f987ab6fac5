"""Reading the database URL: which backend, where, and never a password shown."""

from __future__ import annotations

import pytest

from chatbot.records.url import DATA_DIR_ENV, DATABASE_ENV, RecordsError, parse_database_url, redact


@pytest.mark.parametrize("text, backend, target", [
    # sqlite:// followed by the path, as the README writes it
    ("sqlite:///var/lib/chatbot/records.db", "sqlite", "/var/lib/chatbot/records.db"),
    # a relative file, with or without the scheme
    ("sqlite:records.db", "sqlite", "records.db"),
    ("records.db", "sqlite", "records.db"),
    ("/srv/kiosk/records.sqlite3", "sqlite", "/srv/kiosk/records.sqlite3"),
    # PostgreSQL over TCP, with or without a password, and the short scheme libpq also takes
    ("postgresql://kiosk@db.clinic.lan:5432/chatbot", "postgresql", "postgresql://kiosk@db.clinic.lan:5432/chatbot"),
    ("postgresql://kiosk:s3cret@10.0.0.5/chatbot", "postgresql", "postgresql://kiosk:s3cret@10.0.0.5/chatbot"),
    ("postgres://kiosk@db/chatbot", "postgresql", "postgres://kiosk@db/chatbot"),
    # a Unix socket folder in the query instead of a host
    ("postgresql://postgres@/chatbot?host=/run/postgresql&port=5433", "postgresql",
     "postgresql://postgres@/chatbot?host=/run/postgresql&port=5433"),
])
def test_a_good_url_names_its_backend_and_target(text, backend, target):
    """Every form the README and libpq accept picks the right backend, the target left as libpq reads it."""
    url = parse_database_url(text)
    assert (url.backend, url.target) == (backend, target)


@pytest.mark.parametrize("text, why", [
    ("", "empty"),
    ("sqlite://", "no file named"),
    ("sqlite:///:memory:", "keep nothing"),
    (":memory:", "keep nothing"),
    ("mysql://root:pw@db/chatbot", "unknown kind 'mysql'"),
    ("postgresql://kiosk@db:notaport/chatbot", "Port could not be cast"),
    ("postgresql://kiosk@db:70000/chatbot", "out of range"),
    ("postgresql://kiosk@db:5432/", "no database named"),
    ("postgresql:///chatbot", "no server"),
    ("postgresql://kiosk@/chatbot?host=/run/pg&port=abc", "not a number"),
])
def test_a_bad_url_is_one_clear_line(text, why):
    """A mistyped URL is refused before anything is written, in a line that says what is wrong."""
    with pytest.raises(RecordsError, match=why) as error:
        parse_database_url(text)
    assert "\n" not in str(error.value)


def test_a_folder_is_not_a_database_file(tmp_path):
    """A folder given for the file would otherwise fail later with a less useful message."""
    with pytest.raises(RecordsError, match="that is a folder"):
        parse_database_url(str(tmp_path))


@pytest.mark.parametrize("text", [
    "postgresql://kiosk:hunter2@db:5432/chatbot",
    "postgresql://kiosk:hunter2@db/chatbot?sslmode=require",
    "postgresql://kiosk@db/chatbot?password=hunter2",
    "mysql://kiosk:hunter2@db/chatbot",
])
def test_a_password_is_never_shown(text):
    """Error messages and listings print the URL: its password must not go with it."""
    assert "hunter2" not in redact(text)
    try:
        shown = str(parse_database_url(text))
    except RecordsError as error:
        shown = str(error)
    assert "hunter2" not in shown and "***" in shown


def test_with_no_url_the_environment_then_the_data_folder_decide(monkeypatch, tmp_path):
    """`--database` beats CHATBOT_DATABASE, which beats the SQLite file in the platform's data folder."""
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert parse_database_url(None).target == str(tmp_path / "records.sqlite3")
    monkeypatch.setenv(DATABASE_ENV, "postgresql://kiosk@db/chatbot")
    assert parse_database_url(None).backend == "postgresql"
    assert parse_database_url("sqlite:elsewhere.db").target == "elsewhere.db"
