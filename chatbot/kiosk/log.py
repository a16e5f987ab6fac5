"""The kiosk's log: when sessions start and end, and where an unexpected error happened.

An error is logged with the session id, the exception's type and the places in our
code it went through (file, line, function). Never its message, never local values:
either could hold what the person typed or answered, and the log is read by staff.

The log is `kiosk.log` in the platform's user log folder for "bmf-chatbot"
(`CHATBOT_LOG_DIR` overrides it, for tests and managed kiosks), readable by its owner
only, and rotated to `kiosk.log.1` past `MAX_BYTES`.
"""

from __future__ import annotations

import os
import secrets
import time
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs

APP_NAME = "bmf-chatbot"
LOG_ENV = "CHATBOT_LOG_DIR"
LOG_FILE = "kiosk.log"
MAX_BYTES = 1_000_000
PACKAGE = Path(__file__).resolve().parent.parent  # chatbot/


def log_dir() -> Path:
    return Path(os.environ.get(LOG_ENV) or platformdirs.user_log_dir(APP_NAME))


def log_path() -> Path:
    return log_dir() / LOG_FILE


def new_session_id() -> str:
    """A short random id that names one person's session in the log, and nothing about them."""
    return secrets.token_hex(4)


def _where(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename).resolve()
    try:
        shown = f"chatbot/{path.relative_to(PACKAGE).as_posix()}"
    except ValueError:
        return f"{path.name}:{frame.lineno} in {frame.name} (outside chatbot)"
    return f"{shown}:{frame.lineno} in {frame.name}"


def _ours(frame: traceback.FrameSummary) -> bool:
    return PACKAGE in Path(frame.filename).resolve().parents


def crash_report(error: BaseException) -> list[str]:
    """The exception's type and the frames of our code it passed, then where it was raised.

    Chained exceptions (`raise ... from`, or raised while handling another) are named
    with their own frames. No message and no values: only code locations.
    """
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        lines.append(("caused by " if lines else "") + f"{kind.__module__}.{kind.__qualname__}")
        frames = traceback.extract_tb(current.__traceback__ if isinstance(current.__traceback__,
                                                                          TracebackType) else None)
        ours = [frame for frame in frames if _ours(frame)]
        lines += [f"  at {_where(frame)}" for frame in ours]
        if frames and (not ours or frames[-1] is not ours[-1]):
            lines.append(f"  raised at {_where(frames[-1])}")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return lines


def write(session: str, event: str, details: list[str] = (), path: Path | None = None) -> Path | None:
    """Append one entry; None if the log cannot be written (a kiosk never stops for its log)."""
    path = path or log_path()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    entry = "".join(f"{line}\n" for line in [f"{stamp} session={session} {event}", *details])
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as log:
            log.write(entry)
    except OSError:
        return None
    return path


def log_crash(session: str, error: BaseException, count: int, limit: int) -> Path | None:
    """Log an unexpected error: its type and our frames, and how many there were lately."""
    return write(session, f"error {count} of {limit} allowed: restarting at the welcome screen"
                 if count < limit else f"error {count} of {limit} allowed: stopping the kiosk",
                 crash_report(error))
