"""Recording: a conversation saved as a script replays to the same place, answers exactly as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbot.engine import Conversation
from chatbot.flowfile.loader import load_flow
from chatbot.replay.recording import script_text, yaml_answer, yaml_string
from chatbot.replay import EngineDriver, ScriptReader, run_script
from chatbot.replay.patients import read_patients, typed_answer

HERE = Path(__file__).parents[1]  # tests/
FLOW = load_flow()
TINY_FLOW = HERE / "tiny_flow.yaml"
PATIENTS = [p for path in sorted((HERE / "patients").glob("*.yaml")) for p in read_patients(path, FLOW)]


def conversation(*answers: str, language: str | None = None, flow=FLOW) -> Conversation:
    talk = Conversation(flow, language)
    talk.start()
    for typed in answers:
        talk.answer(typed)
    return talk


def replayed(text: str, folder: Path, name: str = "recorded.yaml", default_flow=None):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    script, = ScriptReader(default_flow).read([path])
    return script, run_script(script, EngineDriver(script.flow, script.language))


def test_a_recording_reads_like_the_conversation():
    text = script_text(conversation("None of these", "not sure", "Yes", "100.4 F"), name="Fever, low count")
    assert text.splitlines() == [
        "# Recorded from a conversation. Replay it with: chatbot replay THIS_FILE",
        "name: Fever, low count",
        "steps:",
        "  - question: danger_signs  # In the last day, have you had any of these?",
        "    answer: None of these",
        "    findings: {chest_pain: no, short_of_breath_at_rest: no, bleeding_wont_stop_10min: no, "
        "severe_headache_or_vision_change: no, confusion_or_drowsy: no, head_injury: no}",
        "  - question: white_count  # At your last blood test, did your care team say your white blood cell c…",
        "    answer: not sure",
        "    findings: {known_low_white_count: unknown}",
        "  - question: feverish  # In the last day, have you felt hot, feverish or like you have the flu?",
        "    answer: Yes",
        "    findings: {fever_feeling: yes}",
        "  - question: temperature  # Do you have a thermometer with you? If so, please take your temperature…",
        "    answer: 100.4 F",
        "    findings: {temperature: 38.0}",
        "expect:",
        "  level: emergency",
        "  outcome: emergency_infection",
        "  reasons: [E1]",
    ]


@pytest.mark.parametrize("answers, reasons", [
    (("None of these", "not sure", "Yes", "100.4 F"), ("E1",)),
    (("None of these", "no", "no", "not measured"), None),
])
def test_a_recording_checks_the_findings_and_reasons_as_a_hand_written_script_does(answers, reasons, tmp_path):
    """Each step checks what its answer recorded, and the end checks why, not only where."""
    talk = conversation(*answers)
    script, run = replayed(script_text(talk), tmp_path)
    assert run.passed, str(run.failure)
    assert all(step.findings for step in script.steps)
    if talk.finished:
        assert script.expect.reasons == tuple(rule.id for rule in talk.result().reasons) == reasons


def test_every_simulated_patient_recorded_replays_to_the_same_outcome(tmp_path):
    reader = ScriptReader()
    for index, patient in enumerate(PATIENTS):
        talk = Conversation(FLOW)
        step = talk.start()
        while not talk.finished:
            step = talk.answer(typed_answer(step.question, patient.findings, FLOW))
        path = tmp_path / f"{index}.yaml"
        path.write_text(script_text(talk, name=f"patient {patient.id}"), encoding="utf-8")
        script, = reader.read([path])
        run = run_script(script, EngineDriver(script.flow))
        assert run.passed, (patient.id, str(run.failure))
        assert (run.final.outcome, run.final.asked) == (talk.state, tuple(talk.asked))
    assert len(PATIENTS) > 100


def test_an_unfinished_conversation_expects_the_question_it_stopped_at(tmp_path):
    text = script_text(conversation("7", "no"))
    assert text.endswith("expect:\n  question: feverish\n")
    assert replayed(text, tmp_path)[1].passed


def test_a_conversation_not_started_yet_expects_the_first_question(tmp_path):
    text = script_text(Conversation(FLOW), name="nothing yet")
    assert "steps: []" in text and text.endswith("  question: danger_signs\n")
    assert replayed(text, tmp_path)[1].passed


def test_answers_undone_or_refused_are_not_recorded(tmp_path):
    talk = conversation("7", "yes", "yes")
    talk.back()
    talk.answer("maybe")  # refused: asked again
    talk.answer("no")
    script, run = replayed(script_text(talk), tmp_path)
    assert [step.typed for step in script.steps] == ["7", "yes", "no"]
    assert run.passed and run.final.question == "temperature"


@pytest.mark.parametrize("answers, language, reply", [
    (("headache", "yes"), None, "yes"),
    (("1, knock", "y"), None, "y"),
    (("dolor de cabeza", "sí"), "es", "sí"),
])
def test_words_confirmed_with_did_you_mean_are_kept_as_the_words_and_the_reply(answers, language, reply, tmp_path):
    """`--record` keeps the confirmation: the words with `confirm: yes`, then the reply that took them."""
    talk = conversation(*answers, language=language)
    assert talk.finished and talk.transcript[-1].confirmed == reply
    script, run = replayed(script_text(talk), tmp_path)
    assert [(step.typed, step.confirm) for step in script.steps] == [(answers[0], True), (reply, False)]
    assert script.steps[1].findings and not script.steps[0].findings
    assert run.passed, str(run.failure)
    assert (run.final.outcome, run.final.findings) == (talk.state, talk.findings)


def test_the_language_is_recorded(tmp_path):
    talk = conversation("Ninguno de estos", "no sé", "sí", "38,5", language="es")
    text = script_text(talk, name="En español")
    assert "language: es\n" in text
    assert "  - question: feverish  # En el último día, ¿se ha sentido con calor, con fiebre o como si tuvier…" in text
    script, run = replayed(text, tmp_path)
    assert script.language == "es" and run.passed and run.final.level == "emergency"


def test_the_flow_is_written_relative_to_where_the_script_is_saved(tmp_path):
    tiny = load_flow(TINY_FLOW)
    folder = tmp_path / "scripts"
    folder.mkdir()
    text = script_text(conversation("yes", "38.5", flow=tiny), name="tiny", flow_path=TINY_FLOW,
                       script_path=folder / "recorded.yaml")
    flow_line, = [line for line in text.splitlines() if line.startswith("flow: ")]
    assert not Path(flow_line[len("flow: "):]).is_absolute()
    script, run = replayed(text, folder)
    assert script.flow.name == "tiny" and run.passed


def test_without_a_script_path_the_flow_is_written_as_given():
    text = script_text(conversation("yes", flow=load_flow(TINY_FLOW)), flow_path="flows/tiny.yaml")
    assert "\nflow: flows/tiny.yaml\n" in text


@pytest.mark.parametrize("text, written", [
    ("not sure", "not sure"), ("yes", "yes"), ("No", "No"), ("37.5", "37.5"), ("1, 3", "1, 3"),
    ("on", '"on"'), ("", '""'), ("null", '"null"'), ("a: b", '"a: b"'), ("# x", '"# x"'), (" x", '" x"'),
    ('say "hi"', 'say "hi"'), ("2024-01-01", '"2024-01-01"'), ("tab\there", '"tab\\there"'),
    ("[1]", '"[1]"'), ("*x", '"*x"'), (".nan", '".nan"'),
])
def test_answers_are_plain_when_safe_and_quoted_otherwise(text, written):
    assert yaml_answer(text) == written


@pytest.mark.parametrize("text, written", [("Fever", "Fever"), ("0", '"0"'), ("yes", '"yes"'), ("a: b", '"a: b"')])
def test_names_are_plain_only_when_yaml_reads_the_same_string(text, written):
    assert yaml_string(text) == written


@settings(max_examples=150, deadline=None)
@given(typed=st.text(max_size=40), name=st.text(min_size=1, max_size=30))
def test_any_typed_answer_and_any_name_read_back_exactly(tmp_path_factory, typed, name):
    folder = tmp_path_factory.mktemp("round")
    text = f"name: {yaml_string(name)}\nsteps:\n  - answer: {yaml_answer(typed)}\n  - {yaml_answer(typed)}\n" \
           "expect: {question: danger_signs}\n"
    (folder / "s.yaml").write_text(text, encoding="utf-8")
    script, = ScriptReader().read([folder / "s.yaml"])
    assert script.name == name
    assert [step.typed for step in script.steps if step.kind == "answer"] in ([typed, typed], [typed])
