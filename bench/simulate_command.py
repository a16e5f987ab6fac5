"""`chatbot simulate` on 5,000 patients, timed from the command line, start-up taken off.

Goal (issue 11): 5,000 or more conversations a second beyond start-up. The patients
are the ones in `tests/patients/`, repeated under new ids to 5,000, in a file written
out in full (no YAML aliases). Each round runs the command on that file and on a file
of one patient, one after the other; the rate is 5,000 / (median big − median small),
so that reading the patients file counts, and the imports and loading the flow do not.

    python3 bench/simulate_command.py [--patients 5000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from folders import own_folders  # noqa: E402  (bench/ is the script's folder)

PATIENTS = sorted((Path(__file__).resolve().parent.parent / "tests" / "patients").glob("*.yaml"))


class _Full(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # every patient written out, as a generated file would be
        return True


def write_patients(path: Path, count: int) -> None:
    known = [patient for file in PATIENTS for patient in yaml.safe_load(file.read_text())["patients"]]
    patients = [{**known[index % len(known)], "id": f"P{index:05d}"} for index in range(count)]
    path.write_text(yaml.dump({"patients": patients}, Dumper=_Full, allow_unicode=True, sort_keys=False))


def seconds(patients: Path) -> float:
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "chatbot", "simulate", str(patients)], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
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
    beyond = statistics.median(big) - statistics.median(small)
    rate = args.patients / beyond
    print(f"{args.patients} patients: median {statistics.median(big):.2f} s (min {min(big):.2f}, max {max(big):.2f})")
    print(f"one patient (start-up): median {statistics.median(small):.2f} s")
    print(f"conversations per second beyond start-up: {rate:,.0f}"
          f" (best pair {args.patients / max(min(big) - min(small), 1e-9):,.0f})")
    print(f"goal 5,000 per second: {'met' if rate >= 5000 else 'NOT met'}")


if __name__ == "__main__":
    main()
