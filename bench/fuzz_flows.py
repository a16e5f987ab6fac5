"""A long fuzz of `chatbot check`: break the bundled flow at random and count how each try ends.

Each try makes one to three text-level or tree-level edits of the bundled flow
(tests/helpers/flow_fuzz.py, the same mutations as the CI fuzz test with its small
budget) and runs the real loader and proof on the result, with a time limit. The
goal (issue 14, point 1): no tracebacks and no hangs, whatever the edit.

    python3 bench/fuzz_flows.py [--tries 2000] [--seed 1] [--seconds 10] [--show 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers.flow_fuzz import BUNDLED_TEXT, check_text, dump, fresh_data, mutate_text, mutate_tree  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10, help="a try running longer is a hang")
    parser.add_argument("--show", type=int, default=3, help="how many tracebacks and hangs to print")
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("fuzz-flows")
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    shown = 0
    slowest = 0.0
    started = time.perf_counter()
    for _ in range(args.tries):
        if rng.random() < 0.5:
            data = fresh_data()
            for _ in range(rng.randint(1, 3)):
                data = mutate_tree(data, rng)
            text = dump(data)
        else:
            text = BUNDLED_TEXT
            for _ in range(rng.randint(1, 3)):
                text = mutate_text(text, rng)
        began = time.perf_counter()
        outcome, detail = check_text(text, seconds=args.seconds)
        slowest = max(slowest, time.perf_counter() - began)
        counts[outcome] += 1
        if outcome in ("traceback", "hang") and shown < args.show:
            shown += 1
            print(f"--- {outcome}\n{detail}\n", file=sys.stderr)
    print(f"tries {args.tries}; clean errors {counts['clean error']}; proved {counts['proved']}; "
          f"proof issues {counts['issues']}; tracebacks {counts['traceback']}; hangs {counts['hang']}; "
          f"slowest try {slowest:.2f} s; {time.perf_counter() - started:.0f} s in all")
    return 1 if counts["traceback"] or counts["hang"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
