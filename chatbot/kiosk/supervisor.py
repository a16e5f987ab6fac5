"""The kiosk's supervisor: runs one `KioskApp` after another while unexpected errors end
them, until too many do (`chatbot --kiosk`).

An error inside a screen is mended by the app itself; one that ends the app's own loop
ends that app, and the supervisor starts a new one at the welcome, after collecting
everything of the last person. `max_crashes` errors within `crash_window` seconds stop
the kiosk with exit status 70 and a calm message.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Callable

from chatbot.flow.model import Flow
from chatbot.kiosk import log as kiosk_log
from chatbot.kiosk.app import KioskApp
from chatbot.kiosk.rules import CALM_STOP, CRASH_EXIT, CrashWindow, KioskOptions, screen_gone
from chatbot.kiosk.signals import ignore_stop_signals, kiosk_stop_signals, restore_signals
from chatbot.stopping import StopSignals
from chatbot.options import UIOptions

if TYPE_CHECKING:
    from chatbot.records.recorder import Recorder


def supervise(make_app: Callable[[CrashWindow], KioskApp], crashes: CrashWindow, *,
              headless: bool = False) -> int:
    """Run kiosk apps one after another while errors end them, until too many do; the exit status.

    An error Textual itself raises is counted on the clock of the app that failed. A signal that
    would end the process (SIGTERM, SIGHUP ...) ends the running app cleanly, and the kiosk with 0.
    """
    previous = ignore_stop_signals()
    stops = StopSignals(() if headless else kiosk_stop_signals())
    try:
        with stops:
            return _supervise(make_app, crashes, stops, headless)
    finally:
        restore_signals(previous)
        if stops.received is not None and not headless:
            _clear_terminal()


def _supervise(make_app: Callable[[CrashWindow], KioskApp], crashes: CrashWindow, stops: StopSignals,
               headless: bool) -> int:
    while True:
        if stops.received is not None:
            return 0  # stopped between two apps
        app = make_app(crashes)
        app.stop_signals = stops
        try:
            app.run(headless=headless)
        except Exception as error:  # Textual itself failed: a new app, as for any error
            if not app.leaving and not screen_gone(error):  # the browser or screen went away: not a crash
                count = crashes.record(app.clock())
                kiosk_log.log_crash(app.session, error, count, crashes.limit)
                app.restart_wanted = not crashes.too_many
        if stops.received is not None:
            return 0
        if app.restart_wanted and not crashes.too_many:
            app = None
            gc.collect()  # everything of the last person goes now, before a new app sets aside what it finds
            continue
        if crashes.too_many and app.return_code != CRASH_EXIT:
            print(CALM_STOP, file=sys.stderr)
            return CRASH_EXIT
        return app.return_code or 0


def _clear_terminal() -> None:
    """After a stop by signal: the terminal's own screen and scrollback cleared too (Textual has left
    its alternate screen), for terminals that draw everything on one."""
    out = sys.__stdout__
    try:
        if out is not None and out.isatty():
            out.write("\x1b[H\x1b[2J\x1b[3J")
            out.flush()
    except (OSError, ValueError):
        pass


def run_kiosk(flow: Flow, options: UIOptions, kiosk: KioskOptions, recorder: Recorder | None = None) -> int:
    """`chatbot --kiosk`: the kiosk on `flow`, with the options given on the command line, each person
    kept by `recorder` (a writer only: a kiosk reads nothing back; closed by the caller)."""
    crashes = CrashWindow(kiosk.max_crashes, kiosk.crash_window)

    def make_app(crashes: CrashWindow) -> KioskApp:
        app = kiosk_app(flow, options, kiosk, crashes)
        app.recorder = recorder
        app.speak_new_screens = options.speak
        return app

    return supervise(make_app, crashes)


def kiosk_app(flow: Flow, options: UIOptions, kiosk: KioskOptions, crashes: CrashWindow | None = None) -> KioskApp:
    """The kiosk's app as the command line's options make it (not yet run)."""
    return KioskApp(flow, kiosk=kiosk, crashes=crashes, emergency_number=options.emergency_number,
                    language=options.language, theme=options.theme or "high-contrast")
