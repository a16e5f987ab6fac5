"""The UI thread's CPU time for an answer, a back and a digit typed, in one process, beside another checkout's.

`bench/latency.py` times a press to its frame at a real terminal, which a busy machine swings
far beyond a frame. This bench judges a change to the conversation screen on a busy machine: the
app runs headless at 100x30 or `--size` (Textual's own test harness: the same layout and rendering, only the
writing to a terminal left out), and for each press it adds up the CPU time of the app's own
work on its thread (every message handled and every timer fired, the frame among them), not the
time waited. `--calls` counts the Python function calls a press makes instead (under cProfile),
which the load does not change at all. With `--base DIR` (another commit's files, e.g. from
`git archive COMMIT | tar -x -C DIR`) both are run in turn, each in a new process, `--rounds`
times: the same minutes, the same load.

Answer, back and digit are the ones `bench/latency.py` times: "not sure" to the second question
(its third question has no "Not sure"), then back (the focus returns to "Not sure"); a digit typed in
the temperature field (8, . and 6 after a 3, the field emptied between).

    python3 bench/press_cpu.py [--presses 30] [--rounds 2] [--base DIR] [--calls] [--theme high-contrast] [--size 80x24]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


async def _presses(count: int, theme: str, calls: bool, size: tuple[int, int] = (100, 30)) -> dict:
    """In this process: the median CPU milliseconds (or calls) of `count` answers and backs."""
    import textual.message_pump as message_pump
    import textual.timer as timer
    from textual import events

    from chatbot.flowfile.loader import load_flow
    from chatbot.tui import SymptomCheckerApp
    from reach import keys_to_temperature

    spent = [0.0]
    depth = [0]
    profile = [None]

    def timed(original):
        async def run(*args, **kwargs):
            depth[0] += 1
            if depth[0] == 1 and profile[0] is not None:
                profile[0].enable()
            begin = time.thread_time()
            try:
                return await original(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    spent[0] += time.thread_time() - begin
                    if profile[0] is not None:
                        profile[0].disable()
        return run

    message_pump.MessagePump._dispatch_message = timed(message_pump.MessagePump._dispatch_message)
    timer.Timer._tick = timed(timer.Timer._tick)

    async def settled(app) -> None:
        """No message waits in any queue of the app, a few turns of the loop in a row."""
        quiet = 0
        while quiet < 5:
            await asyncio.sleep(0)
            pumps = [app, *(node for screen in app.screen_stack for node in (screen, *screen.walk_children()))]
            quiet = quiet + 1 if not any(pump.message_queue_size for pump in pumps) else 0

    async def press(app, key: str, character: str | None = None) -> None:
        # A person reads the question before the next key: nothing typed is left over from the
        # last answer (`chatbot.screens.leftovers`), as after its half second.
        app.leftovers.forget()
        app.post_message(events.Key(key, character or (key if len(key) == 1 else None)))
        await asyncio.sleep(0.03)  # the frame, on Textual's own timer
        await settled(app)
        await asyncio.sleep(0.03)

    flow = load_flow()
    first = flow.questions[flow.start]
    app = SymptomCheckerApp(flow, theme=theme)
    results: dict[str, list[float]] = {"answer": [], "back": [], "digit": []}
    async with app.run_test(size=size):
        await asyncio.sleep(0.6)  # started, and every kind of control mounted
        for key in (str(len(first.options)), "enter"):  # "None of these", sent: the second question
            await press(app, key)
        if calls:
            import cProfile
            import pstats

        async def timed_press(kind: str, key: str, character: str | None = None) -> None:
            if calls:
                profile[0] = cProfile.Profile()
            spent[0] = 0.0
            await press(app, key, character)
            if calls:
                profile[0], made = None, profile[0]
                results[kind].append(pstats.Stats(made).total_calls)
            else:
                results[kind].append(spent[0] * 1000)

        for _ in range(count):
            await timed_press("answer", "u")
            await timed_press("back", "b")
        keys, _ = keys_to_temperature(flow)
        for typed, _ in keys:  # on to the temperature question
            for character in typed.decode():
                await press(app, "enter" if character == "\r" else character)
        for _ in range(-(-count // 3)):
            await press(app, "3")
            for character in "8.6":
                await timed_press("digit", "full_stop" if character == "." else character, character)
            await press(app, "ctrl+u")
    return {kind: statistics.median(values) for kind, values in results.items()}


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    from folders import own_folders

    own_folders("press-cpu")
    size = tuple(int(n) for n in args.size.split("x"))
    print(json.dumps(asyncio.run(_presses(args.presses, args.theme, args.calls, size))))


def measure(root: Path, args: argparse.Namespace) -> dict:
    """One run in a new process, on the files of `root`."""
    command = [sys.executable, str(HERE / "press_cpu.py"), "--child", "--presses", str(args.presses),
               "--theme", args.theme, "--size", args.size, *(["--calls"] if args.calls else [])]
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(command, env=env, cwd=root, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=30, help="answers, backs and digits, each")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each checkout, in turn")
    parser.add_argument("--base", type=Path, help="another checkout's files, measured in turn with this one")
    parser.add_argument("--calls", action="store_true", help="Python function calls a press, not CPU time")
    parser.add_argument("--theme", default="default", help="default, or high-contrast (the kiosk's)")
    parser.add_argument("--size", default="100x30", help="COLUMNSxROWS (at 80x24 the buttons and the chat change size)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    roots = {"this checkout": HERE.parent, **({"base": args.base.resolve()} if args.base else {})}
    runs: dict[str, list[dict]] = {name: [] for name in roots}
    for _ in range(args.rounds):
        for name, root in roots.items():
            runs[name].append(measure(root, args))
    unit = "calls" if args.calls else "ms CPU"
    print(f"the UI thread's work for a press, headless at {args.size}, {args.presses} of each, "
          f"{args.rounds} runs each in turn ({args.theme} theme); medians, one per run:")
    for name, results in runs.items():
        print(f"  {name:<14} " + "   ".join(
            f"{kind} " + " / ".join(f"{run[kind]:.0f}" if args.calls else f"{run[kind]:.1f}" for run in results)
            for kind in ("answer", "back", "digit")) + f" {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
