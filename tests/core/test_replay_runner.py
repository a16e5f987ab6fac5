"""Replaying scripts: a failure names the script's line, what was expected and what happened."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from chatbot.replay.junit import junit_xml
from chatbot.replay import EngineDriver, ScriptReader, run_script, run_script_async
from chatbot.replay.drivers import Seen

HERE = Path(__file__).parents[1]  # tests/
SUITE = HERE / "conversations"
READER = ScriptReader()
SCRIPTS = READER.read([SUITE])


def replay(tmp_path: Path, text: str, files: dict[str, str] | None = None):
    for name, body in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    script, = ScriptReader().read([path])
    return run_script(script, EngineDriver(script.flow, script.language))


COUNT = '"At your last blood test, did your care team say your white blood cell count was low?"'
FAILURES = {
    "the wrong question, by id": (
        "name: s\nsteps:\n  - 7\n  - {question: feverish, answer: no}\nexpect: {level: routine}\n",
        ("4:5: step 2, answer \"no\"", "the question feverish",
         f"the question white_count was asked: {COUNT}")),
    "the wrong question, by words": (
        "name: s\nsteps:\n  - 7\n  - {question: felt hot, answer: no}\nexpect: {level: routine}\n",
        ("4:5: step 2, answer \"no\"", 'a question with the words "felt hot"',
         f"the question white_count was asked: {COUNT}")),
    "an answer after the end": (
        "name: s\nsteps: [1, {question: white_count, answer: no}]\nexpect: {level: routine}\n",
        ("2:12: step 2, answer \"no\"", 'to answer "no" to the question white_count',
         "the conversation ended at emergency (emergency_heart_lungs)")),
    "an answer refused that should be taken": (
        "name: s\nsteps: [7, 7]\nexpect: {level: routine}\n",
        ("2:12: step 2, answer \"7\"", '"7" to be taken as an answer to white_count',
         'it was refused: "Please answer yes, no or not sure."')),
    "an answer taken that should be refused": (
        "name: s\nsteps:\n  - {answer: 7, reprompt: yes}\nexpect: {level: routine}\n",
        ("3:5: step 1, answer \"7\"", '"7" to be refused and danger_signs asked again',
         f"it was accepted, and the question white_count was asked: {COUNT}")),
    "a reprompt with other words": (
        "name: s\nsteps:\n  - {answer: 9, reprompt: only one}\nexpect: {level: routine}\n",
        ("3:5: step 1, answer \"9\"", 'a reprompt with the words "only one"',
         'the reprompt says "There is no choice 9. Please choose a number from 1 to 7."')),
    "words confirmed when the script does not say so": (
        "name: s\nsteps:\n  - headache\nexpect: {level: emergency}\n",
        ("3:5: step 1, answer \"headache\"", '"headache" to be taken as an answer to danger_signs',
         'it must be confirmed first: "Did you mean: 4. A sudden very bad headache, or a change in your '
         'eyesight?" (say confirm: yes)')),
    "words taken at once that should be confirmed": (
        "name: s\nsteps:\n  - {answer: 4, confirm: yes}\nexpect: {level: emergency}\n",
        ("3:5: step 1, answer \"4\"", '"4" to be met with "Did you mean …?"',
         "the conversation ended at emergency (emergency_head)")),
    "a confirmation with other words": (
        "name: s\nsteps:\n  - {answer: knock, confirm: headache}\nexpect: {level: emergency}\n",
        ("3:5: step 1, answer \"knock\"", 'a "Did you mean …?" with the words "headache"',
         'it asks "Did you mean: 6. A fall or a knock to the head since your last check-up?"')),
    "a confirmation expected of words refused": (
        "name: s\nsteps:\n  - {answer: banana, confirm: yes}\nexpect: {level: emergency}\n",
        ("3:5: step 1, answer \"banana\"", '"banana" to be met with "Did you mean …?"',
         'it was refused: "Please choose by number (1 to 7) or by the words of a choice."')),
    "a finding that is not as expected": (
        "name: s\nsteps:\n  - answer: 3\n    findings: {bleeding_now: no}\nexpect: {level: routine}\n",
        ("4:16: step 1, answer \"3\"", "bleeding_now = no", "bleeding_now is yes")),
    "the wrong level": (
        "name: s\nsteps: [1]\nexpect: {level: urgent}\n",
        ("3:17: at the end", "to end at urgent", "the conversation ended at emergency (emergency_heart_lungs)")),
    "the wrong outcome": (
        "name: s\nsteps: [4]\nexpect:\n  level: emergency\n  outcome: emergency_heart_lungs\n",
        ("5:12: at the end", "to end at emergency (emergency_heart_lungs)",
         "the conversation ended at emergency (emergency_head)")),
    "not ended": (
        "name: s\nsteps: [7]\nexpect: {outcome: routine}\n",
        ("3:19: at the end", "to end at the outcome routine", f"the conversation had not ended: the question white_count "
                                                    f"was asked: {COUNT}")),
    "ended, though it should still be asking": (
        "name: s\nsteps: [2]\nexpect: {question: white_count}\n",
        ("3:20: at the end", "the conversation to stop at the question white_count",
         "the conversation ended at emergency (emergency_heart_lungs)")),
    "other reasons": (
        "name: s\nsteps: ['1, 4']\nexpect: {level: emergency, reasons: [E10]}\n",
        ("3:37: at the end", "the reasons E10", "the reasons are E10, E8")),
    "a final finding": (
        "name: s\nsteps: [7, not sure]\nexpect:\n  question: feverish\n  findings: {known_low_white_count: no}\n",
        ("5:14: at the end", "known_low_white_count = no", "known_low_white_count is unknown")),
    "a question that should never be asked": (
        "name: s\nsteps: [7]\nexpect: {question: white_count, not_asked: [danger_signs, white_count]}\n",
        ("3:45: at the end", "danger_signs never to be asked", "it was asked at the start")),
}


@pytest.mark.parametrize("text, failure", FAILURES.values(), ids=FAILURES)
def test_a_failure_says_where_what_was_expected_and_what_happened(tmp_path, text, failure):
    run = replay(tmp_path, text)
    assert not run.passed
    where, expected, happened = failure
    assert run.failure.lines() == [f"{tmp_path / 's.yaml'}:{where}", f"  expected: {expected}",
                                   f"  happened: {happened}"]


def test_a_failing_step_of_an_opening_names_the_opening_and_where_it_was_used(tmp_path):
    run = replay(tmp_path, "name: s\nuse: openings/o.yaml\nexpect: {level: routine}\n",
                 {"openings/o.yaml": "opening: o\nsteps:\n  - 7\n  - use: p.yaml\n",
                  "openings/p.yaml": "opening: p\nsteps:\n  - {question: feverish, answer: no}\n"})
    assert run.failure.headline() == (
        f"{tmp_path}/openings/p.yaml:3:5: step 2, answer \"no\" (in the opening used at {tmp_path}/openings/o.yaml:4:10)"
        f" (in the opening used at {tmp_path}/s.yaml:2:6)")


def test_the_first_failure_stops_the_script(tmp_path):
    run = replay(tmp_path, "name: s\nsteps: [{answer: 7, question: feverish}, no, no]\nexpect: {level: routine}\n")
    assert run.failure.step == 1 and len(run.moves) == 1  # only the start was applied


def test_a_passing_run_keeps_every_move_and_says_where_it_ended(tmp_path):
    run = replay(tmp_path, "name: s\nsteps: [7, back, 1]\nexpect: {level: emergency}\n")
    assert run.passed and run.failure is None
    assert [move.step.kind if move.step else "start" for move in run.moves] == ["start", "answer", "back", "answer"]
    assert [move.after.question for move in run.moves] == ["danger_signs", "white_count", "danger_signs", None]
    assert run.moves[2].before is run.moves[1].after
    assert run.summary() == "emergency_heart_lungs (emergency), 2 answers"


class BrokenDriver(EngineDriver):
    name = "broken"

    def answer(self, typed: str) -> Seen:
        if typed == "no":
            raise ValueError("the screen froze")
        return super().answer(typed)


def test_a_driver_that_breaks_is_a_failure_at_its_step_not_a_traceback(tmp_path):
    (tmp_path / "s.yaml").write_text("name: s\nsteps: [7, no]\nexpect: {level: routine}\n")
    script, = ScriptReader().read([tmp_path / "s.yaml"])
    run = run_script(script, BrokenDriver(script.flow))
    assert run.failure.broken and run.failure.step == 2
    suite = ET.fromstring(junit_xml([run])).find("testsuite")
    assert (suite.get("failures"), suite.get("errors")) == ("0", "1")
    assert suite.find("testcase/error").get("message") == run.failure.headline()
    assert run.failure.lines() == [f"{tmp_path / 's.yaml'}:2:12: step 2, answer \"no\"",
                                   "  expected: the step to be applied", "  happened: ValueError: the screen froze"]


class AsyncEngineDriver:
    """The engine behind the async driver interface, as the Textual UI's Pilot driver will be."""

    name = "async engine"

    def __init__(self, flow, language=None):
        self.engine = EngineDriver(flow, language)

    async def start(self):
        await asyncio.sleep(0)
        return self.engine.start()

    async def answer(self, typed):
        await asyncio.sleep(0)
        return self.engine.answer(typed)

    async def back(self):
        return self.engine.back()

    async def restart(self):
        return self.engine.restart()


def test_the_async_runner_checks_exactly_what_the_plain_one_does(tmp_path):
    failing = replay(tmp_path, FAILURES["the wrong outcome"][0]).script

    async def replay_all():
        return [await run_script_async(script, AsyncEngineDriver(script.flow, script.language))
                for script in (*SCRIPTS, failing)]

    for script, async_run in zip((*SCRIPTS, failing), asyncio.run(replay_all())):
        run = run_script(script, EngineDriver(script.flow, script.language))
        assert (async_run.failure, async_run.moves) == (run.failure, run.moves)
        assert async_run.driver == "async engine"
    assert async_run.failure is not None


def test_the_suite_is_large_and_every_script_passes_on_the_engine():
    assert len(SCRIPTS) >= 50
    failures = [run.failure for run in (run_script(s, EngineDriver(s.flow, s.language)) for s in SCRIPTS)
                if not run.passed]
    assert failures == []
