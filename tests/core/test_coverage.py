"""Coverage: what of the flow the scripts reached, and each item never reached at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.replay.coverage import Coverage, _bare, coverage_of
from chatbot.flowfile.loader import load_flow
from chatbot.replay import Action, EngineDriver, Move, ScriptReader, Seen, Where, run_script
from chatbot.replay.patients import read_patients, typed_answer

HERE = Path(__file__).parents[1]  # tests/
FLOW = load_flow()
SCRIPTS = ScriptReader().read([HERE / "conversations"])


def runs_of(scripts):
    return [run_script(script, EngineDriver(script.flow, script.language)) for script in scripts]


def only(name: str):
    return [script for script in SCRIPTS if script.name == name]


def test_the_suite_reaches_every_question_answer_transition_and_outcome():
    coverage, = coverage_of(runs_of(SCRIPTS))
    assert coverage.missing() == [] and coverage.disagreements == []
    assert coverage.percent == 100.0
    transitions = sum(len(state.next) for state in (*FLOW.questions.values(), *FLOW.routes.values()))
    assert coverage.counts()["transition"] == (transitions, transitions)
    assert coverage.counts()["question"] == (len(FLOW.questions), len(FLOW.questions))
    assert coverage.counts()["outcome"] == (len(FLOW.outcomes), len(FLOW.outcomes))


def test_one_script_reaches_only_its_own_path():
    coverage, = coverage_of(runs_of(only("Chest pain is an emergency")))
    assert coverage.reached == {("question", "danger_signs"), ("answer", "danger_signs", 0),
                                ("transition", "danger_signs", 0), ("outcome", "emergency_heart_lungs")}
    assert coverage.counts()["transition"][0] == 1


@pytest.mark.parametrize("name", ["Headache typed at the danger signs is confirmed, then it is the emergency it names",
                                  "En español, \"dolor de cabeza\" se confirma antes de tomarlo"])
def test_words_confirmed_count_once_the_yes_takes_them(name):
    coverage, = coverage_of(runs_of(only(name)))
    assert coverage.reached == {("question", "danger_signs"), ("answer", "danger_signs", 3),
                                ("transition", "danger_signs", 2), ("outcome", "emergency_head")}
    assert coverage.disagreements == []


def test_words_not_confirmed_count_for_nothing():
    coverage, = coverage_of(runs_of(only('No to "Did you mean" asks the danger signs again, and nothing is chosen')))
    assert ("answer", "danger_signs", 3) not in coverage.reached
    assert ("answer", "danger_signs", 6) in coverage.reached and coverage.disagreements == []


def test_a_transition_never_taken_is_named_at_its_line_in_the_flow_file():
    coverage, = coverage_of(runs_of(only("Chest pain is an emergency")))
    transition = FLOW.questions["temperature"].next[0]
    line, col = transition.at
    expected = (f"{FLOW.file}:{line}:{col}: never taken: temperature -> emergency_infection "
                f"(if very_low or very_high or (low_count and (measured_fever or (measured_low and fever_feeling))))")
    report = coverage.report()
    assert expected in report
    flow_lines = Path(FLOW.file).read_text(encoding="utf-8").splitlines()
    assert flow_lines[line - 1][col - 1:].startswith(("- if:", "{if:", "if:"))
    assert f"{FLOW.file}:{FLOW.routes['decide'].next[-1].at[0]}:{FLOW.routes['decide'].next[-1].at[1]}: " \
           "never taken: decide -> routine (otherwise)" in report


def test_a_choice_never_chosen_is_named_at_its_option():
    coverage, = coverage_of(runs_of(only("Chest pain is an emergency")))
    message = 'never answered danger_signs with option 5, "Feeling confused, or very sleepy and hard to wake"'
    item, = [item for item in coverage.missing() if item.message == message]
    flow_lines = Path(FLOW.file).read_text(encoding="utf-8").splitlines()
    assert "confusion_or_drowsy" in flow_lines[item.at[0] - 1]


def test_the_report_counts_each_kind_and_all():
    coverage, = coverage_of(runs_of(only("Chest pain is an emergency")))
    head = coverage.report()[:6]
    assert head[0] == f"coverage of {FLOW.file} by 1 script:"
    assert [line.split()[0] for line in head[1:]] == ["questions", "answers", "transitions", "outcomes", "all"]
    assert head[1].split()[1:4] == ["1", "of", str(len(FLOW.questions))]
    assert head[5].endswith(f"{coverage.percent:.1f}%")


def test_the_transitions_worked_out_agree_with_the_engine_for_every_simulated_patient():
    """Coverage works out which transition an answer took; the engine's next state must agree."""
    coverage = Coverage(FLOW)
    patients = [p for path in sorted((HERE / "patients").glob("*.yaml")) for p in read_patients(path, FLOW)]
    for patient in patients:
        driver = EngineDriver(FLOW)
        before = driver.start()
        moves = [Move(None, None, before)]
        while not before.finished:
            typed = typed_answer(FLOW.questions[before.question], patient.findings, FLOW)
            step = Action("answer", Where(patient.file, *patient.at), typed)
            after = driver.answer(typed)
            moves.append(Move(step, before, after))
            before = after
        coverage.add_moves(moves)
    assert len(patients) > 100 and coverage.disagreements == []
    assert coverage.counts()["transition"][0] >= 25


def test_a_state_the_transitions_do_not_lead_to_is_reported_not_counted():
    run, = runs_of(only("Chest pain is an emergency"))
    start, answer = run.moves
    wrong = Move(answer.step, answer.before, Seen(None, outcome="emergency_head", level="emergency",
                                                  findings=answer.after.findings))
    coverage = Coverage(FLOW)
    coverage.add_moves([start, wrong])
    assert coverage.disagreements == ["after danger_signs the flow's transitions lead to emergency_heart_lungs, "
                                      "but the conversation went to emergency_head"]


def test_refused_answers_and_back_reach_no_transition():
    coverage, = coverage_of(runs_of(only("A choice that does not exist is asked again")))
    assert ("answer", "danger_signs", 8) not in coverage.reached
    assert {key for key in coverage.reached if key[0] == "transition"} == {("transition", "danger_signs", 3)}


def test_coverage_is_kept_per_flow(tmp_path):
    (tmp_path / "t.yaml").write_text("name: t\nsteps: [yes, 38.5]\nexpect: {level: emergency}\n")
    scripts = [*only("Chest pain is an emergency"), *ScriptReader(HERE / "tiny_flow.yaml").read([tmp_path])]
    coverages = coverage_of(runs_of(scripts))
    assert [c.flow.name for c in coverages] == ["bmf-symptoms", "tiny"]
    assert coverages[1].counts()["outcome"] == (1, 2)


@pytest.mark.parametrize("condition, bare", [
    ("(a and b)", "a and b"), ("(a) and (b)", "(a) and (b)"), ("a", "a"), ("((a or b) and c)", "(a or b) and c"),
])
def test_outer_parentheses_are_dropped_only_around_the_whole(condition, bare):
    assert _bare(condition) == bare
