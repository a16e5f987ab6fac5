"""What a kiosk does on the way to its first frame, done once or not at all (issue 24, item 2 and first
paint): the styles a warm pool's fork server parses ahead (`chatbot.terminal.parsed_styles`), those plain
`chatbot` kept from its last run (`from_disk`, `to_disk`), the theme
and the screens' style sheets in the app's first style sheet, and a new screen's size classes set before
its widgets are styled. Each is held to draw exactly what the app drew without it.
"""

from __future__ import annotations

import asyncio
import stat
import threading

import pytest
import textual.css.stylesheet
from textual.screen import Screen

from chatbot.commands.arguments import kiosk_options, parse, ui_options
from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import KioskOptions
from chatbot.kiosk.supervisor import kiosk_app
from chatbot.terminal import parsed_styles
from chatbot.tui import SymptomCheckerApp
from tests.helpers.kiosk import run, start
from tests.helpers.pilot import quick
from tests.helpers.tui import ANSWERS_TO

FLOW = load_flow()


@pytest.fixture
def parsed():
    """`parsed_styles.PARSED` as a fork server leaves it, emptied again after the test (it is the process's)."""
    parsed_styles.PARSED.clear()
    yield parsed_styles.PARSED
    parsed_styles.PARSED.clear()


def screenshots(make_app, size=(80, 24)) -> list[str]:
    """The welcome, the first question and an ending, as drawn (colours and all) by a new app."""

    async def scenario(app, pilot):
        shots = [app.export_screenshot(title="kiosk")]
        await start(app, pilot)
        shots.append(app.export_screenshot(title="kiosk"))
        for typed in ANSWERS_TO["emergency"]:
            app.answer(typed)
        await pilot.pause()
        assert app.state.screen == "outcome"
        shots.append(app.export_screenshot(title="kiosk"))
        return shots

    return run(scenario, app_class=make_app, size=size)


def test_styles_parsed_ahead_are_every_style_a_new_kiosk_reads_and_it_draws_the_same(parsed):
    """After `prepare` (as the fork server calls it, on an app never run), a new kiosk parses nothing
    anew: every source its style sheet read was parsed ahead, and the very same rules are used."""
    unprepared = screenshots(KioskApp)
    assert parsed_styles.prepare(KioskApp(FLOW)) > 20
    made = []

    def make(*args, **kwargs):
        made.append(KioskApp(*args, **kwargs))
        return made[-1]

    assert screenshots(make) == unprepared
    [kept] = parsed.values()
    cache = made[0].stylesheet._parse_cache
    read = list(cache.keys())
    assert read and set(read) <= set(kept)
    assert all(cache.get(key) is kept[key] for key in read)


def test_another_theme_parses_its_own_styles(parsed):
    """Rules are kept by the theme's colours: an app in the calm theme is given none of the kiosk's."""
    parsed_styles.prepare(KioskApp(FLOW))
    calm = SymptomCheckerApp(FLOW)
    assert len(calm.stylesheet._parse_cache) == 0
    assert len(KioskApp(FLOW).stylesheet._parse_cache) > 20


def test_nothing_is_prepared_unless_asked_and_preparing_runs_no_loop_and_no_thread(parsed):
    """Plain `chatbot` and `chatbot --kiosk` parse as before; the fork server's preparation starts no
    thread and no event loop (its forks must have neither), and leaves the app it read untouched."""
    assert len(KioskApp(FLOW).stylesheet._parse_cache) == 0
    threads = threading.active_count()
    args = parse(["--kiosk", "--no-record"])
    app = kiosk_app(FLOW, ui_options(args), kiosk_options(args))
    parsed_styles.prepare(app)
    assert threading.active_count() == threads
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    assert len(app.stylesheet._parse_cache) == 0 and not app.is_running
    assert len(parsed) == 1


@pytest.mark.parametrize("size, classes", [((80, 24), {"-wide", "-short"}), ((50, 40), {"-narrow", "-tall"})])
def test_a_new_screen_has_its_size_classes_before_its_widgets_are_styled(size, classes):
    """The welcome, and the conversation composed below it after its first frame, are mounted with the
    classes Textual would give them at their first resize, so that nothing is styled twice; at 50 columns
    the kiosk's rows stack."""

    async def scenario(app, pilot):
        app.compose_conversation()
        await pilot.pause()
        shown = {screen.id: set(screen.classes) & {"-wide", "-narrow", "-short", "-tall"}
                 for screen in app.screen_stack if screen.id != "kiosk"}
        pushed = Screen(id="pushed")
        app.push_screen(pushed)
        before_mount = set(pushed.classes)
        await pilot.pause()
        return shown, before_mount, set(pushed.classes)

    shown, before_mount, after = run(scenario, options=KioskOptions(), size=size)
    assert shown == {"conversation": classes, "welcome": classes}
    assert before_mount == classes == after & {"-wide", "-narrow", "-short", "-tall"}


def test_the_high_contrast_theme_is_the_first_style_sheet_and_a_kiosk_never_parses_a_style_twice():
    """The kiosk's theme and its screens' style sheets (welcome, endings, dialogs) are in the app's first
    style sheet: showing the welcome, an ending and the restart dialog parses nothing again."""

    async def main():
        app = KioskApp(FLOW)
        parsed_sources = []  # each time Textual parses every style again
        original = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: (parsed_sources.append("reparse"), original())[1]
        async with quick(app.run_test(size=(80, 24))) as pilot:
            await pilot.pause()
            assert {"-theme-high-contrast", "-dark-mode"} <= set(app.classes)
            await start(app, pilot, ANSWERS_TO["emergency"])
            assert app.state.screen == "outcome"
            app.request_restart()
            await pilot.pause()
            assert app.screen.id == "confirm"
        return parsed_sources

    assert asyncio.run(main()) == []


