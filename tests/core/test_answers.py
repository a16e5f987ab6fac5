"""Answers are read as people type them; anything unreadable is asked again with a reason."""

from __future__ import annotations

import pytest

from chatbot.flow.answers import (MAX_ANSWER_LENGTH, Unreadable, read_answer, read_confirmation, read_temperature,
                                   understood)
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
    ("38,4", 38.4, "38,4 °C"),     # a decimal comma is echoed with a comma
    ("38,4 °C", 38.4, "38,4 °C"),
    ("38.4C", 38.4, "38.4 °C"),
    ("38.4 celsius", 38.4, "38.4 °C"),
    ("100.4 F", 38.0, "100.4 °F"),
    ("100.4", 38.0, "100.4 °F"),
    ("100,4 °F", 38.0, "100,4 °F"),
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
    assert answer.shown.get("en") == "I have not measured it" and answer.shown.get("es") == "No me la he tomado"


@pytest.mark.parametrize("question, typed, en, es", [
    ("temperature", "no", "I have not measured it", "No me la he tomado"),
    ("temperature_highest", "no", "No higher reading", "Ninguna más alta"),
    ("temperature_highest", "none", "No higher reading", "Ninguna más alta"),
    ("temperature_highest", "ninguna", "No higher reading", "Ninguna más alta"),
])
def test_not_measured_is_shown_and_read_back_in_the_words_of_its_button(question, typed, en, es):
    """"no" to "Was any reading higher?" is not "Not measured": the transcript, the live line and the
    nurse say what the person chose, the question's own button."""
    answer = read_answer(Q[question], typed)
    assert answer.value is None
    assert (answer.shown.get("en"), answer.shown.get("es")) == (en, es)
    assert answer.echo == answer.shown


