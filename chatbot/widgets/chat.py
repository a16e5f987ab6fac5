"""The conversation so far, as a chat: the checker's questions left, the person's answers right.

The whole chat is one widget that draws its lines from data: an answer adds two
lines of text, not two widgets to mount and lay out, so a key press is drawn in
one frame however long the conversation. Everything is shown as plain text,
never read as markup.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget

from chatbot.engine import Turn
from chatbot.summary import printable

QUESTION_STYLE = "dim"
ANSWER_STYLE = "bold $secondary"
ANSWER_INDENT = 10  # an answer never starts left of this column: it reads as the other voice


class ChatText(Widget):
    """The lines of the chat, wrapped to the width it is given."""

    DEFAULT_CSS = "ChatText { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.welcome: list[tuple[str, str]] = []
        self.turns: list[tuple[Turn, str, str]] = []  # the turn, its question and its answer as shown
        self._lines: tuple[int, list[Content]] | None = None

    def show_welcome(self, parts: list[tuple[str, str]]) -> None:
        """The welcome at the top: (text, style) paragraphs."""
        self.welcome = parts
        self._changed()

    def sync(self, transcript: list[Turn], language: str) -> bool:
        """Show exactly the turns of `transcript`, keeping those already drawn; True if any changed."""
        keep = 0
        while keep < min(len(self.turns), len(transcript)) and self.turns[keep][0] is transcript[keep]:
            keep += 1
        if keep == len(self.turns) == len(transcript):
            return False
        del self.turns[keep:]
        for turn in transcript[keep:]:
            self.turns.append((turn, turn.question.text.get(language), printable(turn.shown)))
        self._changed()
        return True

    def clear_turns(self) -> None:
        self.turns.clear()
        self._changed()

    def _changed(self) -> None:
        self._lines = None
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        if self._lines is not None and self._lines[0] == width:
            return self._lines[1]
        width = max(width, 20)
        lines: list[Content] = []
        for text, style in self.welcome:
            lines += Content(text).stylize(style).wrap(width)
        for _, question, answer in self.turns:
            lines.append(Content(""))
            lines += Content(question).stylize(QUESTION_STYLE).wrap(width)
            lines += [line.pad_left(width - line.cell_length) for line in
                      Content(answer).stylize(ANSWER_STYLE).wrap(width - ANSWER_INDENT)]
        self._lines = (width, lines)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width))


class ChatLog(VerticalScroll, can_focus=False):
    """The scrolling chat, newest at the bottom: it scrolls to the end whenever it changes."""

    def compose(self):
        yield ChatText()


    @property
    def text(self) -> ChatText:
        return self.query_one(ChatText)

    def show_welcome(self, parts: list[tuple[str, str]]) -> None:
        self.text.show_welcome(parts)

    def sync(self, transcript: list[Turn], language: str) -> None:
        if self.text.sync(transcript, language):
            self.call_after_refresh(self.scroll_end, animate=False)  # the newest line, once laid out

    def clear_turns(self) -> None:
        self.text.clear_turns()

    @property
    def answers(self) -> tuple[tuple[str, str], ...]:
        """(question id, answer as shown) for every answer in the chat, oldest first."""
        return tuple((turn.question.id, answer) for turn, _, answer in self.text.turns)