def test_the_welcome_is_drawn_alone_and_the_conversation_composed_under_it_at_the_first_move():
    """A kiosk's first frame is its welcome alone: the conversation is composed under it afterwards (here
    at the first mouse move), never shown before Start, and the welcome keeps its focus."""

    async def scenario(app, pilot):
        first = [screen.id for screen in app.screen_stack], app.conversation_screen.is_mounted
        await pilot.hover("#welcome-title")
        await pilot.pause()
        return (first, [screen.id for screen in app.screen_stack], app.conversation_screen.is_mounted,
                app.screen.id, app.focused.id, tuple(app.conversation_screen.size))

    first, after, mounted, top, focused, size = run(scenario)
    assert first == (["kiosk", "welcome"], False)
    assert (after, mounted, top, focused) == (["kiosk", "conversation", "welcome"], True, "welcome", "start")
    assert size == (80, 24)  # laid out under the welcome: Start has nothing left to lay out


def test_the_conversation_is_composed_a_moment_after_the_welcome_with_nobody_there(monkeypatch):
    """With no move at all, the conversation is composed `COMPOSE_AFTER` seconds after the welcome is shown."""
    from chatbot.kiosk import app as kiosk_module

    monkeypatch.setattr(kiosk_module, "COMPOSE_AFTER", 0.01)

    async def scenario(app, pilot):
        for _ in range(100):
            if app.conversation_screen.is_mounted:
                break
            await pilot.pause(0.01)
        return [screen.id for screen in app.screen_stack], app.screen.id

    assert run(scenario) == (["kiosk", "conversation", "welcome"], "welcome")


@pytest.mark.parametrize("language", ["en", "es"])
def test_start_pressed_before_the_conversation_is_composed_asks_the_first_question(language):
    """Enter on Start at once (the key composes the conversation, which is not ready when Start takes the
    press): the first question, in the language chosen, all the same."""

    async def scenario(app, pilot):
        composed_before = app.conversation_screen.is_mounted
        await pilot.press("enter")
        for _ in range(100):
            if app.screen.id == "conversation":
                break
            await pilot.pause(0.01)
        await pilot.pause()
        return composed_before, app.state

    composed_before, state = run(scenario, language=language)
    assert not composed_before
    assert (state.screen, state.question_id, state.language) == ("conversation", FLOW.start, language)


@pytest.fixture
def kept_styles(tmp_path, monkeypatch):
    """A private cache folder for the start-up cache; the folder of the styles' copies, and the sources
    Textual parses (where each was read from), counted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CHATBOT_FLOW_CACHE", raising=False)
    parsed = []
    real = textual.css.stylesheet.parse

    def counting(scope, css, read_from, *args, **kwargs):
        parsed.append(read_from)
        return real(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counting)
    return tmp_path / "cache" / "chatbot" / "styles", parsed


def plain_run(theme: str = "default") -> tuple[str, int]:
    """A plain `chatbot`'s run as `run_app` makes it, to its first question: what it drew (colours and all)
    and the number of sources it read from the last run's copy; it keeps its own for the next."""

    async def main():
        app = SymptomCheckerApp(FLOW, theme=theme)
        kept = parsed_styles.from_disk(app)
        async with quick(app.run_test(size=(80, 24))) as pilot:
            await pilot.pause()
            shot = app.export_screenshot(title="first")
        parsed_styles.to_disk(app)
        return shot, kept

    return asyncio.run(main())


def test_plain_chatbot_parses_no_style_its_last_run_parsed_and_draws_the_same(kept_styles):
    """The first run parses its styles and keeps them (a private copy); the next parses none of them on the
    way to its first frame, and draws exactly what the first drew."""
    folder, parsed = kept_styles
    first, kept = plain_run()
    assert kept == 0 and len(parsed) > 10
    [copy] = folder.iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    parsed.clear()
    second, kept = plain_run()
    assert kept > 10 and parsed == []
    assert second == first
    written = copy.stat().st_mtime_ns
    plain_run()
    assert copy.stat().st_mtime_ns == written  # nothing new parsed: the copy is not written again


@pytest.mark.parametrize("spoil", ["folder others may write", "copy others may write", "broken copy",
                                   "another theme", "cache turned off"])
def test_kept_styles_are_never_trusted_blindly(kept_styles, spoil, monkeypatch):
    """A copy others could have written, or a broken one, is not read (the styles are parsed as usual, and
    a broken copy replaced); nor are the rules kept for other colours; `CHATBOT_FLOW_CACHE=0` keeps none."""
    folder, parsed = kept_styles
    if spoil == "cache turned off":
        monkeypatch.setenv("CHATBOT_FLOW_CACHE", "0")
    plain_run()
    copies = list(folder.iterdir()) if folder.exists() else []
    if spoil == "folder others may write":
        folder.chmod(0o777)
    elif spoil == "copy others may write":
        copies[0].chmod(0o666)
    elif spoil == "broken copy":
        copies[0].write_bytes(b"not a pickle")
    parsed.clear()
    shot, kept = plain_run("high-contrast" if spoil == "another theme" else "default")
    assert kept == 0 and len(parsed) > 10
    if spoil == "cache turned off":
        assert copies == [] and not folder.exists()
    if spoil == "broken copy":
        assert plain_run()[1] > 10
