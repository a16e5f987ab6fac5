"""`TextField`: Textual's `Input` for everything a person types here (the temperature, who they are
at a kiosk, a nurse's name, PIN, amendment and reason), taking a paste as one input.

A paste, bracketed or typed faster than a person types (`chatbot.terminal` makes both one
`events.Paste`), is cleaned once (its first line, without control or invisible characters) and put in
whole if it fits. If it does not, the field keeps what fits and says so once (`TooLong`, which the
app shows as "Only the first N characters were kept"), or, with `too_long="refuse"`, keeps nothing
and says so (the temperature: a reading is never cut into another reading). Keys typed past the
limit say the same once, where Textual rang the bell at every one of them. Its editing keys take
effect in the order they were typed (`chatbot.widgets.typeahead`).
"""

from __future__ import annotations

import re

from textual import events
from textual.message import Message
from textual.widgets import Input

from chatbot.flow.text import printable
from chatbot.widgets.sized import SizedByLayout
from chatbot.widgets.typeahead import EDITING

MOST_READ = 4096
"""Characters of a paste looked at: more than any field holds, so a megabyte costs no more."""
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


class TextField(SizedByLayout, Input):
    """An `Input` that takes a paste as one input and says once that it was cut (module docstring).

    Input sets its virtual size at every character typed: `SizedByLayout` makes that a repaint, so a digit
    is drawn in one frame, not after a layout of the whole screen and a second frame for the chat's
    scroll bar (the field's width is its style's, and it scrolls its text by its virtual size itself)."""

    class TooLong(Message):
        """More was pasted or typed than the field holds (`limit` characters): the field kept the first
        `limit`, or, `refused`, kept nothing of the paste."""

        def __init__(self, field: TextField, limit: int, refused: bool = False) -> None:
            super().__init__()
            self.field = field
            self.limit = limit
            self.refused = refused

        @property
        def control(self) -> TextField:
            return self.field

    def __init__(self, *args, too_long: str = "cut", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if too_long not in ("cut", "refuse"):
            raise ValueError("too_long is 'cut' or 'refuse'")
        self.too_long = too_long
        self._said = False
        """Said that something was cut since the field last had room: not again."""

    def on_key(self, event: events.Key) -> None:
        """An editing key takes effect now, in turn with the characters typed around it: Input's own
        bindings for it would run only when the key came back up to the app, after the keys typed
        behind it (a quick "38.6", Backspace, "5" gave 38.6). `chatbot.widgets.typeahead`."""
        action = EDITING.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()  # neither Input's own key handling nor a binding: done here
            getattr(self, f"action_{action}")()

    def watch_value(self, value: str) -> None:
        if self.max_length and len(value) < self.max_length:
            self._said = False

    def on_paste(self, event: events.Paste) -> None:
        """The paste as one input: cleaned, then put in whole, cut once, or refused."""
        event.prevent_default()  # not Input's own paste, which refuses all of it with a bell
        event.stop()
        text = printable(_LINE_BREAK.split(event.text[:MOST_READ], 1)[0], None)
        start, end = sorted(self.selection) if not self.selection.is_empty else (self.cursor_position,) * 2
        room = self.max_length - (len(self.value) - (end - start)) if self.max_length else len(text)
        if len(text) > room:
            if self.too_long == "refuse":
                self.post_message(self.TooLong(self, self.max_length, refused=True))
                return
            text = text[:room]
            self._say()
        if text:
            self.replace(text, start, end)

    def restricted(self) -> None:
        """A key (or a paste) the field cannot take: past its length, said once; otherwise Textual's bell."""
        if self.max_length and len(self.value) >= self.max_length:
            self._say()
        else:
            self.app.bell()

    def _say(self) -> None:
        if not self._said:
            self._said = True
            self.post_message(self.TooLong(self, self.max_length))
