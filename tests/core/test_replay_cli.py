"""`chatbot replay`, run as a tester or CI runs it; and pytest collecting the scripts."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from chatbot.cli import main

HERE = Path(__file__).parents[1]  # tests/
SUITE = HERE / "conversations"
SUITE_ARG = str(SUITE.relative_to(Path.cwd())) if SUITE.is_relative_to(Path.cwd()) else str(SUITE)
FAILING = ("name: Chest pain is routine\nsteps:\n  - {question: danger_signs, answer: 1}\n"
           "expect: {level: routine}\n")


@pytest.fixture
def failing(tmp_path) -> Path:
    path = tmp_path / "failing.yaml"
    path.write_text(FAILING, encoding="utf-8")
    (tmp_path / "passing.yaml").write_text("name: Calm\nsteps: [7]\nexpect: {question: white_count}\n")
    return path


def test_the_suite_passes_with_full_coverage(capsys):
    assert main(["replay", SUITE_ARG, "--coverage", "--fail-under", "100"]) == 0
    out = capsys.readouterr().out.splitlines()
    oks = [line for line in out if line.startswith("ok    ")]
    assert len(oks) >= 50
    summary, = [line for line in out if " scripts: " in line]
    assert summary.startswith(f"{len(oks)} scripts: all passed in ")
    transitions, = [line.split() for line in out if line.strip().startswith("transitions")]
    assert transitions[1] == transitions[3] and transitions[4] == "100.0%"
    assert out[-1].split()[0] == "all" and out[-1].endswith("100.0%")


def test_one_line_per_script_and_a_failure_at_the_scripts_line(failing, capsys):
    assert main(["replay", str(failing.parent)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"FAIL  {failing}:1: Chest pain is routine"
    assert out[1:4] == [f"      {failing}:4:17: at the end",
                        "        expected: to end at routine",
                        "        happened: the conversation ended at emergency (emergency_heart_lungs)"]
    assert out[4].startswith(f"ok    {failing.parent / 'passing.yaml'}:1: Calm -> asking white_count, 1 answer")
    assert out[5].startswith("2 scripts: 1 failed, 1 passed in ")


def test_unreadable_scripts_exit_2_with_every_problem_positioned(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("name: a\nsteps: [{answr: 1}]\nexpect: {level: critical}\n")
    assert main(["replay", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        f"{tmp_path}/a.yaml:2:10: unknown field 'answr' in 'steps[0]' (did you mean 'answer'?)",
        f"{tmp_path}/a.yaml:3:17: 'expect.level' must be one of routine, urgent, emergency, not 'critical'",
        "2 problems found"]


def test_one_unreadable_script_does_not_stop_the_others(failing, tmp_path, capsys):
    """A broken file is an error (exit 2), but the scripts beside it still run and are reported."""
    (tmp_path / "a.yaml").write_text("name: a\nsteps: [{answr: 1}]\nexpect: {level: routine}\n")
    (tmp_path / "b.yaml").write_text("name: b\nsteps: [{question: white_cont, answer: 1}]\n"
                                     "expect: {level: routine}\n")
    failing.unlink()
    report = tmp_path / "junit.xml"
    assert main(["replay", str(tmp_path), "--junit", str(report)]) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith(f"ok    {tmp_path / 'passing.yaml'}:1: Calm")
    assert captured.err.splitlines()[0] == (
        f"{tmp_path}/a.yaml:2:10: unknown field 'answr' in 'steps[0]' (did you mean 'answer'?)")
    assert "'white_cont' is not a question id" in captured.err.splitlines()[1]
    assert captured.err.splitlines()[-1] == "2 problems found: those scripts did not run"
    suite = ET.parse(report).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("errors")) == ("2", "1")


@pytest.mark.parametrize("argv, message", [
    (["replay", "no/such/folder"], "no/such/folder:1:1: no such script file or folder"),
    (["replay", str(SUITE / "openings")], "no scripts in"),
    (["replay", SUITE_ARG, "--flow", str(HERE / "bad_flows" / "undefined_state.yaml")],
     "transition to undefined state"),
])
def test_what_cannot_be_replayed_exits_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_coverage_below_fail_under_exits_1(failing, capsys):
    assert main(["replay", str(failing.parent / "passing.yaml"), "--fail-under", "50"]) == 1
    captured = capsys.readouterr()
    assert "coverage of" in captured.out and "never taken: danger_signs -> emergency_heart_lungs" in captured.out
    assert "below --fail-under 50%" in captured.err


def test_junit_xml_names_each_script_and_its_failure(failing, tmp_path, capsys):
    report = tmp_path / "out" / "junit.xml"
    report.parent.mkdir()
    assert main(["replay", str(failing.parent), "--junit", str(report), "--coverage"]) == 1
    suite = ET.parse(report).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["Chest pain is routine", "Calm"]
    assert (cases[0].get("file"), cases[0].get("line")) == (str(failing), "1")
    failure = cases[0].find("failure")
    assert failure.get("message") == f"{failing}:4:17: at the end"
    assert "happened: the conversation ended at emergency" in failure.text
    assert cases[1].find("failure") is None
    assert suite.find("properties/property").get("name").startswith("coverage ")


def test_junit_xml_reports_unreadable_scripts_as_an_error(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("name: a\nexpect: {levl: x}\n")
    report = tmp_path / "junit.xml"
    assert main(["replay", str(tmp_path / "a.yaml"), "--junit", str(report)]) == 2
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("errors") == "1"
    assert "unknown field 'levl'" in suite.find("testcase/error").text


@pytest.mark.parametrize("given", ["--flow", "flow:"])
def test_coverage_names_the_flow_by_the_path_the_tester_gave(given, tmp_path, monkeypatch, capsys):
    """A flow reached through a link into an installed package is named as typed, never by its site-packages path."""
    installed = tmp_path / ".venv" / "lib" / "site-packages" / "chatbot" / "flows" / "tiny.yaml"
    installed.parent.mkdir(parents=True)
    shutil.copy(HERE / "tiny_flow.yaml", installed)
    (tmp_path / "flow.yaml").symlink_to(installed)
    (tmp_path / "scripts").mkdir()
    flow = "flow: ../flow.yaml\n" if given == "flow:" else ""
    (tmp_path / "scripts" / "t.yaml").write_text(flow + "name: t\nsteps: [yes, 38.5]\n"
                                                 "expect: {level: emergency, outcome: call}\n")
    monkeypatch.chdir(tmp_path)
    argv = ["replay", "scripts", "--coverage"] + (["--flow", "flow.yaml"] if given == "--flow" else [])
    main(argv)
    out = capsys.readouterr().out
    assert "coverage of flow.yaml by 1 script:" in out
    assert "site-packages" not in out


def test_the_flow_option_is_the_flow_of_scripts_that_name_none(tmp_path, capsys):
    (tmp_path / "t.yaml").write_text("name: t\nsteps: [yes, 38.5]\nexpect: {level: emergency, outcome: call}\n")
    assert main(["replay", str(tmp_path), "--flow", str(HERE / "tiny_flow.yaml")]) == 0


PLUGIN = (HERE / "conftest.py").read_text(encoding="utf-8")


def test_pytest_collects_one_item_per_script_and_shows_failures_at_the_yaml_line(pytester):
    pytester.makeconftest(PLUGIN)
    folder = pytester.path / "conversations"
    shutil.copytree(SUITE / "openings", folder / "openings")
    (folder / "calm.yaml").write_text("scripts:\n"
                                      "  - {name: calm, use: openings/no-danger-signs.yaml, "
                                      "expect: {question: white_count}}\n"
                                      "  - name: wrong\n    steps:\n      - {question: feverish, answer: 7}\n"
                                      "    expect: {level: routine}\n")
    (folder / "bad.yaml").write_text("name: bad\nexpect: {levl: x}\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark",
                                "--continue-on-collection-errors")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines([
        "*ERROR collecting conversations/bad.yaml*",
        "conversations/bad.yaml:2:10: unknown field 'levl' in 'expect' (did you mean 'level'?)",
        "*script: wrong*",
        'conversations/calm.yaml:5:9: step 1, answer "7"',
        "  expected: the question feverish",
        "  happened: the question danger_signs was asked: *",
        "FAILED conversations/calm.yaml::wrong - conversations/calm.yaml:5:9: *",
    ])
