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
    (["1, 2"], "I have bone marrow failure and chest pain and it is hard to breathe, even when I sit still."),
    (["7", "not sure", "yes", "101.5 F"],
     "I have bone marrow failure and a fever, and my white count may be low."),
])
def test_the_phone_line_names_the_reasons_found(answers, line):
    assert phone_line(conversation(*answers).result(), "en") == line


def test_a_finished_summary_gives_the_level_reasons_and_every_answer():
    text = nurse_summary(conversation("7", "u", "yes", "101.5 F"), when=WHEN, emergency_number="112")
    assert text.startswith("Symptom checker: summary for the nurse\n")
    for line in ("Date: 2025-03-04 09:30", "Result: EMERGENCY: Call 112 now",
                 " 1. In the last day, have you had any of these? [danger_signs]",
                 "    Answer: None of these (as typed: \"7\")",
                 "    Answer: Not sure (as typed: \"u\")", "    Finding: known_low_white_count = unknown",
                 "    Answer: Yes", "    Finding: fever_feeling = yes",
                 "    Answer: 38.6 °C (101.5 °F) (as typed: \"101.5 F\")", "    Finding: temperature = 38.6 °C",
                 "Questions and answers (4)"):
        assert line in text.splitlines(), line
    assert "- E1 fever (38.0 °C or more in the last day) with a low or unknown white count" in " ".join(text.split())
    assert "Worked out" not in text  # one reading: Tmax is that reading
    assert all(len(line) <= WIDTH for line in text.splitlines())


def test_an_unfinished_summary_names_the_next_question_and_unmeasured_temperatures():
    text = nurse_summary(conversation("7", "no", "yes", "not measured"), when=WHEN)
    assert "Result: not finished: the next question is temperature_earlier" in text
    assert "Finding: temperature = not measured" in text


def test_the_summary_speaks_the_conversation_language():
    text = nurse_summary(conversation("7", "no", language="es"), when=WHEN)
    assert text.startswith("Revisión de síntomas: resumen para el personal de enfermería\n")
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


NOTHING_ELSE = ("None of these", "None of these", "no", "no", "no", "no", "no", "no", "no")
NADA_MAS = ("Ninguna de estas", "Ninguno de estos", "no", "no", "no", "no", "no", "no", "no")


@pytest.mark.parametrize("answers, language, line", [
    (("None of these", "no", "no", "35.8", "no", "no", "no", *NOTHING_ELSE),
     "en", "U16 latest temperature below 36.0 °C (96.8 °F)"),
    (("None of these", "yes", "yes", "37.0", "no", "no", "no", "no", *NOTHING_ELSE, "no"),
     "en", "U3 feels or felt feverish in the last day, with a low or unknown white count"),
    (("Ninguno de estos", "sí", "no", "37,6", "no", "sí", "no", "no", *NADA_MAS),
     "es", "U14 tomó un medicamento para la fiebre que puede ocultarla, con los glóbulos"),
])
def test_the_summary_names_the_rules_in_the_third_person(answers, language, line):
    """A nurse reads why, in the third person (revision 3): U3, U14 and U16 with their reasons."""
    talk = conversation(*answers, language=language)
    assert talk.finished
    text = nurse_summary(talk, when=WHEN)
    assert line in " ".join(text.split())
    assert " my " not in text and " I " not in text and " mis " not in text


def test_the_summary_gives_tmax_when_two_readings_were_given():
    text = nurse_summary(conversation("None of these", "no", "no", "37.0", "38.2", "no", "no", "no", *NOTHING_ELSE),
                         when=WHEN)
    assert "  - U1  fever (38.0 °C or more in the last day)" in text.splitlines()
    assert "Worked out from the answers: tmax = 38.2 °C" in text.splitlines()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_routine_summary_never_says_no_warning_sign(language):
    talk = conversation("None of these", "no", "no", "36.8", "no", "no", "no", *NOTHING_ELSE, language=language)
    assert talk.finished and talk.result().level == "routine"
    text = nurse_summary(talk, when=WHEN).casefold()
    assert "warning sign" not in text and "alarma" not in text
    assert ("nothing reported needs a call today" if language == "en" else "nada de lo que contó") in text
