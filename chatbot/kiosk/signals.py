"""The signals a terminal sends for ctrl+c, ctrl+\\ and ctrl+z, ignored while a kiosk runs.

Textual turns those keys into key presses, which the kiosk drops; with
TEXTUAL_ALLOW_SIGNALS the terminal sends signals instead, and these keep them
harmless. Every other signal that would end the process (SIGTERM, SIGHUP ...: `chatbot.stopping`)
stops the kiosk cleanly instead, for the machine's own shutdown (`kiosk_stop_signals`).
"""

from __future__ import annotations

import signal

from chatbot.stopping import stopping_signals

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGQUIT", "SIGTSTP", "SIGTTIN", "SIGTTOU")
                     if hasattr(signal, name))
"""Ignored: ctrl+c, ctrl+\\ and ctrl+z, and the background read and write that would suspend the kiosk too."""


def ignore_stop_signals() -> dict[int, object]:
    """Ignore the signals a terminal sends for ctrl+c, ctrl+\\ and ctrl+z; the handlers they had."""
    previous = {}
    for number in STOP_SIGNALS:
        try:
            previous[number] = signal.signal(number, signal.SIG_IGN)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            pass
    return previous


def restore_signals(previous: dict[int, object]) -> None:
    for number, handler in previous.items():
        try:
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        except (ValueError, OSError, TypeError):
            pass


def kiosk_stop_signals() -> tuple[int, ...]:
    """The signals that stop a kiosk cleanly: every one that would end it, but those it ignores."""
    return stopping_signals(leave_out=STOP_SIGNALS)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
