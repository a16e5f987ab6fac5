"""The screen never waits on the database: hung, locked or full, the kiosk goes on and loses nothing.

A PostgreSQL server process stopped with SIGSTOP (it holds the connection and answers
nothing), an SQLite file whose write lock another program holds, a disk with no room
left: the kiosk (the real app under Pilot, recording with a real `Recorder`) asks the next
question at once, its idle wipe still runs, and the answers wait in its outbox until
the database takes them, then all arrive, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from chatbot.kiosk.app import KioskApp
from chatbot.records.backends import migrate, open_reader
from chatbot.records.recorder import Recorder
from chatbot.records.sqlite import BUSY_TIMEOUT
from chatbot.replay.pilot import settled

from tests.helpers.kiosk import SLOW, Clock, idle_for, tap, until_wiped
from tests.helpers.pilot import quick

ANSWERS = ["7", "no", "no"]  # none of the danger signs, then the questions go on
# Seconds an answer may take: half the shortest wait on the database here (SQLite's busy timeout; a hung
# PostgreSQL is forever), so an answer that waited on the database cannot pass, while a busy machine
# (a CI run once took 2.1 s over one answer, with the lock held on the recorder's thread) still does.
AT_ONCE = BUSY_TIMEOUT / 2


async def kiosk_through_trouble(flow, recorder: Recorder, trouble, end_trouble) -> tuple[str, list[float]]:
    """A person answers at a kiosk; after the first answer is in the database, `trouble()` starts. Their
    other answers, the idle wipe; then `end_trouble()`. The session's id and how long each answer took."""
    app = KioskApp(flow, kiosk=SLOW, clock=Clock())
    app.recorder = recorder
    took = []
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await pilot.pause()
        await tap(app, pilot, "#start")
        app.answer(ANSWERS[0])
        await settled(app)
        assert recorder.wait() and recorder.problem is None
        session_id = recorder.session_id
        trouble()
        for typed in ANSWERS[1:]:
            asked = app.state.question_id
            began = time.monotonic()
            app.answer(typed)
            await settled(app)
            took.append(time.monotonic() - began)
            assert app.state.question_id != asked  # the next question is on the screen
        assert recorder.unwritten > 0  # kept in the outbox, waiting
        await idle_for(app, pilot, SLOW.idle_timeout)
        await idle_for(app, pilot, SLOW.idle_warning)
        await until_wiped(app, pilot)  # the wipe ran: nothing of the person on the screen
    end_trouble()
    assert delivered(recorder) and recorder.unwritten == 0
    assert recorder.close() is None
    return session_id, took


def kept(url: str, session_id: str):
    with open_reader(url) as reader:
        return reader.get_session(session_id)


def test_a_hung_postgresql_server_never_holds_the_next_question(cluster, flow):
    """SIGSTOP on the server process of the kiosk's connection: the kiosk goes on; SIGCONT: all arrive."""
    url = cluster.database()
    migrate(url)
    recorder = Recorder(url, place="kiosk:lobby")
    stopped: list[int] = []

    def hang():
        stopped.extend(cluster.backends(url))
        assert stopped
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)

    def wake():
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:  # woken already, and its connection since closed
                pass

    try:
        session_id, took = asyncio.run(kiosk_through_trouble(flow, recorder, hang, wake))
    finally:
        wake()
    assert max(took) < AT_ONCE, took
    session = kept(url, session_id)
    assert [answer.typed for answer in session.answers] == ANSWERS
    assert (session.status, session.ended_by) == ("abandoned", "wiped")


def test_a_locked_sqlite_file_never_holds_the_next_question(tmp_path, flow):
    """Another program holds the write lock (SQLite's own wait is 15 s, on the recorder's thread)."""
    url = f"sqlite://{tmp_path / 'records.sqlite3'}"
    migrate(url)
    recorder = Recorder(url, place="kiosk:lobby")
    holder = sqlite3.connect(tmp_path / "records.sqlite3", isolation_level=None, check_same_thread=False)
    session_id, took = asyncio.run(kiosk_through_trouble(
        flow, recorder, lambda: holder.execute("BEGIN IMMEDIATE"), holder.close))
    assert max(took) < AT_ONCE, took
    assert [answer.typed for answer in kept(url, session_id).answers] == ANSWERS


