"""A press changes only what it must (issue 24, item 1): a digit typed in a field is repainted, not laid
out with the whole screen, and the field still scrolls its words as Textual's Input does
(`chatbot.widgets.sized`); the progress line, drawn as one kept strip, is what Textual draws.

Layouts are counted with the screen's own signal, published at each one."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Input

from chatbot.replay.pilot import settled
from chatbot.screens.conversation import BAR_WIDTH, ProgressLine, bar_of
from chatbot.widgets.controls import CHOICE_TYPED_MAX_LENGTH
from tests.helpers.screen import screen_text
from tests.helpers.tui import answer, press, run

TO_TEMPERATURE = ["7", "no", "no"]  # the answers that lead to the temperature field


def count_layouts(app) -> list:
    """A list that grows by one at each layout of the screen shown now."""
    layouts: list = []
    app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
    return layouts


@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_a_digit_typed_in_the_temperature_field_lays_nothing_out(theme):
    """Each digit, and the live reading under the field, is drawn with no layout of the screen."""
    async def scenario(app, pilot):
        await answer(app, pilot, TO_TEMPERATURE)
        layouts = count_layouts(app)
        for key in ("3", "8", "full_stop", "6"):
            await pilot.press(key)
            await settled(app)
        await pilot.pause()
        return len(layouts), app.screen.query_one("#temperature-input").value, screen_text(app)

    layouts, typed, shown = run(scenario, theme=theme)
    assert typed == "38.6" and "38.6" in shown
    assert "I read this as" in shown  # the live reading, drawn with the digits
    assert layouts == 0


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_words_longer_than_the_choice_field_scroll_to_the_last_one_typed(size):
    """The field's text scrolls with the cursor: what was typed last is in sight, and Home shows the first."""
    words = "a headache that started this morning and will not go away"
    assert len(words) <= CHOICE_TYPED_MAX_LENGTH

    async def scenario(app, pilot):
        field = app.screen.query_one("#choice-typed")
        field.focus()
        await pilot.pause()
        await press(pilot, *[{" ": "space"}.get(letter, letter) for letter in words])
        end = field.scroll_x, screen_text(app)
        await press(pilot, "home")
        return field.value, end, (field.scroll_x, screen_text(app))

    typed, (scrolled, at_end), (home, at_home) = run(scenario, size=size)
    assert typed == words
    assert scrolled > 0 and "will not go away" in at_end and "a headache" not in at_end
    assert home == 0 and "a headache" in at_home


PROGRESS = [
    ("Part 2 of 5: Fever and infection, with words enough to be cut at the narrowest screens", 0.4),
    ("Question 3", 1.0),
    ("", 0.0),
]


@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_the_progress_line_is_drawn_as_textual_draws_its_words(theme):
    """Its one strip, kept between frames, is cell for cell and style for style Textual's own drawing,
    at every width (a phone's shorter bar too) and for every kind of words."""
    async def scenario(app, pilot):
        line = app.screen.query_one(ProgressLine)
        differ = []
        for size in [(100, 30), (80, 24), (50, 20)]:
            await pilot.resize_terminal(*size)
            for topic, done in PROGRESS:
                line.show(topic, bar_of(done, BAR_WIDTH))
                await pilot.pause()
                if list(line.render_line(0)) != list(Widget.render_line(line, 0)):
                    differ.append((size, topic))
        return differ

    assert run(scenario, theme=theme) == []


TO_CHILLS = [*TO_TEMPERATURE, "37", "37"]  # on to "shaking chills", a yes/no question followed by another


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_an_answer_that_keeps_its_buttons_lays_nothing_out(theme, size):
    """No to a yes/no question whose next is one too, and Back: the chat's two new lines, the next question
    and the focus moving are drawn with no layout of the screen; the scroll bar still tells the chat's length."""
    async def scenario(app, pilot):
        await answer(app, pilot, TO_CHILLS)
        chat = app.screen.query_one("#chat")
        layouts = count_layouts(app)
        seen = []
        for key in ("n", "b", "n"):
            await pilot.press(key)
            await settled(app)
            await pilot.pause()
            bar = chat.vertical_scrollbar
            seen.append((app.screen.question_id, chat.virtual_size.height,
                         bar.window_virtual_size if chat.show_vertical_scrollbar else None))
        return len(layouts), seen, chat.max_scroll_y, chat.scroll_y

    layouts, seen, bottom, scrolled = run(scenario, theme=theme, size=size)
    assert [question for question, _, _ in seen] == ["stiff_neck", "chills", "stiff_neck"]
    assert layouts == 0
    for _, length, told in seen:
        assert told in (None, length)  # the bar, when shown, spans the chat's new length
    assert scrolled == bottom  # the newest line in sight


@pytest.mark.parametrize("size", [(80, 24), (100, 40)])
@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_the_lines_kept_between_frames_are_what_textual_draws(theme, size):
    """Along answers, Backs and a long chat, the screen drawn from kept lines (buttons, question, progress,
    the chat's finished lines: `chatbot.widgets.kept`) is cell for cell and style for style the screen drawn
    again through Textual with nothing kept."""
    async def scenario(app, pilot):
        differ = []
        for step, key in enumerate(["7", "enter", "u", "b", "u", "b", "n", "n", "3", "7", "enter", "3", "7", "enter",
                                    "n", "b", "n", "b", "n"]):
            await pilot.press(key)
            await settled(app)
            for field in app.screen.query(Input):
                field.cursor_blink = False  # a cursor blinking between the two drawings is no difference
            await pilot.pause()
            kept = app.export_screenshot()
            for widget in app.screen.walk_children():
                if hasattr(widget, "forget_lines"):
                    widget.forget_lines()
            await pilot.pause()
            if app.export_screenshot() != kept:
                differ.append((step, key))
        return differ

    assert run(scenario, theme=theme, size=size) == []


@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_the_chat_scroll_bar_coming_or_going_is_placed_in_the_press_s_one_layout(theme):
    """At 80x24 "Not sure" to the second question and Back put the chat just past and back within its
    height: its scroll bar comes and goes, placed in the one layout the press needs (Textual found out in
    that layout and asked for one or two more), and spans the chat's length when shown. (The first time the
bar is made and mounted, which lays out once more.)"""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7"])
        await press(pilot, "u", "b")  # the first time, the bar itself is made and mounted
        chat = app.screen.query_one("#chat")
        seen = []
        for key in ("u", "b", "u", "b"):
            layouts = count_layouts(app)
            await pilot.press(key)
            await settled(app)
            await pilot.pause()
            shown = chat.show_vertical_scrollbar
            seen.append((len(layouts), shown, chat.vertical_scrollbar.window_virtual_size if shown else None,
                         chat.virtual_size.height, chat.scroll_y == chat.max_scroll_y))
        return seen

    seen = run(scenario, theme=theme, size=(80, 24))
    assert {shown for _, shown, _, _, _ in seen} == {True, False}  # the bar came and went
    for layouts, shown, told, length, at_end in seen:
        assert layouts == 1 and at_end
        assert told in (None, length)