@pytest.mark.parametrize("typed, message", [
    # Principle 8: a reading with "not measured" words is neither; ask again.
    ("38.6 this morning, not measured since", "Your answer has a temperature (38.6) and also says it was not measured."),
    ("not measured, 38.6", "Your answer has a temperature (38.6) and also says it was not measured."),
    ("38,6 sin medir", "Your answer has a temperature (38,6) and also says it was not measured."),
    ("101 F but I have not measured it since", "Your answer has a temperature (101) and also says it was not measured."),
    ("38.6 no la he medido", "Your answer has a temperature (38.6) and also says it was not measured."),
    # ... and two different readings are never one picked out of several.
    ("37.2 now, 38.6 earlier", "Your answer has more than one temperature (37.2 and 38.6)."),
    ("37.2 / 38.6", "Your answer has more than one temperature (37.2 and 38.6)."),
    ("99 F then 101 F", "Your answer has more than one temperature (99 and 101)."),
    ("38,6 y 37", "Your answer has more than one temperature (38,6 and 37)."),
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


# -- revision 3, principle 8: a typed answer is read whole, or asked again -----------------------

@pytest.mark.parametrize("typed, celsius", [
    # numbers in words are readings, in English ...
    ("thirty nine", 39.0), ("Thirty-nine", 39.0), ("thirty-eight point five", 38.5),
    ("thirty eight and a half", 38.5), ("thirty-seven point two five", 37.3), ("forty", 40.0),
    ("one hundred point four F", 38.0), ("a hundred and one", 38.3), ("one hundred one degrees", 38.3),
    ("ninety nine", 37.2), ("ninety-nine point five fahrenheit", 37.5), ("hundred and four", 40.0),
    # ... and in Spanish
    ("treinta y nueve", 39.0), ("treinta y ocho coma cinco", 38.5), ("treinta y ocho y medio", 38.5),
    ("treinta y ocho punto cinco", 38.5), ("treinta y ocho con cinco", 38.5), ("cien punto cuatro", 38.0),
    ("ciento uno", 38.3), ("ciento once", 43.9), ("treinta y siete grados y medio", 37.5),
    ("Treinta y Nueve Grados Centígrados", 39.0), ("cuarenta", 40.0),
    # mixed with digits and units
    ("39 grados", 39.0), ("thirty nine degrees", 39.0), ("38 point 5", 38.5), ("38 y medio", 38.5),
    ("38 and a half", 38.5), ("38 coma 5", 38.5), ("38,5 grados", 38.5), ("38,5 °C", 38.5),
    ("38.5 grados centígrados", 38.5), ("101 grados F", 38.3), ("101 grados fahrenheit", 38.3),
    ("38º", 38.0), ("38ºC", 38.0), ("38 ° C", 38.0), ("38.", 38.0),
    # a few words that say nothing more
    ("my temperature is 38.5", 38.5), ("It's 38,5", 38.5), ("tengo 38 de fiebre", 38.0),
    ("el termómetro marca 37,8", 37.8), ("38.5 right now", 38.5), ("I have a fever of 101 F", 38.3),
])
def test_readings_in_words_digits_and_units(typed, celsius):
    assert read_answer(Q["temperature"], typed).value == celsius


@pytest.mark.parametrize("typed", [
    # English, with or without punctuation, apostrophes, "I", "yet", "today"
    "not measured", "Not measured.", "I have not measured it", "I haven't measured it", "havent measured",
    "I don't have a thermometer", "I dont have a thermometer", "I don’t have a thermometer.",
    "don't have a thermometer", "no thermometer", "No thermometer here", "no thermometer at home",
    "I do not own a thermometer", "I have no thermometer", "haven't got a thermometer",
    "didn't check", "did not check", "I didn't check it", "Didn't check yet", "haven't checked",
    "I haven't checked yet", "haven't checked today", "not checked", "I didn't take it",
    "I didn't take my temperature", "haven't taken my temperature yet", "not taken", "no reading",
    "I can't", "I cant", "I cannot", "can't right now", "I'm not able to", "unable to measure",
    "couldn't find the thermometer", "my thermometer is broken", "not yet", "Not yet measured",
    "never measured", "I didn't", "I haven't", "nope", "no", "none", "n/a", "N/A", "-", "skip",
    "don't know", "not sure", "I don't have one", "no, I don't have a thermometer!",
    # Spanish, with or without accents
    "sin medir", "No me la he medido", "no me la he medido todavía", "no lo he medido",
    "No la he medido", "no me la pude medir", "no pude medirla", "no la tomé", "no la tome",
    "no me la tomé hoy", "no me he tomado la temperatura", "no tengo termómetro", "No tengo termometro",
    "no tengo termómetro en casa", "sin termómetro", "no hay termómetro", "todavía no", "aún no",
    "no puedo", "ahora no puedo", "no he podido", "no lo sé", "no se", "mi termómetro está roto",
    "no tengo uno", "no me he medido la fiebre",
])
def test_every_usual_way_of_saying_not_measured(typed):
    answer = read_answer(Q["temperature"], typed)
    assert answer.value is None and answer.findings == {"temperature": None}
    assert answer.echo == answer.shown == Q["temperature"].not_measured  # the words of its button


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("//e.vil","not measured")',  # read whole: not what the question accepts
    "=not measured", "not measured +", "not measured <script>",
    "I don't have a temperature",  # says no fever, not that nothing was measured
    "no fever", "no tengo fiebre", "not hot", "no, it's normal", "it's normal", "I feel fine",
    "I didn't measure it but I feel hot", "no tengo", "measured", "yes", "3 8", "3.8", "three eight",
    "thirty, eight", "no, three eight", "38..4",
])
def test_answers_that_are_neither_a_reading_nor_not_measured_are_asked_again(typed):
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["temperature"], typed)
    assert raised.value.message.get("en").startswith("I could not read that temperature.")
    assert raised.value.message.get("es").startswith("No pude leer esa temperatura.")


@pytest.mark.parametrize("typed, reading", [
    ("not measured since, it was thirty nine this morning", "39"),
    ("thirty nine, no thermometer now", "39"),
    ("treinta y nueve, no me la he medido desde entonces", "39"),
    ("38,5 pero no tengo termómetro", "38,5"),
    ("I can't, it was 38.5", "38.5"),
])
def test_a_reading_in_words_with_not_measured_words_is_asked_again_saying_why(typed, reading):
    """Never read as not measured: the reading is named, in the words of the message."""
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["temperature"], typed)
    assert raised.value.message.get("en").startswith(
        f"Your answer has a temperature ({reading}) and also says it was not measured.")
    assert raised.value.message.get("es").startswith(
        f"Su respuesta tiene una temperatura ({reading}) y también dice que no se la tomó.")


