"""The Textual UI driven like a person would: keys and clicks on the real app (App.run_test + Pilot).

Each test is a plain function that runs its scenario with `asyncio.run`. Long
answers are set on the Input directly (a Pilot key press costs ~60 ms).
"""

from __future__ import annotations

import asyncio
import stat

import pytest
from textual import events

from chatbot.engine import Conversation
from chatbot.flowfile.loader import load_flow
from tests.helpers.screen import screen_text
from tests.helpers.tui import ANSWERS_TO, answer, press, run, tap

FLOW = load_flow()
SIZE = (80, 24)
ACTIVE_EFFECT = 0.2  # seconds a Button shows a tap (Button.active_effect_duration)

# Keys that answer the bundled flow, from the first question to each level.
KEYS_TO = {
    "emergency": ["1", "enter"],
    "urgent": ["7", "enter", "n", "n", "3", "6", ".", "8", "enter", "n", "o", "enter", "n", "n", "1", "enter",
               "4", "enter", "n", "n", "n", "n", "n", "n", "n", "y"],
    "routine": ["7", "enter", "n", "n", "3", "6", ".", "8", "enter", "n", "o", "enter", "n", "n", "5", "enter",
                "4", "enter", "n", "n", "n", "n", "n", "n", "n"],
}

# Clicks (a widget id, or ("type", text) to fill the temperature field) to each level. The
# answers alternate where the flow allows: a button ignores a second tap while it shows the first.
CLICKS_TO = {
    "emergency": ["#choice-3", "#choice-send"],
    "urgent": ["#choice-7", "#choice-send", "#answer-no", "#answer-yes", ("type", "37.2"), "#temperature-send",
               "#temperature-not-measured", "#answer-no", "#answer-yes", "#choice-5", "#choice-send", "#choice-4",
               "#choice-send", "#answer-yes", "#choice-1", "#choice-send", "#answer-yes", "#answer-no",
               "#answer-yes", "#answer-no", "#answer-yes", "#answer-no", "#answer-no", "#answer-yes"],
    "routine": ["#choice-7", "#choice-send", "#answer-unsure", "#answer-no", "#temperature-not-measured",
                "#temperature-not-measured", "#answer-no", "#answer-yes", "#choice-5", "#choice-send", "#choice-4",
                "#choice-send", "#answer-no", "#answer-no", "#answer-no", "#answer-yes", "#answer-no",
                "#answer-yes", "#answer-no", "#answer-no", "#answer-no"],
}


async def click_through(app, pilot, steps):
    """Tap each widget in turn, as a terminal sends a click or a touch."""
    loop = asyncio.get_running_loop()
    tapped: dict[str, float] = {}  # when each button was last tapped
    for step in steps:
        if isinstance(step, tuple):
            app.screen.query_one("#temperature-input").value = step[1]
            continue
        showing = tapped.get(step, -ACTIVE_EFFECT) + ACTIVE_EFFECT + 0.02 - loop.time()
        if showing > 0:  # a button ignores a second tap while it still shows the first
            await pilot.pause(showing)
        await tap(app, pilot, step)
        tapped[step] = loop.time()
    await pilot.pause()


@pytest.mark.parametrize("level", ["emergency", "urgent", "routine"])
def test_each_level_is_reached_by_keyboard(level):
    async def scenario(app, pilot):
        await press(pilot, *KEYS_TO[level])
        return app.state

    state = run(scenario)
    assert (state.screen, state.outcome_level, state.question_id) == ("outcome", level, None)


@pytest.mark.parametrize("level", ["emergency", "urgent", "routine"])
def test_each_level_is_reached_by_clicks(level):
    async def scenario(app, pilot):
        await click_through(app, pilot, CLICKS_TO[level])
        return app.state, screen_text(app)

    state, text = run(scenario)
    assert (state.screen, state.outcome_level) == ("outcome", level)
    expected = {"emergency": "Call 911 now", "urgent": "See your provider immediately",
                "routine": "When to get help"}[level]
    assert expected in text


def test_the_first_screen_welcomes_and_asks_the_first_question():
    async def scenario(app, pilot):
        return app.state, screen_text(app)

    state, text = run(scenario, size=(100, 40))
    assert state.question_id == FLOW.start
    assert state.choices[0] == "Chest pain or pressure" and state.choices[-1] == "None of these"
    assert "Symptom checker for bone marrow failure" in text
    assert "Part 1 of 5: Danger signs" in text
    assert "In the last day, have you had any of these?" in text


