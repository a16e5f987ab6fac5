"""The real `chatbot --kiosk` in a terminal (a pty): the keys and signals that stop or suspend a
program do nothing, with and without TEXTUAL_ALLOW_SIGNALS; only F12 x3 and the PIN leave.

With TEXTUAL_ALLOW_SIGNALS set, Textual leaves the terminal's ISIG on, so ctrl+c, ctrl+\\
and ctrl+z typed here reach the kiosk as SIGINT, SIGQUIT and SIGTSTP from the terminal
itself; the signals are also sent directly with os.kill.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from chatbot.kiosk.staff_pin import PIN_FILE, set_pin

PIN = "246813"
KEYS = {  # what a terminal sends for the keys of issue 6, point 1
    "ctrl+c": b"\x03", "ctrl+q": b"\x11", "ctrl+z": b"\x1a", "ctrl+\\": b"\x1c", "ctrl+d": b"\x04",
    "ctrl+p": b"\x10", "escape": b"\x1b",
    **{f"f{n}": code for n, code in zip(range(1, 13), [
        b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS", b"\x1b[15~", b"\x1b[17~", b"\x1b[18~", b"\x1b[19~",
        b"\x1b[20~", b"\x1b[21~", b"\x1b[23~", b"\x1b[24~"])},
}
F12 = b"\x1b[24~"


class Terminal:
    """A kiosk process on its own pty, and everything it has drawn so far."""

    def __init__(self, env: dict[str, str]):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chatbot", "--kiosk", "--idle-timeout", "60"], stdin=slave, stdout=slave,
            stderr=slave, env=env, start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))  # the pty is its controlling terminal
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    self.output += chunk
            except OSError:
                return
            if self.process.poll() is not None and not ready:
                return

    def wait_for(self, text: bytes, most: float = 20.0) -> None:
        deadline = time.monotonic() + most
        while text not in self.output:
            assert self.process.poll() is None, f"the kiosk ended: {bytes(self.output)[-500:]!r}"
            assert time.monotonic() < deadline, f"never saw {text!r}"
            time.sleep(0.05)

    def type(self, data: bytes, pause: float = 0.02) -> None:
        os.write(self.master, data)
        time.sleep(pause)

    def stopped(self) -> bool:
        """Suspended (state T in /proc), as SIGTSTP would leave it."""
        stat = Path(f"/proc/{self.process.pid}/stat")
        return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] in ("T", "t")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        os.close(self.master)


@pytest.fixture
def terminal(request, tmp_path):
    env = {**os.environ, "TERM": "xterm-256color", "CHATBOT_LOG_DIR": str(tmp_path / "log"),
           "CHATBOT_CONFIG_DIR": str(tmp_path / "config"), "CHATBOT_FLOW_CACHE": "0"}
    env.pop("TEXTUAL_ALLOW_SIGNALS", None)
    if request.param:
        env["TEXTUAL_ALLOW_SIGNALS"] = "1"
    set_pin(PIN, tmp_path / "config" / PIN_FILE)
    opened = Terminal(env)
    yield opened
    opened.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
@pytest.mark.parametrize("terminal", [False, True], ids=["plain", "TEXTUAL_ALLOW_SIGNALS"], indirect=True)
def test_nothing_stops_or_suspends_the_kiosk_but_staff_and_their_pin(terminal):
    terminal.wait_for(b"Start")
    terminal.type(b"\r")  # start: a question is on screen, as a person would have it
    terminal.wait_for(b"Danger signs")
    for data in KEYS.values():
        terminal.type(data)
    for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
        os.kill(terminal.process.pid, number)
    terminal.type(F12 * 3)  # it answers after the signals: staff are asked for the PIN
    terminal.wait_for(b"Staff only")
    assert terminal.process.poll() is None and not terminal.stopped()
    terminal.type(PIN.encode() + b"\r")
    assert terminal.process.wait(timeout=10) == 0
