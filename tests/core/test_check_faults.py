"""`chatbot check` catches the faults a clinician's edit could bring, at the line to fix.

Each case takes the bundled flow, breaks a copy of it the way an edit could, and
asserts that `chatbot check` names the fault, at the line where the broken part
stands in the copy (found by the positioned YAML reader, not by the analysis).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chatbot.proof.analysis import analyse
from chatbot.cli import main
from chatbot.engine import Conversation
from chatbot.flowfile.loader import bundled_flow_path, load_flow
from chatbot.flow.model import level_rank
from chatbot.proof.paths import Explorer, rules_level
from chatbot.flow.triage import triage
from chatbot.flowfile.source import read_yaml

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


def both(*edits):
    def apply(data):
        for change in edits:
            data = change(data)
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
    pytest.param(lambda d: {**d, "conditions": replace(d["conditions"], {"tmax": {"at_least": 38.0}},
                                                       {"tmax": {"at_least": 38.5}})},
                 "under-triage", ("questions", "temperature", "next", 0), False, 2,
                 id="wrong fever threshold in the routing"),
    pytest.param(lambda d: {**d, "conditions": replace(d["conditions"], {"tmax": {"at_least": 37.8}},
                                                       {"tmax": {"at_least": 37.9}})},
                 "under-triage", ("routes", "decide", "next", 0), False, 2,
                 id="wrong raised-temperature threshold in the routing"),
    pytest.param(lambda d: {**d, "rules": replace(d["rules"], {"tmax": {"at_least": 38.0}},
                                                  {"tmax": {"at_least": 38.5}})},
                 "over-triage", ("questions", "temperature", "next", 0), False, 0,
                 id="wrong fever threshold in the rules"),
    pytest.param(lambda d: {**d, "conditions": replace(d["conditions"], {"tmax": {"at_least": 38.0}},
                                                       {"temperature": {"at_least": 38.0}})},
                 "under-triage", ("questions", "temperature_highest", "next", 0), False, 2,
                 id="the fever routing reads the latest reading, not Tmax"),
    pytest.param(lambda d: swap(d["questions"]["dizzy"]["next"], 0, 1) or d,
                 "under-triage", ("questions", "dizzy", "next", 0), False, 2, id="transition order swapped (dizzy)"),
    pytest.param(lambda d: swap(d["questions"]["temperature"]["next"], 0, 1) or d,
                 "under-triage", ("questions", "temperature", "next", 0), False, 2,
                 id="transition order swapped (temperature)"),
    pytest.param(edit(("questions", "new_or_worse", "next"), "dizzy"),
                 "never-ends", ("questions", "new_or_worse", "next"), False, 2, id="a question sent back"),
    # -- time windows (principle 9): each at the question, each failing --strict --------------------
    pytest.param(edit(("questions", "feverish", "text", "en"), "Right now, do you feel hot, feverish or like you have the flu?"),
                 "window-unsaid", ("questions", "feverish"), True, 0,
                 id="right now put back on the feverish question"),
    pytest.param(edit(("questions", "feverish", "text", "es"), "Ahora mismo, ¿se siente con calor o con fiebre?"),
                 "window-unsaid", ("questions", "feverish"), True, 0,
                 id="right now put back in Spanish only"),
    pytest.param(both(edit(("questions", "heartbeat", "window"), "now"),
                      edit(("questions", "heartbeat", "text"), {"en": "Right now, while you rest, does your heart race?",
                                                                "es": "Ahora mismo, en reposo, ¿el corazón le late muy rápido?"})),
                 "window-short", ("questions", "heartbeat"), True, 0,
                 id="a racing heart asked right now again (said and declared)"),
    pytest.param(lambda d: d["questions"]["danger_signs"]["options"][5].pop("window") and d,
                 "window-short", ("questions", "danger_signs"), True, 0,
                 id="a fall since the last check-up asked over the last day"),
    pytest.param(edit(("questions", "danger_signs", "options", 5, "label"), {"en": "A fall or a knock to the head",
                                                                             "es": "Una caída o un golpe en la cabeza"}),
                 "window-unsaid", ("questions", "danger_signs"), True, 0,
                 id="an option with a window of its own that no longer says it"),
    pytest.param(lambda d: d["questions"]["fatigue"].pop("window") and d,
                 "window-missing", ("questions", "fatigue"), True, 0, id="a question without a window"),
    pytest.param(lambda d: d.pop("windows") and d,
                 "no-windows", (), False, 0, id="a flow that declares no windows"),
    pytest.param(lambda d: under_the_gate(d, "In the last day, have you had any bleeding that is not usual for you? "
                                             "This counts: black or tar-like stools, vomit with blood or that looks "
                                             "like coffee grounds, and coughing up blood."),
                 "window-skip", ("questions", "bleeding"), True, 0,
                 id="the 3-day blood signs put back under the last day's bleeding question"),
    pytest.param(lambda d: under_the_gate(d, "In the last day, have you had any unusual bleeding?"),
                 "hidden-sign", ("questions", "bleeding"), True, 0,
                 id="a gate question that no longer names the emergency signs it skips"),
]


def under_the_gate(data: dict, gate: str) -> dict:
    """Revision 2's shape: blood in the vomit, black stools and coughing blood imply the last day's
    bleeding and are asked only after a yes to it (`gate`, in English; Spanish without the signs)."""
    for name in ("blood_in_vomit", "black_or_bloody_stool", "coughing_blood"):
        data["findings"][name]["implies"] = "bleeding_now"
    signs = data["questions"].pop("blood_signs")
    data["questions"]["infection_signs"]["next"][-1]["goto"] = "bleeding"
    where = data["questions"]["bleeding_where"]
    where["options"][-1:-1] = signs["options"][:-1]
    where["next"] = [{"if": {"any": ["blood_in_vomit", "black_or_bloody_stool", "coughing_blood"]},
                      "goto": "emergency_bleeding"}, {"goto": "bruising"}]
    data["questions"]["bleeding"]["text"] = {"en": gate, "es": "En el último día, ¿ha sangrado de forma anormal?"}
    return data


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
    assert out[1].strip().startswith("answers: danger_signs = Bleeding that did not stop")


# -- two faults at once: each is reported at its own line -------------------------------------------

def broken_copy(fault, tmp_path: Path) -> Path:
    data = fault(yaml.safe_load(bundled_flow_path().read_text(encoding="utf-8")))
    broken = tmp_path / "symptoms.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return broken


CHILLS_WITHOUT_UNKNOWN_COUNT = edit(("questions", "chills", "next", 0, "if"),
                                    {"all": ["chills_shaking", {"known_low_white_count": True}]})
FEVER_THRESHOLD_RAISED = edit(("conditions", "measured_fever"), {"tmax": {"at_least": 38.3}})
COUGHING_BLOOD_NOT_ROUTED = edit(("questions", "blood_signs", "next", 0, "if"),
                                 {"any": ["blood_in_vomit", "black_or_bloody_stool"]})
DIZZY_WITH_BLEEDING_NOT_ROUTED = edit(("questions", "dizzy", "next", 0, "if"),
                                      {"all": ["fainting_or_dizzy", {"any": ["fast_heartbeat", "short_of_breath"]}]})
ANY_CHILLS_IS_AN_EMERGENCY = edit(("questions", "chills", "next", 0, "if"), "chills_shaking")
ANY_SIGN_IS_AN_EMERGENCY = edit(("questions", "infection_signs", "next", 0, "if"),
                                {"all": ["infection_signs", "low_count"]})
CHILLS_ONLY_AFTER_A_REDUCER = edit(("questions", "fever_reducer", "next"),
                                   [{"if": "took_fever_reducer", "goto": "chills"}, {"goto": "stiff_neck"}])
CHILLS_SKIPPED_WITHOUT_A_FEVER = edit(("questions", "temperature_highest", "next", 2, "goto"), "stiff_neck")

# Each pair of faults sends paths to the same outcome node (the same level, the
# same rules settled), which once hid all but the first fault found.
TWO_FAULTS = [
    pytest.param(both(CHILLS_WITHOUT_UNKNOWN_COUNT, FEVER_THRESHOLD_RAISED), 2,
                 [("under-triage", ("questions", "chills", "next", 0)),
                  ("under-triage", ("questions", "temperature", "next", 0)),
                  ("under-triage", ("questions", "stiff_neck", "next", 0)),
                  ("under-triage", ("routes", "decide", "next", 0))],
                 id="chills condition and fever threshold"),
    pytest.param(both(COUGHING_BLOOD_NOT_ROUTED, DIZZY_WITH_BLEEDING_NOT_ROUTED), 2,
                 [("under-triage", ("questions", "blood_signs", "next", 0)),
                  ("under-triage", ("questions", "dizzy", "next", 0))],
                 id="bleeding and dizziness (two topics)"),
    pytest.param(both(ANY_CHILLS_IS_AN_EMERGENCY, ANY_SIGN_IS_AN_EMERGENCY), 0,
                 [("over-triage", ("questions", "chills", "next", 0)),
                  ("over-triage", ("questions", "infection_signs", "next", 0))],
                 id="two over-triage conditions"),
    pytest.param(both(CHILLS_ONLY_AFTER_A_REDUCER, CHILLS_SKIPPED_WITHOUT_A_FEVER), 2,
                 [("never-asked", ("questions", "fever_reducer", "next", 1)),
                  ("never-asked", ("questions", "temperature_highest", "next", 2))],
                 id="chills skipped two ways"),
]


@pytest.mark.parametrize("fault, status, expected", TWO_FAULTS)
def test_each_of_two_faults_is_named_at_its_line(fault, status, expected, tmp_path, capsys):
    broken = broken_copy(fault, tmp_path)
    where = read_yaml(broken).where

    assert main(["check", str(broken)]) == status
    out = capsys.readouterr().out.splitlines()
    found = {(p["kind"], (int(p["line"]), int(p["col"]))) for p in map(PROBLEM.match, out) if p}
    for kind, at in expected:
        assert (kind, where(at, key=False)) in found, "\n".join(out)


def test_a_fault_alone_is_named_at_the_same_line_as_with_another(tmp_path, capsys):
    broken = broken_copy(CHILLS_WITHOUT_UNKNOWN_COUNT, tmp_path)
    main(["check", str(broken)])
    out = capsys.readouterr().out.splitlines()
    line, col = read_yaml(broken).where(("questions", "chills", "next", 0), key=False)
    assert out[0].startswith(f"{broken}:{line}:{col}: under-triage: ") and "(E2" in out[0]


BROKEN = [pytest.param(p.values[0], id=p.id) for p in FAULTS] + [pytest.param(p.values[0], id=p.id) for p in TWO_FAULTS]


@pytest.mark.parametrize("fault", BROKEN)
def test_every_example_replays_to_its_fault_and_every_wrong_path_is_counted_once(fault, tmp_path):
    flow = load_flow(broken_copy(fault, tmp_path))
    analysis = analyse(flow)
    for issue in analysis.issues:
        if issue.kind not in ("under-triage", "over-triage", "never-asked"):
            continue
        conversation = Conversation(flow)
        conversation.start()
        for typed in issue.typed:
            assert getattr(conversation.answer(typed), "error", None) is None, issue.message
        assert conversation.finished and conversation.state == issue.outcome, issue.message
        asked = [turn.question for turn in conversation.transcript]
        at_fault = [sid for sid, state in flow.questions.items() if any(t.at == issue.at for t in state.next)]
        assert all(sid in [q.id for q in asked] for sid in at_fault), issue.message
        gap = level_rank(triage(flow.rules, conversation.findings).level) - level_rank(flow.outcomes[issue.outcome].level)
        if issue.kind == "under-triage":
            assert gap > 0, issue.message
        elif issue.kind == "over-triage":
            assert gap < 0, issue.message
        else:
            finding = issue.message.split("'")[1]
            assert all(finding not in question.findings() for question in asked), issue.message

    graph = Explorer(flow).explore()
    defaults = flow.default_findings()
    for kind, sign in (("under-triage", 1), ("over-triage", -1)):
        wrong = sum(node.paths_in for node in graph.terminals()
                    if sign * (level_rank(rules_level(flow, node.rules, defaults))
                               - level_rank(flow.outcomes[node.state].level)) > 0)
        assert sum(issue.paths for issue in analysis.issues if issue.kind == kind) == wrong
