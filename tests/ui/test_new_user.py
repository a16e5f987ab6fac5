"""What people met when they first tried it: each small thing, on the real app at 80x24, driven by keys."""

from __future__ import annotations

import pytest

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
