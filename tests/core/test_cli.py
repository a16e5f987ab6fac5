"""The headless commands, run as a person or CI would run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.cli import main

HERE = Path(__file__).parents[1]  # tests/
EXAMPLES = HERE / "patients" / "examples.yaml"


def test_check_passes_on_the_bundled_flow(capsys):
    assert main(["check"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_check_reports_every_problem_and_exits_2(capsys):
    assert main(["check", str(HERE / "bad_flows" / "many_problems.yaml")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 5 and err[-1] == "4 problems found"
    assert "transition to undefined state 'hme' (did you mean 'home'?)" in err[2]


@pytest.mark.parametrize("argv", [
    ["--flow", "tests/bad_flows/syntax_error.yaml", "check"],
    ["simulate", str(EXAMPLES), "--flow", "tests/bad_flows/undefined_state.yaml"],
    ["check", "does/not/exist.yaml"],
])
def test_every_command_given_a_bad_flow_exits_2_without_a_traceback(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.rstrip().endswith("found")


def test_simulate_prints_a_line_per_patient(capsys):
    assert main(["simulate", str(EXAMPLES)]) == 0
    *lines, summary = capsys.readouterr().out.splitlines()
    assert len(lines) == 12
    assert lines[0].split()[:3] == ["E03", "emergency", "emergency_infection"]
    assert all(line.endswith("ok") for line in lines)
    assert summary == "12 patients: all 12 with an expected level agree"


@pytest.mark.parametrize("patients, lines", [
    ("- id: P1\n  findings: {chest_pain: true}\n",
     ["P1         emergency  emergency_heart_lungs   1 question", "1 patient simulated"]),
    ("- id: P1\n  findings: {chest_pain: true}\n  expected: emergency\n",
     ["P1         emergency  emergency_heart_lungs   1 question   ok", "1 patient: all 1 with an expected level agree"]),
])
def test_simulate_counts_in_good_english_and_ends_with_a_summary(tmp_path, capsys, patients, lines):
    """One question is "1 question", and the last line says how it went without counting lines."""
    file = tmp_path / "p.yaml"
    file.write_text("patients:\n" + patients)
    assert main(["simulate", str(file)]) == 0
    assert capsys.readouterr().out.splitlines() == lines


def test_simulate_json(capsys):
    assert main(["simulate", str(EXAMPLES), "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[1])
    assert first == {"id": "E06", "level": "emergency", "outcome": "emergency_bleeding", "asked": ["danger_signs"]}


def test_simulate_disagreement_is_summarised_on_stderr_and_exits_1(tmp_path, capsys):
    patients = tmp_path / "p.yaml"
    patients.write_text("patients:\n- id: P1\n  findings: {chest_pain: true}\n  expected: routine\n"
                        "- id: P2\n  findings: {}\n  expected: routine\n")
    assert main(["simulate", str(patients)]) == 1
    captured = capsys.readouterr()
    assert "DIFFERS: expected routine" in captured.out
    assert captured.out.splitlines()[-1] == "2 patients: 1 of 2 with an expected level disagree"
    assert captured.err.splitlines() == [
        "1 of 2 patients disagree with their expected level:",
        f"  {patients}:2:3: P1: expected routine, got emergency (emergency_heart_lungs)"]


def test_simulate_reports_bad_patients_positioned(tmp_path, capsys):
    patients = tmp_path / "p.yaml"
    patients.write_text("patients:\n- id: P1\n  findings: {chest_pian: true, fever_feeling: 3}\n"
                        "- id: P2\n  findings: {temperature: 120 F}\n")
    assert main(["simulate", str(patients)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{patients}:3:14: unknown finding 'chest_pian' (did you mean 'chest_pain'?)"
    assert err[1] == f"{patients}:3:47: 'fever_feeling' must be true or false"


def test_installed_command_works_from_another_directory(tmp_path):
    done = subprocess.run([sys.executable, "-m", "chatbot", "check"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "symptoms.yaml: no problems" in done.stdout


def test_simulate_reports_a_refused_answer_at_its_patient(tmp_path, capsys):
    patients = tmp_path / "p.yaml"
    patients.write_text("patients:\n- id: P2\n  findings: {temperature: 120 F}\n")
    assert main(["simulate", str(patients)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{patients}:2:3: patient 'P2': the answer '120 F' to 'temperature' was not accepted: "
        "120 °F is not a body temperature I can accept (30 to 45 °C, 86 to 113 °F). "
        "Please check the thermometer and type it again.")
