"""The educational guidance of a routine outcome: the safety net first, then topics to browse, each
ending with the safety net.

The text is in a focusable scroll (Tab from the topics), so the arrows, PageDown
and End reach the safety net at its end without a mouse.

Imported only when a routine outcome is shown, because Markdown is the heaviest
widget of the app. Links are turned into plain words before rendering and the
parser knows no links, so nothing here can ever open a browser.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.strip import Strip
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from chatbot.flow.model import Flow, Guidance

_DEGREES = re.compile(r"(?<=\d) °")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|file):[^>]*)>", re.IGNORECASE)


def without_links(markdown: str) -> str:
    """`[words](address)` becomes `words`; `<http://…>` becomes the bare address, as text."""
    return _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", markdown))


def plain_parser() -> MarkdownIt:
    """CommonMark without links, images or HTML: guidance is words and lists, nothing to follow."""
    return MarkdownIt("commonmark").disable(["link", "autolink", "image", "html_inline", "html_block"])


class TopicList(OptionList):
    """The topics. Focused, a bar down the left edge shows it (WCAG 2.4.7, 1.4.11): the first column, a
    blank, takes the colour of the words as its background. Blanks, not a block glyph: a row then reads
    as the topic's title alone, on the screen as in a screen reader's line of the browser kiosk (the
    routine outcome's words point to a topic by its title)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not self.has_focus or not strip.cell_length:
            return strip
        bar = Strip([Segment(" ", Style(bgcolor=self.colors[3].rich_color))], 1)
        return Strip.join([bar, strip.crop(1)])


class GuidanceBrowser(Horizontal):
    """A list of topics (the safety net first) and the chosen one's text, followed by the safety net."""

    def __init__(self, flow: Flow, *, emergency_number: str, language: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.safety_net = flow.safety_net
        # The safety net first: the routine outcome's words point to it ("any sign under 'When to get
        # help'"), so it is in view however small the screen, and the topic shown first.
        self.topics: list[Guidance] = [*([self.safety_net] if self.safety_net is not None else []),
                                       *flow.education]
        self.emergency_number = emergency_number
        self.language = language
        self.shown: int | None = None

    def compose(self) -> ComposeResult:
        yield TopicList(*(Option(self._fill(topic.title), id=f"topic-{index}")
                           for index, topic in enumerate(self.topics)), id="guidance-topics",
                         markup=False)
        with VerticalScroll(id="guidance-scroll"):  # focusable: arrows, PageDown and End scroll the text
            yield Markdown(id="guidance-text", open_links=False, parser_factory=plain_parser)

    def on_mount(self) -> None:
        if self.topics:
            self.query_one(OptionList).highlighted = 0
            self.show(0)

    def _fill(self, text) -> str:
        return text.fill(emergency_number=self.emergency_number).get(self.language)

    def document(self, index: int) -> str:
        """The Markdown of topic `index`, always ending with the safety net.

        A degree sign is held to its number ("38.0°C (100.4°F)"): Markdown wraps at any space,
        and a reading must never be cut from its unit.
        """
        topic = self.topics[index]
        parts = [f"## {self._fill(topic.title)}", without_links(self._fill(topic.body))]
        if self.safety_net is not None and topic is not self.safety_net:
            parts += ["---", f"## {self._fill(self.safety_net.title)}", without_links(self._fill(self.safety_net.body))]
        return _DEGREES.sub("°", "\n\n".join(parts))

    def show(self, index: int) -> None:
        if 0 <= index < len(self.topics) and index != self.shown:
            self.shown = index
            self.query_one(Markdown).update(self.document(index))
            self.query_one("#guidance-scroll").scroll_home(animate=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.show(event.option_index)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()  # never followed
