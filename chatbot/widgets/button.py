"""The app's button: Textual's Button, with only the look this app uses.

Textual's Button brings 7 kB of CSS for every variant and style it offers, and
parsing it was a sixth of the work before the first frame. This Button behaves
exactly like Textual's (focus, Enter, click or tap, `Pressed`, `action`) but does
not inherit that CSS: its own, below, covers what the app shows (the default
look, compact, primary and warning), and the .tcss files style it further. It
keeps the name `Button`, so every `Button` selector and query matches it.

Focus is seen at WCAG's 3:1 in every theme (tests/a11y/test_contrast.py): a focused button takes the
theme's primary colour, and one already in a strong colour (primary, warning) turns dark with its
colour as words and edge. Never `reverse`, which on a coloured background undoes itself.
"""

from __future__ import annotations

from textual import widgets

from chatbot.widgets.kept import KeptLines
from chatbot.widgets.sized import SizedByLayout


class Button(KeptLines, SizedByLayout, widgets.Button, inherit_css=False):
    """A button styled by this app alone (raised, bold; compact buttons are one plain line)."""

    DEFAULT_CSS = """
    Button {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        border: none;
        border-top: tall $surface-lighten-1;
        border-bottom: tall $surface-darken-1;

        &.-textual-compact { border: none !important; }
        &:disabled { text-opacity: 0.6; pointer: not-allowed; }
        &:focus {
            text-style: bold;
            color: $background;
            background: $primary;
            border-top: tall $primary-lighten-2;
            border-bottom: tall $primary-darken-2;
        }
        &:hover { border-top: tall $surface; background: $surface-darken-1; }
        &.-active {
            background: $surface;
            border-bottom: tall $surface-lighten-1;
            border-top: tall $surface-darken-1;
            tint: $background 30%;
        }

        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            border-top: tall $primary-lighten-3;
            border-bottom: tall $primary-darken-3;
            &:hover { background: $primary-darken-2; border-top: tall $primary; }
            &.-active { background: $primary; border-bottom: tall $primary-lighten-3; border-top: tall $primary-darken-3; }
            &:focus { color: $primary; background: $background; border-top: tall $primary; border-bottom: tall $primary; }
        }
        &.-warning {
            color: $button-color-foreground;
            background: $warning;
            border-top: tall $warning-lighten-2;
            border-bottom: tall $warning-darken-3;
            &:hover { background: $warning-darken-2; border-top: tall $warning; }
            &.-active { background: $warning; border-bottom: tall $warning-lighten-2; border-top: tall $warning-darken-2; }
            &:focus { color: $warning; background: $background; border-top: tall $warning; border-bottom: tall $warning; }
        }
    }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Textual's watcher sets this class once mounted, and then styles the button again: a fifth of a
        # kiosk welcome's styling before its first frame
        self.set_class(not self.flat, "-style-default", update=False)

    def look(self):
        """Its lines, once drawn, are kept for its words and look (`KeptLines`): the focus moving between
        two buttons at every answer drew both again."""
        return (self.label, self.styles.line_pad, super().look())

    def watch_label(self) -> None:
        """A new label may be wider (another language, another key): the row makes room for it."""
        if self.is_mounted:
            self.refresh(layout=True)
