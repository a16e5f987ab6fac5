"""First paint of `chatbot` against a bare Textual app, both started in a real pseudo-terminal.

Goal (issue 24): the first question is on screen within 1.15x the time a bare
Textual app (one line of text) takes to paint, measured in the same run. Each
program is started as a person would start it (a new Python process, in the bench's
own temporary folders: `bench/folders.py`), and the clock stops when the terminal
has received the frame that shows the text: so imports, loading the flow (from the
start-up cache, written by the warm-up round) and the first layout all count. The
two are run in turn, several rounds, and the medians compared.

    python3 bench/startup.py [--rounds 15] [--size 100x30]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from folders import own_folders  # noqa: E402

SYNC_QUERY = b"\x1b[?2026$p"  # does the terminal support synchronized output?
SYNC_REPLY = b"\x1b[?2026;2$y"  # yes: then every frame ends with SYNC_END
SYNC_END = b"\x1b[?2026l"
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")

BARE_APP = """\
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("Hello from a bare Textual app")

Bare().run()
"""
BARE_TEXT = "Hello from a bare Textual app"
# Bytecode for both programs, written by the warm-up round, kept out of the repository.
PYCACHE = os.path.join(tempfile.gettempdir(), "chatbot-bench-pycache")


class Terminal:
    """A program running in a pseudo-terminal of a given size, and what it has drawn."""

    def __init__(self, argv: list[str], size: tuple[int, int] = (100, 30)) -> None:
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", PYTHONPYCACHEPREFIX=PYCACHE)
        env.pop("TEXTUAL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode: so here too
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.raw = bytearray()

    def read(self, timeout: float) -> bytes:
        """What arrives within `timeout` seconds (answering the synchronized-output query)."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        if SYNC_QUERY in chunk:
            os.write(self.fd, SYNC_REPLY)
        self.raw += chunk
        return chunk

    def text(self) -> str:
        return ESCAPES.sub(b"", bytes(self.raw)).decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 20.0) -> float:
        """Seconds from the start until `text` is on screen."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.read(0.05) and text in self.text():
                return time.perf_counter() - self.started
            if self.process.poll() is not None:
                break
        raise RuntimeError(f"{text!r} never appeared; the screen showed:\n{self.text()[-2000:]}")

    def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Read until nothing more arrives for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self.read(quiet):
            pass

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def close(self) -> None:
        try:
            self.send(b"\x11")  # ctrl+q
            deadline = time.perf_counter() + 3
            while self.process.poll() is None and time.perf_counter() < deadline:
                self.read(0.05)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.fd)


def chatbot_command() -> list[str]:
    return [sys.executable, "-m", "chatbot"]


def first_screen_text() -> str:
    """Text from the bottom of the first screen: the first question's last choice (or the question)."""
    from chatbot.flowfile.loader import load_flow

    flow = load_flow()
    question = flow.questions[flow.start]
    return question.options[-1].label.get("en") if question.options else question.text.get("en")


def first_paint(argv: list[str], text: str, size: tuple[int, int]) -> float:
    terminal = Terminal(argv, size)
    try:
        return terminal.wait_for(text)
    finally:
        terminal.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each, in turn (fewer swing the medians)")
    parser.add_argument("--size", default="100x30", help="terminal COLUMNSxROWS")
    parser.add_argument("--goal", type=float, default=1.15, help="the largest ratio allowed")
    args = parser.parse_args()
    own_folders("startup")
    size = tuple(int(n) for n in args.size.split("x"))
    question = first_screen_text()

    first_paint(chatbot_command(), question, size)  # warm the file cache and the bytecode
    first_paint([sys.executable, "-c", BARE_APP], BARE_TEXT, size)
    bare, ours = [], []
    for _ in range(args.rounds):
        bare.append(first_paint([sys.executable, "-c", BARE_APP], BARE_TEXT, size))
        ours.append(first_paint(chatbot_command(), question, size))

    def ms(values: list[float]) -> str:
        return (f"median {statistics.median(values) * 1000:6.0f} ms   "
                f"min {min(values) * 1000:6.0f} ms   max {max(values) * 1000:6.0f} ms")

    ratio = statistics.median(ours) / statistics.median(bare)
    best = min(ours) / min(bare)
    print(f"first paint at {args.size}, {args.rounds} rounds each, in turn")
    print(f"  bare Textual app : {ms(bare)}")
    print(f"  chatbot          : {ms(ours)}")
    print(f"  ratio of medians : {ratio:.2f}   (of minimums {best:.2f}; goal <= {args.goal})")
    return 0 if ratio <= args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
