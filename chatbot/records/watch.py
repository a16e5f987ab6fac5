"""Which sessions changed, for a station that keeps its queue live, whatever the backend.

`backends.watcher_for(url, tell)` picks the backend's way of watching (PostgreSQL: LISTEN on the
channel every change is NOTIFYed on; SQLite: `PRAGMA data_version`, then the rows whose
change number moved), behind one interface: a thread of its own, on a connection of its
own, that calls `tell` with

- `Changed(ids, sessions)`: these sessions changed, and their rows as read right after (`ids`
  None: anything may have; read all you show);
- `Lost(problem)`: the database cannot be reached (said once, calmly, until it is back);
- `Back()`: it can again, followed by `Changed(None)`: whatever happened meanwhile is read again.

While lost, it tries again with back-off (`backoff.Backoff`). `tell` runs on the
watcher's thread: a UI posts a message from it, and reads nothing there.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, Union

from chatbot.records.backoff import Backoff
from chatbot.records.url import DatabaseURL, RecordsError

POLL_EVERY = 0.2  # seconds between looks where changes must be asked for (SQLite)


@dataclass(frozen=True)
class Changed:
    ids: frozenset[str] | None  # None: anything may have changed
    sessions: tuple | None = None  # their rows as the watcher read them (an id without one is gone)


@dataclass(frozen=True)
class Lost:
    problem: str


@dataclass(frozen=True)
class Back:
    pass


Notice = Union[Changed, Lost, Back]


class Watcher(ABC):
    """A thread telling what changed in the store, and when the store is lost and back."""

    def __init__(self, url: DatabaseURL, tell: Callable[[Notice], None], *, every: float = POLL_EVERY,
                 backoff: Backoff | None = None):
        self.url = url
        self.tell = tell
        self.every = every
        self.backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost: str | None = None  # the problem while the store is lost

    # -- what a backend says --------------------------------------------------------------------

    @abstractmethod
    def open(self) -> None:
        """Connect, and note where changes are counted from; RecordsError when it cannot."""

    @abstractmethod
    def wait(self, timeout: float) -> frozenset[str] | None:
        """The ids of the sessions changed within about `timeout` seconds (empty: none; None: any);
        RecordsError when the connection is lost."""

    def rows(self, ids: frozenset[str]) -> tuple:
        """The rows of these sessions, read on the watcher's own connection (`StoredSession`s)."""
        from chatbot.records.store import session_from_row

        if self.fresh is not None:
            return tuple(session_from_row(row) for row in self.fresh)
        return tuple(session_from_row(row) for row in
                     self.connector.fetch("sessions_by_ids", ids=self.connector.array_in(sorted(ids))))

    fresh = None  # rows `wait` read already (both backends read them to find the ids)
    last = 0  # the change number read up to

    def changed_rows(self) -> frozenset[str]:
        """The ids of the sessions whose change number moved since `last` (their rows kept in `fresh`)."""
        found: dict[str, dict] = {}
        after = highest = self.last
        snapshots = []
        while True:
            rows = self.connector.fetch("sessions_changed_since", changed=after, page=500)
            if rows:
                snapshots.append(rows[0].get("snapshot"))
            for row in rows:
                found[row["id"]] = row
                highest = max(highest, row["changed"])
            if len(rows) < 500:
                found = self.settle(highest, snapshots, found)
                self.fresh = list(found.values())  # the rows themselves: read once
                return frozenset(found)
            after = rows[-1]["changed"]

    def settle(self, highest: int, snapshots: list, found: dict[str, dict]) -> dict[str, dict]:
        """Read up to change number `highest`: the next read starts after it (where changes are numbered in
        the order they are committed, as on SQLite, whose writes are one at a time); the rows to tell."""
        self.last = highest
        return found

    @abstractmethod
    def close(self) -> None: ...

    # -- the thread -----------------------------------------------------------------------------

    def start(self) -> Watcher:
        self._thread = threading.Thread(target=self._run, name=f"records watcher {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (the thread ends at its next look, within `every` seconds)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.open()
                if self.lost is not None:
                    self.lost = None
                    self.backoff.reset()
                    self.tell(Back())
                    self.tell(Changed(None))
                while not self._stop.is_set():
                    self.fresh = None
                    ids = self.wait(self.every)
                    if ids is None:
                        self.tell(Changed(None))
                    elif ids:
                        self.tell(Changed(ids, self.rows(ids)))
            except RecordsError as error:
                if self.lost is None:
                    self.lost = str(error)
                    self.tell(Lost(self.lost))
                self._close_quietly()
                self._stop.wait(self.backoff.next())
            except Exception as error:  # never a silent dead thread: said as lost, and tried again
                if self.lost is None:
                    self.lost = f"the records watcher failed: {type(error).__name__}: {error}"
                    self.tell(Lost(self.lost))
                self._close_quietly()
                self._stop.wait(self.backoff.next())
        self._close_quietly()

    def _close_quietly(self) -> None:
        try:
            self.close()
        except Exception:
            pass