def test_the_chat_shows_the_welcome_from_its_top_then_always_the_newest_answer():
    """At 80x24 the chat soon overflows: each answer must still be in view, drawn in the same frame."""
    def chat_lines(app):  # the rows above the question's border, without the scrollbar's column
        text = screen_text(app).splitlines()
        border = text.index(next(line for line in text if line.startswith("▁▁▁")))
        return "\n".join(line.rstrip(" ▁▂▃▄▅▆▇█") for line in text[:border])

    async def scenario(app, pilot):
        first = chat_lines(app)
        seen = []
        for typed in ["7", "no", "no", "36.8", "no", "no", "no", "2", "4", "yes"]:
            app.answer(typed)
            await pilot.pause()
            seen.append(chat_lines(app))
        app.start_over()
        await pilot.pause()
        return first, seen, chat_lines(app)

    first, seen, again = run(scenario)
    assert "Symptom checker for bone marrow failure" in first
    assert all(chat.rstrip().endswith(shown) for chat, shown in zip(seen, [
        "None of these", "No", "No", "36.8 °C", "No higher reading", "No", "No", "Burning or pain when you pass urine",
        "None of these", "Yes"]))
    assert "Symptom checker for bone marrow failure" not in seen[-1]  # it did overflow
    assert "Symptom checker for bone marrow failure" in again


def test_a_person_can_scroll_the_chat_back_to_read_and_the_next_answer_brings_it_to_the_end():
    async def scenario(app, pilot):
        for typed in ["7", "no", "no", "36.8", "no", "no", "no"]:
            app.answer(typed)
        await pilot.pause()
        chat = app.screen.query_one("#chat")
        x, y = chat.region.x + 5, chat.region.y + 3
        for _ in range(20):  # the mouse wheel over the chat, as the terminal's driver sends it
            app.post_message(events.MouseScrollUp(None, x, y, 0, 0, 0, False, False, False, screen_x=x, screen_y=y))
        await pilot.pause()
        read_back = screen_text(app)
        app.answer("2")
        await pilot.pause()
        return read_back, screen_text(app), chat.is_vertical_scroll_end

    read_back, after, at_end = run(scenario)
    assert "Symptom checker for bone marrow failure" in read_back  # the top of the chat, scrolled back to
    assert "Symptom checker for bone marrow failure" not in after and at_end
    assert "Burning or pain when you pass urine" in after


def test_going_back_changes_the_last_answer():
    async def scenario(app, pilot):
        await press(pilot, "7", "enter", "u")
        asked = app.state
        await press(pilot, "b")
        back = app.state
        await press(pilot, "n")
        return asked, back, app.state

    asked, back, changed = run(scenario)
    assert asked.question_id == "feverish"
    assert asked.answers[-1] == ("white_count", "Not sure")
    assert back.question_id == "white_count"
    assert back.answers == (("danger_signs", "None of these"),)
    assert changed.question_id == "feverish"
    assert changed.answers[-1] == ("white_count", "No")


def test_the_back_button_leaves_an_outcome_and_shows_the_old_choices_ticked():
    async def scenario(app, pilot):
        await press(pilot, "1", "3", "enter")
        assert app.state.outcome_level == "emergency"
        await pilot.click("#back")
        await pilot.pause()
        return app.state

    state = run(scenario)
    assert (state.screen, state.question_id, state.outcome_level) == ("conversation", "danger_signs", None)
    assert state.selected == (1, 3)
    assert state.answers == ()


def test_an_invalid_temperature_is_explained_then_a_valid_one_is_taken():
    async def scenario(app, pilot):
        await answer(app, pilot, ["7", "yes", "yes"])
        field = app.screen.query_one("#temperature-input")
        field.value = "50"
        await pilot.pause()
        await press(pilot, "enter")
        refused = app.state, field.value
        field.value = "100.4 F"
        await pilot.pause()
        understood = screen_text(app)
        await press(pilot, "enter")
        return refused, understood, app.state

    (refused, kept), understood, taken = run(scenario)
    assert refused.question_id == "temperature"
    assert refused.error.startswith("50 is not a body temperature I can accept")
    assert kept == "50"  # nothing typed is lost
    assert "I read this as 100.4 °F = 38.0 °C." in understood
    assert taken.error is None
    assert taken.outcome_level == "emergency"
    assert taken.answers[-1] == ("temperature", "38.0 °C (100.4 °F)")


def test_multiple_choice_toggles_and_none_of_these_clears_the_others():
    async def scenario(app, pilot):
        seen = []
        for key in ("1", "4", "7", "2", "2"):
            await press(pilot, key)
            seen.append(app.state.selected)
        return seen

    assert run(scenario) == [(1,), (1, 4), (7,), (2,), ()]