@pytest.fixture
def small_disk(tmp_path):
    """A file system of its own, 2 MiB, that the test can fill (tmpfs: needs root)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        reason = "a full disk is simulated with a small tmpfs, which only root may mount"
        pytest.skip(reason)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path) -> Path:
    """Take every free byte of `folder`'s file system; the file that holds them."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as file:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    file.write(b"\0" * size)
            except OSError:
                pass
    return filler


class Hog:
    """Another program filling the disk, and taking whatever room comes free (SQLite frees some when it
    gives up its write-ahead log), until it is stopped and its files removed. A process of its own, as
    another program is: a thread here would take the kiosk's interpreter lock in its busy loop."""

    def __init__(self, folder: Path):
        import sys

        self.folder = folder
        self.files = [fill(folder)]
        self.process = subprocess.Popen([sys.executable, "-c", _HOG, str(folder)])

    def end(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        for path in [*self.files, *self.folder.glob("filler-*")]:
            path.unlink(missing_ok=True)


# The hog writes through a descriptor of its folder opened at its start, never by the folder's path, and
# stops when the test's process is gone: a test that failed before it ended its hog, then unmounted the
# small disk, once had the hog fill the machine's own disk under the mount point (63 GB).
_HOG = """
import os, sys, time
folder, number, parent = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY), 0, os.getppid()
inside = lambda name, flags: os.open(name, flags, dir_fd=folder)
while os.getppid() == parent:
    time.sleep(0.005)
    number += 1
    with open(f"filler-{number}", "wb", buffering=0, opener=inside) as file:
        for size in (4096, 512, 1):
            try:
                while True:
                    file.write(b"\\0" * size)
            except OSError:
                pass
"""


def delivered(recorder: Recorder, within: float = 30.0) -> bool:
    """Everything kept reaches the database within `within` seconds: an attempt begun while the trouble
    lasted may still fail once after it ends (a wait ends at a failed attempt), so the next is asked for."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if recorder.retry() or recorder.wait(1.0):
            return True
    return False


def test_a_full_disk_under_the_database_never_holds_the_next_question(small_disk, flow):
    """The database's disk is full: the answers wait in the outbox (on another disk) until there is room."""
    url = f"sqlite://{small_disk / 'records.sqlite3'}"
    migrate(url)
    recorder = Recorder(url, place="kiosk:lobby")
    hogs: list[Hog] = []
    try:
        session_id, took = asyncio.run(kiosk_through_trouble(
            flow, recorder, lambda: hogs.append(Hog(small_disk)), lambda: hogs.pop().end()))
    finally:
        for hog in hogs:  # the test failed before the disk had room again: the hog ends before the unmount
            hog.end()
    assert max(took) < AT_ONCE, took
    assert [answer.typed for answer in kept(url, session_id).answers] == ANSWERS


def test_a_full_disk_under_the_outbox_keeps_answers_in_memory_and_says_what_could_not_be_kept(small_disk, flow,
                                                                                              tmp_path):
    """No room for the outbox either, and no database: nothing raises, the screen goes on, and at exit one
    line says how many writes could be kept nowhere (never a traceback)."""
    from chatbot.engine import Conversation

    from recordtools import answer_as

    away = tmp_path / "away"
    away.write_text("")  # the database's folder cannot be made: no database
    fill(small_disk)
    recorder = Recorder(f"sqlite://{away / 'records.sqlite3'}", outbox_dir=small_disk / "outbox",
                        unsaved_dir=small_disk / "unsaved")
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    answer_as(conversation, {}, 3, recorder)
    assert recorder.unwritten > 0 and "outbox" in (recorder.problem or "")
    assert recorder.close(wait=0.5) is None
    assert recorder.lost > 0 and "could not be kept on this disk either" in recorder.left_behind(None)


def test_with_a_full_disk_under_the_outbox_the_database_still_gets_every_answer(small_disk, database, flow):
    """The outbox cannot be written, the database can: the answers go from memory to the database."""
    from chatbot.engine import Conversation

    from recordtools import answer_as

    fill(small_disk)
    recorder = Recorder(database, outbox_dir=small_disk / "outbox")
    conversation = Conversation(flow)
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, {}, None, recorder)
    assert recorder.wait() and recorder.close() is None and recorder.lost == 0
    assert len(kept(database, session_id).answers) == len(conversation.transcript)
