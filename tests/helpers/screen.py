"""What a running Textual app shows, as plain text: for tests that check what is drawn, literally."""

from __future__ import annotations

import io

from rich.console import Console


def screen_text(app) -> str:
    """The whole screen (with the screens beneath a dialog) as a person sees it, without colours."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)
