"""`TerminalApp`: what every app drawn in a terminal here shares (the conversation, the kiosk, the nurse
station): the bounded input of `chatbot.terminal.driver`, and a clean end whatever is queued.

- It runs on `TerminalDriver` wherever Textual would run its Linux driver (a browser's `chatbot serve`
  tab keeps Textual's web driver).
- A signal that would end the process (SIGTERM, SIGHUP: `chatbot.stopping`) and a lost terminal both
  end the app through `exit`, so the terminal (if any) is restored and the caller closes the records:
  `stop_for_signal(number)` and `terminal_lost(why)`, which an app overrides to keep what must be kept.
  Input never piles up ahead of the stop: the driver hands the app a few inputs at a time.
- What a flood of keys lost is said once (`InputDropped`), and a field that cut a paste says so once
  (`TextField.TooLong`), in the app's language.
- The bell rings at most once a second, whatever asks for it.
"""

from __future__ import annotations

import asyncio
from time import monotonic

from textual import on
from textual.app import App

from chatbot.stopping import StopSignals
from chatbot.terminal.driver import Handed, InputDropped, TerminalLost
from chatbot.widgets import words
from chatbot.widgets.field import TextField

BELL_EVERY = 1.0
"""Seconds between two rings of the bell at the least."""
SAY_DROPPED_EVERY = 10.0
"""Seconds between two notices that keys were dropped: one for each flood."""


class TerminalApp(App):
    """The base of the apps drawn in a terminal (see the module's docstring). A subclass has `language`."""

    language: str = "en"
    stop_signals: StopSignals | None = None
    """Catches SIGTERM, SIGHUP ... for this run (`chatbot.stopping`): they end the app through
    `stop_for_signal`."""
    leaving = False
    """`exit` was called: this app is ending, and opens no new screen."""
    _rang = float("-inf")
    _said_dropped = float("-inf")

    def get_driver_class(self):
        """Textual's Linux driver becomes `TerminalDriver`; any other (web, Windows, one named by
        TEXTUAL_DRIVER) is kept."""
        driver_class = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver_class is LinuxDriver:
            from chatbot.terminal.driver import TerminalDriver

            return TerminalDriver
        return driver_class

    def on_mount(self) -> None:
        if self.stop_signals is not None:
            self.stop_signals.attach(asyncio.get_running_loop(), self.stop_for_signal)

    def on_unmount(self) -> None:
        if self.stop_signals is not None:
            self.stop_signals.detach()

    def exit(self, result=None, return_code: int = 0, message=None) -> None:
        self.leaving = True
        super().exit(result, return_code, message)

    def stop_for_signal(self, number: int) -> None:
        """The machine asks this app to stop (SIGTERM, SIGHUP): leave, as quitting does."""
        self.exit(return_code=0)

    def terminal_lost(self, why: str) -> None:
        """The terminal went away (`why`): nothing can be shown or read any more. Leave."""
        self.exit(return_code=0)

    @on(TerminalLost)
    def _terminal_lost(self, message: TerminalLost) -> None:
        if not self.leaving:
            self.log.warning(f"terminal lost: {message.why}")
            self.terminal_lost(message.why)

    @on(Handed)
    def _handed(self, message: Handed) -> None:
        message.done.set()  # the input before it is handled: the driver hands on the next

    @on(InputDropped)
    def _input_dropped(self, message: InputDropped) -> None:
        self.log.warning(f"{message.count} inputs dropped: they came faster than they could be handled")
        now = monotonic()
        if now - self._said_dropped >= SAY_DROPPED_EVERY:
            self._said_dropped = now
            self.notify(words.KEYS_DROPPED.get(self.language), severity="warning", timeout=6, markup=False)

    @on(TextField.TooLong)
    def _too_long(self, message: TextField.TooLong) -> None:
        """A field kept only the first characters of a paste (or of keys typed past its end): said once."""
        if not message.refused:  # a field that refuses a paste says why itself
            self.notify(words.CUT.fill(count=str(message.limit)).get(self.language), timeout=6, markup=False)

    def bell(self) -> None:
        """At most once a second: a flood of refused keys never becomes a flood of bells."""
        now = monotonic()
        if now - self._rang >= BELL_EVERY:
            self._rang = now
            super().bell()
