"""What `chatbot serve` adds to textual-serve's page (chatbot.commands.serve_page), without a browser:
the installed textual-serve script takes both changes, and a tab's speech is fetched by its own name
only, the newest only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from chatbot.commands.serve_page import SCRIPT_PATCHES, ScriptNotPatched, TabPage, patched_script, terminal_script
from chatbot.speech.speech import Speech, ssml
from tests.helpers.needs import espeak_ng

TITLES = {"en": "Symptom checker", "es": "Revisión de síntomas"}


def installed_static() -> str:
    import textual_serve

    return str(Path(textual_serve.__file__).parent / "static")


def test_the_installed_textual_serve_script_starts_a_screen_reader_terminal_and_hands_messages_to_the_page():
    script, problem = terminal_script(installed_static())
    assert problem is None
    text = script.decode("utf-8")
    assert ".Terminal({screenReaderMode:!0," in text
    assert text.count('new CustomEvent("kiosk-message"') == 1


@pytest.mark.parametrize("script, name", [
    ("nothing of textual-serve's", "screenReaderMode"),
    ("new a.Terminal({x:1});new b.Terminal({y:2});", "screenReaderMode"),
    ("new a.Terminal({x:1});", "kiosk-message"),
])
def test_a_script_that_changed_is_refused_naming_the_change_that_no_longer_applies(script, name):
    assert name in [patch[0] for patch in SCRIPT_PATCHES]
    with pytest.raises(ScriptNotPatched, match=name):
        patched_script(script)


def talk(page_messages, *metas):
    """A `TabPage` given `metas` in turn; what it sent its page, and the page."""
    sent: list = []

    async def send(text: str) -> None:
        sent.append(json.loads(text))

    async def main():
        page = TabPage(TITLES, send)
        for meta in metas:
            await page.handle(meta)
            if page._rendering is not None:
                try:
                    await page._rendering
                except asyncio.CancelledError:
                    pass
        return page

    page = asyncio.run(main())
    page_messages.extend(sent)
    return page


@pytest.mark.parametrize("meta, expected", [
    ({"type": "language", "language": "es"}, [["language", {"language": "es", "title": TITLES["es"]}]]),
    ({"type": "language", "language": "fr"}, []),  # not one of the kiosk's: the page keeps its own
    ({"type": "speak_stop"}, [["speak_stop", None]]),
    ({"type": "speak", "language": "es", "ssml": 42}, []),
    ({"type": "speak", "language": "es", "ssml": "x" * 70_000}, []),  # longer than any screen
])
def test_the_page_is_told_its_language_and_title_and_nothing_it_cannot_use(meta, expected):
    sent: list = []
    talk(sent, meta)
    assert sent == expected


def test_a_tab_hears_its_newest_speech_by_its_own_name_only():
    espeak_ng()
    speech = {"type": "speak", "language": "es", "ssml": ssml(Speech("es", (("Llame al 911 ahora", "es"),)))}
    sent: list = []
    page = talk(sent, speech)
    ((kind, told),) = sent
    assert kind == "speak" and told["url"] == f"/speech/{page.token}/{page.serial}.wav"
    audio = page.audio(str(page.serial))
    assert audio[:4] == b"RIFF" and len(audio) > 10_000
    assert page.audio(str(page.serial + 1)) is None
    other = TabPage(TITLES, None)
    assert other.token != page.token and other.audio("0") is None
    page.stop()  # a new screen: the speech is gone
    assert page.audio(str(page.serial - 1)) is None and page.audio(str(page.serial)) is None
