"""The kiosk speaks English and Spanish: every text has both, and Spanish answers are read."""

from __future__ import annotations

import dataclasses
import re

import pytest

from chatbot.flow.answers import Unreadable, read_answer
from chatbot.flowfile.loader import load_flow
from chatbot.flow.text import Text

FLOW = load_flow()
Q = FLOW.questions
LANGUAGES = ("en", "es")
SAME_IN_BOTH = set()  # proper names or numbers that need no translation; none so far


def texts(value, path=()):
    """Every `Text` reachable from `value`, with the path it was found at."""
    if isinstance(value, Text):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from texts(getattr(value, field.name), path + (field.name,))
    elif isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple of the flow
        for name in value._fields:
            yield from texts(getattr(value, name), path + (name,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from texts(item, path + (index,))


ALL_TEXTS = [pytest.param(text, id="/".join(map(str, path))) for path, text in texts(FLOW)]
CHOICES = [pytest.param(question, index, id=f"{question.id}-{index + 1}")
           for question in Q.values() for index in range(len(question.options))]


def test_the_flow_speaks_english_then_spanish():
    assert FLOW.languages == LANGUAGES
    assert len(ALL_TEXTS) > 100  # the walk really reaches the flow's texts


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_every_text_is_in_both_languages(text):
    assert set(text.by_language) == set(LANGUAGES)
    assert all(text.by_language[code].strip() for code in LANGUAGES)


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_spanish_is_a_translation_not_a_copy(text):
    english, spanish = text.get("en"), text.get("es")
    assert english != spanish or english in SAME_IN_BOTH


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_both_languages_keep_placeholders_and_markdown(text):
    def shape(words):
        lists = [line.split(" ", 1)[0] for line in words.splitlines() if re.match(r"\s*- ", line)]
        return sorted(re.findall(r"\{\w+\}", words)), lists, words.count("**"), words.count("\n\n")
    assert shape(text.get("es")) == shape(text.get("en"))


@pytest.mark.parametrize("question, index", CHOICES)
def test_a_spanish_label_reads_back_to_its_option(question, index):
    label = question.options[index].label.get("es")
    assert read_answer(question, label).value == (index,)
    assert read_answer(question, label.upper() + ".").value == (index,)
    assert read_answer(question, str(index + 1)).shown.get("es") == label


@pytest.mark.parametrize("question, index", CHOICES)
def test_the_first_spanish_words_pick_that_option_and_never_another(question, index):
    words = question.options[index].label.get("es").split()
    picked = []
    for count in range(1, len(words) + 1):
        typed = " ".join(words[:count]).rstrip(",")
        try:
            value = read_answer(question, typed).value
        except Unreadable:
            continue  # too short or fits several choices: asked again, never a wrong guess
        assert value == (index,), f"{typed!r} chose {value}"
        picked.append(count)
    assert picked and picked[0] <= 3


@pytest.mark.parametrize("typed, value", [
    ("sí", True), ("Sí.", True), ("si", True), ("SÍ", True), ("claro", True),
    ("no", False), ("No.", False), ("nop", False), ("no tengo", False),
    ("no estoy seguro", None), ("No estoy segura", None), ("no sé", None), ("no se", None),
    ("no lo sé", None), ("no lo se", None), ("ni idea", None), ("tal vez", None), ("quizás", None),
])
def test_spanish_yes_no_and_not_sure(typed, value):
    answer = read_answer(Q["white_count"], typed)
    assert answer.value is value
    assert answer.findings == {"known_low_white_count": value}


def test_not_sure_in_spanish_to_a_yes_no_question_asks_for_yes_or_no():
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["feverish"], "no estoy seguro")
    assert raised.value.message.get("es").startswith("Responda sí o no")


@pytest.mark.parametrize("typed", [
    "No me la he medido", "no la he medido", "no la medí", "no la medi", "no me la medí", "no medida",
    "sin medir", "no", "no sé", "no lo sé", "no la tomé", "no tengo termómetro", "sin termómetro",
])
def test_spanish_not_measured(typed):
    answer = read_answer(Q["temperature"], typed)
    assert answer.value is None and answer.findings == {"temperature": None}
    assert answer.shown.get("es") == "No me la he tomado"


@pytest.mark.parametrize("typed, celsius", [("38,2", 38.2), ("38,2 °C", 38.2), ("100,4 F", 38.0)])
def test_spanish_decimal_commas_in_temperatures(typed, celsius):
    assert read_answer(Q["temperature"], typed).value == celsius