@pytest.mark.parametrize("keys, error", [
    (["enter"], "Please choose at least one answer, then send."),
    (["9"], "There is no choice 9. Please choose a number from 1 to 7."),
])
def test_a_choice_that_cannot_be_taken_is_explained(keys, error):
    async def scenario(app, pilot):
        await press(pilot, *keys)
        return app.state

    state = run(scenario)
    assert (state.question_id, state.error) == ("danger_signs", error)


def test_restart_asks_first_and_no_keeps_the_answers():
    async def scenario(app, pilot):
        await press(pilot, "7", "enter", "n")
        await press(pilot, "r")
        asking = app.state.screen
        await press(pilot, "n")
        kept = app.state
        await pilot.click("#restart")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        return asking, kept, app.state

    asking, kept, restarted = run(scenario)
    assert asking == "confirm"
    assert kept.question_id == "feverish" and len(kept.answers) == 2
    assert restarted.question_id == "danger_signs" and restarted.answers == ()


def test_the_emergency_screen_says_what_to_say_on_the_phone_with_the_configured_number():
    async def scenario(app, pilot):
        await press(pilot, "1", "2", "enter")
        return screen_text(app)

    text = run(scenario, emergency_number="112", size=(100, 40))
    assert "Call 112 now" in text
    assert "Call 112 now, or go to the nearest emergency room." in text
    assert "On the phone, and to the staff when you arrive, say:" in text
    assert "I have bone marrow failure and chest pain and it is hard to breathe, even when I sit still." in text
    assert "In the last day, have you had any of these?  →  Chest pain or pressure" in text


def test_the_routine_guidance_can_be_browsed_and_ends_with_the_safety_net():
    async def scenario(app, pilot):
        await answer(app, pilot, ANSWERS_TO["routine"])
        guidance = app.screen.query_one("#guidance")
        first = guidance.document(guidance.shown)
        await press(pilot, "down", "down")
        return first, guidance.shown, guidance.document(guidance.shown)

    first, shown, third = run(scenario)
    assert shown == 2
    assert first.startswith("## When to get help")  # first: the routine outcome's words point to it
    assert third.startswith("## What bone marrow failure is")
    for document in (first, third):
        assert document.rstrip().endswith("**If anything is new or worse, call your care team today.**")
        assert "## When to get help" in document
        assert "38.0°C (100.4°F)" in document and " °" not in document  # never cut from its number


def test_the_summary_lists_every_answer_and_is_saved_to_a_private_file(tmp_path):
    async def scenario(app, pilot):
        await answer(app, pilot, ANSWERS_TO["urgent"])
        await press(pilot, "s")
        screen = app.state.screen
        shown = app.screen.text
        await pilot.click("#summary-save")
        await pilot.pause()
        return screen, shown, app.screen.saved_to

    screen, shown, saved_to = run(scenario, summary_dir=tmp_path, tester=True)
    assert screen == "summary"
    assert "Result: URGENT: See your provider immediately" in shown
    assert "U5  signs of infection" in shown
    for text in ("In the last day, have you had any of these? [danger_signs]", "Answer: None of these",
                 "Finding: known_low_white_count = no", "Answer: 36.8 °C", "Finding: temperature = 36.8 °C",
                 "Finding: infection_signs = yes", "Finding: symptoms_new_or_worse = yes"):
        assert text in shown
    [saved] = tmp_path.iterdir()
    assert str(saved) == saved_to
    assert saved.read_text(encoding="utf-8") == shown
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_the_summary_closes_back_to_where_it_was_opened():
    async def scenario(app, pilot):
        await press(pilot, "7", "enter", "s")
        opened = app.state.screen
        await press(pilot, "escape")
        return opened, app.state

    opened, state = run(scenario, tester=True)
    assert opened == "summary"
    assert (state.screen, state.question_id) == ("conversation", "white_count")


def test_spanish_speaks_spanish_on_the_controls_and_the_engine_messages():
    async def scenario(app, pilot):
        await press(pilot, "7", "enter")
        await press(pilot, "enter")  # a yes/no question: Enter on the focused Yes button answers it
        labels = app.state.choices
        await press(pilot, "b", "b")
        await press(pilot, "9")
        return labels, app.state.error

    labels, error = run(scenario, language="es")
    assert labels == ("Sí", "No")
    assert error == "No hay opción 9. Elija un número del 1 al 7, por favor."


