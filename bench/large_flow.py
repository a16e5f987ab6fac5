"""How long `chatbot check` takes to prove a flow ten times the size of the bundled one.

Goal (issue 5): the bundled flow is proved in under a second, a flow ten times
larger in seconds. The large flow is made from the bundled one: ten copies of
its questions, findings, rules and routing, each renamed (`fever_feeling_3`),
asked one after the other. The emergency outcomes are shared; each copy's
`decide` route goes on to the next copy, and the last one decides urgent or
routine on the signs of every copy. So the dialogue is ten times longer, the
rules ten times more, and the paths beyond counting. A broken copy, with two
independent faults far apart (the transitions of the last `dizzy` swapped, the
first `chills` condition narrowed), must report both, each at its own line.

    python3 bench/large_flow.py [--copies 10] [--rounds 3] [--keep FILE]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from chatbot.proof.analysis import analyse
from chatbot.flowfile.loader import bundled_flow_path, load_flow

SHARED_OUTCOMES = ("emergency_infection", "emergency_bleeding", "emergency_head", "emergency_heart_lungs",
                   "urgent", "routine")


def large_flow(copies: int = 10, source: Path | None = None) -> dict[str, Any]:
    """The bundled flow (or `source`) as data, its dialogue repeated `copies` times."""
    base = yaml.safe_load((source or bundled_flow_path()).read_text(encoding="utf-8"))
    data = {key: value for key, value in base.items()
            if key not in ("findings", "rules", "conditions", "questions", "routes")}
    data["outcomes"] = {oid: outcome for oid, outcome in base["outcomes"].items() if oid in SHARED_OUTCOMES}
    data["flow"] = f"{base['flow']}-x{copies}"
    data["start"] = f"{base['start']}_1"
    data.update(findings={}, rules={"let": {}, "emergency": {}, "urgent": {}}, conditions={},
                questions={}, routes={})
    for k in range(1, copies + 1):
        names = {**{f: f"{f}_{k}" for f in base["findings"]},
                 **{n: f"{n}_{k}" for n in base["rules"].get("let", {})},
                 **{n: f"{n}_{k}" for n in base.get("conditions", {})}}
        rename = _renamer(names)
        for name, spec in base["findings"].items():
            spec = dict(spec)
            if "implies" in spec:
                spec["implies"] = names[spec["implies"]]
            if "highest_of" in spec:
                spec["highest_of"] = [names[source] for source in spec["highest_of"]]
            data["findings"][names[name]] = spec
        for name, condition in base["rules"].get("let", {}).items():
            data["rules"]["let"][names[name]] = rename(condition)
        for level in ("emergency", "urgent"):
            for rule_id, rule in base["rules"].get(level, {}).items():
                data["rules"][level][f"{rule_id}_{k}"] = {**rule, "when": rename(rule["when"])}
        for name, condition in base.get("conditions", {}).items():
            data["conditions"][names[name]] = rename(condition)
        states = {s: s if s in SHARED_OUTCOMES else f"{s}_{k}"
                  for s in (*base["questions"], *base.get("routes", {}), *base["outcomes"])}
        for qid, question in base["questions"].items():
            question = copy.deepcopy(question)
            if "finding" in question:
                question["finding"] = names[question["finding"]]
            for option in question.get("options", ()):
                if "finding" in option:
                    option["finding"] = names[option["finding"]]
            question["next"] = _next(question["next"], states, rename)
            data["questions"][states[qid]] = question
        for rid, route in base.get("routes", {}).items():
            if rid == "decide" and k < copies:  # go on to the next copy
                data["routes"][states[rid]] = {"next": f"{base['start']}_{k + 1}"}
            elif rid == "decide":
                signs = [f"urgent_signs_{j}" for j in range(1, copies + 1)]
                data["routes"][states[rid]] = {"next": [{"if": {"any": signs}, "goto": "urgent"},
                                                        {"goto": "routine"}]}
            else:
                data["routes"][states[rid]] = {"next": _next(route["next"], states, rename)}
    return data


def _renamer(names: dict[str, str]):
    def rename(condition: Any) -> Any:
        if isinstance(condition, str):
            return names.get(condition, condition)
        if isinstance(condition, list):
            return [rename(item) for item in condition]
        if isinstance(condition, dict):
            return {names.get(key, key) if key not in ("all", "any", "not") else key:
                    rename(value) if key in ("all", "any", "not") else value
                    for key, value in condition.items()}
        return condition
    return rename


def _next(spec: Any, states: dict[str, str], rename) -> Any:
    if isinstance(spec, str):
        return states[spec]
    return [{**({"if": rename(t["if"])} if "if" in t else {}), "goto": states[t["goto"]]} for t in spec]


def write_flow(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", metavar="FILE", help="write the large flow here and keep it")
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("large-flow")

    with tempfile.TemporaryDirectory() as folder:
        data = large_flow(args.copies)
        path = write_flow(data, Path(args.keep or Path(folder) / "large.yaml"))
        begin = time.perf_counter()
        flow = load_flow(path)
        loading = time.perf_counter() - begin
        small = analyse(load_flow())
        times, result = [], None
        for _ in range(args.rounds):
            begin = time.perf_counter()
            result = analyse(flow)
            times.append(time.perf_counter() - begin)
        last = data["questions"][f"dizzy_{args.copies}"]["next"]  # a fault in the last copy
        last[0], last[1] = last[1], last[0]
        data["questions"]["chills_1"]["next"][0]["if"] = {  # and one in the first: unknown counts no longer
            "all": ["chills_shaking_1", {"known_low_white_count_1": True}]}
        broken = analyse(load_flow(write_flow(data, Path(folder) / "broken.yaml")))
    print(f"bundled flow: {len(small.flow.questions)} questions, {len(small.flow.rules)} rules: "
          f"{small.paths:,} paths as {small.states:,} states, proved in {small.seconds:.3f} s ({small.verdict})")
    print(f"x{args.copies} flow: {len(flow.questions)} questions, {len(flow.rules)} rules, "
          f"{len(flow.findings)} findings; loaded in {loading:.2f} s")
    print(f"x{args.copies} flow: {result.paths:.3e} paths as {result.states:,} states, proved in "
          f"{statistics.median(times):.2f} s (median of {args.rounds}; best {min(times):.2f} s) ({result.verdict})")
    for issue in result.issues[:5]:
        print("  ", issue.problem(flow.file))
    print(f"x{args.copies} flow with the transitions of 'dizzy_{args.copies}' swapped and 'chills_1' narrowed: "
          f"{len(broken.errors)} error(s) found in {broken.seconds:.2f} s")
    for issue in broken.errors[:5]:
        print("  ", issue.problem("broken.yaml"))
    return 0 if result.verdict == "proved" and len(broken.errors) >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
