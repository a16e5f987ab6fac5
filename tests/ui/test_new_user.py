"""What people met when they first tried it: each small thing, on the real app at 80x24, driven by keys."""

from __future__ import annotations

import pytest

from tests.helpers.screen import screen_text
from tests.helpers.tui import ANSWERS_TO, answer, press, run


@pytest.mark.parametrize("key, reaches_the_end", [("end", True), ("pagedown", False), ("down", False)])
def test_the_routine_guidance_scrolls_from_the_keyboard_to_the_safety_net(key, reaches_the_end):
    """Tab from the topics into the text; its keys scroll it, End to the safety net at its end."""
    async def scenario(app, pilot):
        await answer(app, pilot, ANSWERS_TO["routine"])
        await press(pilot, "tab")
        text = app.screen.query_one("#guidance-text")
        scroll = app.focused
        focused_on_text = scroll is not None and (scroll is text or scroll in text.ancestors)
        await press(pilot, key)
        return focused_on_text, scroll.scroll_y, scroll.max_scroll_y

    focused_on_text, scrolled, most = run(scenario)
    assert focused_on_text
    assert most > 0 and (scrolled == most if reaches_the_end else 0 < scrolled < most)


@pytest.mark.parametrize("answers, keys, quits, asked", [
    ([], ["q"], True, False),                          # nothing to lose: q quits at once
    (["7", "no"], ["q"], False, True),                 # mid-conversation: asked first
    (["7", "no"], ["q", "n"], False, False),           # ... and "no" goes on where it was
    (["7", "no"], ["q", "y"], True, False),            # ... and "yes" quits
    (ANSWERS_TO["emergency"], ["q"], True, False),     # at an outcome the conversation is over
])
def test_q_mid_conversation_asks_first_as_r_does(answers, keys, quits, asked):
    """A stray q must not throw away a half-told story without a word."""
    async def scenario(app, pilot):
        await answer(app, pilot, answers)
        exits = []
        app.exit = lambda *args, **kwargs: exits.append(True)  # see that it would quit, and keep looking
        await press(pilot, *keys)
        return bool(exits), app.state.screen, app.state.question_id

    exited, screen, question = run(scenario)
    assert exited == quits
    assert (screen == "confirm") == asked
    if answers and not quits and not asked:
        assert (screen, question) == ("conversation", "feverish")


@pytest.mark.parametrize("language, keys, back", [
    ("en", [], "Back  Esc"),          # the temperature field has focus: b would be typed
    ("en", ["tab"], "Back  b"),       # on a button b goes back again
    ("es", [], "Atrás  Esc"),
])
def test_the_nav_row_never_claims_b_goes_back_where_b_types_a_letter(language, keys, back):
    async def scenario(app, pilot):
        await answer(app, pilot, ["7", "no", "no"])
        await press(pilot, *keys)
        return type(app.focused).__name__, screen_text(app).splitlines()[-1]

    focused, nav = run(scenario, language=language)
    assert (focused == "Input") == (not keys)
    assert back in nav
    assert ("  r " in nav) == bool(keys)  # nor does it claim r, s, w or q do anything but type


def _flowing(text: str) -> str:
    """The screen's words as one line: each row without its border and scrollbar glyphs."""
    return " ".join(" ".join(line.strip(" ▁▂▃▄▅▆▇█▔").split()) for line in text.splitlines())


@pytest.mark.parametrize("language, disclaimer, flows", [
    ("en", "This is not a diagnosis and does not replace your care team. If you feel very unwell, call your local "
           "emergency number now.", "how you feel today. It then tells you"),
    ("es", "Esto no es un diagnóstico y no reemplaza a su equipo médico. Si se siente muy mal, llame ahora al número "
           "de emergencias de su zona.", "cómo se siente hoy. Después le diremos"),
])
def test_the_first_screen_shows_the_disclaimer_and_the_intro_flows_with_the_width(language, disclaimer, flows):
    """At 80x24 the disclaimer is in view without scrolling; on a wide screen the intro is not cut at
    the ends of the lines it was written in."""
    async def scenario(app, pilot):
        return screen_text(app)

    assert disclaimer in _flowing(run(scenario, language=language))
    wide = run(scenario, language=language, size=(140, 40))
    assert any(flows in line for line in wide.splitlines())
