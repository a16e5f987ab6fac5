"""An unexpected error never shows a traceback: the kiosk logs it (no answers) and starts again
at the welcome, and stops with status 70 and a calm message only after repeated errors.

The errors come from a test-only hook in a real action (`FailingKiosk.answer`), reached by a
key (the app's own message loop) or by a tap (a screen's loop), and from a callback on the
app's own loop, which only `supervise` can mend by starting a new app.
"""

from __future__ import annotations

import weakref

import pytest
from rich.traceback import Traceback

from chatbot.kiosk import log as kiosk_log
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import CALM_STOP, CRASH_EXIT, CrashWindow, KioskOptions
from chatbot.kiosk.supervisor import supervise
from chatbot.flowfile.loader import load_flow
from tests.helpers.kiosk import all_text, run, tap, wait_for

FLOW = load_flow()

OPTIONS = KioskOptions(idle_timeout=60, idle_warning=60)


class FailingKiosk(KioskApp):
    """A kiosk whose every "yes" fails, with the person's answers in the error's message."""

    def answer(self, typed):
        if typed.casefold() == "yes":
            raise RuntimeError(f"cannot take {typed!r} after {[turn.shown for turn in self.conversation.transcript]}")
        return super().answer(typed)


def log_text() -> str:
    return kiosk_log.log_path().read_text(encoding="utf-8")


async def fail(app, pilot, how: str) -> None:
    """Start, answer the first question, then say yes to the second: by a key or by a tap."""
    await tap(app, pilot, "#start")
    app.answer("7")
    await pilot.pause()
    if how == "key":
        await pilot.press("y")
    else:
        await tap(app, pilot, "#answer-yes")


async def fail_once(app, pilot, how: str) -> None:
    await fail(app, pilot, how)
    await wait_for(pilot, lambda: not app.wiping and app.screen.id == "welcome")


def test_errors_restart_at_the_welcome_logged_without_answers_until_the_third_stops_the_kiosk():
    async def scenario(app, pilot):
        seen = []
        for how in ("key", "tap"):  # a key to a screen's action, a tap on a button: both post the answer to the app
            session = app.session
            await fail_once(app, pilot, how)
            seen.append((session, app.is_running, all_text(app), list(app._exit_renderables)))
        await tap(app, pilot, "#start")  # the new screens work
        app.answer("7")
        await pilot.pause()
        working = app.state
        await pilot.press("y")  # the third error
        await pilot.pause()
        return seen, working, (app.is_running, app.return_code, list(app._exit_renderables))

    seen, working, (running, status, shown) = run(scenario, options=OPTIONS, app_class=FailingKiosk)
    log = log_text()
    for number, (session, still_running, left, shown_so_far) in enumerate(seen, 1):
        assert still_running and shown_so_far == []  # no traceback, nothing printed
        assert "None of these" not in left
        assert f"session={session} error {number} of 3 allowed: restarting at the welcome screen" in log
    assert (working.question_id, working.answers) == ("white_count", (("danger_signs", "None of these"),))
    assert "builtins.RuntimeError" in log and "at chatbot/tui.py:" in log  # the app answers what a screen posts
    for secret in ("cannot take", "'yes'", "None of these"):
        assert secret not in log
    assert not running and status == CRASH_EXIT
    assert shown == [CALM_STOP] and not any(isinstance(item, Traceback) for item in shown)
    assert "error 3 of 3 allowed: stopping the kiosk" in log


class BrokenLoopKiosk(KioskApp):
    """Fails on the app's own message loop, `breaks` times in all (counted across apps)."""

    made = 0
    breaks = 1

    def on_mount(self) -> None:
        BrokenLoopKiosk.made += 1
        if BrokenLoopKiosk.made <= BrokenLoopKiosk.breaks:
            self.call_next(self.explode)
        else:
            self.call_later(self.exit, None, 0)  # staff left: status 0

    def explode(self) -> None:
        raise LookupError("the app's own loop breaks here")


@pytest.mark.parametrize("breaks, status, apps", [(1, 0, 2), (3, CRASH_EXIT, 3)])
def test_an_error_on_the_apps_own_loop_starts_a_new_app_until_too_many(breaks, status, apps, capsys):
    BrokenLoopKiosk.made, BrokenLoopKiosk.breaks = 0, breaks
    crashes = CrashWindow(OPTIONS.max_crashes, OPTIONS.crash_window)

    def make_app(crashes):
        return BrokenLoopKiosk(FLOW, kiosk=OPTIONS, crashes=crashes)

    assert supervise(make_app, crashes, headless=True) == status
    assert BrokenLoopKiosk.made == apps
    assert log_text().count("builtins.LookupError") == breaks
    assert "Traceback" not in capsys.readouterr().err


def test_a_new_app_starts_only_once_the_broken_one_is_gone_from_memory():
    """Nothing of the last person outlives a restart, not even as garbage waiting to be collected."""
    BrokenLoopKiosk.made, BrokenLoopKiosk.breaks = 0, 1
    crashes = CrashWindow(OPTIONS.max_crashes, OPTIONS.crash_window)
    earlier, alive_at_restart = [], []

    def make_app(crashes):
        alive_at_restart.extend(ref() is not None for ref in earlier)
        app = BrokenLoopKiosk(FLOW, kiosk=OPTIONS, crashes=crashes)
        earlier.append(weakref.ref(app))
        return app

    assert supervise(make_app, crashes, headless=True) == 0
    assert alive_at_restart == [False]
