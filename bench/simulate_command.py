"""`chatbot simulate` on 5,000 patients, timed from the command line, start-up taken off.

Goal (issue 24): 10,000 or more conversations a second beyond start-up. The patients
are the ones in `tests/patients/`, repeated under new ids to 5,000, in a file written
out in full (no YAML aliases). Each round runs the command on that file and on a file
of one patient, one after the other; the rate is 5,000 / (median big − median small),
so that reading the patients file counts, and the imports and loading the flow do not.
The same is worked out from the CPU time the command used (user and system, its forked
processes' too: a file this large is simulated in parts, one process a core), which a busy
machine swings less than the wall clock; on 2 cores the wall rate can be up to twice it.

    python3 bench/simulate_command.py [--patients 5000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PATIENTS = sorted((Path(__file__).resolve().parent.parent / "tests" / "patients").glob("*.yaml"))


class _Full(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # every patient written out, as a generated file would be
        return True


def write_patients(path: Path, count: int) -> None:
    known = [patient for file in PATIENTS for patient in yaml.safe_load(file.read_text())["patients"]]
    patients = [{**known[index % len(known)], "id": f"P{index:05d}"} for index in range(count)]
    path.write_text(yaml.dump({"patients": patients}, Dumper=_Full, allow_unicode=True, sort_keys=False))


def seconds(patients: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `chatbot simulate PATIENTS` in a new process."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "chatbot", "simulate", str(patients)], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("simulate-command")
    with tempfile.TemporaryDirectory() as folder:
        many, one = Path(folder) / "many.yaml", Path(folder) / "one.yaml"
        write_patients(many, args.patients)
        write_patients(one, 1)
        seconds(many)  # warm the disk cache and the flow cache
        big, small = [], []
        for _ in range(args.rounds):
            big.append(seconds(many))
            small.append(seconds(one))
    walls = [wall for wall, _ in big], [wall for wall, _ in small]
    cpus = [cpu for _, cpu in big], [cpu for _, cpu in small]
    rate = args.patients / (statistics.median(walls[0]) - statistics.median(walls[1]))
    by_cpu = args.patients / (statistics.median(cpus[0]) - statistics.median(cpus[1]))
    print(f"{args.patients} patients: median {statistics.median(walls[0]):.2f} s "
          f"(min {min(walls[0]):.2f}, max {max(walls[0]):.2f}); CPU {statistics.median(cpus[0]):.2f} s")
    print(f"one patient (start-up): median {statistics.median(walls[1]):.2f} s; CPU {statistics.median(cpus[1]):.2f} s")
    print(f"conversations per second beyond start-up: {rate:,.0f}"
          f" (best pair {args.patients / max(min(walls[0]) - min(walls[1]), 1e-9):,.0f}; by CPU time {by_cpu:,.0f})")
    print(f"goal 10,000 per second: {'met' if rate >= 10000 else 'NOT met'}")


if __name__ == "__main__":
    main()