def test_every_screen_fits_80_by_24():
    async def scenario(app, pilot):
        screens = {}
        await answer(app, pilot, ["7", "yes", "yes"])
        screens["temperature"] = screen_text(app)
        await answer(app, pilot, ["39"])
        screens["emergency"] = screen_text(app)
        await press(pilot, "s")
        screens["summary"] = screen_text(app)
        return screens

    for name, text in run(scenario).items():
        lines = text.rstrip("\n").split("\n")
        assert len(lines) <= 24 and max(map(len, lines)) <= 80, name
        assert "Back" in text or "Close" in text, name  # the way out is never pushed off screen


@pytest.mark.parametrize("before, typed, keys", [
    ([], "None of these", ["7", "enter"]),
    ([], "1, 3", ["1", "3", "enter"]),
    (["7"], "dont know", ["u"]),
    (["7"], "Yes", ["y"]),
    (["7", "no", "yes"], "100.4 F", ["ctrl+u", "1", "0", "0", ".", "4", " ", "F", "enter"]),
    (["7", "no", "yes"], "50", None),  # the engine refuses it: answer it with `answer` to see why
    ([], "banana", None),
])
def test_answer_keys_are_the_keys_for_what_the_engine_reads(before, typed, keys):
    async def scenario(app, pilot):
        await answer(app, pilot, before)
        found = app.answer_keys(typed)
        if found is not None:
            await press(pilot, *found)
        return found, app.conversation.asked, dict(app.conversation.findings)

    found, asked, findings = run(scenario)
    assert found == keys
    if keys is not None:  # pressing them did what answering would have done
        expected = Conversation(FLOW)
        expected.start()
        for typed_answer in [*before, typed]:
            expected.answer(typed_answer)
        assert (asked, findings) == (expected.asked, expected.findings)


def test_answer_keys_untick_what_was_ticked_before_going_back():
    async def scenario(app, pilot):
        await press(pilot, "1", "3", "enter", "b")
        keys = app.answer_keys("2")
        await press(pilot, *keys)
        return keys, app.state

    keys, state = run(scenario)
    assert keys == ["1", "3", "2", "enter"]
    assert state.answers == (("danger_signs", "Hard to breathe even when sitting still or lying down"),)


def test_commands_load_lazily_so_the_ui_starts_without_them():
    from chatbot.commands.arguments import command_name, named_commands
    from chatbot.commands import COMMANDS, load

    assert [load(name).NAME for name in COMMANDS] == [command_name(name) for name in COMMANDS]
    assert named_commands([]) == [] and named_commands(["--flow", "x.yaml"]) == []
    assert named_commands(["check", "flow.yaml"]) == ["check"]
    assert named_commands(["--help"]) is None


def test_starting_again_leaves_no_trace_of_the_last_person():
    async def scenario(app, pilot):
        await press(pilot, "1", "4")
        ticked = app.state.selected
        await press(pilot, "r", "y")
        return ticked, app.state, app.summary_text()

    ticked, state, summary = run(scenario)
    assert ticked == (1, 4)
    assert (state.question_id, state.selected, state.answers, state.error) == ("danger_signs", (), (), None)
    assert "No question answered yet." in summary


def test_the_language_can_change_mid_conversation():
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        app.set_language("es")
        await pilot.pause()
        return app.state, screen_text(app)

    state, text = run(scenario)
    assert (state.language, state.question_id, state.choices) == ("es", "white_count", ("Sí", "No", "No lo sé"))
    assert "Parte 2 de 5" in text and "Atrás" in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_bottom_button_is_on_screen_at_80_columns(language):
    async def scenario(app, pilot):
        edges = [max(b.region.right for b in app.screen.query("#nav Button"))]
        await pilot.press("1", "enter")  # an outcome screen, whose row has the most buttons
        await pilot.pause()
        edges.append(max(b.region.right for b in app.screen.query("#nav Button")))
        return edges

    assert all(edge <= 80 for edge in run(scenario, size=(80, 24), language=language))


@pytest.mark.parametrize("language, how, typed, value", [
    ("en", "y", "Yes", True),
    ("en", "#answer-no", "No", False),
    ("es", "1", "Sí", True),
    ("es", "#answer-unsure", "No lo sé", None),
])
def test_a_yes_no_button_answers_with_its_own_words(language, how, typed, value):
    """What a button (or its key) gave is kept in the person's words: a Spanish nurse reads "Sí", never
    `escrito: "yes"` beside it."""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        if how.startswith("#"):
            await tap(app, pilot, how)
        else:
            await press(pilot, how)
        turn = app.conversation.transcript[-1]
        return turn.typed, turn.value, turn.shown

    assert run(scenario, language=language) == (typed, value, typed)
