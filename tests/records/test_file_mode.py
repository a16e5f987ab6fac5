"""A SQLite records file, and its -wal and -shm, are readable by their owner only, whatever made them.

A file made by hand (or by an older chatbot) with mode 0644 used to be used as it was, and
SQLite gave its -wal and -shm the same mode: anyone on the machine could read the answers.
Now it is tightened to 0600 on open, with a warning, or refused with a clear line when it
cannot be; new -wal and -shm files are 0600.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat

import pytest

from chatbot.records.backends import migrate, open_reader, open_writer
from chatbot.records.url import RecordsError


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_file_open_to_others_is_made_owner_only_with_a_warning(tmp_path, open_umask, caplog):
    path = tmp_path / "records.sqlite3"
    migrate(f"sqlite://{path}")
    held = sqlite3.connect(path)  # another process has it open: its -wal and -shm stay
    held.execute("PRAGMA journal_mode=WAL").fetchone()
    held.execute("SELECT count(*) FROM sessions").fetchone()
    for suffix in ("", "-wal", "-shm"):
        os.chmod(tmp_path / f"records.sqlite3{suffix}", 0o644)  # as made by hand, or by an older chatbot
    with caplog.at_level(logging.WARNING), open_reader(f"sqlite://{path}") as reader:
        reader.list_sessions()
        assert [mode(tmp_path / f"records.sqlite3{suffix}") for suffix in ("", "-wal", "-shm")] == [0o600] * 3
    held.close()
    assert caplog.text.count("could be read by others (mode 0644): made owner-only (0600)") == 3


def test_new_wal_and_shm_files_are_owner_only(tmp_path, open_umask):
    url = f"sqlite://{tmp_path / 'records' / 'records.sqlite3'}"
    migrate(url)
    with open_writer(url), open_reader(url) as reader:
        reader.list_sessions()
        found = sorted(tmp_path.joinpath("records").iterdir())
        assert [path.name for path in found] == ["records.sqlite3", "records.sqlite3-shm", "records.sqlite3-wal"]
        assert [mode(path) for path in found] == [0o600] * 3


def test_a_file_that_cannot_be_made_owner_only_is_refused_in_one_line(tmp_path, monkeypatch):
    path = tmp_path / "records.sqlite3"
    migrate(f"sqlite://{path}")
    os.chmod(path, 0o644)

    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", refused)  # as for a file another user owns
    with pytest.raises(RecordsError, match=r"can be read by others \(mode 0644\) and cannot be made owner-only "
                                           r"\(Operation not permitted\): run `chmod 600 .*records.sqlite3` as its owner"):
        open_reader(f"sqlite://{path}").list_sessions()
