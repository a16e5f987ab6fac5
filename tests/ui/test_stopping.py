"""Stopping is always clean (issue 14, point 4): the real `chatbot --kiosk` and plain `chatbot` in a pty,
stopped by the signals a service manager sends. The terminal is left cooked, nothing of the person is
on the last screen, the session record is closed, and the exit status says whether the records took
everything."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.records.recorder import OUTBOX_DIR
from chatbot.tui import SymptomCheckerApp
from tests.helpers.pilot import quick

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
ESCAPES = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
QUESTION = b"have you had any of these"


class Terminal:
    """A chatbot process on its own pty (the slave kept open here, to read its modes after the exit)."""

    def __init__(self, arguments: list[str], env: dict[str, str]):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master, self.slave = master, slave
        self.cooked = termios.tcgetattr(slave)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chatbot", *arguments], stdin=slave, stdout=slave, stderr=slave, env=env,
            start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        self.output = bytearray()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    self.output += os.read(self.master, 65536)
            except OSError:
                return
            if self.process.poll() is not None and not ready:
                return

    def wait_for(self, text: bytes, most: float = 30.0) -> None:
        deadline = time.monotonic() + most
        while text not in self.output:
            assert self.process.poll() is None, f"it ended: {bytes(self.output)[-300:]!r}"
            assert time.monotonic() < deadline, f"never saw {text!r} in {most:.0f} s: {bytes(self.output)[-400:]!r}"
            time.sleep(0.05)

    def stop(self, number: int) -> int:
        """Send `number` and wait (bounded) for the exit; its status, once everything drawn was read."""
        os.kill(self.process.pid, number)
        status = self.process.wait(timeout=20)
        deadline = time.monotonic() + 5
        while select.select([self.master], [], [], 0)[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        return status

    def final_screen(self) -> bytes:
        """What is printed after the alternate screen was left, escape sequences taken out."""
        output = bytes(self.output)
        assert LEAVE_ALTERNATE_SCREEN in output, "the alternate screen was never left"
        return ESCAPES.sub(b"", output.rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1])

    def assert_restored(self) -> None:
        modes = termios.tcgetattr(self.slave)
        assert modes[3] & (termios.ICANON | termios.ECHO) == self.cooked[3] & (termios.ICANON | termios.ECHO)
        assert b"\x1b[?25h" in bytes(self.output).rsplit(LEAVE_ALTERNATE_SCREEN, 1)[0][-200:] + \
            bytes(self.output).rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1], "the cursor was never shown again"

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def environment(tmp_path):
    env = {**os.environ, "TERM": "xterm-256color", "CHATBOT_LOG_DIR": str(tmp_path / "log"),
           "CHATBOT_CONFIG_DIR": str(tmp_path / "config"), "CHATBOT_DATA_DIR": str(tmp_path / "data"),
           "CHATBOT_FLOW_CACHE": "0", "CHATBOT_DATABASE": f"sqlite:///{tmp_path / 'records.sqlite3'}"}
    env.pop("TEXTUAL_ALLOW_SIGNALS", None)
    return env


def rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1], ids=lambda n: n.name)
def test_a_signal_stops_the_kiosk_cleanly_with_the_person_kept_as_stopped(number, environment, tmp_path):
    """A service manager stops the kiosk with SIGTERM or SIGHUP; anything else that would kill it
    where it stands stops it the same way: terminal restored, screen wiped, session closed, status 0."""
    terminal = Terminal(["--kiosk", "--idle-timeout", "60"], environment)
    try:
        terminal.wait_for(b"Start")
        os.write(terminal.master, b"\r")  # a person starts
        terminal.wait_for(QUESTION)
        os.write(terminal.master, b"7\r")  # "None of these": an answer in the records
        terminal.wait_for(b"white blood")
        assert terminal.stop(number) == 0
        terminal.assert_restored()
        assert terminal.final_screen().strip() == b"", "something was left on the terminal's screen"
        database = tmp_path / "records.sqlite3"
        assert rows(database, "SELECT status FROM sessions") == [("abandoned",)]
        assert ("stopped",) in rows(database, "SELECT kind FROM events")
    finally:
        terminal.close()


def test_every_other_signal_leaves_the_kiosk_running(environment):
    """The signals that would suspend or quit it where it stands are ignored: it neither stops nor ends.
    (Linux discards the stop signals for a process group with no parent in its session, as here; a
    kiosk started from a login shell has one, so SIGTTIN and SIGTTOU are ignored for it too.)"""
    terminal = Terminal(["--kiosk", "--idle-timeout", "60"], environment)
    try:
        terminal.wait_for(b"Start")
        for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
            os.kill(terminal.process.pid, number)
        os.write(terminal.master, b"\r")  # it still answers after them all
        terminal.wait_for(QUESTION)
        state = Path(f"/proc/{terminal.process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        assert state not in ("T", "t") and terminal.process.poll() is None
        assert terminal.stop(signal.SIGTERM) == 0
    finally:
        terminal.close()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=lambda n: n.name)
def test_a_signal_stops_the_plain_chatbot_and_saves_what_the_records_did_not_take(number, environment, tmp_path):
    """Plain `chatbot` stopped by the machine while the database is away: the answers stay in the
    owner-only outbox, the terminal is restored, and the exit status is not 0 (the records lack them)."""
    (tmp_path / "not-a-folder").write_text("")
    environment["CHATBOT_DATABASE"] = f"sqlite:///{tmp_path / 'not-a-folder' / 'records.sqlite3'}"
    terminal = Terminal([], environment)
    try:
        terminal.wait_for(QUESTION)
        os.write(terminal.master, b"1\r")  # an answer the records cannot take
        terminal.wait_for(b"911")
        assert terminal.stop(number) != 0
        terminal.assert_restored()
        saved = list((tmp_path / "data" / OUTBOX_DIR).iterdir())
        assert len(saved) == 1 and saved[0].stat().st_mode & 0o077 == 0
        assert b"chest_pain" in saved[0].read_bytes()
    finally:
        terminal.close()


@pytest.mark.parametrize("keys", [("q", "s"), ("q", "r"), ("s", "q")], ids="+".join)
def test_quit_typed_with_another_key_just_quits(keys):
    """`q` and `s` (or `r`) pressed together: the second key's screen never opens on an app that is
    leaving (it used to fail to build, with a traceback)."""

    async def main():
        app = SymptomCheckerApp(load_flow())
        async with quick(app.run_test()) as pilot:
            await pilot.pause()
            for key in keys:
                app.simulate_key(key)
            await pilot.pause()
        return app

    app = asyncio.run(main())
    assert app._exception is None and app.return_code == 0
