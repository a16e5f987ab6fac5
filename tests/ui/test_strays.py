"""Typing that answers nothing on a yes/no question, then Enter, is not Yes (`chatbot.screens.strays`).

Each scenario reaches a yes/no question with Yes in focus, types a word the way a person does who
thinks every question takes words ("maybe", "ok", "36.8"), and presses Enter: no answer is taken,
and the screen says which keys answer. Then the person's own choice still answers at once.
"""

from __future__ import annotations

import pytest

from chatbot.screens.strays import HELD, SAY_KEYS, StrayTyping
from tests.helpers.tui import answer, run

TYPIST = 0.12
"""Seconds between a fast typist's keys."""


@pytest.mark.parametrize("language, keys, hint", [
    ("en", ("m", "a", "y", "b", "e", "enter"), "Press y for Yes or n for No"),  # its y is not Yes, its b not Back
    ("en", ("o", "k", "enter"), "Press y for Yes or n for No"),
    ("en", ("x", "enter", "space"), "Press y for Yes or n for No"),
    ("en", (".", "8", "enter"), "Press y for Yes or n for No"),
    ("es", ("t", "a", "l", "space", "v", "e", "z", "enter"), "Pulse 1 para Sí o 2 para No"),
])
def test_a_word_typed_then_enter_answers_nothing_and_says_which_keys_answer(language, keys, hint):
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        screen = app.conversation_screen
        asked = app.conversation.current.question.id
        assert app.focused.id == "answer-yes"
        before = len(app.conversation.transcript)
        await pilot.press_apart(TYPIST, *keys)
        assert len(app.conversation.transcript) == before and app.conversation.current.question.id == asked
        assert hint in (screen.error or ""), screen.error
        await pilot.press("enter")  # Enter again, a moment later: still nothing the person chose
        assert len(app.conversation.transcript) == before
        await pilot.press("n" if language == "en" else "2")  # the key the screen named: taken at once
        assert len(app.conversation.transcript) == before + 1 and app.conversation.transcript[-1].value is False
        return True

    assert run(scenario, language=language)


@pytest.mark.parametrize("moves", [("tab",), ("tab", "shift+tab")])
def test_after_a_stray_word_moving_the_focus_makes_enter_press_again(moves):
    """Tab is the person's own move: Enter then presses the button in focus (No after one Tab, Yes after two)."""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        before = len(app.conversation.transcript)
        await pilot.press("x", "enter", *moves, "enter")
        assert len(app.conversation.transcript) == before + 1
        return app.conversation.transcript[-1].value

    assert run(scenario) is (len(moves) == 2)


def test_the_first_key_that_answers_still_answers_at_once():
    """"yes" + Enter is one Yes, and the next question is waiting (the rest is left over, not stray)."""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        before = len(app.conversation.transcript)
        await pilot.press_apart(TYPIST, "y", "e", "s", "enter")
        return [turn.value for turn in app.conversation.transcript[before:]], app.conversation_screen.error

    assert run(scenario) == ([True], None)


@pytest.mark.parametrize("inputs, held", [
    # (key, seconds from the first, acts here), what each is
    ([("m", 0.0, False), ("y", 0.1, True), ("enter", 0.2, True)], [None, HELD, SAY_KEYS]),
    ([("m", 0.0, False), ("y", 0.8, True)], [None, None]),             # a person's pace later: y answers
    ([("y", 0.0, True), ("enter", 0.1, True)], [None, None]),          # an answer first: not stray
    ([("x", 0.0, False), ("tab", 0.1, False), ("enter", 0.2, True)], [None, None, None]),
    ([("x", 0.0, False), ("enter", 0.1, True), ("enter", 0.9, True)], [None, SAY_KEYS, SAY_KEYS]),
    ([("h", 0.0, True), ("m", 0.1, False)], [None, None]),             # h asks for help: acts, not stray
    ([("m", 0.0, False), ("m", 0.4, False), ("b", 0.8, True)], [None, HELD, HELD]),  # a slow typist
])
def test_a_stray_word_holds_its_letters_and_the_enter_after_it(inputs, held):
    strays = StrayTyping()
    assert [strays.holds(10.0 + at, key, key if len(key) == 1 else None, acts)
            for key, at, acts in inputs] == held
