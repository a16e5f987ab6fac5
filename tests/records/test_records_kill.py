"""`kill -9` in the middle of a conversation: every acknowledged answer reaches the record, once.

What the screen acknowledged is in the kiosk's outbox on disk; what the killed process had not
yet delivered, the next chatbot started on that machine delivers (the kiosk's supervisor, or
systemd, starts one again). The same with the database away when the kiosk is killed.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from chatbot.engine import Conversation
from chatbot.records.backends import open_reader
from chatbot.records.recorder import Recorder

from recordtools import ROOT, answer_as

# A conversation in a child process: each answer is recorded, then acknowledged on stdout,
# then the child waits for the next "go" on stdin (so the parent decides when it dies).
CHILD = """
import sys
from chatbot.engine import Conversation
from chatbot.flowfile.loader import load_flow
from chatbot.records.recorder import Recorder
from chatbot.replay.patients import typed_answer

flow = load_flow(None)
recorder = Recorder(sys.argv[1], place="kiosk:kill-test")
conversation = Conversation(flow)
conversation.start()
recorder.begin(conversation)
print("session", recorder.session_id, flush=True)
while sys.stdin.readline():
    conversation.answer(typed_answer(conversation.current.question, FINDINGS, flow))
    recorder.answered(conversation)
    print("answered", len(conversation.transcript), flush=True)
"""
FINDINGS = {"known_low_white_count": False, "bleeding_now": True, "new_bruising": True, "fatigue": True}
ANSWERS = 5


@pytest.mark.parametrize("away", [False, True], ids=["database up", "database away"])
def test_kill_9_mid_conversation_loses_no_acknowledged_answer(request, backend, flow, away, tmp_path):
    """The child answers, says so, and is killed with SIGKILL: once the next chatbot here starts (and the
    database is back), the session is there, unfinished, whole, each answer once."""
    if away:
        url, back = request.getfixturevalue("away_then_back")
    else:
        url, back = request.getfixturevalue("database"), None
    child = subprocess.Popen([sys.executable, "-c", f"FINDINGS = {FINDINGS!r}\n{CHILD}", url],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        session_id = child.stdout.readline().split()[1]
        for number in range(1, ANSWERS + 1):
            child.stdin.write("go\n")
            child.stdin.flush()
            assert child.stdout.readline().split() == ["answered", str(number)]
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    expected = Conversation(flow)
    expected.start()
    answer_as(expected, FINDINGS, ANSWERS)
    if back is not None:
        assert len(list((tmp_path / "data" / "outbox").glob("outbox-*.sqlite3"))) == 1
        back()  # the database returns; the kiosk is started again
    next_one = Recorder(url, place="kiosk:kill-test")
    assert next_one.open() and next_one.wait() and next_one.close() is None
    assert not list((tmp_path / "data" / "outbox").glob("outbox-*"))  # delivered, and gone
    with open_reader(url) as reader:
        session = reader.get_session(session_id)
    assert session.status == "unfinished" and session.finished_at is None
    assert [(a.question_id, a.typed) for a in session.answers] == [
        (turn.question.id, turn.typed) for turn in expected.transcript]
    assert len(session.events) == 1 + ANSWERS
