"""The records add nothing to a process that does not use them, and a kiosk loads no driver it does not need."""

from __future__ import annotations

import subprocess
import sys

import pytest

from recordtools import ROOT

CHECK = "\nimport sys\nprint(sorted(m for m in {watched!r} if m in sys.modules))\n"
WATCHED = ("sqlite3", "psycopg", "textual", "chatbot.records.sqlite", "chatbot.records.postgres")


def imported_after(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code + CHECK.format(watched=WATCHED)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("code, allowed", [
    # what a UI imports to be ready to record: no driver at all until a database is opened
    ("import chatbot.records, chatbot.records.recorder, chatbot.records.store, chatbot.records.url", []),
    # a session recorded on SQLite: sqlite3 and its backend, never psycopg
    ("import tempfile\nfrom chatbot.engine import Conversation\nfrom chatbot.flowfile.loader import load_flow\n"
     "from chatbot.records.recorder import Recorder\n"
     "flow = load_flow(None); c = Conversation(flow); c.start()\n"
     "r = Recorder('sqlite://' + tempfile.mkdtemp() + '/r.db'); r.begin(c); c.answer('7'); r.answered(c)\n"
     "assert r.problem is None, r.problem\nr.close()",
     ["chatbot.records.sqlite", "sqlite3"]),
], ids=["importing the records", "recording on SQLite"])
def test_a_driver_is_imported_only_by_its_backend(code, allowed):
    """psycopg costs a kiosk 110 ms and 20 MiB (STYLE.md); sqlite3 only loads when SQLite is used."""
    assert imported_after(code) == allowed
