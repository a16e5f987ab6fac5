"""A phone's browser (32 columns, 390 CSS px at the default font): every button of the kiosk whole on the
screen, each row of buttons a grid or a column, and the progress line's topic read before its bar
(WCAG 1.4.10 reflow; the real browser's tests tap through it at 390x844)."""

from __future__ import annotations

import asyncio

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import KioskOptions
from tests.helpers.kiosk import Clock
from tests.helpers.pilot import quick
from tests.helpers.screen import screen_text

PHONE = (32, 40)
TOPIC = {"en": "Part 1 of 5", "es": "Parte 1 de 5"}


def cut_buttons(app, where: str) -> list[str]:
    width = app.screen.region.width
    return [f"{where}: #{button.id} spans {button.region.x}..{button.region.right}"
            for button in app.screen.query("Button") if button.region.area and button.region.right > width]


@pytest.mark.parametrize("language", ["en", "es"])
def test_on_a_phone_every_button_is_whole_and_the_topic_is_read(language):
    async def main():
        app = KioskApp(load_flow(), kiosk=KioskOptions(idle_timeout=60, idle_warning=30, staffed=True),
                       clock=Clock(), language=language)
        async with quick(app.run_test(size=PHONE)) as pilot:
            await pilot.pause()
            cut = cut_buttons(app, "welcome")
            await pilot.press("enter")
            await pilot.pause()
            cut += cut_buttons(app, "question")
            top = screen_text(app).splitlines()[0]
            app.answer("1")
            await pilot.pause()
            cut += cut_buttons(app, "emergency")
            return cut, top

    cut, top = asyncio.run(main())
    assert cut == []
    assert TOPIC[language] in top
