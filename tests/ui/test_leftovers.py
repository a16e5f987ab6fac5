"""What is left of an answer's input is not an answer to the next question (`chatbot.screens.leftovers`).

Each scenario reaches a yes/no question, gives the keys or taps close together (as a person at a
terminal types "no" + Enter, or a key bounces, or a finger taps twice), and then reads the app's
own transcript: exactly one answer was taken, and the next question is still waiting. Then a
deliberate key, a person's pace later, still answers that question at once.
"""

from __future__ import annotations

import pytest

from chatbot.screens.leftovers import NEAR, Answering, Leftovers
from chatbot.widgets.controls import ChoiceItem
from tests.helpers import kiosk
from tests.helpers.tui import answer, run, tap, tap_at

TYPIST = 0.12
"""Seconds between a fast typist's keys."""


def _yes_no_reached(app) -> str:
    step = app.conversation.current
    assert step.question.kind.name.startswith("YES_NO"), step.question.kind
    return step.question.id


@pytest.mark.parametrize("language, keys, given", [
    ("en", ("n", "o", "enter"), False),
    ("en", ("y", "e", "s", "enter"), True),
    ("en", ("n", "o", "t", "space", "s", "u", "r", "e", "enter"), False),  # n answers; the rest is left over
    ("en", ("n", "n"), False),                                             # a bouncing key
    ("en", ("y", "enter", "enter"), True),
    ("es", ("s", "í", "enter"), True),
    ("es", ("s", "i", "enter"), True),                                     # typed without its accent
    ("es", ("2", "enter"), False),
    ("es", ("1", "1"), True),
    ("es", ("n", "o", "space", "l", "o", "space", "s", "é", "enter"), False),  # "no lo sé": its l, s, Space
    ("en", ("n", "o", "p", "e", "enter"), False),                          # another word: "nope", "yeah"
    ("en", ("y", "e", "a", "h", "enter"), True),                           # (its h is not Ask for help)
    ("en", ("n", "y"), False),                                             # two answers' keys at once
])
def test_a_word_typed_and_entered_answers_once_and_the_next_question_waits(language, keys, given):
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        asked = _yes_no_reached(app)
        before = len(app.conversation.transcript)
        await pilot.press_apart(TYPIST, *keys)
        transcript = app.conversation.transcript
        assert len(transcript) == before + 1, [turn.question.id for turn in transcript[before:]]
        assert transcript[-1].question.id == asked and transcript[-1].value is given
        waiting = app.conversation.current.question.id
        assert app.screen is app.conversation_screen and app.conversation_screen.question_id == waiting
        await pilot.press("y")  # a person's pace later: a deliberate answer, taken at once
        assert len(app.conversation.transcript) == before + 2
        assert app.conversation.transcript[-1].question.id == waiting
        return True

    assert run(scenario, language=language)


@pytest.mark.parametrize("button", ["#answer-yes", "#answer-no"])
def test_a_double_tap_answers_once(button):
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        _yes_no_reached(app)
        before = len(app.conversation.transcript)
        await tap(app, pilot, button)
        target = app.conversation_screen.query_one(button)
        while target.has_class("-active"):  # past Textual's own 0.2 s, so that only the taps' times count
            await pilot.pause(0.05)
        await tap(app, pilot, button, gap=0.3)
        assert len(app.conversation.transcript) == before + 1
        await tap(app, pilot, button)  # a second later: meant, and taken
        assert len(app.conversation.transcript) == before + 2
        return True

    assert run(scenario)


def _choice_near(screen, place):
    """A cell on a choice, as near `place` as a twin tap lands (`NEAR`), or None."""
    for dy in (0, 1, -1):
        for dx in (0, 1, -1, 2, -2):
            widget = screen.get_widget_at(place[0] + dx, place[1] + dy)[0]
            if isinstance(widget, ChoiceItem) or isinstance(widget.parent, ChoiceItem):
                return place[0] + dx, place[1] + dy
    return None


