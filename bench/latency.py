"""How long a key press takes to reach the screen, measured at a real pseudo-terminal.

Goal (issue 3): a key press is drawn within one frame (16 ms). `chatbot` runs in
a pseudo-terminal as a person would run it; each key is written to the terminal
and the clock stops when the frame it caused has been received whole (Textual
ends each frame with a synchronized-output marker). So reading the key, the
engine's answer, the UI update, rendering and writing all count. Between keys
the screen is left to settle, so each press starts from a quiet app.

Three kinds of press are timed:
  tick     a digit ticks or unticks a choice (the screen changes a line);
  answer   a key answers a question (a new question, the chat grows by two lines);
  back     a key goes back (the question returns, the chat loses two lines).

    python3 bench/latency.py [--presses 40] [--size 100x30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import ESCAPES, SYNC_END, Terminal, chatbot_command, first_screen_text  # noqa: E402

from chatbot.flowfile.loader import load_flow  # noqa: E402

FRAME = 1000 / 60  # ms


def press(terminal: Terminal, key: bytes, shows: str, timeout: float = 2.0) -> float:
    """Milliseconds from writing `key` until the end of the frame that `shows` the result.

    Waiting for the result's own text matters: a button first shows it was pressed,
    and only the frame with the next question is the answer drawn.
    """
    terminal.settle(quiet=0.25)
    start = len(terminal.raw)
    sent = time.perf_counter()
    terminal.send(key)
    deadline = sent + timeout
    wanted = shows.encode()
    while time.perf_counter() < deadline:
        terminal.read(0.005)
        since = bytes(terminal.raw[start:])
        end = since.rfind(SYNC_END)
        if end >= 0 and wanted in ESCAPES.sub(b"", since[:end]):
            return (time.perf_counter() - sent) * 1000
    raise RuntimeError(f"{shows!r} was not drawn after {key!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="presses of each kind")
    parser.add_argument("--size", default="100x30", help="terminal COLUMNSxROWS")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))

    terminal = Terminal(chatbot_command(), size)
    timings: dict[str, list[float]] = {"tick": [], "answer": [], "back": []}
    try:
        terminal.wait_for(first_screen_text())
        flow = load_flow()
        first = flow.questions[flow.start]
        tick = f"[✓] {first.options[0].label.get('en')}"
        untick = f"[ ] {first.options[0].label.get('en')}"
        for number in range(args.presses):
            timings["tick"].append(press(terminal, b"1", untick if number % 2 else tick))
        if args.presses % 2:
            press(terminal, b"1", untick)
        none = len(first.options)
        second = flow.questions[first.next[-1].goto]  # "None of these" goes on to the fever questions
        third = flow.questions[second.next[-1].goto]
        press(terminal, str(none).encode(), "[✓] " + first.options[-1].label.get("en"))
        press(terminal, b"\r", second.text.get("en")[:40])
        for _ in range(args.presses):
            timings["answer"].append(press(terminal, b"u", third.text.get("en")[:40]))
            timings["back"].append(press(terminal, b"b", second.text.get("en")[:40]))
    finally:
        terminal.close()

    print(f"key press to frame on screen, {args.presses} presses each, at {args.size}")
    worst = 0.0
    for kind, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        worst = max(worst, statistics.median(values))
        print(f"  {kind:<7} median {statistics.median(values):5.1f} ms   p95 {p95:5.1f} ms   "
              f"max {values[-1]:5.1f} ms   within one frame: "
              f"{sum(v <= FRAME for v in values)}/{len(values)}")
    print(f"  one frame = {FRAME:.1f} ms; goal: the median press of each kind within one frame "
          f"({'met' if worst <= FRAME else 'NOT met'}: slowest median {worst:.1f} ms)")
    return 0 if worst <= FRAME else 1


if __name__ == "__main__":
    sys.exit(main())
