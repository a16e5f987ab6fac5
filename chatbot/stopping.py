"""Stopping a UI cleanly when the machine asks (SIGTERM, SIGHUP and the other signals that would
otherwise kill the process where it stands, with the terminal left raw and answers on screen).

`StopSignals` catches them for as long as it is entered; the running app `attach`es itself and is
then asked to stop (`stop(number)`, on its own event loop) the moment one arrives, or at once if one
came before it was ready. Plain Python, for the terminal UI and the kiosk alike.
"""

from __future__ import annotations

import signal
from typing import Callable

_NOT_STOPPING = {"SIGKILL", "SIGSTOP",  # cannot be caught
                 "SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH",  # ignored by default: nothing to stop
                 "SIGTTIN", "SIGTTOU",  # stop by default (a background read or write), like SIGTSTP
                 "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT", "SIGTRAP", "SIGSYS",  # the program itself broke
                 "SIGPIPE"}  # Python ignores it already: a broken pipe is an error where it happens
PLAIN = ("SIGTERM", "SIGHUP")
"""What stops the plain terminal `chatbot` cleanly (ctrl+c stays Textual's own key)."""


def stopping_signals(leave_out: tuple[int, ...] = ()) -> tuple[int, ...]:
    """Every signal that would end this process where it stands, but those in `leave_out`."""
    return tuple(number for number in sorted(signal.valid_signals())
                 if number not in leave_out and _name(number) not in _NOT_STOPPING)


def named(names: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(getattr(signal, name) for name in names if hasattr(signal, name))


def _name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:  # a real-time signal: stops the process by default
        return f"SIGRT{number}"


class StopSignals:
    """Catch `numbers` while entered (`with`); ask the attached app to stop when one arrives."""

    def __init__(self, numbers: tuple[int, ...]) -> None:
        self.numbers = numbers
        self.received: int | None = None
        """The first signal that came, if any: whoever runs the next app stops instead."""
        self._loop = None
        self._stop: Callable[[int], object] | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        for number in self.numbers:
            try:
                self._previous[number] = signal.signal(number, self._caught)
            except (ValueError, OSError):  # not the main thread, or not allowed here
                pass
        return self

    def __exit__(self, *_) -> None:
        self.detach()
        for number, handler in self._previous.items():
            try:
                signal.signal(number, handler if handler is not None else signal.SIG_DFL)
            except (ValueError, OSError, TypeError):
                pass
        self._previous = {}

    def attach(self, loop, stop: Callable[[int], object]) -> None:
        """`stop(number)` runs on `loop` when a signal comes (now, if one already came)."""
        self._loop, self._stop = loop, stop
        if self.received is not None:
            loop.call_soon_threadsafe(stop, self.received)

    def detach(self) -> None:
        self._loop = self._stop = None

    def _caught(self, number: int, _frame) -> None:
        if self.received is None:
            self.received = number
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            try:
                loop.call_soon_threadsafe(stop, number)
            except RuntimeError:  # the loop has closed: the app is gone, `received` tells the caller
                pass
