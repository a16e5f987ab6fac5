"""What a screen says aloud: the words it shows, in reading order, from the same code that draws them.

`spoken(screen, language)` walks the parts of the screen a person reads (`SPOKEN` on the screen's
class: selectors in reading order; the whole screen when it has none) and takes from each widget
shown the words its own `render()` draws: a question, its help, each choice, each button's label
with its key, a field's contents or its placeholder (never a password), a Markdown paragraph.
Nothing is written twice, so what is heard cannot drift from what is seen; tests hold the two
equal, word for word, on every screen of a replay script.

What is not words is not said: a widget marked `unspoken` (the nav row, the Listen button itself,
the large digits that repeat the number already in the title), and marks with no letter or digit
in them (bullets, brackets, arrows). A tick is said as a word (`SYMBOLS`). A widget whose words are
in another language than the screen's says so (`spoken_language`: "English" / "Español" on the
welcome), and the voice changes for it (WCAG 3.1.2).
"""

from __future__ import annotations

import re

from textual.widget import Widget
from textual.widgets import Button, Input

from chatbot.flow.text import Text
from chatbot.widgets.words import TICKED
from chatbot.speech.speech import Speech

UNSPOKEN = "unspoken"
"""The class of a widget (and everything in it) whose words are not read aloud."""
SYMBOLS: dict[str, Text] = {"✓": TICKED}
"""Marks shown that mean something, as they are said."""
_WORD = re.compile(r"[^\W_]")


def spoken(screen: Widget, language: str) -> Speech:
    """The words `screen` shows in its `SPOKEN` parts, in reading order, as a `Speech` in `language`."""
    parts = getattr(screen, "SPOKEN", None)
    roots = [found for selector in parts for found in screen.query(selector)] if parts else [screen]
    pieces: list[tuple[str, str]] = []
    for root in roots:
        _read(root, language, pieces)
    return Speech(language, tuple(pieces))


def said(text: str, language: str) -> str:
    """`text` as it is said: each mark of `SYMBOLS` as its word, other marks (•, [ ], →) left out."""
    words = []
    for token in text.split():
        for symbol, word in SYMBOLS.items():
            if symbol in token:
                token = word.get(language)
        if _WORD.search(token):
            words.append(token)
    return " ".join(words)


def shown_words(widget: Widget) -> str:
    """The words `widget` itself draws (not its children's)."""
    if isinstance(widget, Input):
        return (widget.value if not widget.password else "") or widget.placeholder
    if isinstance(widget, Button):
        return widget.label.plain if hasattr(widget.label, "plain") else str(widget.label)
    try:
        rendered = widget.render()
    except Exception:  # noqa: BLE001 - a widget that cannot draw here shows no words
        return ""
    if isinstance(rendered, str):
        return rendered
    return getattr(rendered, "plain", "")


def _read(widget: Widget, language: str, pieces: list[tuple[str, str]]) -> None:
    if not widget.display or not widget.visible or widget.has_class(UNSPOKEN):
        return
    own = getattr(widget, "spoken_language", None) or language
    words = said(shown_words(widget), own)
    if words:
        pieces.append((words, own))
    for child in widget.children:
        _read(child, language, pieces)
