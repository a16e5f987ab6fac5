"""Typed answers on the screen (principle 8): the live line under the temperature field is what Enter
takes, and words typed at a choice that fit it only in part are confirmed ("Did you mean …?"), on
plain `chatbot` and on the kiosk, in English and Spanish, at 80x24."""

from __future__ import annotations

import random

import pytest
from textual.widgets import Button

from chatbot.flow.answers import understood
from chatbot.flowfile.loader import load_flow
from tests.helpers import kiosk
from tests.helpers.screen import screen_text
from tests.helpers.tui import answer, press, run

FLOW = load_flow()
TEMPERATURE = FLOW.questions["temperature"]
TO_TEMPERATURE = ["7", "yes", "yes"]
PIECES = ["3", "8", "38", "38.5", "38,5", " ", "point", "five", "thirty", "eight", "y", "medio", "treinta",
          "not", "measured", "no", "didn't", "check", "F", "°", "grados", "one", "hundred", ",", "=", "-", "."]


def typed_strings(count: int, seed: int = 19) -> list[str]:
    """Strings a person could type into the field, half of them near a reading (seeded: the same each run)."""
    chosen = random.Random(seed)
    return [" ".join(chosen.choice(PIECES) for _ in range(chosen.randint(1, 5)))[:40] for _ in range(count)]


LIVE = ["3 8", "38", "38,5", "38,5 grados", "thirty nine", "one hundred point four F", "I didn't check",
        "no thermometer", "=not measured", "50", "3.8", "38 this morning"]


def test_the_live_line_says_what_enter_takes():
    """What the line under the field says is exactly what Enter takes, or Enter asks again and the line
    said nothing: `3 8` is never shown as 38.0 °C and then refused."""

    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        field = app.screen.query_one("#temperature-input")
        seen = []
        for typed in LIVE + typed_strings(24):
            field.focus()
            field.value = typed
            await pilot.pause()
            line = str(app.screen.query_one("#temperature-understood").visual.plain)
            await press(pilot, "enter")
            state = app.state
            seen.append((typed, line, state.question_id, state.error, state.answers[-1] if state.answers else None))
            if state.question_id != "temperature":
                app.go_back()
                await pilot.pause()
        return seen

    for typed, line, asked, error, last in run(scenario):
        expected = understood(TEMPERATURE, typed)
        if expected is None:
            assert line == "" and asked == "temperature" and error, typed
        else:
            assert line == f"I read this as {expected.get('en')}.", typed
            assert asked != "temperature" and error is None and last[0] == "temperature", typed


def test_the_live_line_echoes_a_decimal_comma_in_spanish():
    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        field = app.screen.query_one("#temperature-input")
        field.focus()
        field.value = "38,5 grados"
        await pilot.pause()
        line = str(app.screen.query_one("#temperature-understood").visual.plain)
        await press(pilot, "enter")
        return line, app.state.answers[-1]

    line, last = run(scenario, language="es")
    assert line == "Entiendo: 38,5 °C."
    assert last == ("temperature", "38,5 °C")


async def _type_at_the_choices(app, pilot, typed: str) -> None:
    field = app.screen.query_one("#choice-typed")
    field.focus()
    field.value = typed
    await pilot.pause()
    await press(pilot, "enter")


@pytest.mark.parametrize("language, typed, asks, yes", [
    ("en", "headache", "Did you mean: 4. A sudden very bad headache, or a change in your eyesight?", "y"),
    ("es", "dolor de cabeza", "¿Se refiere a: 4. Dolor de cabeza muy fuerte y de repente, o un cambio en la vista?",
     "y"),
])
def test_words_that_fit_a_choice_in_part_are_confirmed_before_they_are_taken(language, typed, asks, yes):
    async def scenario(app, pilot):
        await _type_at_the_choices(app, pilot, typed)
        confirming, text = app.state, screen_text(app)
        focused = app.focused.id
        await press(pilot, "n")
        refused, after_no = app.state, screen_text(app)
        await _type_at_the_choices(app, pilot, typed)
        await press(pilot, "b")  # back from "Did you mean …?": the question again, nothing taken
        backed = app.state
        await _type_at_the_choices(app, pilot, typed)
        await press(pilot, yes)
        return confirming, text, focused, refused, after_no, backed, app.state

    confirming, text, focused, refused, after_no, backed, taken = run(scenario, language=language)
    assert confirming.question_id == "danger_signs" and confirming.confirm == asks
    assert confirming.choices == (("Yes", "No") if language == "en" else ("Sí", "No"))
    assert " ".join(asks.split()[:4]) in " ".join(text.split()) and focused == "answer-yes"
    assert refused.question_id == "danger_signs" and refused.confirm is None and refused.answers == ()
    assert refused.error.startswith("Then please choose by number" if language == "en" else "Entonces elija")
    assert "Or type your answer" in after_no or "O escriba su respuesta" in after_no
    assert backed.question_id == "danger_signs" and backed.confirm is None and backed.error is None
    assert (taken.outcome_id, taken.answers[-1][0]) == ("emergency_head", "danger_signs")


def test_exact_words_typed_at_a_choice_pick_it_at_once_and_go_with_the_ticks():
    async def scenario(app, pilot):
        await _type_at_the_choices(app, pilot, "None of these")
        first = app.state
        app.go_back()
        await pilot.pause()
        await press(pilot, "1")  # ticked, then words typed: both are sent
        await _type_at_the_choices(app, pilot, "knock")
        return first, app.state

    first, ticked_and_typed = run(scenario)
    assert first.question_id == "white_count" and first.answers[-1] == ("danger_signs", "None of these")
    assert ticked_and_typed.confirm == ("Did you mean: 1. Chest pain or pressure; "
                                        "6. A fall or a knock to the head since your last check-up?")


def test_the_kiosk_confirms_words_typed_at_a_choice_and_fits_80_by_24():
    async def scenario(app, pilot):
        await kiosk.start(app, pilot)
        await _type_at_the_choices(app, pilot, "headache")
        text = screen_text(app)
        heights = [button.outer_size.height for button in app.screen.query(Button)
                   if all(node.display for node in button.ancestors_with_self[:-1])]
        confirming = app.state
        await kiosk.tap(app, pilot, "#answer-yes")
        return text, heights, confirming, app.state

    text, heights, confirming, taken = kiosk.run(scenario)
    lines = text.rstrip("\n").split("\n")
    assert len(lines) <= 24 and max(map(len, lines)) <= 80
    assert min(heights) >= 3  # touch-sized
    assert "Did you mean: 4. A sudden very bad headache" in " ".join(text.split())
    assert confirming.confirm is not None and taken.outcome_id == "emergency_head"


def test_record_keeps_the_words_and_the_yes_that_confirmed_them(tmp_path):
    """`chatbot --record`: the words typed at the choice, `confirm: yes`, then the reply, as the buttons sent it."""
    from chatbot.cli import main

    path = tmp_path / "session.yaml"

    async def scenario(app, pilot):
        app.record_to = path
        await _type_at_the_choices(app, pilot, "headache")
        await press(pilot, "y")
        return app.state

    assert run(scenario).outcome_id == "emergency_head"
    text = path.read_text(encoding="utf-8")
    assert "    answer: headache\n    confirm: yes\n  - question: danger_signs\n    answer: Yes\n" in text
    assert main(["replay", str(path)]) == 0
