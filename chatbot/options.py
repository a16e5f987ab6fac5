"""What the person who started `chatbot` asked of the UI, as typed values.

The command line (`chatbot.commands.arguments`) builds these from its options and hands
them to `chatbot.tui.run_app` or the kiosk; nothing below the command line sees an
option's name or an `argparse.Namespace`. Plain `chatbot` uses `UIOptions()`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class UIOptions(NamedTuple):
    """The conversation's settings; None means "the default" for each. (A named tuple, as immutable as a
    frozen dataclass: the way to the first frame makes it in a twentieth of the time, `chatbot.flow.model`.)"""

    flow: Path | None = None
    """The flow file (the bundled flow by default)."""
    emergency_number: str | None = None
    """The number to tell people to call (the flow's own by default)."""
    language: str | None = None
    """en or es (the flow's first language by default)."""
    summary_dir: Path | None = None
    """Where the nurse's summary is saved (the current folder by default)."""
    record: Path | None = None
    """Keep the session as a replay script in this file."""
    theme: str | None = None
    """default or high-contrast (the kiosk's own default is high-contrast)."""
    database: str | None = None
    """The session records' database URL (`CHATBOT_DATABASE`, then SQLite in the data folder, by default)."""
    record_sessions: bool = True
    """Keep every answer in the session records (`--no-record` turns it off). Not `record`: that is the script."""
    speak: bool = False
    """`--speak`: read every new screen aloud by itself (the Listen control reads one on demand)."""
    tester: bool = False
    """A tester's or a nurse's run (`--tester`; `--record` too): the summary (s) and the replay script (w) are
    offered. Without it, the screen is a patient's: nothing of theirs is shown."""
    place: str | None = None
    """Where the records say a session was held: terminal:<host> (the default), kiosk:<id>, serve:<host>."""


def default_place(kind: str) -> str:
    """terminal:<host>, kiosk:<host>, serve:<host>: where the records say a session was held."""
    import socket  # asyncio (so Textual) imports it anyway

    from chatbot.identifiers import host_place

    return host_place(kind, socket.gethostname())
