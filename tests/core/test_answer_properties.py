"""Properties of the answer reader (principle 8): every spelling of a reading reads the same; a reading is
never "not measured"; what the live line says is what Enter takes.

Readings are spelt by the tests' own oracle (tests/helpers/number_words.py), not by the reader's tables.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from chatbot.engine import Conversation, Prompt
from chatbot.flow.answers import Unreadable, read_answer, understood
from chatbot.flow.text import printable
from chatbot.flowfile.loader import load_flow
from chatbot.widgets.controls import TEMPERATURE_MAX_LENGTH
from tests.helpers.number_words import english, spanish

FLOW = load_flow()
TEMPERATURE = FLOW.questions["temperature"]
THRESHOLDS = (Decimal("35.0"), Decimal("36.0"), Decimal("37.5"), Decimal("37.8"), Decimal("38.0"), Decimal("40.0"))

celsius_readings = st.decimals(min_value=30, max_value=45, places=1)
fahrenheit_readings = st.decimals(min_value=86, max_value=113, places=1)


def spellings(value: Decimal, unit: str) -> list[str]:
    """Ways people type one reading: digits with a point or a comma, words, with and without units."""
    digits = str(value)
    comma = digits.replace(".", ",")
    units = {"c": ["", " °C", "°C", " C", " grados", " grados centígrados", " degrees celsius", "º"],
             "f": [" F", " °F", "°F", " fahrenheit", " grados F", " degrees fahrenheit"]}[unit]
    typed = [number + suffix for number in (digits, comma) for suffix in units]
    typed += [english(value) + suffix for suffix in units if suffix.strip() not in ("°C", "°F", "º")]
    typed += [english(value, hyphen=True, and_=False) + units[0], spanish(value) + units[0],
              spanish(value, "punto") + units[0], spanish(value, "con") + units[0]]
    return typed


def side(celsius: float, threshold: Decimal) -> bool:
    return Decimal(str(celsius)) >= threshold


@settings(max_examples=150, deadline=None)
@given(st.one_of(celsius_readings.map(lambda v: (v, "c")), fahrenheit_readings.map(lambda v: (v, "f"))))
def test_every_spelling_of_a_reading_reads_the_same(reading):
    """Digits and words agree, and so every accepted spelling is on the same side of each threshold."""
    value, unit = reading
    read = {typed: read_answer(TEMPERATURE, typed).value for typed in spellings(value, unit)}
    assert len(set(read.values())) == 1, read
    celsius = next(iter(read.values()))
    for threshold in THRESHOLDS:
        assert len({side(c, threshold) for c in read.values()}) == 1
    expected = value if unit == "c" else (value - 32) * 5 / 9
    assert abs(Decimal(str(celsius)) - expected) <= Decimal("0.05")


@settings(max_examples=100, deadline=None)
@given(celsius_readings.filter(lambda v: v != v.to_integral()))
def test_half_in_words_is_point_five(value):
    whole = int(value)
    for typed in (f"{english(Decimal(whole))} and a half", f"{whole} and a half", f"{spanish(Decimal(whole))} y medio",
                  f"{whole} y medio", f"{spanish(Decimal(whole))} grados y medio"):
        if whole + Decimal("0.5") <= 45:
            assert read_answer(TEMPERATURE, typed).value == float(whole + Decimal("0.5"))


NOT_MEASURED = ["not measured", "I didn't check", "haven't checked", "I don't have a thermometer", "no thermometer",
                "no lo he medido", "no me la pude medir", "no tengo termómetro", "no la tomé", "I can't"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NOT_MEASURED), st.one_of(celsius_readings, fahrenheit_readings), st.booleans(),
       st.booleans(), st.sampled_from([", ", " ", "; ", ". ", " but "]))
def test_a_reading_with_not_measured_words_is_never_not_measured(words, value, in_words, first, between):
    """In digits or in words, before or after: asked again, never read as "not measured" (principle 8)."""
    reading = english(value) if in_words else str(value)
    typed = f"{reading}{between}{words}" if first else f"{words}{between}{reading}"
    with pytest.raises(Unreadable) as raised:
        read_answer(TEMPERATURE, typed)
    assert raised.value.message.get("en").startswith("Your answer has a temperature (")


def decorated(words: str, draw) -> str:
    """A "not measured" phrase as people type it: case, accents, apostrophes, "I", "yet", punctuation."""
    if draw(st.booleans()):
        words = words.replace("'", draw(st.sampled_from(["", "’", "`"])))
    if draw(st.booleans()):
        words = words.replace("é", "e").replace("ó", "o").replace("í", "i")
    words = draw(st.sampled_from([str.lower, str.upper, str.capitalize, str]))(words)
    before = draw(st.sampled_from(["", "sorry, ", "No, ", "Sorry "]))
    after = draw(st.sampled_from(["", " yet", " today", " todavía", " hoy", ".", "!", " at home", " right now"]))
    return before + words + after


ENGLISH_NOT_MEASURED = ["I didn't check", "didn't check", "haven't checked", "I haven't measured it",
                        "I don't have a thermometer", "no thermometer", "I can't", "not measured", "didn't take it"]
SPANISH_NOT_MEASURED = ["no lo he medido", "no me la pude medir", "no tengo termómetro", "no la tomé",
                        "no me la he medido", "no puedo", "sin termómetro"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_not_measured_however_it_is_typed(data):
    words = decorated(data.draw(st.sampled_from(ENGLISH_NOT_MEASURED + SPANISH_NOT_MEASURED)), data.draw)
    answer = read_answer(TEMPERATURE, words)
    assert answer.value is None, words


typed_text = st.one_of(
    st.text(alphabet="0123456789 .,°CcFf-", max_size=12),
    st.text(alphabet="0123456789 .,", max_size=8),
    st.lists(st.sampled_from(["3", "8", "38", "38.5", "38,5", " ", "point", "five", "thirty", "eight", "y", "medio",
                              "treinta", "not", "measured", "no", "I", "didn't", "check", "F", "°", "grados",
                              "hundred", "one", ",", "=", "-"]), max_size=7).map(" ".join),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(typed_text)
def test_what_the_live_line_says_is_what_enter_takes(typed):
    """The field keeps `printable(typed)`; the line under it says what Enter takes, or nothing when
    Enter refuses it: `3 8` never shows "38.0 °C" and is then refused."""
    field = printable(typed, TEMPERATURE_MAX_LENGTH)
    line = understood(TEMPERATURE, field)
    conversation = Conversation(FLOW)
    conversation.start()
    for answer in ("7", "yes", "yes"):
        conversation.answer(answer)
    assert conversation.question is TEMPERATURE
    refused = conversation.take(printable(field, None))  # what the app does with Enter
    if line is None:
        assert refused is not None and conversation.question is TEMPERATURE
    else:
        assert refused is None
        turn = conversation.transcript[-1]
        assert turn.question is TEMPERATURE
        assert line == read_answer(TEMPERATURE, field).echo
        echoed = line.get("en")
        assert echoed == "I have not measured it" if turn.value is None else f"{turn.value:.1f}" in echoed.replace(",", ".")


def test_three_space_eight_is_never_shown_as_a_reading():
    assert understood(TEMPERATURE, "3 8") is None
    with pytest.raises(Unreadable):
        read_answer(TEMPERATURE, "3 8")


@pytest.mark.parametrize("typed", ["3 8", "38", "38,5", "thirty nine", "no thermometer", "3.8", "=not measured"])
def test_the_conversation_and_the_line_agree_on_examples(typed):
    conversation = Conversation(FLOW)
    conversation.start()
    for answer in ("7", "yes", "yes"):
        conversation.answer(answer)
    step = conversation.answer(typed)
    taken = not (isinstance(step, Prompt) and step.question is TEMPERATURE)
    assert taken == (understood(TEMPERATURE, typed) is not None)
