"""How long the scripted conversations take to replay, headless and through the Textual UI.

Goals (issue 4): the whole suite (tests/conversations) replays headless in about a
second, start-up included, and through the UI (`--tui`) in well under a minute.
Headless is measured two ways: `chatbot replay` as CI runs it, in a fresh process
each time (imports, flow load, reading the scripts, replay, coverage); and in one
process, reading and replaying again and again, to show where the time goes.
Through the UI: `chatbot replay --tui` in a fresh process (`--tui-rounds` times;
0 to skip), with the time per script and per step.

    python3 bench/replay.py [--rounds 5] [--tui-rounds 1] [PATH ...]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from chatbot.replay.coverage import coverage_of
from chatbot.replay import EngineDriver, ScriptReader, run_script

SUITE = Path(__file__).resolve().parent.parent / "tests" / "conversations"
GOAL_SECONDS = 1.0
TUI_GOAL_SECONDS = 30.0  # "well under a minute"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(SUITE)], metavar="PATH")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tui-rounds", type=int, default=1, help="fresh-process runs through the UI (0: none)")
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("replay")

    walls, _ = timed_runs([*args.paths, "--coverage"], args.rounds)

    reads, replays, coverages = [], [], []
    for _ in range(args.rounds):
        begin = time.perf_counter()
        scripts = ScriptReader().read(args.paths)
        reads.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        runs = [run_script(script, EngineDriver(script.flow, script.language)) for script in scripts]
        replays.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        coverage_of(runs)
        coverages.append(time.perf_counter() - begin)
    steps = sum(len(run.moves) - 1 for run in runs)

    best = min(walls)
    print(f"scripts: {len(scripts)}, steps: {steps} ({steps / len(scripts):.1f} per script)")
    print(f"chatbot replay --coverage, fresh process: best {best:.2f} s, median {statistics.median(walls):.2f} s")
    print(f"  in one process: read {1000 * min(reads):.1f} ms, replay {1000 * min(replays):.1f} ms "
          f"({1e6 * min(replays) / steps:.0f} µs a step), coverage {1000 * min(coverages):.1f} ms")
    print(f"goal: the suite in about {GOAL_SECONDS:.0f} s headless: {'met' if best <= GOAL_SECONDS else 'NOT met'}")
    if args.tui_rounds > 0:
        tui(args, len(scripts), steps)


def timed_runs(replay_args: list[str], rounds: int) -> tuple[list[float], list[str]]:
    """Wall times and outputs of `chatbot replay ARGS` in fresh processes; stop at the first failure."""
    command = [sys.executable, "-m", "chatbot", "replay", *replay_args]
    walls, outputs = [], []
    for _ in range(rounds):
        begin = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        walls.append(time.perf_counter() - begin)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command[2:])} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        outputs.append(done.stdout)
    return walls, outputs


def tui(args, scripts: int, steps: int) -> None:
    """`chatbot replay --tui` as CI runs it: a fresh process, every script through its own headless app."""
    walls, outputs = timed_runs([*args.paths, "--tui"], args.tui_rounds)
    inside = [float(re.search(r"all passed in ([0-9.]+) s", out).group(1)) for out in outputs]
    best = min(walls)
    print(f"chatbot replay --tui, fresh process: best {best:.2f} s, median {statistics.median(walls):.2f} s "
          f"(replay {min(inside):.2f} s: {1000 * min(inside) / scripts:.0f} ms a script, "
          f"{1000 * min(inside) / (steps + scripts):.0f} ms a step or start)")
    print(f"goal: the suite through the UI in well under a minute (<= {TUI_GOAL_SECONDS:.0f} s): "
          f"{'met' if best <= TUI_GOAL_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
