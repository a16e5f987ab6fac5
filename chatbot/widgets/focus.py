"""Keys that move the focus take effect before the next key is handed on, so keys typed ahead are kept.

Textual hands each key to the widget that has the focus when the app reads it. Tab,
handled by a screen's binding after the field had its turn, and a field that moves the
focus when it is submitted (`Widget.focus` waits for the app's queue) both move it
only after the keys typed right behind them were handed to the old field: a quick
"Maria", Tab, "1950" put "1950" after "Maria". Bound here with priority, Tab and
Shift+Tab (and, in a form, Enter that moves to the next field: `move_focus`) move the
focus at once, while the app reads the key, and the next key goes where the person sees
the cursor.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget

FOCUS_KEYS = [
    Binding("tab", "focus_next", "Next", show=False, priority=True),
    Binding("shift+tab", "focus_previous", "Previous", show=False, priority=True),
]
"""For an app's BINDINGS."""


def move_focus(to: Widget) -> None:
    """Focus `to` now (not after the keys already waiting in the app's queue)."""
    to.screen.set_focus(to)