@pytest.mark.parametrize("gap, near, ticks", [(0.3, True, False), (1.0, True, True), (0.3, False, True)],
                         ids=["twin", "a second later", "aimed elsewhere"])
def test_a_double_tap_on_start_does_not_tick_the_first_question(gap, near, ticks):
    """The kiosk's Start, tapped twice: the second tap lands on the first question's choices, and
    ticks nothing (a tick is a finding the person never gave); a second later, or aimed at a choice
    further away, a tap ticks."""
    async def scenario(app, pilot):
        start = app.screen.query_one("#start").region
        place = (start.x + start.width // 2, start.y + start.height // 2)
        await tap_at(app, pilot, *place)
        assert app.screen is app.conversation_screen
        second = _choice_near(app.screen, place)
        assert second is not None, "no choice under Start at 80x24"
        if near:
            await tap_at(app, pilot, *second, gap=gap)
        else:
            far = next(item for item in app.screen.query(ChoiceItem) if abs(item.region.y - second[1]) > NEAR[1])
            await tap(app, pilot, f"#{far.id}", gap=gap)
        return bool(app.state.selected)

    assert kiosk.run(scenario) == ticks


@pytest.mark.parametrize("keys, answers", [(("n", "escape"), (0, -1)), (("n", "b"), (1, 0))])
def test_escape_goes_back_at_once_and_a_letter_typed_with_the_answer_is_left_over(keys, answers):
    """Escape right after an answer goes back (a key nobody types in a word); b typed in the same
    moment is part of the typing, and goes back when pressed again. (Answers kept, against before.)"""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        before = len(app.conversation.transcript)
        await pilot.press_apart(TYPIST, *keys)
        after_keys = len(app.conversation.transcript) - before
        await pilot.press("b")  # a person's pace later
        return after_keys, len(app.conversation.transcript) - before

    assert run(scenario) == answers


@pytest.mark.parametrize("after, inputs, dropped", [
    ("n", [("o", 0.1), ("enter", 0.2)], [True, True]),
    ("n", [("enter", 0.6)], [False]),                  # past the moment: the person's own
    ("n", [("y", 0.1), ("enter", 0.2)], [True, True]),  # another answer's key in the same moment: typing
    ("n", [("tab", 0.1), ("enter", 0.2)], [False, False]),  # Tab is no typing: the person's own
    ("n", [("o", 0.4), ("enter", 0.8)], [True, True]),  # a slow typist: each key near the last
    ("1", [("1", 0.05)], [True]),
])
def test_leftovers_are_the_rest_of_the_word_near_the_last_key(after, inputs, dropped):
    leftovers = Leftovers()
    leftovers.answered(10.0, Answering.by_key(after))
    assert [leftovers.swallows(10.0 + at, key, key if len(key) == 1 else None) for key, at in inputs] == dropped


def test_after_enter_on_start_only_enter_and_space_are_left_over():
    """Start pressed with Enter: a second Enter is its twin, but a choice's number typed at once is the
    person's (a script at a terminal that answers as soon as the question shows)."""
    leftovers = Leftovers()
    leftovers.answered(10.0, Answering.by_key("enter", typing=False))
    assert [leftovers.swallows(10.1, "enter"), leftovers.swallows(10.2, "7", "7")] == [True, False]


@pytest.mark.parametrize("second, at, dropped", [
    ((21, 10), 0.3, True), ((19, 9), 0.3, True),  # where the first landed, or a cell off
    ((40, 10), 0.3, False),                       # aimed elsewhere
    ((20, 10), 0.6, False),                       # past the moment
])
def test_a_twin_tap_lands_near_the_first(second, at, dropped):
    leftovers = Leftovers()
    leftovers.answered(10.0, Answering.by_tap((20, 10)))
    assert leftovers.swallows(10.0 + at, "tap", None, second) is dropped
    assert not leftovers.swallows(10.0 + at, "enter")  # a key after a tap is never its twin
