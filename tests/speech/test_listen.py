"""The Listen control (the l key and a button) on every screen of the plain conversation and the
kiosk, `--speak`, a machine without espeak-ng, and "Are you still there?" with More time (WCAG 2.2.1)."""

from __future__ import annotations

import asyncio
import wave

import pytest

from chatbot.flow.kinds import QuestionKind
from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.rules import KioskOptions
from chatbot.speech.speaker import BrowserSpeaker, NoSpeaker, Speaker
from chatbot.speech.speech import ssml
from chatbot.tui import SymptomCheckerApp
from chatbot.widgets import words
from chatbot.widgets.spoken import spoken
from tests.helpers.kiosk import idle_for, run as run_kiosk, start, tap
from tests.helpers.needs import espeak_ng
from tests.helpers.pilot import quick
from tests.helpers.screen import screen_text
from tests.helpers.tui import ANSWERS_TO, run as run_tui


class Heard(list):
    """What a speaker was given (a `BrowserSpeaker` whose page is this list): the text of each `say`,
    None for each `stop`."""

    def __init__(self) -> None:
        super().__init__()
        self.speaker = BrowserSpeaker(self._sent)

    def _sent(self, meta: dict) -> None:
        self.append(meta["ssml"] if meta["type"] == "speak" else None)

    @property
    def said(self) -> list[str]:
        return [text for text in self if text is not None]


def notices(app) -> list[str]:
    """The notices the app has shown (tests run without drawing toasts)."""
    return [notification.message for notification in app._notifications]


def says(app) -> str:
    """The SSML of what the screen on top says."""
    return ssml(spoken(app.screen, app.language))


async def listen_everywhere(app, pilot, heard: Heard, way: str) -> list[tuple[str, bool]]:
    """Listen (by `way`: the key, or a tap on the button) on the screen on top; (screen id, what was
    said is that screen's words)."""
    before = len(heard.said)
    if way == "key":
        await pilot.press("l")
    else:
        await tap(app, pilot, ".listen, #listen")
    return [(app.screen.id, len(heard.said) == before + 1 and heard.said[-1] == says(app))]


