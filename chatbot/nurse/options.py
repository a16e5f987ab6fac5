"""What `chatbot nurse` was asked for, as typed values (built by `chatbot.commands.nurse`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NurseOptions:
    database: str | None = None
    """The session store's URL (None: CHATBOT_DATABASE, else the SQLite file in the data folder)."""
    language: str = "en"
    """The station's language, en or es: every word it shows, whatever the patient's language."""
    flow: Path | None = None
    """The flow an amendment is re-run on (the bundled flow by default)."""
    save_dir: Path | None = None
    """Where handovers and printable pages are saved (the current folder by default)."""
    idle_lock: float = 300.0
    """Seconds without a key or click before the station locks behind the sign-in."""
    lock_check_every: float = 1.0
    """How often the idle clock is looked at."""
    poll_every: float = 0.05
    """How often an SQLite store is asked whether another process wrote to it (`PRAGMA data_version`,
    on the watcher's own thread and connection: nearly free; half of it is, on average, part of the
    time from a kiosk's commit to its row at the desk)."""
