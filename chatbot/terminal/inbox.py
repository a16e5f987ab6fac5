"""What the terminal sent, waiting for the app to take it: a bounded queue between the thread that
reads the terminal and the app's event loop.

The reader `put`s what it parsed; the app `take`s a few at a time, as fast as it handles them. Keys
that come faster than that wait here, up to `most`; past that they are dropped (and counted, so that
the app can say so once) instead of piling up for a minute, so the app always answers the next key
soon and a stop is never queued behind a flood. A paste is one item, however long it was. What is
not input (the terminal's replies about itself) is never dropped.

`wake()` is called, from the reader's thread, when the first item arrives in an empty inbox: the
app's loop then takes items until none is left, and learns with them how many were dropped.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Generic, TypeVar

Item = TypeVar("Item")

MOST_WAITING = 64
"""Inputs that may wait for the app: more than a tester's `tmux send-keys` of a conversation's
answers, and no more than a few frames of work, so that a key typed in a flood is answered soon."""


class Inbox(Generic[Item]):
    """A bounded, thread-safe queue of inputs (see the module's docstring)."""

    def __init__(self, wake: Callable[[], None], most: int = MOST_WAITING) -> None:
        self.most = most
        self._wake = wake
        self._items: deque[Item] = deque()
        self._lock = threading.Lock()
        self._dropped = 0
        self.closed = False

    def __len__(self) -> int:
        return len(self._items)

    @property
    def full(self) -> bool:
        return len(self._items) >= self.most

    def put(self, item: Item, *, droppable: bool = True) -> bool:
        """Add `item` unless the inbox is full (and the item `droppable`) or closed; whether it was."""
        with self._lock:
            if self.closed:
                return False
            if droppable and len(self._items) >= self.most:
                self._dropped += 1  # full: the app, woken by the first of them, is taking them
                wake = kept = False
            else:
                wake = not self._items
                self._items.append(item)
                kept = True
        if wake:
            self._wake()
        return kept

    def drop(self, count: int = 1) -> None:
        """Count inputs dropped before they were even parsed (the inbox was full)."""
        with self._lock:
            self._dropped += count

    def take(self, most: int) -> tuple[list[Item], int]:
        """Up to `most` items, oldest first, and how many were dropped since the last `take`."""
        with self._lock:
            count = min(most, len(self._items))
            items = [self._items.popleft() for _ in range(count)]
            dropped, self._dropped = self._dropped, 0
        return items, dropped

    def close(self) -> None:
        """Drop everything waiting and take nothing more (the app is stopping, or the terminal is gone)."""
        with self._lock:
            self.closed = True
            self._items.clear()
            self._dropped = 0

    def reopen(self) -> None:
        """Take input again (the app came back from a suspend)."""
        with self._lock:
            self.closed = False
