"""A ready-made copy of a loaded flow, so that the UI starts without parsing YAML again.

Loading a flow (importing PyYAML, parsing, checking it) is a third of what
`chatbot` does before its first frame. The UI keeps the loaded `Flow` in the
user's cache folder together with the flow file's bytes and a stamp of the code
that read it, and loads that copy while both are exactly the same: compared, not
hashed, so no collision can ever hand over a stale flow (and no hashing module
is imported at start-up). `chatbot check` and the other commands always read the
file itself.

A copy is a pickle, and loading a pickle can run code: so a copy is only read
from a folder and a file that belong to this user and that nobody else may write.
Anything unexpected (no home, a read-only disk, a stale or broken copy) only means
that the flow file is loaded as usual. `CHATBOT_FLOW_CACHE=0` turns it off.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import zlib
from pathlib import Path
from typing import Any

from chatbot import __version__
from chatbot.flowfile.bundled import bundled_flow_path
from chatbot.flow.model import Flow

# The modules that turn a flow file into a `Flow`: a change to any makes every copy stale.
READERS = ("flowfile/loader", "flowfile/source", "flowfile/shape", "flowfile/schema", "flowfile/cache",
           "flowfile/changelog",
           "flow/model", "flow/kinds", "flow/windows", "flow/conditions", "flow/text", "flow/problems")
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # chatbot/
KEEP = 8  # copies kept; older ones are removed


def cache_dir(kind: str = "flows") -> Path:
    """The user's cache folder of copies of one kind: flows, or the UI's parsed styles
    (`chatbot.terminal.parsed_styles`)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chatbot" / kind


def enabled() -> bool:
    """The start-up cache is on (`CHATBOT_FLOW_CACHE=0` turns it off: flows and styles alike)."""
    return os.environ.get("CHATBOT_FLOW_CACHE", "1") != "0"


def load_flow_cached(path: str | Path | None = None) -> Flow:
    """The flow at `path` (the bundled one by default), from the cache when it can be trusted.

    Raises `FlowError` like `load_flow`: a flow with problems is never cached.
    """
    from_file = Path(path) if path is not None else bundled_flow_path()
    if not enabled():
        return _load(path)
    try:
        flow_bytes = from_file.read_bytes()
        stamp = _stamp(from_file)
    except OSError:
        return _load(path)  # the loader says what is wrong with the file
    directory = cache_dir()
    copy = directory / f"{zlib.crc32(stamp.encode()):08x}.pickle"  # only a name: the contents are compared
    try:
        kept_stamp, kept_bytes, flow = read_copy(copy)
        if kept_stamp == stamp and kept_bytes == flow_bytes and isinstance(flow, Flow):
            return flow
    except Exception:  # missing, unreadable, stale or broken: read the file instead
        pass
    flow = _load(path)
    keep_copy((stamp, flow_bytes, flow), copy)
    return flow


def _load(path: str | Path | None) -> Flow:
    from chatbot.flowfile.loader import load_flow  # imports PyYAML: only when there is no copy

    return load_flow(path)


def _stamp(path: Path) -> str:
    """What else a copy depends on: where the file is, this Python, and the code that reads flows."""
    parts = [__version__, sys.version, str(path.resolve()), os.getcwd()]
    for name in READERS:
        status = os.stat(os.path.join(PACKAGE, f"{name}.py"))
        parts.append(f"{name}:{status.st_mtime_ns}:{status.st_size}")
    return "\0".join(parts)


def _private(path: Path, *, directory: bool) -> bool:
    """Does `path` exist, belong to this user, and is it writable by nobody else?"""
    status = os.lstat(path)
    kind = stat.S_ISDIR(status.st_mode) if directory else stat.S_ISREG(status.st_mode)
    return kind and status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_copy(copy: Path) -> Any:
    """What a copy holds: only read from a folder and a file that are this user's and nobody else may
    write (a pickle can run code). Raises OSError when it is missing or not private; anything when broken."""
    if not (_private(copy.parent, directory=True) and _private(copy, directory=False)):
        raise PermissionError(f"{copy} may have been written by someone else")
    with open(copy, "rb") as file:
        return pickle.load(file)


def keep_copy(entry: Any, copy: Path) -> None:
    """Write `entry` as the private copy `copy` (its folder made private), and remove all but the
    newest `KEEP` copies there. Never fails: a cache is never a reason to."""
    from chatbot.privatefile import write_private

    directory = copy.parent
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(directory, directory=True):
            return
        write_private(copy, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        copies = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # a cache is never a reason to fail
        pass
