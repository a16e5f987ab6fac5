"""`KeptLines`: a widget whose lines, once drawn in a look, are kept and drawn again at no cost.

Textual draws a widget again in full whenever it is refreshed, through its style pipeline (padding,
edges, colours, filters) line by line: a tall button cost a millisecond, and an answer moves the
focus from one button to another, so two buttons were drawn again at every press in a look each had
shown before. What a widget shows here is a function of a few things (its size, its words, its
colours and edges, the filters the app applies), so the lines drawn for those are kept (the last
few looks: focused, not focused, under the pointer) and handed back when the same look comes again.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.geometry import Region
from textual.strip import Strip

KEPT_LOOKS = 4
"""Looks kept a widget: focused or not, under the pointer or not (more is memory for nothing)."""


class KeptLines:
    """Mixed in before the Textual widget class; `look` names what else the widget's lines depend on."""

    _kept_lines: dict[Hashable, list[Strip]] | None = None

    def look(self) -> Hashable:
        """What the lines show beyond the size and colours: the words, the edges (a subclass adds to it)."""
        styles = self.styles
        return (styles.border_top, styles.border_bottom, styles.border_left, styles.border_right,
                styles.padding, styles.tint, styles.text_opacity, styles.text_align, styles.content_align)

    def forget_lines(self) -> None:
        """Draw again through Textual at the next frame (a test holds what is kept equal to that)."""
        self._kept_lines = None
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        filters = tuple(id(line_filter) for line_filter in self.get_line_filters())
        key = (crop, self.size, self.visual_style, self.background_colors, self.opacity, filters, self.look())
        kept = self._kept_lines
        if kept is None:
            kept = self._kept_lines = {}
        lines = kept.get(key)
        if lines is None:
            lines = super().render_lines(crop)
            if len(kept) >= KEPT_LOOKS:
                del kept[next(iter(kept))]
            kept[key] = lines
        return list(lines)
