"""How long `chatbot diff` takes, on the bundled flow and on a flow ten times larger; and, with
`--claims`, the long run of the test that holds its claims to account.

Timing (issue 23): the bundled flow against a copy with one clinical change (the fever
threshold raised from 38.0 to 38.3 °C in the rules and the routing), and the flow ten
times larger (bench/large_flow.py) against the same change in its fifth copy. Each
diff is the whole review (both explorations, the decision diagrams, every class with
its statement and its witness replayed through the engine); `chatbot check` on the
same new flow, in the same run, is the baseline it is measured against.

Claims (`--claims`): every named mutant of tests/helpers/flow_mutants.py and
`--random` random ones, each with `--persons` random persons run through both
versions by the engine; any claim the engine does not bear out, or any change the
diff missed, is printed and the exit status is 1.

    python3 bench/diff.py [--copies 10] [--rounds 3]
    python3 bench/diff.py --claims [--persons 3000] [--random 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.large_flow import large_flow, write_flow  # noqa: E402
from chatbot.flowfile.loader import bundled_flow_path  # noqa: E402
from chatbot.proof import comparison  # noqa: E402
from chatbot.proof.analysis import analyse  # noqa: E402
from chatbot.review.notes import number  # noqa: E402
from chatbot.review.report import review  # noqa: E402
from chatbot.review.revisions import read_version  # noqa: E402


def fever_raised(data: dict, suffix: str = "") -> dict:
    """The fever threshold raised from 38.0 to 38.3 °C, in the rules and in the routing (on Tmax, the
    highest reading, since revision 3)."""
    data = copy.deepcopy(data)
    reading = f"tmax{suffix}" if f"tmax{suffix}" in data["findings"] else f"temperature{suffix}"
    data["rules"]["let"][f"fever{suffix}"] = {reading: {"at_least": 38.3}}
    data["conditions"][f"measured_fever{suffix}"] = {reading: {"at_least": 38.3}}
    return data


def timed(old_path: Path, new_path: Path, rounds: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]],
                                                                  object]:
    """Seconds (wall, CPU) of `chatbot diff` and of `chatbot check` (on the new flow), each round from the
    files. The CPU seconds are this process's own: on a shared machine they are the steadier figure."""
    diffs, checks, result = [], [], None
    for _ in range(rounds):
        comparison._explored.cache_clear()  # nothing kept from the round before
        begin, cpu = time.perf_counter(), time.process_time()
        result = review(read_version(str(old_path)), read_version(str(new_path)))
        diffs.append((time.perf_counter() - begin, time.process_time() - cpu))
        begin, cpu = time.perf_counter(), time.process_time()
        analyse(read_version(str(new_path)).flow)
        checks.append((time.perf_counter() - begin, time.process_time() - cpu))
    return diffs, checks, result


def report(label: str, diffs: list[tuple[float, float]], checks: list[tuple[float, float]], result) -> None:
    kinds = {kind: len(result.of_kind(kind)) for kind in ("down-triage", "up-triage", "same level")}
    diff_wall, diff_cpu = (statistics.median(times) for times in zip(*diffs))
    check_wall, check_cpu = (statistics.median(times) for times in zip(*checks))
    print(f"{label}: chatbot diff {diff_wall:.2f} s wall, {diff_cpu:.2f} s CPU (median of {len(diffs)}), "
          f"chatbot check of the new flow {check_wall:.2f} s wall, {check_cpu:.2f} s CPU: "
          f"{diff_wall / check_wall:.1f}x wall, {diff_cpu / check_cpu:.1f}x CPU; "
          f"{len(result.classes)} classes ({kinds['down-triage']} down-triage, {kinds['up-triage']} up-triage, "
          f"{kinds['same level']} same level), {number(result.comparison.changed)} of "
          f"{number(result.comparison.persons)} answer combinations changed, diagram of "
          f"{result.comparison.diagram_nodes:,} nodes")


def timing(copies: int, rounds: int) -> int:
    base = yaml.safe_load(bundled_flow_path().read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        old = write_flow(base, folder / "old.yaml")
        new = write_flow(fever_raised(base), folder / "new.yaml")
        report("bundled flow", *timed(old, new, rounds))
        large = large_flow(copies)
        old = write_flow(large, folder / "large-old.yaml")
        new = write_flow(fever_raised(large, f"_{(copies + 1) // 2}"), folder / "large-new.yaml")
        report(f"x{copies} flow", *timed(old, new, rounds))
    return 0


def claims(persons: int, randoms: int, seed: int) -> int:
    from tests.helpers.flow_mutants import MUTANTS, check_claims, mutant, random_mutant, random_persons

    rng = random.Random(seed)
    base = read_version(None)
    mutants = [(name, mutant(name)) for name in MUTANTS] + [random_mutant(rng) for _ in range(randoms)]
    failed = 0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for index, (name, data) in enumerate(mutants):
            path = write_flow(data, Path(folder) / f"mutant-{index}.yaml")
            try:
                changed = read_version(str(path))
            except Exception as error:  # a random edit can make a flow that does not load: not this test's
                print(f"  skipped {name}: {str(error).splitlines()[0]}")
                continue
            result = review(base, changed)
            found = check_claims(result, random_persons((base.flow, changed.flow), persons, rng))
            print(f"  {name}: {found.classes} classes; {found.changed} of {found.persons} random persons changed, "
                  f"{len(found.problems)} problems")
            for problem in found.problems[:5]:
                print(f"    {problem}")
            failed += bool(found.problems)
    print(f"{len(mutants)} mutants, {persons} random persons each: {failed} with problems, "
          f"in {time.perf_counter() - began:.0f} s")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--claims", action="store_true", help="run the long claims check instead of the timing")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--random", type=int, default=20, help="random mutants besides the named ones")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.claims:
        return claims(args.persons, args.random, args.seed)
    return timing(args.copies, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
