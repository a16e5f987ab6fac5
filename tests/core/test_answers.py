"""Answers are read as people type them; anything unreadable is asked again with a reason."""

from __future__ import annotations

import pytest

from chatbot.flow.answers import MAX_ANSWER_LENGTH, Unreadable, read_answer, read_temperature
from chatbot.flowfile.loader import load_flow

FLOW = load_flow()
Q = FLOW.questions


@pytest.mark.parametrize("typed, value", [
    ("y", True), ("Yes", True), (" YES. ", True), ("yeah", True), ("sí", True),
    ("n", False), ("No", False), ("nope", False), ("no!", False),
])
def test_yes_no(typed, value):
    answer = read_answer(Q["feverish"], typed)
    assert answer.value is value
    assert answer.findings == {"fever_feeling": value}


@pytest.mark.parametrize("typed, value", [
    ("yes", True), ("no", False), ("not sure", None), ("Not sure", None), ("u", None),
    ("don't know", None), ("I don’t know", None), ("?", None), ("unsure", None),
])
def test_yes_no_not_sure(typed, value):
    assert read_answer(Q["white_count"], typed).value is value


@pytest.mark.parametrize("question, typed, message", [
    ("feverish", "", "Please type an answer."),
    ("feverish", "   ", "Please type an answer."),
    ("feverish", "perhaps yes", "Please answer yes or no."),
    ("feverish", "not sure", "Please answer yes or no. If you are not sure, answer yes: it is the safer choice."),
    ("white_count", "banana", "Please answer yes, no or not sure."),
    ("feverish", "y" * (MAX_ANSWER_LENGTH + 1), "That answer is too long. Please keep it short."),
])
def test_unreadable_answers_say_what_to_type(question, typed, message):
    with pytest.raises(Unreadable) as raised:
        read_answer(Q[question], typed)
    assert raised.value.message.get("en") == message


@pytest.mark.parametrize("typed, celsius, understood", [
    ("37", 37.0, "37 °C"),
    ("38.4", 38.4, "38.4 °C"),
    ("38,4", 38.4, "38.4 °C"),
    ("38,4 °C", 38.4, "38.4 °C"),
    ("38.4C", 38.4, "38.4 °C"),
    ("38.4 celsius", 38.4, "38.4 °C"),
    ("100.4 F", 38.0, "100.4 °F"),
    ("100.4", 38.0, "100.4 °F"),
    ("100,4 °F", 38.0, "100.4 °F"),
    ("101°F", 38.3, "101 °F"),
    ("98.6 degrees F", 37.0, "98.6 °F"),
    ("100.3 f", 37.9, "100.3 °F"),
    ("96.7F", 35.9, "96.7 °F"),
    ("37.95", 38.0, "37.95 °C"),
    ("37.94", 37.9, "37.94 °C"),
    ("30", 30.0, "30 °C"),
    ("45", 45.0, "45 °C"),
    ("86 F", 30.0, "86 °F"),
    ("113 F", 45.0, "113 °F"),
])
def test_temperatures(typed, celsius, understood):
    assert read_temperature(typed.casefold()) == (celsius, understood)


@pytest.mark.parametrize("typed, message", [
    ("hot", "I could not read that temperature."),
    ("38..4", "I could not read that temperature."),
    ("-38", "I could not read that temperature."),
    ("50", "50 is not a body temperature I can accept"),
    ("29.9", "29.9 is not a body temperature I can accept"),
    ("120 F", "120 °F is not a body temperature I can accept"),
    ("100 C", "100 °C is not a body temperature I can accept"),
    ("37 F", "37 °F is not a body temperature I can accept"),
])
def test_unacceptable_temperatures_are_asked_again(typed, message):
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["temperature"], typed)
    assert raised.value.message.get("en").startswith(message)


@pytest.mark.parametrize("typed", ["not measured", "I have not measured it", "none", "No", "don't know",
                                   "not sure", "skip", "haven't measured"])
def test_temperature_not_measured(typed):
    answer = read_answer(Q["temperature"], typed)
    assert answer.value is None and answer.findings == {"temperature": None}
    assert answer.shown.get("en") == "Not measured"


@pytest.mark.parametrize("typed, message", [
    # Principle 8: a reading with "not measured" words is neither; ask again.
    ("38.6 this morning, not measured since", "Your answer has a temperature (38.6) and also says it was not measured."),
    ("not measured, 38.6", "Your answer has a temperature (38.6) and also says it was not measured."),
    ("38,6 sin medir", "Your answer has a temperature (38.6) and also says it was not measured."),
    ("101 F but I have not measured it since", "Your answer has a temperature (101) and also says it was not measured."),
    ("38.6 no la he medido", "Your answer has a temperature (38.6) and also says it was not measured."),
    # ... and two different readings are never one picked out of several.
    ("37.2 now, 38.6 earlier", "Your answer has more than one temperature (37.2, 38.6)."),
    ("37.2 / 38.6", "Your answer has more than one temperature (37.2, 38.6)."),
    ("99 F then 101 F", "Your answer has more than one temperature (99, 101)."),
    ("38,6 y 37", "Your answer has more than one temperature (38.6, 37)."),
])
def test_mixed_temperature_answers_are_asked_again(typed, message):
    """A person with a low count and 38.6 °C must never end at routine because of extra words."""
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["temperature"], typed)
    assert raised.value.message.get("en").startswith(message)
    assert raised.value.message.get("es")


