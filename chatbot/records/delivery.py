"""Writes kept in an outbox, delivered to the records database on a thread of their own.

A `Delivery` is what stands between a recorder and its database: `keep` puts writes in the
outbox (`outbox`: a private local file; memory when there is no disk to keep them on) and
wakes the delivery thread, which writes them to the database in order, in batches, one
transaction each, and removes them from the outbox once committed. While the database
cannot take them, `problem` says why, the thread tries again with back-off (`backoff`: a
second or so while it is away; longer while it refuses, a wrong password say), and the
outbox is flushed to the disk itself. An outbox a chatbot left behind for the same database
(killed, or closed while the database was away) is delivered first. `close` gives the
database a moment, then lets the outbox go: kept on disk when writes still wait in it.
`background=False` delivers on the caller's thread instead, at each `keep` (tests, and
clocks a test moves).
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from chatbot.catalog import SOURCE, Joined, Message, message, plural
from chatbot.records.backoff import Backoff
from chatbot.records.model import Write
from chatbot.records.store import SessionWriter
from chatbot.records.url import DatabaseURL, RecordsError, data_dir

if TYPE_CHECKING:
    from chatbot.records.outbox import Outbox

log = logging.getLogger("chatbot.records")

RETRY_MOST = 1.0  # seconds at most between attempts while the database is away (back-off up to this)
REFUSED_MOST = 30.0  # ... while it refuses (a wrong password, a schema to migrate): nothing quick will change
CLOSE_WAIT = 3.0  # seconds `close` waits for the database to take what waits
BATCH = 200  # writes delivered in one transaction
OUTBOX_DIR = "outbox"
UNSAVED_DIR = "unsaved"


def _open_writer(url: DatabaseURL) -> SessionWriter:
    from chatbot.records.backends import open_writer

    return open_writer(url)


class Delivery:
    """An outbox and the thread that delivers it (see the module's text)."""

    def __init__(self, url: DatabaseURL, *, writer: Callable[[DatabaseURL], SessionWriter] = _open_writer,
                 outbox_dir: str | Path | None = None, unsaved_dir: str | Path | None = None,
                 retry_every: float = RETRY_MOST, clock: Callable[[], float] = time.monotonic,
                 background: bool = True):
        self.url = url
        self.database_problem: str | None = None
        self._database_error: RecordsError | None = None  # the same, to be said in a person's language
        self.lost = 0  # writes that could be kept nowhere at close (no database, no disk)
        self._open_writer = writer
        self._writer: SessionWriter | None = None
        self.outbox_dir = Path(outbox_dir) if outbox_dir is not None else None
        self._unsaved_dir = Path(unsaved_dir) if unsaved_dir is not None else None
        self.outbox: Outbox | None = None
        self.outbox_failed: str | None = None
        self._outbox_failed_said: Message | None = None
        self._memory: list[Write] = []  # when no outbox could be made at all
        self._orphans: list[Outbox] | None = None  # found at the first delivery
        self._retry_every = retry_every
        self._clock = clock
        self._backoff = Backoff(most=retry_every)
        self._next_try = 0.0
        self._background = background
        self._delivering = threading.Lock()  # one delivery at a time
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what a recorder does ---------------------------------------------------------------------

    def keep(self, writes: list[Write]) -> None:
        """Into the outbox (committed there before this returns), then to the database: now on the
        caller's thread when not `background`, else by the delivery thread."""
        if not writes:
            return
        outbox = self._ensure_outbox()
        if outbox is not None and not self._memory:
            outbox.put(writes)
        else:
            self._memory.extend(writes)
        if self._background:
            self._start_thread()
            self._wake.set()
        else:
            self._deliver()

    def open(self) -> bool:
        """Start delivering now: the thread starts, and this waits for its first attempt; False, with
        `problem` saying why, when the database cannot be written."""
        if not self._background:
            return self._deliver(force=True)
        self._start_thread()
        with self._changed:
            self._wake.set()
            self._changed.wait_for(lambda: self._attempts > 0, timeout=10.0)
        return self.database_problem is None

    def retry(self) -> bool:
        """Try the database again now (not waiting for the back-off); True when nothing waits any more."""
        self._next_try = 0.0
        if not self._background:
            return self._deliver(force=True)
        self._start_thread()
        self._wake.set()
        return self.wait(2.0)

    def wait(self, timeout: float | None = 10.0) -> bool:
        """Wait until everything kept is in the database, or `timeout` seconds; True when it is. The
        database's problem ends the wait early once an attempt failed after this began."""
        if not self._background:
            return self._deliver(force=True)
        self._start_thread()
        deadline = None if timeout is None else self._clock() + timeout
        with self._changed:
            failures = self._failures
            self._wake.set()
            while self.unwritten or self._delivering.locked():
                if self.database_problem is not None and self._failures > failures:
                    return False
                left = None if deadline is None else deadline - self._clock()
                if left is not None and left <= 0:
                    return False
                self._changed.wait(timeout=0.05 if left is None else min(left, 0.05))
            return True

    def close(self, wait: float | None = CLOSE_WAIT) -> Path | None:
        """Give the database `wait` seconds (None: as long as it takes writes) to take what waits, and
        leave the rest in the outbox file (its path returned; None when everything is in the
        database). Writes that could be kept nowhere are counted in `lost`."""
        if self.unwritten:
            self._next_try = 0.0  # one more try now, whatever the back-off said
            if self._background:
                self.wait(wait)
            else:
                self._deliver(force=True)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)  # a thread stuck on a hung database is left to the exit
        with self._delivering if self._thread is None or not self._thread.is_alive() else nullcontext():
            return self._let_go()

    def left_behind(self, kept: Path | None, language: str = SOURCE) -> str | None:
        """What `close` could not put in the database, in one line for the person who ran it, in their
        `language` (None: nothing)."""
        if kept is None and not self.lost:
            return None
        outbox = self.outbox.problem_said if self.outbox is not None else self._outbox_failed_said
        why = [part for part in (self._database_error, outbox) if part is not None]
        words = [message("the session records could not be written ({why})").fill(
            why=Joined(*(part for number, each in enumerate(why) for part in ((("; ",) if number else ()) + (each,))))
            if why else message("the database did not answer in time"))]
        if kept is not None and kept.suffix == ".jsonl":
            words.append(message("; the answers are saved in {file}: `chatbot records import {file}` writes them")
                         .fill(file=str(kept)))
        elif kept is not None:
            words.append(message("; the answers wait in {file}: the next chatbot started here delivers them, or "
                                 "`chatbot records import {file}`").fill(file=str(kept)))
        if self.lost:
            words.append(plural("; {count} write could not be kept on this disk either, and is lost",
                                "; {count} writes could not be kept on this disk either, and are lost").count(self.lost))
        return Joined(*words).get(language)

    @property
    def problem(self) -> str | None:
        """Why the records cannot be written just now (the database; the outbox's file), or None."""
        outbox = self.outbox.problem if self.outbox is not None else self.outbox_failed
        if self.database_problem and outbox:
            return f"{self.database_problem}; {outbox}"
        return self.database_problem or outbox

    @property
    def retry_every(self) -> float:
        """Seconds at most between attempts while the database is away."""
        return self._retry_every

    @property
    def unwritten(self) -> int:
        """How many writes wait for the database (in the outbox, taken-over outboxes, or memory)."""
        count = len(self._memory)
        if self.outbox is not None:
            count += len(self.outbox)
        for orphan in self._orphans or ():
            count += len(orphan)
        return count

    # -- inside ---------------------------------------------------------------------------------

    def _ensure_outbox(self) -> Outbox | None:
        if self.outbox is None and self.outbox_failed is None:
            from chatbot.records.outbox import Outbox  # sqlite3 only once there is something to keep

            folder = self.outbox_dir or data_dir() / OUTBOX_DIR
            try:
                self.outbox = Outbox.new(folder, self.url)
            except Exception as error:  # no disk to keep them on: memory, and `problem` says so
                self._outbox_failed_said = message("no local outbox can be made in {folder} ({error}): answers are "
                                                   "kept in memory until the database takes them").fill(
                    folder=str(folder), error=str(error))
                self.outbox_failed = str(self._outbox_failed_said)
                log.error("records: %s", self.outbox_failed)
        return self.outbox

    _attempts = 0
    _failures = 0

    def _start_thread(self) -> None:
        if self._thread is None and not self._stop.is_set():
            self._thread = threading.Thread(target=self._run, name=f"records delivery {self.url}", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=max(0.0, self._next_try - self._clock()) if self._next_try else None)
            self._wake.clear()
            if self._stop.is_set():
                break
            if self._clock() < self._next_try:
                continue  # woken during the back-off: the next try comes at its time
            self._deliver(force=True)

    def _deliver(self, force: bool = False) -> bool:
        """Deliver what waits, oldest first, in batches; True when nothing waits any more."""
        if not force and self._clock() < self._next_try:
            return False
        with self._delivering:
            try:
                if self._writer is None:
                    self._writer = self._open_writer(self.url)
                if self._orphans is None:
                    self._take_over_orphans()
                for outbox in list(self._orphans):
                    self._drain(outbox)
                    self._orphans.remove(outbox)
                    outbox.close()
                if self.outbox is not None:
                    self._drain(self.outbox)
                while self._memory:
                    batch = self._memory[:BATCH]
                    self._writer.deliver(batch)
                    del self._memory[:len(batch)]
                self._recovered()
                return not self.unwritten
            except RecordsError as error:
                self._failed(error)
                return False
            except Exception as error:  # never a dead writer: said, and tried again
                self._failed(RecordsError(message("the records could not be written: {error}").fill(
                    error=f"{type(error).__name__}: {error}")))
                return False
            finally:
                self._attempted()

    def _drain(self, outbox: Outbox) -> None:
        while True:
            batch = outbox.head(BATCH)
            if not batch:
                return
            try:
                self._writer.deliver([write for _, write in batch])
            except BaseException:
                outbox.returned()
                raise
            outbox.done([key for key, _ in batch])

    def _take_over_orphans(self) -> None:
        from chatbot.records.outbox import Outbox

        folder = self.outbox_dir or data_dir() / OUTBOX_DIR
        mine = self.outbox.path if self.outbox is not None else None
        self._orphans = list(Outbox.orphans(folder, self.url, mine))
        for orphan in self._orphans:
            log.warning("records: delivering %d writes left by a chatbot that stopped (%s)", len(orphan),
                        orphan.path)

    def _attempted(self) -> None:
        with self._changed:
            self._attempts += 1
            self._changed.notify_all()

    def _recovered(self) -> None:
        if self.database_problem is not None:
            log.warning("records: the database %s takes writes again; nothing was lost", self.url)
            self.database_problem = self._database_error = None
        self._next_try = 0.0
        self._backoff.reset()

    def _failed(self, error: RecordsError) -> None:
        from chatbot.records.connector import StoreUnavailable

        if self.outbox is not None:
            self.outbox.sync()  # what waits for the database is on the disk itself meanwhile

        if str(error) != self.database_problem:
            log.error("records: %s; %d writes kept until it works again", error, self.unwritten)
        self.database_problem, self._database_error = str(error), error
        self._backoff.most = self._retry_every if isinstance(error, StoreUnavailable) else REFUSED_MOST
        self._next_try = self._clock() + self._backoff.next()
        self._failures += 1
        self._drop_writer()

    def _drop_writer(self) -> None:
        """Close the writer, whatever state its connection is in; the next delivery opens a new one."""
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # a connection that already failed may fail to close too
                pass
            self._writer = None

    def _let_go(self) -> Path | None:
        """The outboxes let go (kept on file when writes wait in them), memory saved if it can be."""
        kept = None
        for orphan in self._orphans or ():
            orphan.release()
        self._orphans = []
        memory = list(self._memory)
        if self.outbox is not None:
            memory += self.outbox.in_memory
            kept = self.outbox.close()
            self.outbox = None
        self._memory = []
        self._drop_writer()
        if memory:
            folder = self._unsaved_dir or data_dir() / UNSAVED_DIR
            try:
                from chatbot.records.outbox import save_unwritten

                saved = save_unwritten(memory, folder)
            except OSError as error:
                self.lost = len(memory)
                log.error("records: %d writes could be kept neither in %s nor on disk (%s)", len(memory),
                          self.url, error)
            else:
                kept = kept or saved
                log.error("records: %d writes could not reach %s and are saved in %s; `chatbot records import "
                          "%s` writes them", len(memory), self.url, saved, saved)
        if kept is not None:
            log.error("records: writes wait in %s for %s: the next chatbot here delivers them, or `chatbot "
                      "records import %s`", kept, self.url, kept)
        return kept
