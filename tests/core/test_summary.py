"""The nurse's summary and the words built from a result, without any UI."""

from __future__ import annotations

import stat
from datetime import datetime

import pytest

from chatbot.engine import Conversation
from chatbot.flow.text import printable
from chatbot.flowfile.loader import load_flow
from chatbot.summary import WIDTH, join_words, nurse_summary, phone_line, save_summary

FLOW = load_flow()
WHEN = datetime(2025, 3, 4, 9, 30, 15)


def conversation(*answers: str, language: str = "en") -> Conversation:
    talk = Conversation(FLOW, language)
    talk.start()
    for typed in answers:
        talk.answer(typed)
    return talk


@pytest.mark.parametrize("typed, shown", [
    ("38.5", "38.5"),
    ("\x1b[31mred\x1b[0m", "[31mred[0m"),
    ("a\tb\nc\r\nd", "a b c d"),
    ("bell\x07 and nul\x00", "bell and nul"),
    ("right\u202eto left\u2066", "rightto left"),
    ("zero\u200bwidth", "zerowidth"),
    ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
    ("sí, 38,2 °C", "sí, 38,2 °C"),
    ("line\u2028para\u2029end", "line para end"),
    ("soft\u00adhyphen", "softhyphen"),
    ("tag\U000e0041\U000e007fs", "tags"),
    ("a\u2062b\u2064c", "abc"),  # invisible times and plus
])
def test_printable_keeps_words_and_drops_control_characters(typed, shown):
    assert printable(typed) == shown


def test_printable_cuts_at_the_limit():
    assert printable("x" * 500) == "x" * 200
    assert printable("x" * 500, 10) == "x" * 10
    assert printable("x" * 500, None) == "x" * 500


@pytest.mark.parametrize("parts, language, joined", [
    ([], "en", ""),
    (["chest pain"], "en", "chest pain"),
    (["a", "b"], "en", "a and b"),
    (["a", "b", "c"], "en", "a, b and c"),
    (["a", "b"], "es", "a y b"),
])
def test_join_words(parts, language, joined):
    assert join_words(parts, language) == joined


@pytest.mark.parametrize("answers, line", [
    (["1"], "I have bone marrow failure and chest pain."),
    (["1, 2"], "I have bone marrow failure and chest pain and I am short of breath at rest."),
    (["7", "not sure", "yes", "101.5 F"],
     "I have bone marrow failure and a fever with a low or unknown white cell count."),
])
def test_the_phone_line_names_the_reasons_found(answers, line):
    assert phone_line(conversation(*answers).result(), "en") == line


def test_a_finished_summary_gives_the_level_reasons_and_every_answer():
    text = nurse_summary(conversation("7", "u", "yes", "101.5 F"), when=WHEN, emergency_number="112")
    assert text.startswith("Symptom checker: summary for the nurse\n")
    for line in ("Date: 2025-03-04 09:30", "Result: EMERGENCY: Call 112 now",
                 "  - E1  a fever with a low or unknown white cell count",
                 " 1. Do you have any of these right now? [danger_signs]",
                 "    Answer: None of these (as typed: \"7\")",
                 "    Answer: Not sure (as typed: \"u\")", "    Finding: known_low_white_count = unknown",
                 "    Answer: Yes", "    Finding: fever_feeling = yes",
                 "    Answer: 38.6 °C (101.5 °F) (as typed: \"101.5 F\")", "    Finding: temperature = 38.6 °C",
                 "Questions and answers (4)"):
        assert line in text.splitlines(), line
    assert all(len(line) <= WIDTH for line in text.splitlines())


def test_an_unfinished_summary_names_the_next_question_and_unmeasured_temperatures():
    text = nurse_summary(conversation("7", "no", "yes", "not measured"), when=WHEN)
    assert "Result: not finished: the next question is chills" in text
    assert "Finding: temperature = not measured" in text


def test_the_summary_speaks_the_conversation_language():
    text = nurse_summary(conversation("7", "no", language="es"), when=WHEN)
    assert text.startswith("Verificador de síntomas: resumen para la enfermera\n")
    assert "Finding" not in text and "Hallazgo: known_low_white_count = no" in text


def test_a_summary_before_any_answer_says_so():
    assert "No question answered yet." in nurse_summary(conversation(), when=WHEN)


def test_saved_summaries_are_private_and_never_overwritten(tmp_path):
    first = save_summary("one\n", tmp_path / "new", when=WHEN)
    second = save_summary("two\n", tmp_path / "new", when=WHEN)
    assert first.name == "symptom-summary-20250304-093015.txt"
    assert second.name == "symptom-summary-20250304-093015-2.txt"
    assert (first.read_text(), second.read_text()) == ("one\n", "two\n")
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


@pytest.mark.parametrize("answers, language, line", [
    (("None of these", "yes", "no", "35.8", "no", "no", "None of these", "no", "no", "no", "no", "no", "no", "no"),
     "en", "U16  a low body temperature with a low or unknown white cell count"),
    (("None of these", "yes", "yes", "37.0", "no", "no", "no", "None of these", "no", "no", "no", "no", "no", "no",
      "no", "no"), "en", "U3  feeling feverish with a low or unknown white cell count"),
    (("Ninguno de estos", "sí", "no", "37,6", "sí", "no", "no", "Ninguna de estas", "no", "no", "no", "no", "no",
      "no", "no"), "es", "U14  un medicamento para la fiebre que puede ocultarla"),
])
def test_the_summary_names_the_rules_of_revision_2(answers, language, line):
    """A nurse reads why: the new rules U3, U14 and U16 appear with their reasons."""
    talk = conversation(*answers, language=language)
    assert talk.finished
    assert line in nurse_summary(talk, when=WHEN)
