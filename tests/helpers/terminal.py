"""A real `chatbot` process on its own pseudo-terminal (pty), for the tests and the bench that need the
terminal itself: what a paste sends, what the process draws, the terminal closing under it, and what
the process cost, read from /proc.

The process is the session leader of the pty (it is its controlling terminal, so closing the pty sends
it SIGHUP as a real terminal does), unless `controlling=False`: then closing it is only an end of input.
Writes never block: a process that stopped reading fails the write at its deadline instead.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
TICKS = os.sysconf("SC_CLK_TCK")


def environment(folder: Path, **extra: str) -> dict[str, str]:
    """Every folder the chatbot writes under `folder`, the records in a SQLite file there."""
    env = {**os.environ, "TERM": "xterm-256color", "CHATBOT_LOG_DIR": str(folder / "log"),
           "CHATBOT_CONFIG_DIR": str(folder / "config"), "CHATBOT_DATA_DIR": str(folder / "data"),
           "XDG_CACHE_HOME": str(folder / "cache"), "CHATBOT_FLOW_CACHE": "0",
           "CHATBOT_DATABASE": f"sqlite:///{folder / 'records.sqlite3'}", **extra}
    env.pop("TEXTUAL_ALLOW_SIGNALS", None)
    return env


def bracketed(text: bytes) -> bytes:
    """`text` as a terminal pastes it once the app has asked for bracketed paste."""
    return PASTE_START + text + PASTE_END


class Terminal:
    """`python -m chatbot ARGUMENTS` on a pty of `size` (columns, rows), in `cwd` (where it saves what
    it saves), and everything it has drawn."""

    def __init__(self, arguments: list[str], env: dict[str, str], *, size: tuple[int, int] = (100, 32),
                 controlling: bool = True, cwd: Path | None = None):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chatbot", *arguments], stdin=slave, stdout=slave, stderr=slave, env=env,
            cwd=cwd, start_new_session=True,
            preexec_fn=(lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0)) if controlling else None)
        os.close(slave)
        os.set_blocking(master, False)
        self.output = bytearray()
        self.closed = False
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        while not self.closed:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if ready:
                    with self._lock:
                        if self.closed:
                            return
                        chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    self.output += chunk
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                return

    # -- input ------------------------------------------------------------------------------

    def write(self, data: bytes, most: float = 60.0) -> None:
        """Send `data` as the terminal would (a paste is sent as fast as the process reads it)."""
        view = memoryview(data)
        deadline = time.monotonic() + most
        while view:
            assert time.monotonic() < deadline, f"the process stopped reading: {len(view)} bytes not taken"
            _, ready, _ = select.select([], [self.master], [], 0.1)
            if not ready:
                continue
            try:
                written = os.write(self.master, view[:65536])
            except BlockingIOError:
                continue
            view = view[written:]

    # -- what it drew -----------------------------------------------------------------------

    def text(self, start: int = 0) -> bytes:
        """What was drawn since `start` (an offset in `output`), escape sequences taken out."""
        return ESCAPES.sub(b"", bytes(self.output[start:]))

    def after_leaving(self) -> bytes:
        """What was drawn after the app last left the alternate screen (its own), escape sequences taken
        out: what the terminal shows once the app has gone."""
        return ESCAPES.sub(b"", bytes(self.output).rsplit(LEAVE_ALTERNATE_SCREEN, 1)[-1])

    def wait_for(self, text: bytes, most: float = 30.0, start: int = 0) -> float:
        """Wait until `text` is drawn (after `start`); the seconds it took."""
        began = time.monotonic()
        deadline = began + most
        while text not in self.text(start):
            assert self.alive(), f"it ended: {self.text()[-400:]!r}"
            assert time.monotonic() < deadline, f"never saw {text!r} in {most:.0f} s: {self.text()[-600:]!r}"
            time.sleep(0.01)
        return time.monotonic() - began

    # -- the process, from /proc ------------------------------------------------------------

    def _stat(self) -> list[str] | None:
        try:
            return Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None

    def alive(self) -> bool:
        """Running (not ended, not a zombie waiting to be collected)."""
        fields = self._stat()
        return fields is not None and fields[0] not in ("Z", "X")

    def cpu_seconds(self) -> float:
        """CPU time the process used so far, all its threads (also readable once it has ended, as a
        zombie, until `wait_gone` collects it)."""
        fields = self._stat()
        assert fields is not None, "the process was already collected"
        return (int(fields[11]) + int(fields[12])) / TICKS

    def run_delay(self) -> float:
        """Seconds the main thread spent ready to run but waiting for a CPU (the machine's load, not ours)."""
        try:
            return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def settle(self, quiet: float = 0.5, most: float = 120.0, below: float = 0.05) -> float:
        """Wait until the process stays nearly idle (under `below` of a CPU) for `quiet` seconds; the
        seconds from now until it went quiet (`most` if it never did)."""
        began = time.monotonic()
        samples = [(began, self.cpu_seconds())]
        while time.monotonic() - began < most and self.alive():
            time.sleep(0.05)
            now, cpu = time.monotonic(), self.cpu_seconds()
            samples.append((now, cpu))
            while len(samples) > 1 and now - samples[1][0] >= quiet:
                samples.pop(0)
            first_at, first_cpu = samples[0]
            if now - first_at >= quiet and cpu - first_cpu <= below * (now - first_at):
                return first_at - began
        return time.monotonic() - began

    # -- the end ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the terminal, as a window closing or a connection dropping does."""
        with self._lock:
            if not self.closed:
                self.closed = True
                os.close(self.master)

    def wait_gone(self, most: float) -> tuple[float, float, float]:
        """Wait (at most `most` seconds) for the process to end: (seconds it took, CPU seconds it used
        in all, seconds of that wait it or this watching thread spent waiting for a CPU: a watcher kept
        off the CPU sees the end late); `most` and the CPU so far if it did not."""
        began = time.monotonic()
        delay_before, watching_before = self.run_delay(), _own_run_delay()
        while self.alive() and time.monotonic() - began < most:
            time.sleep(0.01)
        took = time.monotonic() - began
        cpu = self.cpu_seconds() if self._stat() is not None else float("nan")
        waited = max(self.run_delay() - delay_before, 0.0) + max(_own_run_delay() - watching_before, 0.0)
        return took, cpu, waited

    def kill(self) -> None:
        """End it whatever it is doing (a test's clean-up), and collect it."""
        try:
            os.killpg(self.pid, 9)
        except OSError as error:
            if error.errno != errno.ESRCH:
                raise
        self.process.wait(timeout=10)
        self.close()


def _own_run_delay() -> float:
    """Seconds this thread spent ready to run but waiting for a CPU."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0
