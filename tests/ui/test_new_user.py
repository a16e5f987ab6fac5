"""What people met when they first tried it: each small thing, on the real app at 80x24, driven by keys."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Button, Input

from tests.helpers import kiosk
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
        return isinstance(app.focused, Input), screen_text(app).splitlines()[-1]

    typing, nav = run(scenario, language=language)
    assert typing == (not keys)
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


# -- the kiosk ----------------------------------------------------------------------------------

async def _every_kiosk_screen(app, pilot, language, look):
    """Call `look(name)` on each kiosk screen a person meets, in `language` chosen at the welcome."""
    from tests.helpers.kiosk import start

    if language != "en":
        await kiosk.tap(app, pilot, f"#language-{language}")
    found = [await look("welcome")]
    await start(app, pilot, ["7"])
    found.append(await look("yes-no"))
    for level in ("emergency", "urgent", "routine"):
        app.start_over()
        await pilot.pause()
        for typed in ANSWERS_TO[level]:
            app.answer(typed)
        await pilot.pause()
        found.append(await look(level))
    app.last_input -= 1000
    app.look_at_idle_clock()
    await pilot.pause()
    found.append(await look("still-there"))
    return found


def _buttons(app):
    return [button for button in app.screen.query(Button) if all(node.display for node in button.ancestors_with_self)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_kiosk_screen_fits_80x24_every_button_label_on_one_line(language):
    """A label wider than its button wraps, and the nav row then spills out of its row."""
    async def scenario(app, pilot):
        async def look(name):
            return [(name, button.id, str(button.label)) for button in _buttons(app)
                    if button.label.cell_length > button.content_size.width
                    or not app.screen.region.contains_region(button.region)]
        return await _every_kiosk_screen(app, pilot, language, look)

    cut = [each for found in kiosk.run(scenario) for each in found]
    assert cut == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_keyboard_focus_shows_on_every_kiosk_button(language):
    """Each button looks different when it has the focus (colours, style or border)."""
    def looks(button):
        styles = button.styles
        return styles.background, styles.color, styles.text_style, tuple(styles.border)

    async def scenario(app, pilot):
        async def look(name):
            unseen = []
            for button in _buttons(app):
                if not button.can_focus:  # an emergency's Done never takes the focus (a tap leaves)
                    continue
                app.set_focus(None)
                await pilot.pause()
                plain = looks(button)
                button.focus()
                await pilot.pause()
                if looks(button) == plain:
                    unseen.append((name, button.id))
            return unseen
        return await _every_kiosk_screen(app, pilot, language, look)

    unseen = [each for found in kiosk.run(scenario) for each in found]
    assert unseen == []


_UNIT_CUT = re.compile(r"\d\s*\n[\s\[\]✓]*(?:°C|°F|F\b|C\b|minutes?\b|minutos?\b|s\b)")


def test_a_number_never_splits_from_its_unit_at_any_width():
    """The temperature help's "99.0 F", a chat answer's "36.8 °C" and a choice's "10 minutes" stay together,
    however wide the terminal (each row's border and scrollbar glyphs aside)."""
    async def scenario(app, pilot):
        await answer(app, pilot, ["7", "no", "no", "36.8", "no"])
        app.go_back()
        app.go_back()  # the temperature is asked again, 36.8 °C in the chat above it
        cut = []
        for question in ("temperature", "danger_signs"):  # "99.0 F" in its help; "10 minutes" in a choice
            if question == "danger_signs":
                app.start_over()
            for width in range(40, 81):
                await pilot.resize_terminal(width, 40)
                await pilot.pause()
                rows = "\n".join(line.strip(" ▁▂▃▄▅▆▇█▔▊▎") for line in screen_text(app).splitlines())
                cut += [(question, width, found.group(0)) for found in _UNIT_CUT.finditer(rows)]
        return cut

    assert run(scenario, size=(80, 40)) == []
