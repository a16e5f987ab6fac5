"""The patient's screen as people use it (issue 22, items 6 to 10): nothing of a tester's or a nurse's,
Back from the keyboard on every question, who the person is without losing a key or misreading a
date, "None of these" that says what it unticked, and 80x24 that cuts no sentence and hides no topic.

The real app and the real kiosk, driven with Pilot: keys as a terminal posts them.
"""

from __future__ import annotations

import re

import pytest

from chatbot.commands.arguments import parse, ui_options
from chatbot.flowfile.loader import load_flow
from chatbot.replay.pilot import settled
from tests.helpers import kiosk
from tests.helpers.pilot import key_event
from tests.helpers.screen import screen_text
from tests.helpers.tui import ANSWERS_TO, answer, press, run

FLOW = load_flow()
TO_TEMPERATURE = ["7", "no", "no"]  # the answers that lead to the temperature field


def nav_row(app) -> str:
    """The bottom row of buttons, as shown."""
    return [line for line in screen_text(app).splitlines() if line.strip()][-1]


# -- 6. no tester or nurse keys on a patient's screen -----------------------------------------------

@pytest.mark.parametrize("answers", [[], ANSWERS_TO["urgent"]])  # a question, and an outcome
def test_a_patients_screen_has_no_summary_and_no_script(answers, tmp_path, monkeypatch):
    """Neither the buttons nor the s and w keys: no summary screen, no file, no notice."""
    monkeypatch.chdir(tmp_path)
    told = []

    async def scenario(app, pilot):
        app.notify = lambda message, **options: told.append(message)
        await answer(app, pilot, answers)
        buttons = [button.id for button in app.screen.query("#nav Button")]
        await press(pilot, "s", "w")
        return buttons, app.screen.id

    buttons, screen = run(scenario, summary_dir=tmp_path)
    assert "summary" not in buttons and "record" not in buttons
    assert screen != "summary" and told == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("tester", [False, True])
def test_in_spanish_s_answers_si_and_never_opens_the_nurses_summary(tester):
    """A person pressing s for Sí gets Sí, on a patient's screen and on a tester's."""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        await press(pilot, "s")
        return app.state

    state = run(scenario, language="es", tester=tester)
    assert state.screen == "conversation"
    assert state.answers[-1] == ("white_count", "Sí")


def test_a_tester_has_the_summary_and_the_script():
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        buttons = [button.id for button in app.screen.query("#nav Button")]
        await press(pilot, "s")
        return buttons, app.screen.id

    buttons, screen = run(scenario, tester=True)
    assert {"summary", "record"} <= set(buttons) and screen == "summary"


@pytest.mark.parametrize("argv, tester", [
    ([], False),
    (["--tester"], True),
    (["--record", "script.yaml"], True),  # recording a script is a tester's work
])
def test_tester_mode_is_asked_for_on_the_command_line(argv, tester):
    assert ui_options(parse(argv)).tester is tester


@pytest.mark.parametrize("argv, message", [
    (["--kiosk", "--tester"], "a kiosk is a patient's screen"),
    (["--tester", "check"], "does nothing for 'check'"),
])
def test_tester_mode_where_it_cannot_apply_is_refused(argv, message, capsys):
    with pytest.raises(SystemExit):
        parse(argv)
    assert message in capsys.readouterr().err


# -- 7. Back from the keyboard on every question ----------------------------------------------------

def back_key(nav: str) -> str:
    """The key the bottom row names for Back ("Back  b", "Atrás  Esc")."""
    found = re.search(r"(?:Back|Atrás)\s+(\S+)", nav)
    assert found, nav
    return {"Esc": "escape"}.get(found[1], found[1])


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("answers, question, before", [
    (["7"], "white_count", "danger_signs"),                  # yes / no / not sure
    (["7", "no", "no", "36.8", "no", "no", "no"], "infection_signs", "stiff_neck"),  # a choice
    (TO_TEMPERATURE, "temperature", "feverish"),              # a text field
])
@pytest.mark.parametrize("where", ["terminal", "kiosk"])
def test_the_key_the_bottom_row_names_for_back_goes_back_on_every_question(where, answers, question, before,
                                                                              language):
    async def scenario(app, pilot):
        if where == "kiosk":
            await kiosk.start(app, pilot)
        for typed in answers:
            app.answer(typed)
            await settled(app)
        await pilot.pause()
        assert app.state.question_id == question
        await press(pilot, back_key(nav_row(app)))
        return app.state.question_id

    if where == "kiosk":
        assert kiosk.run(scenario, language=language) == before
    else:
        assert run(scenario, language=language) == before


