"""The path analysis behind `chatbot check`: its pieces, and its verdicts checked against brute force.

The brute force is independent of the analysis: it makes every person a small
flow can describe (every consistent set of findings), runs each through the real
engine as a simulated patient, and judges the paths from what those people
answered and what the rules give them.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml

from chatbot.proof.analysis import analyse
from chatbot.proof.answer_classes import question_answers, temperature_classes
from chatbot.cli import main
from chatbot.engine import Conversation
from chatbot.flowfile.loader import load_flow
from chatbot.flow.model import level_rank
from chatbot.proof.paths import Explorer, rules_level
from chatbot.proof.terms import compile_condition, holds, simplify
from chatbot.replay.patients import typed_answer
from chatbot.flow.triage import triage

FLOWS = Path(__file__).parents[1] / "flows"
SKIPS = FLOWS / "skips.yaml"
BRUTE_TEMPERATURES = (None, 35.0, 35.9, 36.0, 37.9, 38.0, 38.4, 39.5)


def write_flow(tmp_path: Path, data: dict, name: str = "flow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return path


def skips_data() -> dict:
    return yaml.safe_load(SKIPS.read_text(encoding="utf-8"))


def kinds(analysis) -> set[str]:
    return {issue.kind for issue in analysis.issues}


# -- residual terms ---------------------------------------------------------------------------


def test_simplify_keeps_only_what_is_left_to_decide():
    flow = load_flow(SKIPS)
    e1 = compile_condition(flow.rules[0].when)  # fever and low count
    assert simplify(e1, {"low_count": None}) == ("t", "temperature", 38.0, None)
    assert simplify(e1, {"low_count": False}) is False
    assert simplify(e1, {"low_count": True, "temperature": 38.0}) is True
    assert simplify(e1, {"chills": True}) == e1


@pytest.mark.parametrize("findings, expected", [
    ({"temperature": 38.0, "low_count": None}, True),
    ({"temperature": 38.0, "low_count": False}, False),
    ({"temperature": 37.9, "low_count": True}, False),
    ({"temperature": None, "low_count": True}, False),
])
def test_terms_hold_as_the_conditions_do(findings, expected):
    flow = load_flow(SKIPS)
    rule = flow.rules[0]
    assert holds(compile_condition(rule.when), findings) is expected is rule.when.holds(findings)


# -- answer classes --------------------------------------------------------------------------


def test_temperatures_are_tried_in_each_class_in_both_units():
    flow = load_flow()
    classes = question_answers(flow.questions["temperature"], (36.0, 37.8, 38.0))
    by_label = {answer.shown: answer for answer in classes}
    assert list(by_label) == ["not measured", "below 36.0 °C", "36.0 to 37.7 °C", "37.8 to 37.9 °C",
                              "38.0 °C or more"]
    assert by_label["38.0 °C or more"].typed == ("38.0 C", "100.4 F")  # 100.4 °F is read as 38.0 °C
    assert by_label["below 36.0 °C"].typed == ("35.9 C", "96.7 F")
    assert by_label["37.8 to 37.9 °C"].as_dict() == {"temperature": 37.8}
    assert sum(answer.count for answer in classes) == 9


def test_temperature_classes_cover_the_body_range_between_thresholds():
    assert [(str(a), str(b)) for a, b in temperature_classes((38.0, 36.0))] == [
        ("30.0", "36.0"), ("36.0", "38.0"), ("38.0", "45.1")]


def test_options_that_name_the_same_finding_are_one_choice():
    flow = load_flow()
    classes = question_answers(flow.questions["infection_signs"])
    assert {answer.findings: answer.count for answer in classes} == {
        (("infection_signs", False),): 1, (("infection_signs", True),): 15}
    assert len(question_answers(flow.questions["danger_signs"])) == 64
    assert len(question_answers(flow.questions["white_count"])) == 3


# -- the explored graph follows the engine ------------------------------------------------------


@pytest.mark.parametrize("flow_file", [None, SKIPS], ids=["bundled", "skips"])
def test_every_explored_answer_leads_where_the_engine_goes(flow_file):
    flow = load_flow(flow_file)
    explorer = Explorer(flow)
    graph = explorer.explore()
    defaults = flow.default_findings()
    replayed = 0
    for node in graph.nodes:
        for edge in node.edges:
            conversation = Conversation(flow)
            step = conversation.start()
            for taken in [*node.path(), edge]:
                assert step.question.id == taken.source.state
                step = conversation.answer(taken.answer.typed[-1])
                assert getattr(step, "error", None) is None
            assert conversation.state == edge.target.state
            if conversation.finished:  # merging kept the rules' verdict of every path into the node
                assert triage(flow.rules, conversation.findings).level == rules_level(
                    flow, edge.target.rules, defaults)
            replayed += 1
    assert replayed == sum(len(node.edges) for node in graph.nodes) > 0


# -- verdicts against brute force --------------------------------------------------------------


def people(flow):
    """Every consistent set of findings of a small flow (implications closed)."""
    names = list(flow.findings)
    values = {"boolean": (False, True), "boolean_or_unknown": (False, True, None),
              "temperature": BRUTE_TEMPERATURES}
    for combination in itertools.product(*(values[flow.findings[n].type] for n in names)):
        findings = dict(zip(names, combination))
        if all(findings[implied] is True for name, value in findings.items() if value is True
               for implied in flow.implied_by(name)):
            yield findings


def brute_force(flow) -> set[str]:
    """The kinds of problem found by running every person through the engine."""
    paths: dict[tuple, dict] = {}
    ran = {}
    for person in people(flow):
        conversation = Conversation(flow)
        step = conversation.start()
        while not conversation.finished:
            step = conversation.answer(typed_answer(step.question, person, flow))
        answers = tuple((turn.question.id, repr(turn.value)) for turn in conversation.transcript)
        path = paths.setdefault(answers, {"outcome": conversation.state, "levels": set(),
                                          "engine": triage(flow.rules, conversation.findings).level})
        path["levels"].add(triage(flow.rules, person).level)
        ran[tuple(sorted(person.items()))] = (answers, flow.outcomes[conversation.state].level)
    found = set()
    faithful = set()
    for key, path in paths.items():
        level = flow.outcomes[path["outcome"]].level
        difference = level_rank(path["engine"]) - level_rank(level)
        if difference > 0:
            found.add("under-triage")
        elif difference < 0:
            found.add("over-triage")
        unsettled = len(path["levels"]) > 1 and level != "emergency"
        if unsettled:
            found.add("never-asked")
        if difference == 0 and not unsettled:
            faithful.add(key)
    for person_items, (key, level) in ran.items():
        person = dict(person_items)
        for name, value in person.items():
            if value is not False or flow.findings[name].type != "boolean":
                continue
            other = {**person, name: True, **{i: True for i in flow.implied_by(name)}}
            other_key, other_level = ran[tuple(sorted(other.items()))]
            if level_rank(other_level) < level_rank(level) and {key, other_key} <= faithful:
                found.add("not-monotonic")
    return found


def _set(data: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


MUTATIONS = {
    "as written": lambda d: None,
    "emergency outcome made urgent": lambda d: _set(d, ("outcomes", "call", "level"), "urgent"),
    "urgent outcome made routine": lambda d: _set(d, ("outcomes", "see", "level"), "routine"),
    "implication forgotten": lambda d: d["findings"]["vomit_blood"].pop("implies"),
    "bleeding skipped with a fever": lambda d: _set(d, ("questions", "temp", "next", 1, "goto"), "tired"),
    "worse tiredness not routed": lambda d: _set(d, ("routes", "decide", "next", 0, "if"), "chills"),
    "any tiredness routed": lambda d: _set(d, ("routes", "decide", "next", 0, "if"),
                                           {"any": ["chills", "tired"]}),
    "fever threshold raised in routing": lambda d: _set(d, ("conditions", "has_fever"),
                                                        {"temperature": {"at_least": 38.5}}),
    "tiredness lowers the level": lambda d: (
        _set(d, ("rules", "urgent", "U2", "when"), {"all": ["chills", {"tired": False}]}),
        _set(d, ("routes", "decide", "next", 0, "if"),
             {"any": [{"all": ["chills", {"tired": False}]}, "tired_worse"]})),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_analysis_finds_what_brute_force_finds(mutation, tmp_path):
    data = skips_data()
    MUTATIONS[mutation](data)
    flow = load_flow(write_flow(tmp_path, data))
    expected = brute_force(flow)
    found = kinds(analyse(flow)) & {"under-triage", "over-triage", "never-asked", "not-monotonic"}
    assert found == expected
    assert (mutation == "as written") == (not expected)


# -- the skips the analysis allows, and the ones it does not -------------------------------------


def test_each_allowed_skip_is_allowed():
    analysis = analyse(load_flow(SKIPS))
    assert analysis.issues == [] and analysis.verdict == "proved"
    assert analysis.paths == 143


@pytest.mark.parametrize("mutation, finding, at", [
    # (a) without the implication, "no bleeding" no longer rules out blood in the vomit
    ("implication forgotten", "vomit_blood", ("questions", "bleed", "next", 1)),
    # (b) with a fever only urgent is settled: blood in the vomit could still make it an emergency
    ("bleeding skipped with a fever", "vomit_blood", ("questions", "temp", "next", 1)),
])
def test_a_skip_without_a_reason_is_reported_where_it_happens(mutation, finding, at, tmp_path):
    from chatbot.flowfile.source import read_yaml

    data = skips_data()
    MUTATIONS[mutation](data)
    path = write_flow(tmp_path, data)
    issues = [i for i in analyse(load_flow(path)).issues if i.kind == "never-asked"]
    assert f"'{finding}'" in issues[0].message
    assert issues[0].at == read_yaml(path).where(at)


def test_after_an_emergency_nothing_more_need_be_asked(tmp_path):
    data = skips_data()
    _set(data, ("questions", "chills", "next"), [{"if": "chills", "goto": "call"}, {"goto": "bleed"}])
    analysis = analyse(load_flow(write_flow(tmp_path, data)))
    # (c): chills alone is urgent, so calling is over-triage; but the bleeding questions it
    # skips could not raise an emergency, so none of them is reported as never asked
    assert kinds(analysis) == {"over-triage"}


# -- loops and what no path reaches ----------------------------------------------------------------


def test_a_loop_is_reported_at_the_transition_that_goes_back(tmp_path):
    from chatbot.flowfile.source import read_yaml

    data = skips_data()
    _set(data, ("questions", "tired_worse", "next"), "tired")
    path = write_flow(tmp_path, data)
    analysis = analyse(load_flow(path))
    loops = [i for i in analysis.issues if i.kind == "never-ends"]
    assert [i.at for i in loops] == [read_yaml(path).where(("questions", "tired_worse", "next"))]
    assert analysis.verdict == "unsafe" and "endless" in analysis.summary()


def test_routes_that_loop_without_a_question_are_reported(tmp_path):
    data = skips_data()
    data["routes"]["decide"]["next"].insert(1, {"if": "tired", "goto": "round"})
    data["routes"]["round"] = {"next": "about"}
    data["routes"]["about"] = {"next": "round"}
    analysis = analyse(load_flow(write_flow(tmp_path, data)))
    assert any(i.kind == "never-ends" and "routes go round" in i.message for i in analysis.issues)


def test_an_outcome_no_path_reaches_is_a_warning(tmp_path):
    data = skips_data()
    data["outcomes"]["never"] = {"level": "urgent", "title": "Never", "text": "Never shown."}
    data["routes"]["decide"]["next"].insert(0, {"if": {"all": ["chills", {"chills": False}]}, "goto": "never"})
    analysis = analyse(load_flow(write_flow(tmp_path, data)))
    assert {(i.kind, i.severity) for i in analysis.issues} == {("never-reached", "warning"),
                                                                ("never-taken", "warning")}
    assert analysis.verdict == "warnings"


# -- the bundled flow, and the command -------------------------------------------------------------


def test_the_bundled_flow_is_proved():
    analysis = analyse(load_flow())
    assert [str(i.problem(analysis.flow.file)) for i in analysis.issues] == []
    assert analysis.paths > 1_000_000 and analysis.states < 1_000
    assert analysis.summary().endswith("proved: every path reaches the level its rules give")


def test_check_prints_one_summary_line_and_exits_0(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and " paths explored as " in out[0] and "no problems" in out[0]


@pytest.mark.parametrize("mutation, strict, status", [
    ("as written", False, 0),
    ("any tiredness routed", False, 0),  # over-triage only: warnings
    ("any tiredness routed", True, 1),
    ("urgent outcome made routine", False, 2),
])
def test_check_exit_status(mutation, strict, status, tmp_path, capsys):
    data = skips_data()
    MUTATIONS[mutation](data)
    path = write_flow(tmp_path, data)
    assert main(["check", str(path), *(["--strict"] if strict else [])]) == status
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith(f"{path}: ")
    if status:
        assert out[0].startswith(f"{path}:") and "answers: danger = None of these" in out[1]


def test_check_json_for_machines(tmp_path, capsys):
    data = skips_data()
    MUTATIONS["urgent outcome made routine"](data)
    path = write_flow(tmp_path, data)
    assert main(["check", str(path), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "unsafe" and report["exit"] == 2 and report["paths"] == 143
    problem = report["problems"][0]
    assert problem["kind"] == "under-triage" and problem["severity"] == "error"
    assert problem["line"] > 1 and problem["answers"][0] == {"question": "danger", "answer": "None of these",
                                                             "typed": "3"}
    assert problem["outcome"] == "see"


def test_check_json_reports_a_flow_that_does_not_load(capsys):
    bad = Path(__file__).parents[1] / "bad_flows" / "undefined_state.yaml"
    assert main(["check", str(bad), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "unloadable" and report["problems"][0]["kind"] == "load"


def test_a_monotonicity_problem_shows_both_paths(tmp_path, capsys):
    data = skips_data()
    MUTATIONS["tiredness lowers the level"](data)
    assert main(["check", str(write_flow(tmp_path, data))]) == 2
    out = capsys.readouterr().out
    assert "not-monotonic: answering yes instead of no to 'tired'" in out
    assert "answering no: " in out and "answering yes: " in out


def test_the_benchmark_makes_a_larger_flow_that_is_proved(tmp_path):
    import importlib.util

    script = Path(__file__).parents[2] / "bench" / "large_flow.py"
    spec = importlib.util.spec_from_file_location("large_flow", script)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    small = analyse(load_flow())
    flow = load_flow(bench.write_flow(bench.large_flow(2), tmp_path / "large.yaml"))
    assert len(flow.questions) == 2 * len(small.flow.questions) and len(flow.rules) == 2 * len(small.flow.rules)
    analysis = analyse(flow)
    assert analysis.verdict == "proved" and analysis.paths > small.paths
