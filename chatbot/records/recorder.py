"""What a UI calls to keep a conversation in the records: at each answer, back, restart and end.

The recorder follows an engine `Conversation` (no Textual here): `begin` when the first
question is shown, `answered` after every `Conversation.answer`, `went_back` after
`back`, `restarted` after `restart`, `identified` when a kiosk's person says who they are
(a ticket number, or a first name and date of birth), `wiped` when a kiosk's idle timer clears the
screen or its person presses Done, `stopped` when the machine stops the app, and `close` at
exit. A session is written from its first answer on; one left without an answer leaves
nothing behind.

Each call turns what changed into writes (`transcript`: the same words and ending an
amendment keeps) and puts them in the outbox (`outbox`, a private local file) before it
returns: nothing acknowledged on the screen is lost, even to `kill -9`. The database
itself is written by the recorder's own thread, never the UI's: a database that is away,
slow, locked or hung never holds the next question back. While it cannot be written,
`problem` says why (for a calm notice and the log), the writes wait in the outbox, in
order, and the thread tries again with back-off (`backoff`), delivering everything once
it can. At `close` it waits a little for the database; whatever is still waiting stays in
the outbox file, which the next chatbot here delivers (or `chatbot records import FILE`).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from chatbot.engine import Conversation
from chatbot.privatefile import write_private
from chatbot.records.backoff import Backoff
from chatbot.records.model import Ending, Event, SessionStart, Write, now
from chatbot.records.store import SessionWriter
from chatbot.records.transcript import answer_record, ending
from chatbot.records.url import DatabaseURL, RecordsError, data_dir, parse_database_url

if TYPE_CHECKING:
    from chatbot.records.outbox import Outbox

log = logging.getLogger("chatbot.records")

RETRY_MOST = 1.0  # seconds at most between attempts while the database is away (back-off up to this)
REFUSED_MOST = 30.0  # ... while it refuses (a wrong password, a schema to migrate): nothing quick will change
CLOSE_WAIT = 3.0  # seconds `close` waits for the database to take what waits
BATCH = 200  # writes delivered in one transaction
OUTBOX_DIR = "outbox"
UNSAVED_DIR = "unsaved"

_hashes: dict[str, str] = {}


def flow_hash(path: str) -> str:
    """The SHA-256 of the flow file as it is now ("unknown" when it cannot be read)."""
    if path not in _hashes:
        import hashlib  # only once a session is recorded, not before the first frame

        try:
            _hashes[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            return "unknown"
    return _hashes[path]


def _open_writer(url: DatabaseURL) -> SessionWriter:
    from chatbot.records.backends import open_writer

    return open_writer(url)


class Recorder:
    """Keeps one conversation at a time in the session store; see the module's text for when to call what.

    `background=False` delivers on the caller's thread at each call instead (tests, and clocks that
    tests move: `clock` for the back-off, `wallclock` for the times kept)."""

    def __init__(self, database: str | DatabaseURL | None = None, *, place: str = "terminal",
                 writer: Callable[[DatabaseURL], SessionWriter] = _open_writer,
                 outbox_dir: str | Path | None = None, unsaved_dir: str | Path | None = None,
                 retry_every: float = RETRY_MOST, clock: Callable[[], float] = time.monotonic,
                 wallclock: Callable[[], datetime] = now, background: bool = True):
        self.url = database if isinstance(database, DatabaseURL) else parse_database_url(database)
        self.place = place
        self.session_id: str | None = None
        self.database_problem: str | None = None
        self.lost = 0  # writes that could be kept nowhere at close (no database, no disk)
        self._open_writer = writer
        self._writer: SessionWriter | None = None
        self._outbox_dir = Path(outbox_dir) if outbox_dir is not None else None
        self._unsaved_dir = Path(unsaved_dir) if unsaved_dir is not None else None
        self._outbox: Outbox | None = None
        self._outbox_failed: str | None = None
        self._memory: list[Write] = []  # when no outbox could be made at all
        self._orphans: list[Outbox] | None = None  # found at the first delivery
        self._retry_every = retry_every
        self._clock = clock
        self._wallclock = wallclock
        self._backoff = Backoff(most=retry_every)
        self._next_try = 0.0
        self._background = background
        self._lock = threading.RLock()  # the conversation's state (the UI's side)
        self._delivering = threading.Lock()  # one delivery at a time
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reset()

    def _reset(self) -> None:
        self.session_id = None
        self._start: SessionStart | None = None
        self._written = False  # the session row is queued (from the first answer on)
        self._seq = 0  # answers numbered in the order given
        self._event_seq = 0
        self._kept: list[int] = []  # seq of each answer in the conversation's transcript
        self._status = "unfinished"

    # -- what the UI calls ------------------------------------------------------------------

    def begin(self, conversation: Conversation) -> str:
        """A new session for `conversation` (call when its first question is shown); its id.

        A session still open is ended as abandoned first (the UI moved on without saying why).
        """
        with self._lock:
            self._end("closed")
            self._reset()
            flow = conversation.flow
            self.session_id = uuid.uuid4().hex
            self._start = SessionStart(self.session_id, flow.name, flow.version, flow_hash(flow.file),
                                       conversation.language, self.place, self._wallclock())
            return self.session_id

    def answered(self, conversation: Conversation) -> None:
        """Call after `Conversation.answer`: every new answer (and the end, if reached) is kept."""
        with self._lock:
            if self._start is None:
                self.begin(conversation)
            writes: list[Write] = []
            transcript = conversation.transcript
            if len(transcript) < len(self._kept):
                writes += self._withdraw(conversation)
            for turn in transcript[len(self._kept):]:
                writes += self._ensure_session()
                self._seq += 1
                at = self._wallclock()
                writes.append(Write("record_answer", (
                    answer_record(self.session_id, self._seq, turn, conversation.language, at),
                    self._event("answered", at, question=turn.question.id, answer=self._seq))))
                self._kept.append(self._seq)
            if conversation.finished and self._status != "finished" and self._written:
                at = self._wallclock()
                result = ending(conversation, self.session_id, self._kept, at)
                writes.append(Write("end_session", (result, self._event(
                    "finished", at, level=result.level, outcome=result.outcome))))
                self._status = "finished"
            self._keep(writes)

    def went_back(self, conversation: Conversation) -> None:
        """Call after `Conversation.back`: the undone answers stay in the record, marked withdrawn."""
        with self._lock:
            if self._written and len(conversation.transcript) < len(self._kept):
                self._keep(self._withdraw(conversation))

    def restarted(self, conversation: Conversation) -> str:
        """Call after `Conversation.restart`: the session so far is kept as abandoned; a new one begins."""
        with self._lock:
            self._end("restarted")
            return self.begin(conversation)

    def identified(self, identification: dict[str, Any]) -> None:
        """Say who the person of the session is, for the desk to match them: {"kind": "ticket", "value":
        "A12"} or {"kind": "name_dob", "name": "Ana", "born": "1980-02-03"}. An event notes the kind only
        (never the name)."""
        with self._lock:
            if self._start is None:
                return
            writes = self._ensure_session()
            writes.append(Write("identify", (self.session_id, dict(identification))))
            writes.append(Write("record_event", (self._event("identified", self._wallclock(),
                                                             by=identification.get("kind")),)))
            self._keep(writes)

    def wiped(self) -> None:
        """Call when the screen forgets its person (kiosk idle wipe, or Done): the record does not."""
        with self._lock:
            self._end("wiped")
            self._reset()

    def stopped(self) -> None:
        """Call when the machine stops the UI (SIGTERM, SIGHUP): the session is kept, as stopped."""
        with self._lock:
            self._end("stopped")
            self._reset()

    def open(self) -> bool:
        """Start delivering now (a UI calls this from a worker after its first frame): the recorder's
        thread starts, and this waits for its first attempt; False, with `problem` saying why, when the
        database cannot be written."""
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
        """At exit: end the session, give the database `wait` seconds (None: as long as it takes writes)
        to take what waits, and leave the rest in the outbox file (its path returned; None when
        everything is in the database). Writes that could be kept nowhere are counted in `lost`."""
        with self._lock:
            self._end("closed")
            self._reset()
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
        with self._delivering if self._thread is None or not self._thread.is_alive() else _Nothing():
            return self._let_go()

    def left_behind(self, kept: Path | None) -> str | None:
        """What `close` could not put in the database, in one line for the person who ran it (None:
        nothing)."""
        if kept is None and not self.lost:
            return None
        why = self.problem or "the database did not answer in time"
        words = f"the session records could not be written ({why})"
        if kept is not None and kept.suffix == ".jsonl":
            words += f"; the answers are saved in {kept}: `chatbot records import {kept}` writes them"
        elif kept is not None:
            words += (f"; the answers wait in {kept}: the next chatbot started here delivers them, or "
                      f"`chatbot records import {kept}`")
        if self.lost:
            words += f"; {self.lost} writes could not be kept on this disk either, and are lost"
        return words

    @property
    def problem(self) -> str | None:
        """Why the records cannot be written just now (the database; the outbox's file), or None."""
        outbox = self._outbox.problem if self._outbox is not None else self._outbox_failed
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
        if self._outbox is not None:
            count += len(self._outbox)
        for orphan in self._orphans or ():
            count += len(orphan)
        return count

    # -- inside: the conversation's writes --------------------------------------------------------

    def _event(self, kind: str, at: datetime, **detail: Any) -> Event:
        self._event_seq += 1
        return Event(self.session_id, self._event_seq, kind, at, "person", detail)

    def _ensure_session(self) -> list[Write]:
        if self._written:
            return []
        self._written = True
        return [Write("start_session", (self._start, self._event("created", self._start.started_at,
                                                                   place=self.place)))]

    def _withdraw(self, conversation: Conversation) -> list[Write]:
        keep = len(conversation.transcript)
        after = self._kept[keep - 1] if keep else 0
        at = self._wallclock()
        writes = [Write("withdraw_answers", (self.session_id, after, self._event("went_back", at,
                                                                                withdrawn_after=after)))]
        del self._kept[keep:]
        if self._status == "finished":  # back from the outcome: the session is open again
            self._status = "unfinished"
            writes.append(Write("end_session", (Ending(self.session_id, "unfinished", at),
                                                self._event("reopened", at))))
        return writes

    def _end(self, kind: str) -> None:
        """Abandon the session if it is unfinished (`kind` says how: restarted, wiped, stopped, closed),
        and note `kind` either way."""
        if not self._written:
            return
        at = self._wallclock()
        if self._status == "unfinished":
            self._keep([Write("end_session", (Ending(self.session_id, "abandoned", at, ended_by=kind),
                                              self._event(kind, at)))])
            self._status = "abandoned"
        elif kind != "closed":
            self._keep([Write("record_event", (self._event(kind, at),))])

    def _keep(self, writes: list[Write]) -> None:
        """Into the outbox (committed there before this returns), then to the database: now on the
        caller's thread when not `background`, else by the recorder's thread."""
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

    def _ensure_outbox(self) -> Outbox | None:
        if self._outbox is None and self._outbox_failed is None:
            from chatbot.records.outbox import Outbox  # sqlite3 only once there is something to keep

            folder = self._outbox_dir or data_dir() / OUTBOX_DIR
            try:
                self._outbox = Outbox.new(folder, self.url)
            except Exception as error:  # no disk to keep them on: memory, and `problem` says so
                self._outbox_failed = (f"no local outbox can be made in {folder} ({error}): answers are kept "
                                       "in memory until the database takes them")
                log.error("records: %s", self._outbox_failed)
        return self._outbox

    # -- inside: delivering -------------------------------------------------------------------------

    _attempts = 0
    _failures = 0

    def _start_thread(self) -> None:
        if self._thread is None and not self._stop.is_set():
            self._thread = threading.Thread(target=self._run, name=f"records writer {self.url}", daemon=True)
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
                if self._outbox is not None:
                    self._drain(self._outbox)
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
                self._failed(RecordsError(f"the records could not be written: {type(error).__name__}: {error}"))
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

        folder = self._outbox_dir or data_dir() / OUTBOX_DIR
        mine = self._outbox.path if self._outbox is not None else None
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
            self.database_problem = None
        self._next_try = 0.0
        self._backoff.reset()

    def _failed(self, error: RecordsError) -> None:
        from chatbot.records.connector import StoreUnavailable

        if str(error) != self.database_problem:
            log.error("records: %s; %d writes kept until it works again", error, self.unwritten)
        self.database_problem = str(error)
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
        if self._outbox is not None:
            memory += self._outbox.in_memory
            kept = self._outbox.close()
            self._outbox = None
        self._memory = []
        self._drop_writer()
        if memory:
            folder = self._unsaved_dir or data_dir() / UNSAVED_DIR
            try:
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


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


# -- the file of unwritten writes (chatbot records import) ---------------------------------------


def save_unwritten(writes: list[Write], folder: Path) -> Path:
    """The writes in an owner-only JSON Lines file, written whole (a temporary file renamed)."""
    import json
    import os

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"unsaved-{stamp}-{os.getpid()}.jsonl"
    return write_private(path, "".join(json.dumps(write.to_json(), ensure_ascii=False) + "\n" for write in writes),
                         exclusive=True)


def read_unwritten(path: str | Path) -> list[Write]:
    """The writes in a file `save_unwritten` made (or an older chatbot); RecordsError for a file that is
    not one."""
    import json

    writes = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordsError(f"{path}: cannot be read: {error}") from None
    for number, line in enumerate(lines, 1):
        try:
            writes.append(Write.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise RecordsError(f"{path}:{number}: not a saved write: {error}") from None
    return writes
