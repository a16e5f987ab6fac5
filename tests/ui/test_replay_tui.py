"""`chatbot replay --tui`: the same scripts through the real Textual app, checked on what it shows.

A subset of the suite runs here (the whole suite through the UI is CI's
`chatbot replay tests/conversations --tui`). Apps that draw the wrong thing prove
that the checks read the screen, not the engine behind it.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.cli import main
from chatbot.engine import Prompt, Result
from chatbot.flowfile.loader import load_flow
from chatbot.replay import EngineDriver, ScriptReader, run_script
from chatbot.replay.pilot import reasons_of_phone_line, replay_through_ui
from chatbot.summary import phone_line
from chatbot.tui import SymptomCheckerApp

HERE = Path(__file__).parents[1]  # tests/
SUITE = HERE / "conversations"
FLOW = load_flow()
SCRIPTS = {script.name: script for script in ScriptReader().read([SUITE])}

# Back, restart, reprompts of each kind, Spanish, and the reasons drawn on both kinds of screen.
THROUGH_THE_UI = [
    "Going back from an emergency to correct the temperature",
    "Going back twice, then answering differently",
    "Going back at the first question stays there",
    "Restart forgets every answer",
    "An unreadable temperature is asked again, and nothing is lost",
    "Not sure is not an answer to a yes or no question",
    "An empty answer is asked again",
    "None of these cannot go with another choice",
    "En español, fiebre con las defensas bajas es una emergencia",
    'En español, "quizás" se pregunta otra vez',
    "Pink urine and a heavier period are urgent, with no advice to press on them",
    "With two danger signs, the first emergency in the flow is the one shown",
    "Headache typed at the danger signs is confirmed, then it is the emergency it names",
    'No to "Did you mean" asks the danger signs again, and nothing is chosen',
    'Back from "Did you mean" asks the danger signs again',
    'En español, "dolor de cabeza" se confirma antes de tomarlo',
]


def test_scripts_of_every_kind_pass_through_the_ui():
    runs = replay_through_ui((SCRIPTS[name] for name in THROUGH_THE_UI), SymptomCheckerApp)
    assert [str(run.failure) for run in runs if not run.passed] == []
    assert {run.driver for run in runs} == {"tui"}
    finals = {run.script.name: run.final for run in runs}
    assert finals["Pink urine and a heavier period are urgent, with no advice to press on them"].reasons == (
        "U6", "U7", "U8")
    assert finals["With two danger signs, the first emergency in the flow is the one shown"].reasons == ("E8", "E10")


WRONG = ("name: Chest pain is routine\nsteps:\n  - {question: danger_signs, answer: 1}\n"
         "expect: {level: routine}\n")


def test_a_wrong_expectation_fails_through_the_ui_at_the_scripts_line(tmp_path, capsys):
    script = tmp_path / "wrong.yaml"
    script.write_text(WRONG, encoding="utf-8")
    assert main(["replay", str(script), "--tui"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [f"FAIL  {script}:1: Chest pain is routine",
                       f"      {script}:4:17: at the end",
                       "        expected: to end at routine",
                       "        happened: the conversation ended at emergency (emergency_heart_lungs)"]
    assert out[4].startswith("1 script: 1 failed, 0 passed in ") and out[4].endswith(", through the Textual UI")


def test_the_screen_of_each_failed_script_is_saved_as_svg_beside_the_junit_file(tmp_path, capsys):
    """CI keeps what the person would have seen, not only the words of the failure; a passing script saves none."""
    (tmp_path / "wrong.yaml").write_text(WRONG, encoding="utf-8")
    (tmp_path / "right.yaml").write_text("name: Calm\nsteps: [7]\nexpect: {question: white_count}\n")
    report = tmp_path / "build" / "junit.xml"
    report.parent.mkdir()
    assert main(["replay", str(tmp_path / "wrong.yaml"), str(tmp_path / "right.yaml"), "--tui",
                 "--junit", str(report)]) == 1
    saved, = report.parent.glob("*.svg")
    assert saved.name == "wrong-chest-pain-is-routine-line-1.svg"
    assert saved.read_text(encoding="utf-8").lstrip().startswith("<svg") and "Call" in saved.read_text()
    assert f"the screen of a failed script: {saved}" in capsys.readouterr().out


# Apps that draw something other than what their engine decided.

class ShowsAnotherReason(SymptomCheckerApp):
    def _draw(self, step, previous=None):
        if isinstance(step, Result) and step.level == "urgent":
            other = next(rule for rule in self.flow.rules if rule.level == "urgent" and rule not in step.reasons)
            step = dataclasses.replace(step, reasons=(other,))
        return super()._draw(step, previous)


class HidesReprompts(SymptomCheckerApp):
    def _draw(self, step, previous=None):
        if isinstance(step, Prompt) and step.error is not None:
            step = Prompt(step.question, step.progress)
        return super()._draw(step, previous)


class TakesWordsWithoutAsking(SymptomCheckerApp):
    """Answers "Did you mean …?" itself, yes, without showing it."""

    def _draw(self, step, previous=None):
        if isinstance(step, Prompt) and step.confirm is not None:
            step = self.conversation.answer("yes")
        return super()._draw(step, previous)


class ShowsUrgentForEmergency(SymptomCheckerApp):
    def _draw(self, step, previous=None):
        if isinstance(step, Result) and step.level == "emergency":
            step = dataclasses.replace(step, outcome=self.flow.outcomes["urgent"])
        return super()._draw(step, previous)


class SaysNothingOnThePhone(SymptomCheckerApp):
    def _draw(self, step, previous=None):
        if isinstance(step, Result) and step.level == "emergency":
            step = dataclasses.replace(step, reasons=())
        return super()._draw(step, previous)


@pytest.mark.parametrize("app, script, at, expected, happened", [
    (ShowsAnotherReason, "A nosebleed is urgent", "bleeding-and-bruises.yaml:14:64",
     "the reasons U6", "the reasons are U1"),
    (HidesReprompts, "A choice that does not exist is asked again", "reprompts.yaml:49:9",
     '"9" to be refused and danger_signs asked again',
     'it was accepted, and the question danger_signs was asked: "In the last day, have you had any of these?"'),
    (TakesWordsWithoutAsking, "Headache typed at the danger signs is confirmed, then it is the emergency it names",
     "typed-answers.yaml:9:9", '"headache" to be met with "Did you mean …?"',
     "the conversation ended at emergency (emergency_head)"),
    (ShowsUrgentForEmergency, "Chest pain is an emergency", "red-flags.yaml:7:41",
     "to end at emergency (emergency_heart_lungs)", "the conversation ended at urgent (urgent)"),
    (SaysNothingOnThePhone, "Chest pain is an emergency", "red-flags.yaml:7:73",
     "the reasons E10", "the reasons are (none)"),
])
def test_a_ui_that_draws_the_wrong_thing_fails_the_script(app, script, at, expected, happened):
    script = SCRIPTS[script]
    assert run_script(script, EngineDriver(script.flow, script.language)).passed  # the engine is right
    run, = replay_through_ui([script], make_app=app)
    assert run.failure is not None and not run.failure.broken
    assert str(run.failure.at).endswith(at)
    assert (run.failure.expected, run.failure.happened) == (expected, happened)


def test_back_and_restart_from_the_temperature_field_are_not_typed_into_it(tmp_path):
    script = tmp_path / "field.yaml"
    script.write_text("name: keys in the field\nuse: " + str(SUITE / "openings" / "low-count-feeling-feverish.yaml")
                      + "\nsteps:\n  - back\n  - {question: feverish, answer: yes}\n  - {answer: 38.5x, reprompt: yes}"
                      "\n  - restart\n  - {question: danger_signs, answer: 7}\n"
                      "expect: {question: white_count, findings: {fever_feeling: no}}\n", encoding="utf-8")
    run, = replay_through_ui(ScriptReader().read([script]), SymptomCheckerApp)
    assert run.passed, run.failure


@pytest.mark.parametrize("ids, language", [
    (["E10"], "en"),
    (["E8", "E10"], "en"),
    (["E1", "E2", "E13"], "en"),  # "a fever" is inside another reason: only the whole line decides
    (["E12"], "en"),              # a reason with a comma and an "or" in it
    (["E4", "E11"], "es"),
])
def test_the_rules_of_a_phone_line_are_read_back_from_its_words(ids, language):
    rules = tuple(rule for rule in FLOW.rules if rule.id in ids)
    result = Result(FLOW.outcomes["emergency_infection"], rules, (), {})
    assert reasons_of_phone_line(phone_line(result, language), FLOW.rules, language) == tuple(ids)


def test_a_phone_line_of_no_rule_is_not_read_as_one():
    assert reasons_of_phone_line("I have bone marrow failure and a sore toe.", FLOW.rules, "en") is None


def test_replaying_headless_never_imports_textual(tmp_path):
    script = tmp_path / "calm.yaml"
    script.write_text("name: Calm\nsteps: [7]\nexpect: {question: white_count}\n", encoding="utf-8")
    code = (f"import sys\nfrom chatbot.cli import main\nassert main(['replay', {str(script)!r}]) == 0\n"
            "import chatbot.replay.pilot\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