@pytest.mark.parametrize("typed, reading", [
    ("38.6 this morning", "38.6"), ("about 38", "38"), ("around thirty eight", "38"),
    ("más o menos 38,5", "38,5"), ("38.5 I think", "38.5"),
])
def test_a_reading_with_words_the_reader_does_not_know_is_asked_again(typed, reading):
    with pytest.raises(Unreadable) as raised:
        read_answer(Q["temperature"], typed)
    assert raised.value.message.get("en").startswith(
        f"Your answer has a temperature ({reading}) and other words I could not read.")


@pytest.mark.parametrize("typed, readings_en, readings_es", [
    ("35.6 now, 36.9 an hour ago", "35.6 and 36.9", "35.6 y 36.9"),
    ("treinta y ocho y treinta y nueve", "38 and 39", "38 y 39"),
    ("thirty eight then thirty nine", "38 and 39", "38 y 39"),
    ("38-39", "38 and 39", "38 y 39"),
    ("38,6 y 37", "38,6 and 37", "38,6 y 37"),
    ("37, 38,5 and 39", "37; 38,5 and 39", "37; 38,5 y 39"),
])
def test_two_readings_ask_for_the_latest_on_the_latest_reading(typed, readings_en, readings_es):
    """Revision 3: never "type the highest" in place of the latest (it hid a 35.6 behind 36.9)."""
    for question in (Q["temperature"], Q["temperature"]._replace(window="latest")):
        with pytest.raises(Unreadable) as raised:
            read_answer(question, typed)
        message = raised.value.message
        assert message.get("en") == (f"Your answer has more than one temperature ({readings_en}). Please type "
                                     "just one number: your latest reading, the one you took last.")
        assert message.get("es") == (f"Su respuesta tiene más de una temperatura ({readings_es}). Escriba solo "
                                     "un número, por favor: la más reciente, la de la última vez que se la tomó.")
        assert "highest" not in message.get("en") and "alta" not in message.get("es")


@pytest.mark.parametrize("window, en, es", [
    ("24h", "the highest reading in the last day.", "la más alta en el último día."),
    ("6h", "the highest reading in the last 6 hours.", "la más alta en las últimas 6 horas."),
    ("7d", "the highest reading in the last week.", "la más alta en la última semana."),
    ("a fortnight", "the highest reading you took.", "la más alta que se tomó."),
])
def test_two_readings_ask_for_the_highest_in_another_window(window, en, es):
    question = Q["temperature"]._replace(id="temperature_highest", window=window)
    with pytest.raises(Unreadable) as raised:
        read_answer(question, "37.2 now, 38.6 earlier")
    assert raised.value.message.get("en").endswith(en)
    assert raised.value.message.get("es").endswith(es)


@pytest.mark.parametrize("typed, echo, shown, spanish", [
    # a separator the person typed is echoed as typed, in every language
    ("38,5", "38,5 °C", "38,5 °C", "38,5 °C"),
    ("38,5 grados", "38,5 °C", "38,5 °C", "38,5 °C"),
    ("38,0 °C", "38,0 °C", "38,0 °C", "38,0 °C"),
    ("37,95", "38,0 °C", "38,0 °C", "38,0 °C"),
    ("100,4 F", "100,4 °F = 38,0 °C", "38,0 °C (100,4 °F)", "38,0 °C (100,4 °F)"),
    ("treinta y ocho coma cinco", "38,5 °C", "38,5 °C", "38,5 °C"),
    ("38.5", "38.5 °C", "38.5 °C", "38.5 °C"),
    ("100.4 F", "100.4 °F = 38.0 °C", "38.0 °C (100.4 °F)", "38.0 °C (100.4 °F)"),
    ("thirty-eight point five", "38.5 °C", "38.5 °C", "38.5 °C"),
    # none typed: each language writes its own ("y medio" is 38,5 in Spanish)
    ("38", "38.0 °C", "38.0 °C", "38,0 °C"),
    ("101 F", "101 °F = 38.3 °C", "38.3 °C (101 °F)", "38,3 °C (101 °F)"),
    ("treinta y ocho y medio", "38.5 °C", "38.5 °C", "38,5 °C"),
    ("treinta y ocho con cinco", "38.5 °C", "38.5 °C", "38,5 °C"),
])
def test_a_decimal_comma_is_echoed_with_a_comma(typed, echo, shown, spanish):
    """The live line (`echo`) and the transcript (`shown`) say the reading as the person wrote it;
    the value is the number."""
    answer = read_answer(Q["temperature"], typed)
    assert isinstance(answer.value, float)
    assert answer.echo.get("en") == echo and answer.shown.get("en") == shown
    assert answer.shown.get("es") == spanish and answer.echo.get("es").split(" = ")[-1] == spanish.split(" (")[0]