@pytest.mark.parametrize("way", ["key", "button"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_listen_says_every_screen_of_the_conversation(way, language):
    async def scenario(app, pilot):
        heard = Heard()
        app.speaker = heard.speaker
        seen = await listen_everywhere(app, pilot, heard, way)  # the first question
        for answer in ANSWERS_TO["emergency"]:
            app.answer(answer)
        await pilot.pause()
        seen += await listen_everywhere(app, pilot, heard, way)  # the emergency
        await pilot.press("r")
        seen += await listen_everywhere(app, pilot, heard, way)  # "Start again?"
        return seen

    seen = run_tui(scenario, language=language)
    assert seen == [("conversation", True), ("outcome", True), ("confirm", True)]


@pytest.mark.parametrize("way", ["key", "button"])
def test_listen_says_every_screen_of_the_kiosk(way):
    async def scenario(app, pilot):
        heard = Heard()
        app.speaker = heard.speaker
        seen = await listen_everywhere(app, pilot, heard, way)  # the welcome
        await start(app, pilot, ["7"])  # then who the person is
        app.screen.query_one("#identify-skip").focus()  # in its field, l is a letter of the ticket
        seen += await listen_everywhere(app, pilot, heard, way)
        await tap(app, pilot, "#identify-skip")
        seen += await listen_everywhere(app, pilot, heard, way)  # a question
        await idle_for(app, pilot, 60)
        seen += await listen_everywhere(app, pilot, heard, way)  # "Are you still there?"
        await pilot.press("y")
        for answer in ["yes", "yes", "39"]:  # a fever with a low count
            app.answer(answer)
        await pilot.pause()
        seen += await listen_everywhere(app, pilot, heard, way)  # the emergency
        return seen

    seen = run_kiosk(scenario, options=KioskOptions(idle_timeout=60, idle_warning=30, identify="ticket"))
    assert seen == [("welcome", True), ("identify", True), ("conversation", True), ("still-there", True),
                    ("outcome", True)]


def test_the_welcome_says_each_language_in_its_own_voice():
    async def scenario(app, pilot):
        return spoken(app.screen, app.language).pieces

    pieces = run_kiosk(scenario)
    assert ("English", "en") in pieces and ("Español", "es") in pieces
    assert pieces[-1] == ("Start", "en") and not any("Listen" in text for text, _ in pieces)


def test_with_speak_every_new_screen_is_said_and_the_last_one_stops():
    async def scenario(app, pilot):
        heard = Heard()
        app.speaker = heard.speaker
        app.speak_new_screens = True
        await pilot.pause()
        at_welcome = list(heard)
        await start(app, pilot)
        first = says(app)
        await pilot.press("7", "enter")
        await pilot.pause()
        second = says(app)
        for answer in ["yes", "yes", "39"]:
            app.answer(answer)
            await pilot.pause()
        emergency = says(app)
        await pilot.press("d")  # Done: the wipe, and the welcome, which is not said
        await app.workers.wait_for_complete()
        await pilot.pause()
        return at_welcome, heard, first, second, emergency

    at_welcome, heard, first, second, emergency = run_kiosk(scenario)
    assert at_welcome == []  # nobody may be at the welcome: it is not said by itself
    assert heard.said[0] == first and heard.said[1] == second
    assert heard.said[-1] == emergency and "Call 911 now" in emergency
    assert heard[-1] is None  # the welcome after Done stops whatever was still being said
    assert len(heard.said) == 5  # each question once, and the emergency


def test_without_espeak_ng_listen_says_so_and_everything_else_works(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    async def scenario(app, pilot):
        await pilot.press("l")
        shown = notices(app)
        for answer in ANSWERS_TO["emergency"]:
            app.answer(answer)
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("l")  # on the ending: said in its quiet line, never over "Call 911"
        quiet = app.screen.query_one("#outcome-quiet")
        on_ending = (notices(app), str(quiet.render()) if quiet.display else "")
        return isinstance(app.speaker, NoSpeaker), shown, app.state.outcome_level, on_ending

    missing, shown, level, on_ending = run_tui(scenario)
    assert missing and level == "emergency"
    assert shown == [words.SPEECH_MISSING.get("en")]
    assert on_ending == ([], words.SPEECH_MISSING.get("en"))


def test_a_kiosk_reads_aloud_with_espeak_ng(tmp_path):
    """The real program, through the app: Listen on an emergency writes its words as a WAV."""
    espeak_ng()

    async def scenario(app, pilot):
        app.speaker = Speaker(to_folder=tmp_path)
        await start(app, pilot, ["1"])
        await pilot.press("l")
        app.speaker.close()  # waits for the file
        return sorted(tmp_path.glob("*.wav"))

    files = run_kiosk(scenario)
    assert [file.name for file in files] == ["0001-en.wav"]
    with wave.open(str(files[0])) as sound:
        assert sound.getnframes() / sound.getframerate() > 3  # a whole emergency's instructions


# -- "Are you still there?": More time (WCAG 2.2.1) ------------------------------------------------

@pytest.mark.parametrize("way", ["key", "tap"])
def test_more_time_doubles_the_time_before_the_question_and_says_how_long(way):
    async def scenario(app, pilot):
        await start(app, pilot, ["7", "no"])
        await idle_for(app, pilot, 60)
        asked = screen_text(app)
        if way == "key":
            await pilot.press("m")
        else:
            await tap(app, pilot, "#still-there-more")
        await pilot.pause()
        told = notices(app)
        await idle_for(app, pilot, 119)
        quiet = app.screen.id
        await idle_for(app, pilot, 1)
        again = app.screen.id, screen_text(app)
        await pilot.press("y")
        await pilot.press("d")  # not an outcome: nothing happens
        return asked, told, quiet, again, app.idle_allowed

    asked, told, quiet, (again, again_text), allowed = run_kiosk(
        scenario, options=KioskOptions(idle_timeout=60, idle_warning=30))
    assert "In 30 s your answers will be cleared" in asked and "More time: 2 min" in asked
    assert told == ["You have 2 min before I ask again."]
    assert quiet == "conversation" and again == "still-there"  # 120 s, not 60
    assert "More time: 4 min" in again_text
    assert allowed == 120


def test_more_time_ends_at_its_most_and_a_new_person_starts_again():
    async def scenario(app, pilot):
        await start(app, pilot, ["7"])
        allowed = []
        for _ in range(4):
            await idle_for(app, pilot, app.idle_allowed)
            await pilot.press("m")
            allowed.append(app.idle_allowed)
        await idle_for(app, pilot, app.idle_allowed)
        offered = bool(app.screen.query("#still-there-more"))
        await idle_for(app, pilot, 30)  # the countdown runs out: wiped
        await app.workers.wait_for_complete()
        await pilot.pause()
        return allowed, offered, app.idle_allowed

    allowed, offered, after = run_kiosk(scenario, options=KioskOptions(idle_timeout=60, idle_warning=30))
    assert allowed == [120, 240, 480, 480] and not offered
    assert after == 60


def test_listen_on_are_you_still_there_says_it_and_starts_the_count_again():
    async def scenario(app, pilot):
        heard = Heard()
        app.speaker = heard.speaker
        await start(app, pilot, ["7"])
        await idle_for(app, pilot, 60)
        await idle_for(app, pilot, 25)
        await pilot.press("l")
        await idle_for(app, pilot, 25)
        return app.screen.id, heard.said[-1], screen_text(app)

    screen, said, text = run_kiosk(scenario, options=KioskOptions(idle_timeout=60, idle_warning=30))
    assert screen == "still-there" and "Are you still there?" in said
    assert "In 5 s your answers will be cleared" in text


def test_a_screen_is_read_only_once_its_controls_have_drawn_their_words():
    """On a busy machine a control's buttons can mount a frame after the control: until it has drawn
    them, `drawn` says no, so what is said is never the blank (or a CSS name) of a button."""
    from textual.app import App
    from textual.screen import Screen

    from chatbot.widgets.button import Button
    from chatbot.widgets.controls import YesNoControls, drawn

    class LateButtons(YesNoControls):
        def compose(self):
            return iter(())

        def on_mount(self) -> None:
            self.call_after_refresh(self.mount_all, [Button("", id=name, classes="answer") for name, _, _ in self.KEYS])
            super().on_mount()

    flow = load_flow("flows/symptoms.yaml")
    question = next(each for each in flow.questions.values() if each.kind == QuestionKind.YES_NO)
    seen: list[tuple[bool, str]] = []

    async def main() -> None:
        async with App().run_test() as pilot:
            screen = Screen()
            await pilot.app.push_screen(screen)
            controls = LateButtons()
            await screen.mount(controls)
            controls.show(question, "en")
            for _ in range(6):
                seen.append((drawn(screen), " ".join(words for words, _ in spoken(screen, "en").pieces)))
                await pilot.pause()

    asyncio.run(main())
    assert seen[0] == (False, "")  # mounted, not drawn: nothing to read yet
    assert all("Yes y" in said for ready, said in seen if ready) and any(ready for ready, _ in seen)
