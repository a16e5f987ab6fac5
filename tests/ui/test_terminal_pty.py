"""A long paste and a lost terminal never leave a process spinning (issue 28), in a real pseudo-terminal.

For each app (`chatbot` at its temperature field, `chatbot --kiosk` at who the person is, `chatbot
nurse` at its sign-in): a megabyte pasted as a terminal pastes it (bracketed) and as keys (as
`tmux send-keys` or a terminal without bracketed paste types it), a key drawn at once after that,
then the terminal closed: the process is gone at once, having used little CPU, and what it kept
(the session, as stopped) is there. SIGTERM ends each even while keys flood in, and an end of input
alone (no SIGHUP) ends it too.

Bounds hold on a loaded machine: CPU is read from /proc (the whole process, once it has ended), and
the waits are counted without the time the process spent waiting for a CPU (its run-queue delay).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chatbot.widgets import words
from tests.helpers.terminal import Terminal, bracketed, environment

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process's CPU time from /proc")

MEGABYTE = 1_000_000
PIN = "482619"
GONE_WITHIN = 2.0  # seconds, once the terminal closed (issue 28, point 4)
CPU_AT_MOST = 2.0  # seconds of CPU, from the first paste to the end
KEY_WITHIN = 0.1  # seconds from a key to its frame, after a megabyte pasted
STOP_CPU = 1.0  # seconds of CPU from SIGTERM to the end, during a flood (point 3: within 1 s)
STOP_WITHIN = 2.0  # seconds from SIGTERM to the end, less any wait for a CPU: room for the disk's own waits


def records(folder: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(folder / "records.sqlite3") as connection:
        return connection.execute(sql).fetchall()


def answer(terminal: Terminal, *steps: tuple[bytes, bytes]) -> None:
    """Each key, then what the screen shows once it is taken, and a person's moment to read it: a key
    that comes on the heels of the last answer's is taken for what is left of it (a bounce: y y), and
    dropped (`chatbot.screens.leftovers`)."""
    for key, shows in steps:
        start = len(terminal.output)
        terminal.write(key)
        terminal.wait_for(shows, start=start)
        terminal.settle()


class App:
    """How to start one of the apps in `folder` and reach its field; what it keeps."""

    def __init__(self, arguments: list[str], steps: tuple[tuple[bytes, bytes], ...], first: bytes):
        self.arguments, self.steps, self.first = arguments, steps, first

    def start(self, folder: Path, **options) -> Terminal:
        env = environment(folder)
        if self.arguments[:1] == ["nurse"]:
            for command, given in ((["records", "migrate"], ""), (["staff", "add", "Rosa"], f"{PIN}\n")):
                subprocess.run([sys.executable, "-m", "chatbot", *command], input=given, env=env, text=True,
                               check=True, capture_output=True, cwd=folder)
        terminal = Terminal(self.arguments, env, cwd=folder, **options)
        terminal.wait_for(self.first)
        terminal.settle()  # every control in place (keys typed before that are another issue's)
        answer(terminal, *self.steps)
        terminal.settle()
        return terminal


APPS = {
    "chatbot": App([], ((b"7\r", b"white blood"), (b"y", b"feverish"), (b"y", b"For example ")),
                   b"have you had any of these"),
    "kiosk": App(["--kiosk", "--identify", "name-dob", "--idle-timeout", "600"],
                 ((b"\r", b"have you had any of these"), (b"7\r", b"First name")), b"Start"),
    "nurse": App(["nurse"], (), b"Nurse station"),
}


def key_drawn(terminal: Terminal, key: bytes, shows: bytes) -> tuple[float, float]:
    """Send `key` to an idle app: (seconds until `shows` is drawn, less any wait for a CPU; CPU used)."""
    start, cpu, delay = len(terminal.output), terminal.cpu_seconds(), terminal.run_delay()
    terminal.write(key)
    took = terminal.wait_for(shows, most=10, start=start)
    return took - (terminal.run_delay() - delay), terminal.cpu_seconds() - cpu


def ends(terminal: Terminal, after: str, within: float, cpu_before: float, cpu_most: float) -> None:
    """The process ends within `within` seconds (less any wait for a CPU), having used less than
    `cpu_most` seconds of CPU since `cpu_before`."""
    gone, used, waited = terminal.wait_gone(within * 5)
    assert not terminal.alive(), f"still running {gone:.1f} s after {after}"
    assert gone - waited < within, f"it took {gone:.2f} s to end after {after} ({waited:.2f} s waiting for a CPU)"
    assert used - cpu_before < cpu_most, f"{used - cpu_before:.2f} s of CPU"


@pytest.mark.parametrize("name", APPS)
def test_a_megabyte_pasted_then_the_terminal_closed(name, tmp_path):
    """Pasted both ways into the app's field, a key drawn at once after, then the window closed."""
    app = APPS[name]
    terminal = app.start(tmp_path)
    try:
        began = terminal.cpu_seconds()
        terminal.write(bracketed(b"7" * MEGABYTE))
        terminal.settle()
        terminal.write(b"7" * MEGABYTE)
        terminal.settle()
        assert terminal.alive()
        if name == "chatbot":  # not a reading: asked again, the field empty
            assert b"That answer is too long" in terminal.text()
        else:  # the field kept its first characters and said so
            assert words.CUT.fill(count="40").get("en").encode() in terminal.text()
        took, cpu = key_drawn(terminal, b"\x7fZ" if name != "chatbot" else b"Z", b"Z")
        assert took < KEY_WITHIN and cpu < KEY_WITHIN, f"the key took {took:.3f} s ({cpu:.3f} s of CPU)"
        terminal.close()
        ends(terminal, "its terminal closed", GONE_WITHIN, began, CPU_AT_MOST)
    finally:
        terminal.kill()
    if name == "chatbot":
        assert records(tmp_path, "SELECT status FROM sessions") == [("abandoned",)]
        assert ("stopped",) in records(tmp_path, "SELECT kind FROM events")
    if name == "kiosk":
        assert ("stopped",) in records(tmp_path, "SELECT kind FROM events")


