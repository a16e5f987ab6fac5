"""`SizedByLayout`: a widget whose new size, once laid out, lays nothing out again.

Textual tells each widget its size after a layout, and sets its virtual size (what it could scroll
over) with it. That virtual size is a reactive that asks for a layout when it changes, so every
press that changes a widget's size (a longer question, a row of two buttons after three, a narrower
chat) laid the whole screen out a second time, in a second frame, to the same places: at 80x24 an
answer drew four frames. None of these widgets takes its size from its virtual size (their styles
and the layout set it), and a scrolling one still shows or hides its scroll bars when it changes
(that asks for its own layout), so here a change of it only repaints.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive


class SizedByLayout:
    """Mixed in before the Textual widget class: `class Button(SizedByLayout, widgets.Button)`."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