@pytest.mark.parametrize("where", ["terminal", "kiosk"])
def test_b_in_the_temperature_field_is_a_letter(where):
    async def scenario(app, pilot):
        if where == "kiosk":
            await kiosk.start(app, pilot)
        for typed in TO_TEMPERATURE:
            app.answer(typed)
            await settled(app)
        await pilot.pause()
        await press(pilot, "3", "b")
        return app.state.question_id, app.screen.query_one("#temperature-input").value

    assert (kiosk.run(scenario) if where == "kiosk" else run(scenario)) == ("temperature", "3b")


@pytest.mark.parametrize("keys, kept", [
    (["3", "8", ".", "6", "backspace", "5"], "38.5"),     # a quick correction takes the 6, not the 5
    (["backspace", "3", "7", ".", "2"], "37.2"),          # a Backspace in an empty field takes nothing typed after it
    (["3", "8", "5", "left", ".", "end", "backspace", "6"], "38.6"),
])
@pytest.mark.parametrize("where", ["terminal", "kiosk"])
def test_editing_keys_typed_ahead_take_effect_in_order(where, keys, kept):
    """A temperature typed quickly, with its corrections, all keys posted at once as a terminal sends them."""
    async def scenario(app, pilot):
        if where == "kiosk":
            await kiosk.start(app, pilot)
        for typed in TO_TEMPERATURE:
            app.answer(typed)
            await settled(app)
        await pilot.pause()
        for key in keys:
            app.post_message(key_event(key))
        await pilot.pause()
        return app.screen.query_one("#temperature-input").value

    assert (kiosk.run(scenario) if where == "kiosk" else run(scenario)) == kept


# -- 8. who the person is: tests/records/test_desk.py (the identification is kept in the records) ----

# -- 9. "None of these" never unticks silently -------------------------------------------------------

@pytest.mark.parametrize("language, says", [
    ("en", 'Unticked, as you chose "None of these": Chest pain or pressure.'),
    ("es", 'Desmarcado, porque eligió "Ninguno de estos": Dolor en el pecho o sensación de presión.'),
])
def test_none_of_these_says_which_ticks_it_took_off(language, says):
    async def scenario(app, pilot):
        await press(pilot, "1", "7")
        return app.state

    state = run(scenario, language=language)
    assert state.selected == (7,)
    assert says in (state.error or "")


# -- 10. 80x24 ---------------------------------------------------------------------------------------

def chat_text(app) -> str:
    chat = app.conversation_screen.query_one("#chat")
    lines = [chat.render_line(y).text.strip() for y in range(chat.scrollable_content_region.height)]
    return " ".join(line for line in lines if line)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("where", ["terminal", "kiosk"])
def test_the_intro_is_never_cut_mid_sentence_at_80x24(where, language):
    async def scenario(app, pilot):
        if where == "kiosk":
            await kiosk.start(app, pilot)
        return chat_text(app)

    shown = kiosk.run(scenario, language=language) if where == "kiosk" else run(scenario, language=language)
    welcome = FLOW.welcome
    assert shown.startswith(welcome.title.get(language))
    assert shown.endswith((".", "!", "?")) or shown == welcome.title.get(language), shown


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("where", ["terminal", "kiosk"])
def test_the_routine_screen_shows_the_topic_its_words_point_to(where, language):
    async def scenario(app, pilot):
        if where == "kiosk":
            await kiosk.start(app, pilot)
        for typed in ANSWERS_TO["routine"]:
            app.answer(typed)
            await settled(app)
        await pilot.pause()
        topics = app.screen.query_one("#guidance-topics")
        return str(app.screen.query_one("#outcome-text").render()), screen_text(app), topics.region

    text, shown, topics = kiosk.run(scenario, language=language) if where == "kiosk" else \
        run(scenario, language=language)
    pointed, = re.findall(r'"([^"]+)"', text)  # Call 911 at once for any sign under "When to get help".
    lines = shown.splitlines()[topics.y:topics.bottom]
    assert any(line[topics.x:topics.right].strip() == pointed for line in lines), (pointed, lines)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_temperature_field_gives_the_example_its_help_gives(language):
    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        return app.screen.query_one("#temperature-input").placeholder

    placeholder = run(scenario, language=language)
    helped = FLOW.questions["temperature"].help.get(language)
    examples = re.findall(r"\d+[.,]\d(?: ?F)?", placeholder)
    assert examples and all(example in helped for example in examples)
