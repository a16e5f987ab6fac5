"""Keys typed ahead take effect in the order they were typed, where the person saw the cursor.

Textual hands each key to the widget that has the focus when the app reads it; a key that a
binding handles (Tab, a field's Backspace) is bound only after the field had its turn, when
the key comes back up to the app, and by then the keys typed right behind it were handed on
too. So a quick "Maria", Tab, "1950" put "1950" after "Maria"; "38.6", Backspace, "5" gave
"38.6" (the Backspace took the 5); and a field that moves the focus when it is submitted
(`Widget.focus` waits for the app's queue) lost the keys behind Enter the same way.

- `FOCUS_KEYS`, for an app's BINDINGS: Tab and Shift+Tab bound with priority, so they move the
  focus at once, while the app reads the key;
- `move_focus(widget)`: the focus moved now (a form's Enter that moves to the next field, bound
  with priority);
- and `chatbot.widgets.field.TextField`, every text field here, handles its editing keys
  (Backspace, Delete, the arrows, Home, End) in its own turn, in order with the characters
  around them (`EDITING`).
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


EDITING = {"backspace": "delete_left", "delete": "delete_right", "left": "cursor_left", "right": "cursor_right",
           "home": "home", "end": "end"}
"""The keys a text field edits with, and Input's action for each (`TextField.on_key`)."""
