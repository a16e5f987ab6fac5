"""The signals a terminal sends for ctrl+c, ctrl+\\ and ctrl+z, ignored while a kiosk runs.

Textual turns those keys into key presses, which the kiosk drops; with
TEXTUAL_ALLOW_SIGNALS the terminal sends signals instead, and these keep them
harmless. SIGTERM still stops the kiosk, for the machine's own shutdown.
"""

from __future__ import annotations

import signal

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGQUIT", "SIGTSTP") if hasattr(signal, name))


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
