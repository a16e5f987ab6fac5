"""What is heard is what is seen: on every screen of replay scripts, in English and Spanish, the
words Listen says (`chatbot.widgets.spoken`) are the words drawn on the screen, in reading order;
and each screen's speech renders to a WAV in the voice of its language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chatbot.replay import ScriptReader
from chatbot.speech import espeak
from chatbot.tui import SymptomCheckerApp
from chatbot.widgets.spoken import said, spoken
from tests.helpers.needs import espeak_ng
from tests.helpers.pilot import quick
from tests.helpers.screen import screen_text

CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"
CHOSEN = {"spanish.yaml": 2, "endings.yaml": 3, "routine.yaml": 1, "going-back.yaml": 1, "reprompts.yaml": 1}
"""Scripts (the first of each file) that reach every kind of question, every level, a reprompt and a
step back, in both languages: every screen of each is checked."""
SCRIPTS = {script.name: script for file, count in CHOSEN.items()
           for script in ScriptReader().read([CONVERSATIONS / file])[:count]}
LARGE = (120, 90)
"""A screen large enough that nothing of the spoken parts is scrolled out of sight."""


def drawn_words(app, language: str) -> list[str]:
    """The words drawn inside the screen's spoken parts, read as a person reads: row by row, left to
    right, the parts in their order."""
    lines = screen_text(app).splitlines()
    screen = app.screen
    words: list[str] = []
    for selector in screen.SPOKEN:
        for root in screen.query(selector):
            region = root.region
            assert root.max_scroll_y == 0, f"{selector} is scrolled: make the test's screen larger"
            rows = [lines[y][region.x:region.right] for y in range(region.y, region.bottom) if y < len(lines)]
            words += said(" ".join(rows), language).split()
    return words


async def screens_of(script, language: str, see) -> int:
    """Replay `script` in the app, calling `see(app)` on the first screen and after every step."""
    app = SymptomCheckerApp(script.flow, language=language)
    count = 0
    async with quick(app.run_test(size=LARGE)) as pilot:
        await pilot.pause()
        see(app)
        for step in script.steps:
            if step.kind == "answer":
                app.answer(step.typed)
            elif step.kind == "back":
                app.go_back()
            else:
                app.start_over()
            await pilot.pause()
            see(app)
            count += 1
    return count


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_screen_says_exactly_the_words_it_shows_in_reading_order(name):
    script = SCRIPTS[name]
    seen = []

    def see(app):
        speech = spoken(app.screen, app.language)
        assert speech.language == script.language
        assert speech.words == drawn_words(app, app.language), f"screen {app.screen.id} of {name}"
        assert speech, f"screen {app.screen.id} says nothing"
        seen.append(app.screen.id)

    asyncio.run(screens_of(script, script.language, see))
    assert len(seen) == len(script.steps) + 1


def test_an_emergency_says_its_instructions_first():
    script = next(s for s in SCRIPTS.values() if s.expect.level == "emergency" and s.language == "es")
    endings = []

    def see(app):
        if app.screen.id == "outcome":
            endings.append(spoken(app.screen, app.language).pieces)

    asyncio.run(screens_of(script, "es", see))
    title, text = endings[-1][0][0], endings[-1][1][0]
    assert title.startswith("Llame al 911") and "sala de emergencias" in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_screen_of_a_conversation_renders_to_a_wav_in_its_voice(tmp_path, language):
    """CI renders the speech of every screen of a conversation, in English and in Spanish."""
    espeak_ng()
    script = next(s for s in SCRIPTS.values() if s.language == language and s.expect.level == "emergency")
    speeches = []
    asyncio.run(screens_of(script, language, lambda app: speeches.append(spoken(app.screen, app.language))))
    for number, speech in enumerate(speeches):
        assert speech.language == language
        path = espeak.render_wav(speech, tmp_path / f"{number}.wav")
        assert path.stat().st_size > 10_000, f"screen {number} rendered almost nothing"
        wrong = "es" if language == "en" else "en"
        other = espeak.render_wav(type(speech)(wrong, tuple((text, wrong) for text, _ in speech.pieces)),
                                  tmp_path / f"{number}-other.wav")
        assert path.read_bytes() != other.read_bytes()  # the voice is the language's own