@pytest.mark.parametrize("typed, celsius", [
    ("３８．６", 38.6), ("３８，６ ℃", 38.6), ("１０１ ℉", 38.3), ("38.6 ℃", 38.6), ("٣٨٫٦", None),
    ("not yet measured", None), ("I have not measured it", None), ("No me la he medido", None),
])
def test_temperature_spellings_beyond_ascii(typed, celsius):
    """Full-width digits and the one-character degree signs read like their ASCII spelling."""
    if celsius is None and any(ch.isdigit() for ch in typed):
        with pytest.raises(Unreadable):
            read_answer(Q["temperature"], typed)
        return
    assert read_answer(Q["temperature"], typed).value == celsius


def test_temperature_shows_what_it_understood():
    assert read_answer(Q["temperature"], "100.4 F").shown.get("en") == "38.0 °C (100.4 °F)"
    assert read_answer(Q["temperature"], "38").shown.get("en") == "38.0 °C"


@pytest.mark.parametrize("typed, chosen", [
    ("1", (0,)),
    ("7", (6,)),
    ("1, 3", (0, 2)),
    ("3 1", (0, 2)),
    ("1 and 3", (0, 2)),
    ("2;2", (1,)),
    ("None of these", (6,)),
    ("none", (6,)),
    ("chest pain or pressure", (0,)),
    ("Chest pain", (0,)),
    ("chest pain, knock", (0, 5)),
    ("hard to breathe", (1,)),
])
def test_multiple_choice(typed, chosen):
    answer = read_answer(Q["danger_signs"], typed)
    assert answer.value == chosen


def test_multiple_choice_findings_name_every_option():
    answer = read_answer(Q["danger_signs"], "1, 3")
    assert answer.findings == {
        "chest_pain": True, "short_of_breath_at_rest": False, "bleeding_wont_stop_10min": True,
        "severe_headache_or_vision_change": False, "confusion_or_drowsy": False, "head_injury": False}
    assert answer.shown.get("en") == ("Chest pain or pressure; Bleeding that did not stop after "
                                      "10 minutes of firm pressure")


def test_options_sharing_a_finding_set_it_when_any_is_chosen():
    assert read_answer(Q["infection_signs"], "2").findings == {"infection_signs": True}
    assert read_answer(Q["infection_signs"], "5").findings == {"infection_signs": False}


@pytest.mark.parametrize("typed, message", [
    ("9", "There is no choice 9. Please choose a number from 1 to 7."),
    ("0", "There is no choice 0. Please choose a number from 1 to 7."),
    ("1, 7", "\"None of these\" cannot be chosen together with other choices."),
    ("banana", "Please choose by number (1 to 7) or by the words of a choice."),
    ("a", "Please choose by number (1 to 7) or by the words of a choice."),
])
def test_unreadable_choices(typed, message):
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["danger_signs"], typed)
    assert raised.value.message.get("en") == message


def test_ambiguous_words_ask_for_the_number():
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["blood_signs"], "blood")
    assert raised.value.message.get("en") == "\"blood\" fits more than one choice (1, 2, 3). Please use the number."


@pytest.mark.parametrize("question, typed, chosen", [
    ("blood_signs", "vomito", (0,)),          # typed without the accent of "Vómito"
    ("bleeding_where", "Una regla", (2,)),
    ("bleeding_where", "ENCIAS", (0,)),        # "encías"
])
def test_accents_are_optional(question, typed, chosen):
    assert read_answer(Q[question], typed).value == chosen


def test_a_refused_none_choice_is_named_in_each_language():
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["danger_signs"], "1, 7")
    assert raised.value.message.get("es") == "\"Ninguno de estos\" no se puede elegir junto con otras opciones."


@pytest.mark.parametrize("typed, chosen", [
    ("٣", (2,)),  # Arabic-Indic three
    ("३", (2,)),  # Devanagari three
    ("１, ３", (0, 2)),  # full-width
])
def test_decimal_digits_of_any_script_choose(typed, chosen):
    """A person types the digits of their keyboard's script; they mean the same numbers."""
    assert read_answer(Q["danger_signs"], typed).value == chosen


@pytest.mark.parametrize("typed", ["²", "①", "1²", "², 1", "Ⅷ", "½"])
def test_digits_that_are_not_decimal_are_asked_again(typed):
    """Superscripts and circled numbers are digits to Python but no choice: asked again, never a crash."""
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["danger_signs"], typed)
    assert raised.value.message.get("en")
