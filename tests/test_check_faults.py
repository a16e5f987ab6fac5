"""`chatbot check` catches the faults a clinician's edit could bring, at the line to fix.

Each case takes the bundled flow, breaks a copy of it the way an edit could, and
asserts that `chatbot check` names the fault, at the line where the broken part
stands in the copy (found by the positioned YAML reader, not by the analysis).
"""

from __future__ import annotations

import re

import pytest
import yaml

from chatbot.cli import main
from chatbot.loader import bundled_flow_path
from chatbot.yamlsource import read_yaml

PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?:warning: )?(?P<kind>[a-z-]+): (?P<message>.*)$")


def replace(data, old, new):
    """`data` with every value equal to `old` replaced by `new` (for edits that must not depend on order)."""
    if data == old:
        return new
    if isinstance(data, dict):
        return {key: replace(value, old, new) for key, value in data.items()}
    if isinstance(data, list):
        return [replace(item, old, new) for item in data]
    return data


def swap(items: list, first: int, second: int) -> None:
    items[first], items[second] = items[second], items[first]


def drop_option(question: dict, finding: str) -> None:
    question["options"] = [o for o in question["options"] if o.get("finding") != finding]


def edit(path: tuple, value):
    def apply(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data
    return apply


FAULTS = [
    pytest.param(edit(("outcomes", "emergency_bleeding", "level"), "routine"),
                 "under-triage", ("outcomes", "emergency_bleeding"), True, 2, id="emergency outcome moved to routine"),
    pytest.param(edit(("outcomes", "emergency_head", "level"), "urgent"),
                 "under-triage", ("outcomes", "emergency_head"), True, 2, id="emergency outcome moved to urgent"),
    pytest.param(edit(("questions", "fever_reducer", "next"), "stiff_neck"),
                 "never-asked", ("questions", "fever_reducer", "next"), False, 2,
                 id="red-flag question skipped (chills after a fever reducer)"),
    pytest.param(lambda d: drop_option(d["questions"]["danger_signs"], "head_injury") or d,
                 "never-asked", ("rules", "emergency", "E14"), True, 2, id="red-flag option removed (head injury)"),
    pytest.param(lambda d: {**d, "conditions": replace(d["conditions"], {"temperature": {"at_least": 38.0}},
                                                       {"temperature": {"at_least": 38.5}})},
                 "under-triage", ("questions", "temperature", "next", 0), False, 2,
                 id="wrong fever threshold in the routing"),
    pytest.param(lambda d: {**d, "conditions": replace(d["conditions"], {"temperature": {"at_least": 37.8}},
                                                       {"temperature": {"at_least": 37.9}})},
                 "under-triage", ("routes", "decide", "next", 0), False, 2,
                 id="wrong raised-temperature threshold in the routing"),
    pytest.param(lambda d: {**d, "rules": replace(d["rules"], {"temperature": {"at_least": 38.0}},
                                                  {"temperature": {"at_least": 38.5}})},
                 "over-triage", ("questions", "temperature", "next", 0), False, 0,
                 id="wrong fever threshold in the rules"),
    pytest.param(lambda d: swap(d["questions"]["dizzy"]["next"], 0, 1) or d,
                 "under-triage", ("questions", "dizzy", "next", 0), False, 2, id="transition order swapped (dizzy)"),
    pytest.param(lambda d: swap(d["questions"]["temperature"]["next"], 0, 1) or d,
                 "under-triage", ("questions", "temperature", "next", 0), False, 2,
                 id="transition order swapped (temperature)"),
    pytest.param(edit(("questions", "new_or_worse", "next"), "dizzy"),
                 "never-ends", ("questions", "new_or_worse", "next"), False, 2, id="a question sent back"),
]


@pytest.mark.parametrize("fault, kind, at, key, status", FAULTS)
def test_check_names_the_fault_at_its_line(fault, kind, at, key, status, tmp_path, capsys):
    data = fault(yaml.safe_load(bundled_flow_path().read_text(encoding="utf-8")))
    broken = tmp_path / "symptoms.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    line, col = read_yaml(broken).where(at, key=key)

    assert main(["check", str(broken)]) == status
    out = capsys.readouterr().out.splitlines()
    problems = [m.groupdict() for m in map(PROBLEM.match, out) if m]
    assert (str(broken), str(line), str(col), kind) in [(p["file"], p["line"], p["col"], p["kind"])
                                                       for p in problems], "\n".join(out)
    assert out[-1].startswith(f"{broken}: ") and " paths" in out[-1]
    if status == 2:
        assert out[-1].endswith("NOT SAFE")


def test_the_unbroken_copy_is_proved(tmp_path, capsys):
    data = yaml.safe_load(bundled_flow_path().read_text(encoding="utf-8"))
    copy = tmp_path / "symptoms.yaml"
    copy.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    assert main(["check", str(copy), "--strict"]) == 0
    assert capsys.readouterr().out.startswith(f"{copy}: no problems")


def test_an_example_path_shows_the_answers_that_lead_to_the_fault(tmp_path, capsys):
    data = edit(("outcomes", "emergency_bleeding", "level"), "routine")(
        yaml.safe_load(bundled_flow_path().read_text(encoding="utf-8")))
    broken = tmp_path / "symptoms.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    main(["check", str(broken)])
    out = capsys.readouterr().out.splitlines()
    assert "E4" in out[0] and "every path that reaches it" in out[0]
    assert out[1].strip().startswith("answers: danger_signs = Bleeding that has not stopped")