def flood(terminal: Terminal, stop: threading.Event) -> None:
    """Keys, as fast as the terminal takes them, that are no paste: a digit and Enter, again and again."""
    while not stop.is_set():
        try:
            terminal.write(b"7\r" * 2048, most=5)
        except (OSError, AssertionError):
            return


@pytest.mark.parametrize("name", APPS)
def test_sigterm_ends_each_app_at_once_even_while_keys_flood_in(name, tmp_path):
    app = APPS[name]
    terminal = app.start(tmp_path)
    stop = threading.Event()
    flooding = threading.Thread(target=flood, args=(terminal, stop), daemon=True)
    try:
        flooding.start()
        time.sleep(1.0)
        assert terminal.alive()
        before = terminal.cpu_seconds()
        os.kill(terminal.pid, signal.SIGTERM)
        ends(terminal, "SIGTERM", STOP_WITHIN, before, STOP_CPU)
    finally:
        stop.set()
        terminal.kill()
    if name == "kiosk":  # its screen wiped: only the flood's own echo once the terminal is cooked again
        assert terminal.after_leaving().replace(b"7", b"").strip() == b"", "the person's screen was left"


def test_a_flood_of_keys_is_bounded_said_once_and_the_next_key_is_drawn_at_once(tmp_path):
    """Keys that are no paste (Backspace, as fast as the terminal takes them) for two seconds: the app
    drops what it cannot take, says so once, and answers the next key as if nothing had happened."""
    terminal = APPS["chatbot"].start(tmp_path)
    try:
        began = terminal.cpu_seconds()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            terminal.write(b"\x7f" * 4096)
        terminal.settle()
        said = " ".join(words.KEYS_DROPPED.get("en").split()[:4]).encode()  # the notice wraps after these
        assert said in terminal.text()  # (said once: test_paste.py)
        took, cpu = key_drawn(terminal, b"Z", b"Z")
        assert took < KEY_WITHIN and cpu < KEY_WITHIN, f"the key took {took:.3f} s ({cpu:.3f} s of CPU)"
        assert terminal.cpu_seconds() - began < CPU_AT_MOST * 2, "the flood was not bounded"
    finally:
        terminal.kill()


def test_an_end_of_input_alone_ends_the_app(tmp_path):
    """No SIGHUP (the pty is not its controlling terminal): reading the end of input is enough."""
    terminal = APPS["chatbot"].start(tmp_path, controlling=False)
    try:
        before = terminal.cpu_seconds()
        terminal.close()
        ends(terminal, "its input ended", GONE_WITHIN, before, CPU_AT_MOST)
    finally:
        terminal.kill()
    assert ("stopped",) in records(tmp_path, "SELECT kind FROM events")
