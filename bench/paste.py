"""A long paste and a lost terminal (issue 28): how long a paste into the temperature field takes to
settle, and how long `chatbot` takes to end once its terminal closes.

`chatbot` runs as a person would run it, at 100x32, answered `7` Enter `y` `y` (the temperature
field); then `--chars` digits are pasted, either as keys (a terminal, or `tmux paste-buffer`, that
sends the text as typed) or as a bracketed paste (`tmux paste-buffer -p`), or as many characters are
sent as a flood of keys that is no paste ("7" Enter, again and again). Settled: the process used
under 5% of a CPU for half a second. Then the terminal closes (the pty's master closed; in tmux the
session killed, as closing its window does), once right after the paste has settled and once while
the paste is still arriving, and the clock runs until the process has ended; in the pty, SIGTERM is
also sent while the paste is arriving. A process still there after `--most` seconds gets SIGTERM,
then SIGKILL, and the figure says so.

Two harnesses: `pty` (this process holds the terminal: CPU read from /proc while the process is a
zombie, so the whole of it) and `tmux` (the issue's own way; CPU read from /proc while it still runs).

    python3 bench/paste.py [--chars 200000] [--harness pty,tmux] [--how keys,bracketed,flood] [--most 60]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.terminal import Terminal, bracketed, environment  # noqa: E402

FIELD = b"For example 37.5"
ANSWERS = ((b"7\r", b"white blood"), (b"y", b"feverish"), (b"y", FIELD))
"""Each key, and what the screen shows once it is answered (a person waits for the next question)."""
SIZE = (100, 32)


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _settle(pid: int, most: float, quiet: float = 0.5, below: float = 0.05) -> float:
    """Seconds until `pid` stays under `below` of a CPU for `quiet` seconds (`most` if it never does)."""
    began = time.monotonic()
    samples = [(began, _cpu(pid) or 0.0)]
    while time.monotonic() - began < most and _alive(pid):
        time.sleep(0.05)
        now, cpu = time.monotonic(), _cpu(pid) or 0.0
        samples.append((now, cpu))
        while len(samples) > 1 and now - samples[1][0] >= quiet:
            samples.pop(0)
        if now - samples[0][0] >= quiet and cpu - samples[0][1] <= below * (now - samples[0][0]):
            return samples[0][0] - began
    return time.monotonic() - began


def _end(pid: int, most: float) -> str:
    """Wait for `pid` to end; what happened, as the figure to print."""
    began = time.monotonic()
    cpu_before = _cpu(pid) or 0.0
    last_cpu = cpu_before
    while _alive(pid) and time.monotonic() - began < most:
        time.sleep(0.01)
        last_cpu = _cpu(pid) or last_cpu
    took = time.monotonic() - began
    used = last_cpu - cpu_before
    if not _alive(pid):
        return f"ended in {took:.2f} s ({used:.2f} s CPU while ending)"
    return _still_running(pid, took, used)


def _still_running(pid: int, took: float, used: float) -> str:
    """After `took` seconds (`used` of CPU) it has not ended: SIGTERM, then SIGKILL; what it took."""
    os.kill(pid, signal.SIGTERM)
    after_term = time.monotonic()
    while _alive(pid) and time.monotonic() - after_term < 5:
        time.sleep(0.05)
    if not _alive(pid):
        return f"still running after {took:.0f} s at {100 * used / took:.0f}% CPU; SIGTERM ended it"
    os.kill(pid, signal.SIGKILL)
    return f"still running after {took:.0f} s at {100 * used / took:.0f}% CPU; SIGTERM ignored, SIGKILL needed"


# -- the pty harness -------------------------------------------------------------------------

def _pty_start(folder: Path) -> Terminal:
    terminal = Terminal(["--database", f"sqlite:///{folder / 'records.sqlite3'}"], environment(folder), size=SIZE,
                        cwd=folder)
    terminal.wait_for(b"Do you have any of these")
    for key, shows in ANSWERS:
        start = len(terminal.output)
        terminal.write(key)
        terminal.wait_for(shows, start=start)
    terminal.settle()
    return terminal


def pasted(chars: int, how: str) -> bytes:
    """What the terminal sends: digits typed, digits pasted, or a flood of keys that is no paste."""
    if how == "flood":
        return b"7\r" * (chars // 2)
    return bracketed(b"7" * chars) if how == "bracketed" else b"7" * chars


def pty_round(chars: int, how: str, most: float) -> dict[str, str]:
    data = pasted(chars, how)
    figures = {}
    with tempfile.TemporaryDirectory(prefix="paste-bench-") as folder:
        terminal = _pty_start(Path(folder))
        try:
            began = time.monotonic()
            writer = threading.Thread(target=_write_quietly, args=(terminal, data, most), daemon=True)
            writer.start()
            writer.join(most)
            left = most - (time.monotonic() - began)
            settled = time.monotonic() - began + (terminal.settle(most=left) if left > 0 else 0.0)
            figures["settle"] = f"{settled:.2f} s" if settled < most and not writer.is_alive() else \
                f"not settled after {most:.0f} s" + (" (it had not even read the whole paste)" if writer.is_alive() else "")
            terminal.close()
            figures["end after close"] = _end_pty(terminal, most)
        finally:
            _pty_clean(terminal)
        for ending in ("close", "SIGTERM"):
            terminal = _pty_start(Path(folder))
            try:
                writer = threading.Thread(target=_write_quietly, args=(terminal, data, most), daemon=True)
                writer.start()
                time.sleep(1.0)
                if ending == "close":
                    terminal.close()
                else:
                    os.kill(terminal.pid, signal.SIGTERM)
                figures[f"end after {ending} mid-paste"] = _end_pty(terminal, most)
            finally:
                _pty_clean(terminal)
    return figures


def _write_quietly(terminal: Terminal, data: bytes, most: float) -> None:
    try:
        terminal.write(data, most=most)
    except (OSError, AssertionError):
        pass  # the terminal was closed under it


def _end_pty(terminal: Terminal, most: float) -> str:
    before = terminal.cpu_seconds()
    took, cpu, waited = terminal.wait_gone(most)
    if terminal.alive():
        return _still_running(terminal.pid, most, cpu - before)
    return f"ended in {took:.2f} s ({cpu - before:.2f} s CPU while ending, {cpu:.2f} s in all; " \
           f"{waited:.2f} s waiting for a CPU)"


def _pty_clean(terminal: Terminal) -> None:
    try:
        terminal.kill()
    except Exception:
        pass


# -- the tmux harness ------------------------------------------------------------------------

def _tmux(*arguments: str) -> str:
    return subprocess.run(["tmux", *arguments], check=True, capture_output=True, text=True).stdout


def _tmux_start(session: str, folder: Path) -> int:
    env = environment(folder)
    assignments = [f"{name}={env[name]}" for name in ("TERM", "CHATBOT_LOG_DIR", "CHATBOT_CONFIG_DIR",
                                                       "CHATBOT_DATA_DIR", "XDG_CACHE_HOME", "CHATBOT_DATABASE",
                                                       "PYTHONPATH") if name in env]
    command = " ".join(["exec", "env", *assignments, sys.executable, "-m", "chatbot"])
    _tmux("new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]), "-c", str(folder), command)
    pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
    _tmux_wait(session, "Do you have any of these")
    for keys, shows in ((("7", "Enter"), "white blood"), (("y",), "feverish"), (("y",), FIELD.decode())):
        _tmux("send-keys", "-t", session, *keys)
        _tmux_wait(session, shows)
    _settle(pid, 10)
    return pid


def _tmux_wait(session: str, text: str, most: float = 30.0) -> None:
    deadline = time.monotonic() + most
    while text not in _tmux("capture-pane", "-p", "-t", session):
        if time.monotonic() > deadline:
            raise RuntimeError(f"tmux never showed {text!r}")
        time.sleep(0.1)


def tmux_round(chars: int, how: str, most: float) -> dict[str, str]:
    figures = {}
    session = f"paste-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="paste-bench-") as folder:
        digits = Path(folder) / "digits"
        digits.write_bytes(pasted(chars, "flood" if how == "flood" else "keys"))
        _tmux("load-buffer", "-b", session, str(digits))
        paste = ["paste-buffer", "-b", session, "-t", session] + (["-p"] if how == "bracketed" else [])
        for mid_paste in (False, True):
            pid = _tmux_start(session, Path(folder))
            try:
                began = time.monotonic()
                _tmux(*paste)
                if mid_paste:
                    time.sleep(1.0)
                else:
                    settled = time.monotonic() - began + _settle(pid, most)
                    figures["settle"] = f"{settled:.2f} s" if settled < most else f"not settled after {most:.0f} s"
                _tmux("kill-session", "-t", session)
                figures["end after close mid-paste" if mid_paste else "end after close"] = _end(pid, most)
            finally:
                subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
        subprocess.run(["tmux", "delete-buffer", "-b", session], capture_output=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--harness", default="pty,tmux")
    parser.add_argument("--how", default="keys,bracketed,flood")
    parser.add_argument("--most", type=float, default=60.0, help="seconds to wait at most for each figure")
    options = parser.parse_args()
    rounds = {"pty": pty_round, "tmux": tmux_round}
    print(f"{options.chars:,} digits pasted into the temperature field at {SIZE[0]}x{SIZE[1]}")
    for harness in options.harness.split(","):
        for how in options.how.split(","):
            figures = rounds[harness](options.chars, how, options.most)
            for name, figure in figures.items():
                print(f"{harness:5} {how:10} {name:26} {figure}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
