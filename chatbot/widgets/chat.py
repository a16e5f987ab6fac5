"""The conversation so far, as a chat: the checker's questions left, the person's answers right.

The whole chat is one scrolling widget that draws its lines from data: an answer
adds lines of text, not widgets to mount and lay out. It knows its own height as
soon as it changes, so it scrolls to the newest line at once, and a key press is
drawn in one frame however long the conversation. Everything is shown as plain
text, never read as markup.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual
from textual.widgets import Static

from chatbot.engine import Turn
from chatbot.flow.text import printable
from chatbot.widgets.kept import KEPT_LOOKS, KeptLines
from chatbot.widgets.sized import SizedByLayout


QUESTION_STYLE = "dim"
ANSWER_STYLE = "bold $secondary"
ANSWER_INDENT = 10  # an answer never starts left of this column: it reads as the other voice
NARROWEST = 20  # lines are never wrapped narrower than this, however small the terminal
_UNIT_SPACE = re.compile(r"(?<=\d) (?=[^\W\d_]|[°%])")  # the space of "10 minutes", "38.0 °C", "99.0 F"
WHOLE = 1 << 16  # a line that may end anywhere: cut after its last cell, so nothing of it is left out
SENTENCE_END = re.compile(r"[.!?:…](?=\s|$)")  # where a sentence of the welcome ends, so it may stop there
_GLUE = "\uE000"  # holds a number to its unit while lines are wrapped (a private-use character, never shown)


def wrap(content: Content, width: int) -> list[Content]:
    """`content` wrapped to `width`, flowing with it, and never breaking a number from its unit."""
    glued = Content(_UNIT_SPACE.sub(_GLUE, content.plain), spans=list(content.spans))
    return [Content(line.plain.replace(_GLUE, " "), spans=list(line.spans)) for line in glued.wrap(width)]


class Flowing(KeptLines, SizedByLayout, Static):
    """A Static whose words wrap as the chat's do: never a number cut from its unit. Its lines are kept
    for the last few words shown (`KeptLines`): Back shows the question before again."""

    DEFAULT_CSS = "Flowing { text-wrap: nowrap; }"
    """Its lines come wrapped (`render`): Textual need not wrap them again."""

    words = Content("")

    def update(self, content: Content | str = "", *, layout: bool = True) -> None:
        """Show `content`; the screen is laid out again only when it takes another number of lines (a new
        question as long as the last is repainted alone, in the same frame)."""
        before = self.words
        self.words = content if isinstance(content, Content) else Content(content)
        if layout and self.display:
            width = self.content_region.width
            layout = not width or self._height(before, width) != self._height(self.words, width)
        super().update(self.words, layout=layout)

    def look(self):
        return (self.words, super().look())

    def _height(self, words: Content, width: int) -> int:
        return len(self._wrap(words, width)) if words.plain else 0

    _wrapped: list[tuple[Content, int, list[Content]]] | None = None

    def _lines(self, width: int) -> list[Content]:
        """`words` wrapped to `width`, once: the layout asks for the height, then the frame for the lines."""
        return self._wrap(self.words, width)

    def _wrap(self, words: Content, width: int) -> list[Content]:
        """Wrapped once for the last few words shown (`update` compares the last and the new; Back shows the
        one before again)."""
        kept = self._wrapped
        if kept is None:
            kept = self._wrapped = []
        for shown, at, lines in kept:
            if shown is words and at == width:
                return lines
        lines = wrap(words, width)
        kept.append((words, width, lines))
        if len(kept) > KEPT_LOOKS:
            del kept[0]
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(max(width, 1))) if self.words.plain else 0

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        return Content("\n").join(self._lines(width)) if width and self.words.plain else self.words


class ChatLog(SizedByLayout, ScrollView, can_focus=False):
    """The scrolling chat, newest at the bottom: it scrolls to the end whenever it changes.

    Its height is the screen's to give (`1fr`), never its lines': two new lines move nothing else on
    the screen, so they lay nothing out (`SizedByLayout`); the scroll bar is told the new length
    itself (`_tell_scroll_bar`), and only its coming or going asks Textual for a layout."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.welcome: list[tuple[str, str]] = []
        self.turns: list[tuple[Turn, str, str]] = []  # the turn, its question and its answer as shown
        self._strips: tuple[int, list[Strip]] | None = None  # the lines drawn at a width
        self._drawn: dict[tuple, tuple[int, list[Strip]]] = {}  # each block's lines, drawn at a width
        self._following = False  # showing the newest line, whatever height the chat has in this frame
        self._stops_at: list[list[int]] = []  # each drawn line's sentence ends (`_stops`)

    def show_welcome(self, parts: list[tuple[str, str]]) -> None:
        """The welcome at the top: (text, style) paragraphs."""
        self.welcome = parts
        self._changed(newest=False)

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
        self._changed(newest=bool(self.turns))
        return True

    def clear_turns(self) -> None:
        self.turns.clear()
        self._changed(newest=False)

    @property
    def answers(self) -> tuple[tuple[str, str], ...]:
        """(question id, answer as shown) for every answer in the chat, oldest first."""
        return tuple((turn.question.id, answer) for turn, _, answer in self.turns)

    def lines(self, width: int) -> list[Content]:
        """The chat wrapped to `width`, a blank line above and below."""
        width = max(width, NARROWEST)
        return [line for block in self._blocks() for line in self._block_lines(block, width)]

    def _blocks(self) -> list[tuple]:
        """The chat in blocks that are wrapped and drawn once each: the welcome, then each turn."""
        return [("edge",), ("welcome", tuple(self.welcome)),
                *(("turn", question, answer) for _, question, answer in self.turns), ("edge",)]

    @staticmethod
    def _block_lines(block: tuple, width: int) -> list[Content]:
        if block[0] == "edge":
            return [Content("")]
        if block[0] == "welcome":
            return [line for text, style in block[1] for line in wrap(Content(text).stylize(style), width)]
        _, question, answer = block
        return [Content(""), *wrap(Content(question).stylize(QUESTION_STYLE), width),
                *[line.pad_left(width - line.cell_length) for line in
                  wrap(Content(answer).stylize(ANSWER_STYLE), width - ANSWER_INDENT)]]

    # -- drawing: the line API of a ScrollView --------------------------------------------

    def _changed(self, *, newest: bool) -> None:
        """Lines changed: measured now, so that the layout of this very frame scrolls to them.

        With `newest`, the chat is anchored to its end: the layout keeps it scrolled there
        whatever else changes size, even after the person scrolled up to read. Otherwise (the
        welcome alone) it shows its top, so that a person reads the welcome from the start.
        """
        self._strips = None
        if self.size.width:
            self._measure(self.scrollable_content_region.width)
        if self.is_mounted:
            self.anchor(newest)
            if not newest:
                self.scroll_home(animate=False, immediate=True)
        self._following = newest
        self.refresh()

    def release_anchor(self) -> None:
        """The person scrolled up to read: stay where they are until they come back to the end."""
        super().release_anchor()
        self._following = False

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.is_anchored and new >= self.max_scroll_y:
            self._following = True

    def _measure(self, width: int) -> list[Strip]:
        """The chat's lines drawn at `width`; only blocks not drawn before at that width are drawn."""
        if self._strips is None or self._strips[0] != width:
            strips: list[Strip] = []
            stops: list[list[int]] = []
            drawn: dict[tuple, tuple[int, list[Strip], list[list[int]]]] = {}
            for block in self._blocks():
                kept = self._drawn.get(block)
                if kept is None or kept[0] != width:
                    wrap = max(width, NARROWEST)
                    lines = self._block_lines(block, wrap)
                    text = Content("\n").join(lines)
                    drawn_lines = Visual.to_strips(self, text, wrap, None, self.visual_style, pad=True)
                    kept = (width, drawn_lines, self._stops(block, lines, wrap, len(drawn_lines)))
                drawn[block] = kept
                strips += kept[1]
                stops += kept[2]
            self._drawn = drawn  # only what is shown now: nothing of a forgotten answer is kept
            self._strips = (width, strips)
            self._stops_at = stops
            if self.virtual_size != Size(width, len(strips)):
                self.virtual_size = Size(width, len(strips))
                self._tell_scroll_bar()
        return self._strips[1]

    def _tell_scroll_bar(self) -> None:
        """The scroll bar's length for the chat's new length, which Textual would have found in a layout of
        the whole screen; a bar that must come or go is placed by one."""
        shown = self.container_size
        if not self.is_mounted or not shown:
            return
        wanted = self.styles.overflow_y == "scroll" or (self.styles.overflow_y == "auto"
                                                        and self.virtual_size.height > shown.height)
        if wanted != self.show_vertical_scrollbar:
            # shown or hidden now, so that the one layout it needs places it (Textual would find out
            # in that layout and ask for another)
            self.show_vertical_scrollbar = wanted
            self.vertical_scrollbar.display = wanted
        if wanted:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = self.virtual_size.height
            bar.window_size = shown.height - self.scrollbar_size_horizontal

    @staticmethod
    def _stops(block: tuple, lines: list[Content], width: int, count: int) -> list[list[int]]:
        """For each of the `count` drawn lines of `block`, the columns where the line may end: after each
        sentence of the welcome (and at each paragraph's end); a line of the rest anywhere it ends."""
        whole = [[line.cell_length] for line in lines] if len(lines) == count else [[WHOLE]] * count
        if block[0] != "welcome":
            return whole
        stops: list[list[int]] = []
        for text, _ in block[1]:
            paragraph = wrap(Content(text), width)
            for number, line in enumerate(paragraph, 1):
                ends = [found.end() for found in SENTENCE_END.finditer(line.plain)]
                stops.append([*ends, line.cell_length] if number == len(paragraph) else ends)
        return stops if len(stops) == count else whole

    def _cut(self, top: int, height: int) -> tuple[int, int] | None:
        """Where the chat shown from line `top` must end so that no sentence of the welcome is cut at its
        bottom: (line, column), or None when nothing is left out."""
        stops = self._stops_at
        bottom = top + height - 1
        if bottom >= len(stops) - 1:
            return None
        for index in range(bottom, top - 1, -1):
            if stops[index]:
                return index, stops[index][-1]
        return None  # one sentence fills the chat: shown as it is

    def on_resize(self, event: Resize) -> None:
        self._measure(self.scrollable_content_region.width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # colours are part of the drawn lines
        self._drawn = {}
        self._style = None

    _style = None

    @property
    def line_style(self):
        """`rich_style`, which Textual works out from every ancestor at each call (a fifth of the time
        to draw the chat), worked out once until the styles change."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    _pass: tuple | None = None

    _finished: tuple[tuple, dict[int, tuple[Strip, Strip]]] | None = None
    """The chat's lines as Textual finished them (padding, colours, filters), by line number, for a look."""

    def render_lines(self, crop):
        """The lines of `crop`; what every line needs (the scroll, the size, the lines drawn) is read once.

        While it follows the newest line, a line already finished (drawn through Textual's styles,
        which cost as much again as drawing it) is handed back as it was: an answer scrolls the chat by
        a few lines, and only the new ones are finished."""
        width, height = self.scrollable_content_region.size
        strips = self._measure(width)
        self._pass = (self.scroll_offset, width, height, strips)
        try:
            if not self._following or crop.x or crop.width != self.region.width or self.styles.gutter.top:
                return super().render_lines(crop)
            return self._finish(crop, strips, max(len(strips) - height, 0), height)
        finally:
            self._pass = None

    def forget_lines(self) -> None:
        """Finish every line through Textual again at the next frame (as `KeptLines.forget_lines`)."""
        self._finished = None
        self.refresh()

    def _finish(self, crop: Region, strips: list[Strip], top: int, height: int) -> list[Strip]:
        filters = tuple(id(line_filter) for line_filter in self.get_line_filters())
        look = (self.size, self.scroll_offset.x, self.visual_style, self.background_colors, filters)
        if self._finished is None or self._finished[0] != look:
            self._finished = (look, {})
        finished = self._finished[1]
        lines: list[Strip | None] = [None] * crop.height
        for row, y in enumerate(crop.line_range):
            kept = finished.get(top + y)
            if kept is not None and top + y < len(strips) and kept[0] is strips[top + y]:
                lines[row] = kept[1]
        row = 0
        while row < crop.height:  # each run of lines not finished before, through Textual's styles
            if lines[row] is not None:
                row += 1
                continue
            end = row
            while end < crop.height and lines[end] is None:
                end += 1
            drawn = super().render_lines(Region(crop.x, crop.y + row, crop.width, end - row))
            for offset, line in enumerate(drawn):
                index = top + crop.y + row + offset
                lines[row + offset] = line
                if index < len(strips):
                    finished[index] = (strips[index], line)
            row = end
        if len(finished) > 3 * height:  # what is shown and a screen above it (Back scrolls up) is kept
            for index in [index for index in finished if not top - height <= index < top + height]:
                del finished[index]
        return lines

    def render_line(self, y: int) -> Strip:
        if self._pass is not None:
            (scroll_x, scroll_y), width, height, strips = self._pass
        else:
            scroll_x, scroll_y = self.scroll_offset
            width, height = self.scrollable_content_region.size
            strips = self._measure(width)
        if self._following:
            # The end, for the height the chat has now: the layout's own scroll to the end used the
            # height it had before, and a question with taller controls would hide the last lines.
            scroll_y = max(len(strips) - height, 0)
        index = scroll_y + y
        style = self.line_style
        if index >= len(strips):
            return Strip.blank(width, style)
        cut = None if self._following else self._cut(scroll_y, height)  # the welcome: whole sentences only
        if cut is not None and index >= cut[0]:
            if index > cut[0]:
                return Strip.blank(width, style)
            return strips[index].crop(0, cut[1]).extend_cell_length(width, style).apply_offsets(0, index)
        return strips[index].crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, index)