@pytest.mark.parametrize("typed, understood_as", [
    ("3 8", None), ("3", None), ("38", "38.0 °C"), ("38,", "38.0 °C"), ("38,5", "38,5 °C"),
    ("thirty", "30.0 °C"), ("thirty eight", "38.0 °C"), ("thirty eight point", None),
    ("I didn't", "I have not measured it"), ("50", None), ("", None), ("=not measured", None),
])
def test_the_live_line_says_what_enter_takes(typed, understood_as):
    said = understood(Q["temperature"], typed)
    assert (said.get("en") if said else None) == understood_as


# -- choices: exact picks, partial words are confirmed ----------------------------------------------

@pytest.mark.parametrize("question, typed, chosen, confirm", [
    # exact: the number, the whole label in any language, a word for "none", a close spelling
    ("danger_signs", "4", (3,), None),
    ("danger_signs", "A sudden very bad headache, or a change in your eyesight", (3,), None),
    ("danger_signs", "a sudden very bad headache or a change in your eyesight.", (3,), None),
    ("danger_signs", "Dolor en el pecho o sensación de presión", (0,), None),
    ("danger_signs", "chest pain or presure", (0,), None),
    ("danger_signs", "Chest pain or pressure, 6", (0, 5), None),
    ("danger_signs", "none", (6,), None), ("danger_signs", "no", (6,), None),
    ("danger_signs", "ninguno", (6,), None), ("danger_signs", "None of thes", (6,), None),
    ("bleeding_where", "Pink, red or brown urin", (1,), None),
    # partial: words of one label only, confirmed with the person
    ("danger_signs", "headache", (3,), "Did you mean: 4. A sudden very bad headache, or a change in your eyesight?"),
    ("danger_signs", "Chest pain", (0,), "Did you mean: 1. Chest pain or pressure?"),
    ("danger_signs", "chest pain or", (0,), "Did you mean: 1. Chest pain or pressure?"),  # a word short: not a slip
    ("bleeding_where", "Regla", (2,), "Did you mean: 3. A much heavier period than usual?"),
    ("danger_signs", "confused", (4,), "Did you mean: 5. Feeling confused, or very sleepy and hard to wake?"),
    ("danger_signs", "dolor de cabeza", (3,),
     "Did you mean: 4. A sudden very bad headache, or a change in your eyesight?"),
    ("danger_signs", "1, headache", (0, 3),
     "Did you mean: 1. Chest pain or pressure; 4. A sudden very bad headache, or a change in your eyesight?"),
    ("danger_signs", "chest pain, knock", (0, 5),
     "Did you mean: 1. Chest pain or pressure; 6. A fall or a knock to the head since your last check-up?"),
])
def test_exact_words_pick_and_partial_words_are_confirmed(question, typed, chosen, confirm):
    answer = read_answer(Q[question], typed)
    assert answer.value == chosen
    assert (answer.confirm.get("en") if answer.confirm else None) == confirm


def test_a_confirmation_is_asked_in_each_language():
    answer = read_answer(Q["danger_signs"], "headache")
    assert answer.confirm.get("es") == ("¿Se refiere a: 4. Dolor de cabeza muy fuerte y de repente, "
                                        "o un cambio en la vista?")


@pytest.mark.parametrize("typed, meant", [
    ("yes", True), ("Y", True), ("sí", True), ("si", True), ("no", False), ("No.", False), ("n", False),
    ("4", None), ("headache", None), ("maybe", None),
])
def test_a_reply_to_did_you_mean(typed, meant):
    assert read_confirmation(typed) is meant
