"""What the station knows of the store, and how it asks (plain Python: the app is the Textual side).

`Window`: the sessions the queue shows, read in full only at start, at midnight and when
the store is back after being lost (today's sessions, and the finished ones no nurse
has reviewed, however old), then kept current by merging only the rows that changed
(the watcher's notices); older sessions come a page at a time when asked for.

`DatabaseThread`: one thread for every call the station makes to its store, so that the
screen never waits on the database (one that hangs holds that thread, not the UI), and
calls never overlap on the one connection.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable

from chatbot.records.model import StoredSession

OLDER_PAGE = 200  # older sessions read at a time ("m" for more)
UNREVIEWED_MOST = 500  # finished, unreviewed sessions from before today kept in the queue


def day_start(at: datetime) -> datetime:
    """The start of `at`'s day, as the clinic's clock has it."""
    local = at.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Window:
    """The sessions the queue shows (see the module's text), by id."""

    since: datetime  # the start of the station's day
    sessions: dict[str, StoredSession] = field(default_factory=dict)
    older: dict[str, StoredSession] = field(default_factory=dict)  # pages of the rest
    more: bool = True  # there may be older sessions still to read
    paged_to: tuple[datetime, str] | None = None  # the oldest session paged to so far

    def belongs(self, session: StoredSession) -> bool:
        """Today's, or finished and not reviewed, or asking for help."""
        return (session.started_at >= self.since or (session.status == "finished" and session.reviewed_by is None)
                or session.help_open)

    def replace(self, sessions: Iterable[StoredSession]) -> None:
        """A full read: the window is what it says."""
        self.sessions = {session.id: session for session in sessions}
        for id_ in self.sessions:
            self.older.pop(id_, None)

    def merge(self, asked: Iterable[str], found: Iterable[StoredSession]) -> set[str]:
        """The rows read again for the ids `asked` (an id asked and not found is gone: purged); the ids
        whose row changed here."""
        found = {session.id: session for session in found}
        changed = set()
        for id_ in asked:
            session = found.get(id_)
            before = self.sessions.get(id_) or self.older.get(id_)
            if session is None:
                if self.sessions.pop(id_, None) or self.older.pop(id_, None):
                    changed.add(id_)
                continue
            if before is not None and before.changed == session.changed and before.version == session.version:
                continue
            changed.add(id_)
            if self.belongs(session):
                self.sessions[id_] = session
                self.older.pop(id_, None)
            elif id_ in self.older or id_ in self.sessions:
                self.sessions.pop(id_, None)
                self.older[id_] = session  # still shown where the nurse paged to it
        return changed

    def add_older(self, sessions: list[StoredSession], page: int) -> None:
        """A page of older sessions, newest first (those shown already, unreviewed, stay where they are)."""
        for session in sessions:
            if session.id not in self.sessions:
                self.older[session.id] = session
        if sessions:
            self.paged_to = (sessions[-1].started_at, sessions[-1].id)
        self.more = len(sessions) >= page

    def oldest(self) -> tuple[datetime, str]:
        """Where the next page of older sessions starts: before the day, then before the last page."""
        return self.paged_to or (self.since, "")

    def entries(self) -> list[StoredSession]:
        """Everything shown, in queue order."""
        return sorted([*self.sessions.values(), *self.older.values()], key=lambda session: session.rank)


class DatabaseThread:
    """Runs the station's calls to its store one at a time, on a daemon thread of its own."""

    def __init__(self, name: str = "station records") -> None:
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self.busy_since: float | None = None  # time.monotonic() when the call running began

    def submit(self, call: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._calls.put((future, call, args))
        return future

    def stop(self) -> None:
        self._calls.put(None)

    def _run(self) -> None:
        import time

        while True:
            item = self._calls.get()
            if item is None:
                return
            future, call, args = item
            if not future.set_running_or_notify_cancel():
                continue
            self.busy_since = time.monotonic()
            try:
                future.set_result(call(*args))
            except BaseException as error:
                future.set_exception(error)
            finally:
                self.busy_since = None
