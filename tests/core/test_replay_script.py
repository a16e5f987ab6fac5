"""Reading replay scripts: the format as testers write it, and every mistake at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.flow.problems import FlowError
from chatbot.replay import ScriptReader, script_files

HERE = Path(__file__).parents[1]  # tests/
TINY_FLOW = HERE / "tiny_flow.yaml"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder / next(iter(files))


def problems_of(folder: Path, files: dict[str, str]) -> list[str]:
    """Each problem as `name:line:col: message`, the file named relative to the folder."""
    write(folder, files)
    with pytest.raises(FlowError) as raised:
        ScriptReader().read([folder])
    return [str(problem).replace(str(folder) + "/", "") for problem in raised.value.problems]


# -- the format ------------------------------------------------------------------------

def test_a_short_script_reads_like_the_conversation(tmp_path):
    script, = ScriptReader().read([write(tmp_path, {"s.yaml": (
        "name: Chest pain is an emergency\n"
        "steps:\n"
        "  - {question: danger_signs, answer: 1}\n"
        "expect: {level: emergency, outcome: emergency_heart_lungs}\n")})])
    assert script.name == "Chest pain is an emergency"
    assert (script.at.line, script.language, script.flow.name) == (1, "en", "bmf-symptoms")
    step, = script.steps
    assert (step.kind, step.typed, step.question.id, step.at.line, step.at.col) == ("answer", "1", "danger_signs", 3, 5)
    assert (script.expect.level, script.expect.outcome) == ("emergency", "emergency_heart_lungs")


@pytest.mark.parametrize("written, typed", [
    ("yes", "yes"), ("Yes", "Yes"), ("NO", "NO"), ("no", "no"), ("on", "on"),
    ("37.90", "37.90"), ("7", "7"), ("100.4 F", "100.4 F"), ('"38,2 °C"', "38,2 °C"), ("'yes'", "yes"),
    ('""', ""), ("1, 3", "1, 3"), ("None of these", "None of these"),
])
def test_an_answer_is_the_text_as_written_even_where_yaml_reads_a_boolean_or_number(tmp_path, written, typed):
    flow_safe = written if "," not in written or written[0] in "'\"" else repr(written)
    plain, mapping, inline = ScriptReader().read([write(tmp_path, {"s.yaml": (
        "scripts:\n"
        f"  - name: plain\n    steps:\n      - {written}\n    expect: {{question: danger_signs}}\n"
        f"  - name: mapping\n    steps:\n      - answer: {written}   # a comment\n"
        "    expect: {question: danger_signs}\n"
        f"  - {{name: inline, steps: [{{answer: {flow_safe}}}], "
        "expect: {question: danger_signs}}\n")})])
    assert plain.steps[0].typed == mapping.steps[0].typed == inline.steps[0].typed == typed


def test_back_and_restart_are_steps_and_answer_back_is_typing_the_word(tmp_path):
    script, = ScriptReader().read([write(tmp_path, {"s.yaml": (
        "name: s\nsteps: [back, restart, {back: yes}, {restart: }, {answer: back}]\n"
        "expect: {question: danger_signs}\n")})])
    assert [(step.kind, step.typed) for step in script.steps] == [
        ("back", None), ("restart", None), ("back", None), ("restart", None), ("answer", "back")]


def test_a_question_is_named_by_id_or_by_words_of_its_text(tmp_path):
    script, = ScriptReader().read([write(tmp_path, {"s.yaml": (
        "name: s\nsteps:\n  - {question: danger_signs, answer: 7}\n"
        "  - {question: WHITE  blood cell, answer: no}\n"
        "expect: {question: hot, feverish}\n".replace("hot, feverish", '"hot, feverish"'))})])
    first, second = script.steps
    assert (first.question.id, second.question.id, second.question.written) == ("danger_signs", None,
                                                                                 "WHITE  blood cell")
    assert second.question.matches("white_count", "Has your care team told you that your white blood cell count")
    assert not second.question.matches("feverish", "Do you feel hot?")
    assert str(script.expect.question) == 'a question with the words "hot, feverish"'


def test_openings_are_shared_and_their_steps_say_where_they_came_from(tmp_path):
    write(tmp_path, {
        "openings/calm.yaml": "opening: calm\nsteps:\n  - 7\n  - use: count.yaml\n",
        "openings/count.yaml": "opening: count\nsteps: [{question: white_count, answer: no}]\n",
    })
    script, = ScriptReader().read([write(tmp_path, {"s.yaml": (
        "name: s\nuse: openings/calm.yaml\nsteps:\n  - yes\n  - use: openings/count.yaml\n"
        "expect: {question: feverish}\n")})])
    assert [step.typed for step in script.steps] == ["7", "no", "yes", "no"]
    calm, count, own, again = script.steps
    assert (Path(calm.at.file).name, calm.at.line, [use.line for use in calm.via]) == ("calm.yaml", 3, [2])
    assert (Path(count.at.file).name, [use.line for use in count.via]) == ("count.yaml", [2, 4])
    assert own.via == () and [use.line for use in again.via] == [5]


def test_folders_are_searched_and_openings_are_not_scripts(tmp_path):
    write(tmp_path, {
        "b.yaml": "name: b\nsteps: [7]\nexpect: {question: white_count}\n",
        "a/c.yml": "scripts:\n  - {name: c1, expect: {question: danger_signs}}\n"
                   "  - {name: c2, language: es, steps: [7], expect: {question: white_count}}\n",
        "openings/o.yaml": "opening: o\nsteps: [7]\n",
        ".hidden/x.yaml": "not: a script\n",
        "notes.txt": "not yaml",
    })
    assert [p.relative_to(tmp_path).as_posix() for p in script_files([tmp_path])] == [
        "a/c.yml", "b.yaml", "openings/o.yaml"]
    assert [p.name for p in script_files([tmp_path / "b.yaml", tmp_path, tmp_path.resolve() / "b.yaml"])] == [
        "b.yaml", "c.yml", "o.yaml"]  # each file once, in the order first named
    scripts = ScriptReader().read([tmp_path])
    assert [(s.name, s.language) for s in scripts] == [("c1", "en"), ("c2", "es"), ("b", "en")]
    assert ScriptReader().read([tmp_path / "openings" / "o.yaml"]) == []


def test_a_suite_file_names_the_flow_and_language_of_its_scripts(tmp_path):
    scripts = ScriptReader().read([write(tmp_path, {"s.yaml": (
        f"flow: {TINY_FLOW}\n"
        "scripts:\n  - {name: a, steps: [yes, 38.5], expect: {level: emergency}}\n")})])
    assert scripts[0].flow.name == "tiny"


def test_the_default_flow_is_the_one_given_to_the_reader(tmp_path):
    script, = ScriptReader(TINY_FLOW).read([write(tmp_path, {"s.yaml": (
        "name: s\nsteps: [no]\nexpect: {question: temp}\n")})])
    assert script.flow.name == "tiny"


@pytest.mark.parametrize("written, value", [
    ("yes", True), ("no", False), ("unknown", None), ("not sure", None), ("~", None),
])
def test_expected_findings_are_read_as_the_engine_records_them(tmp_path, written, value):
    script, = ScriptReader().read([write(tmp_path, {"s.yaml": (
        f"name: s\nsteps: [7]\nexpect: {{question: white_count, findings: {{known_low_white_count: {written}}}}}\n")})])
    assert script.expect.findings[0].value is value


@pytest.mark.parametrize("written, value", [
    ("38", 38.0), ("37.9", 37.9), ('"100.4 F"', 38.0), ('"38,2 °C"', 38.2), ("not measured", None), ("~", None),
])
def test_expected_temperatures_are_in_celsius_or_as_a_thermometer_reads(tmp_path, written, value):
    script, = ScriptReader().read([write(tmp_path, {"s.yaml": (
        f"name: s\nsteps: [7]\nexpect: {{question: white_count, findings: {{temperature: {written}}}}}\n")})])
    assert script.expect.findings[0].value == value


# -- mistakes, each at its line --------------------------------------------------------

BAD_SCRIPTS = {
    "misspelt step field": (
        "name: s\nsteps: [{answr: 1}]\nexpect: {level: emergency}\n",
        ["s.yaml:2:10: unknown field 'answr' in 'steps[0]' (did you mean 'answer'?)"]),
    "misspelt expect field": (
        "name: s\nsteps: [1]\nexpect: {levl: emergency}\n",
        ["s.yaml:3:10: unknown field 'levl' in 'expect' (did you mean 'level'?)"]),
    "unknown question id": (
        "name: s\nsteps: [{question: white_cont, answer: no}]\nexpect: {level: routine}\n",
        ["s.yaml:2:20: 'white_cont' is not a question id, nor words of any question's text "
         "(did you mean 'white_count'?)"]),
    "unknown finding": (
        "name: s\nsteps:\n  - answer: 7\n    findings: {temprature: 38}\nexpect: {level: routine}\n",
        ["s.yaml:4:16: unknown finding 'temprature' (did you mean 'temperature'?)"]),
    "finding values of the wrong kind": (
        "name: s\nsteps: [7]\nexpect:\n  question: white_count\n"
        "  findings: {fever_feeling: maybe, known_low_white_count: 3, temperature: 120}\n",
        ["s.yaml:5:29: 'fever_feeling' is yes or no, not 'maybe'",
         "s.yaml:5:59: 'known_low_white_count' is yes, no or unknown, not '3'",
         "s.yaml:5:75: 'temperature' is a body temperature in °C (30 to 45), not '120'"]),
    "unreadable temperature": (
        "name: s\nsteps: [7]\nexpect: {question: white_count, findings: {temperature: hot}}\n",
        ["s.yaml:3:57: 'temperature' is a temperature such as 38.0 or \"100.4 F\", or not measured, not 'hot'"]),
    "a level that is not one": (
        "name: s\nsteps: [1]\nexpect: {level: critical}\n",
        ["s.yaml:3:17: 'expect.level' must be one of routine, urgent, emergency, not 'critical'"]),
    "an outcome of another level": (
        "name: s\nsteps: [1]\nexpect: {level: urgent, outcome: emergency_head}\n",
        ["s.yaml:3:17: the outcome 'emergency_head' is emergency, not urgent"]),
    "unknown outcome, rule and question": (
        "name: s\nsteps: [1]\nexpect: {outcome: emergency_hed, reasons: [E10, E99], not_asked: [chils]}\n",
        ["s.yaml:3:19: unknown outcome 'emergency_hed' (did you mean 'emergency_head'?)",
         "s.yaml:3:49: unknown rule 'E99' (did you mean 'E9'?)",
         "s.yaml:3:67: unknown question 'chils' (did you mean 'chills'?)"]),
    "still asking, yet ended": (
        "name: s\nexpect: {question: danger_signs, level: routine}\n",
        ["s.yaml:2:10: a conversation still asking a question has no level or outcome yet"]),
    "no end": (
        "name: s\nsteps: [1]\nexpect: {reasons: [E10]}\n",
        ["s.yaml:3:1: say where the conversation ends: a level, an outcome, or the question it stops at"]),
    "missing name and expect": (
        "steps: [1]\n",
        ["s.yaml:1:1: the file is missing the field 'expect'", "s.yaml:1:1: the file is missing the field 'name'"]),
    "a step doing two things": (
        "name: s\nsteps: [{answer: 1, back: yes}]\nexpect: {level: routine}\n",
        ["s.yaml:2:9: a step does one thing, not answer and back"]),
    "a step doing nothing": (
        "name: s\nsteps: [{question: danger_signs}, ~]\nexpect: {level: routine}\n",
        ["s.yaml:2:9: a step needs an 'answer' (or back, restart or use)",
         "s.yaml:2:35: 'steps[1]' must be an answer, back, restart, or a mapping such as "
         "{question: feverish, answer: yes}, not nothing"]),
    "back: no, and a reprompt on back": (
        "name: s\nsteps: [{back: no}, {back: yes, reprompt: yes}]\nexpect: {level: routine}\n",
        ["s.yaml:2:16: 'back: no' does nothing: leave the step out",
         "s.yaml:2:33: only an answer is asked again, not 'back'"]),
    "a confirmation on back, on an answer asked again, and with no words": (
        "name: s\nsteps: [{back: yes, confirm: yes}, {answer: x, reprompt: yes, confirm: yes}, "
        "{answer: y, confirm: ' '}]\nexpect: {level: routine}\n",
        ["s.yaml:2:21: only an answer is confirmed, not 'back'",
         "s.yaml:2:63: an answer is either asked again or confirmed, not both",
         "s.yaml:2:99: give words of the question, or yes"]),
    "an empty answer": (
        "name: s\nsteps:\n  - answer:\nexpect: {level: routine}\n",
        ['s.yaml:3:5: the answer is empty (to send an empty answer, write answer: "")']),
    "a missing opening": (
        "name: s\nuse: openings/calm.yml\nexpect: {level: routine}\n",
        ["s.yaml:2:6: no file 'openings/calm.yml' to use (did you mean 'openings/calm.yaml'?)"]),
    "a script used as an opening": (
        "name: s\nuse: openings/other.yaml\nexpect: {level: routine}\n",
        ["s.yaml:2:6: 'openings/other.yaml' is a script, not an opening: an opening has 'opening:' and 'steps:' only"]),
    "openings in a circle": (
        "name: s\nuse: openings/a.yaml\nexpect: {level: routine}\n",
        ["openings/b.yaml:4:10: 'a.yaml' uses itself, in a circle"]),
    "a missing flow": (
        "name: s\nflow: nowhere.yaml\nexpect: {level: routine}\n",
        ["s.yaml:2:7: no flow file 'nowhere.yaml' (looked for nowhere.yaml)"]),
    "a language the flow lacks": (
        "name: s\nlanguage: fr\nexpect: {question: danger_signs}\n",
        ["s.yaml:2:11: the flow has no language 'fr' (it has en, es)"]),
    "two scripts of one name": (
        "scripts:\n  - {name: a, expect: {level: routine}}\n  - {name: a, expect: {level: routine}}\n",
        ["s.yaml:3:12: another script in this file is called 'a' (line 2)"]),
    "yaml syntax": (
        "name: s\nsteps: [1\nexpect: {level: routine}\n",
        ["s.yaml:3:7: YAML syntax error: expected ',' or ']', but got ':'"]),
    "duplicate key": (
        "name: s\nname: t\nexpect: {level: routine}\n",
        ["s.yaml:2:1: duplicate key 'name' (first defined at line 1)"]),
    "empty file": ("# nothing\n", ["s.yaml:1:1: the file is empty: a script starts with 'name:'"]),
    "a list": ("- 1\n- 2\n", ["s.yaml:1:1: a script is a mapping with name, steps and expect (see docs/replay.md)"]),
}
OPENINGS = {
    "openings/calm.yaml": "opening: calm\nsteps: [7]\n",
    "openings/other.yaml": "name: other\nexpect: {level: routine}\n",
    "openings/a.yaml": "opening: a\nsteps:\n  - use: b.yaml\n",
    "openings/b.yaml": "opening: b\nsteps:\n  - 7\n  - use: a.yaml\n",
}


@pytest.mark.parametrize("text, expected", BAD_SCRIPTS.values(), ids=BAD_SCRIPTS)
def test_every_mistake_is_reported_at_its_line(tmp_path, text, expected):
    assert problems_of(tmp_path, {"s.yaml": text, **OPENINGS}) == expected


def test_all_problems_of_all_files_come_together(tmp_path):
    shown = problems_of(tmp_path, {"a.yaml": "name: a\nexpect: {levl: x}\n", "b.yaml": "name: b\nsteps: [{answr: 1}]\n"})
    assert [line.split(":")[0] for line in shown] == ["a.yaml", "b.yaml", "b.yaml"]


def test_a_broken_flow_is_reported_in_the_flow_file(tmp_path):
    bad_flow = HERE / "bad_flows" / "undefined_state.yaml"
    shown = problems_of(tmp_path, {"s.yaml": f"name: s\nflow: {bad_flow}\nexpect: {{level: routine}}\n"})
    assert shown and all("undefined_state.yaml:" in line for line in shown)
    assert any("transition to undefined state" in line for line in shown)


def test_a_missing_path_is_a_problem(tmp_path):
    with pytest.raises(FlowError) as raised:
        ScriptReader().read([tmp_path / "nowhere"])
    assert str(raised.value) == f"{tmp_path / 'nowhere'}:1:1: no such script file or folder"
