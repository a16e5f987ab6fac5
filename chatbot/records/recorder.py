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
returns: nothing acknowledged on the screen is lost, even to `kill -9`. The database itself
is written by the recorder's own thread (`delivery`), never the UI's: a database that is
away, slow, locked or hung never holds the next question back. While it cannot be written,
`problem` says why (for a calm notice and the log), the writes wait in the outbox, in order,
and the thread tries again with back-off, delivering everything once it can. At `close` it
waits a little for the database; whatever is still waiting stays in the outbox file, which
the next chatbot here delivers (or `chatbot records import FILE`).
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from chatbot.catalog import SOURCE
from chatbot.engine import Conversation
from chatbot.records.delivery import CLOSE_WAIT, OUTBOX_DIR, RETRY_MOST, UNSAVED_DIR, Delivery, _open_writer
from chatbot.records.model import Ending, Event, SessionStart, Write, now
from chatbot.records.store import SessionWriter
from chatbot.records.transcript import answer_record, ending
from chatbot.records.url import DatabaseURL, parse_database_url

__all__ = ["Recorder", "CLOSE_WAIT", "OUTBOX_DIR", "UNSAVED_DIR", "flow_hash"]

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
        self._wallclock = wallclock
        self.delivery = Delivery(self.url, writer=writer, outbox_dir=outbox_dir, unsaved_dir=unsaved_dir,
                                 retry_every=retry_every, clock=clock, background=background)
        self._lock = threading.RLock()  # the conversation's state (the UI's side)
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
        "A12"} or {"kind": "name_dob", "name": "Ana", "born": "1980-02-03"}; again when they correct it. One
        write with its event (which notes the kind only, never the name): one transaction in the store."""
        with self._lock:
            if self._start is None:
                return
            writes = self._ensure_session()
            writes.append(Write("identify", (self.session_id, dict(identification), self._event(
                "identified", self._wallclock(), by=identification.get("kind")))))
            self._keep(writes)

    def help_requested(self) -> None:
        """The person asked for staff to come (a staffed kiosk's "Ask for help"): an event with the session,
        begun here when nothing was answered yet (so the desk sees which kiosk asks, even from the welcome).
        The store keeps the open request on the session's row, where every station sees it at once."""
        with self._lock:
            if self._start is None:
                return
            writes = self._ensure_session()
            writes.append(Write("record_event", (self._event("help_requested", self._wallclock()),)))
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

    # -- the database: the delivery's ---------------------------------------------------------------

    def open(self) -> bool:
        """Start delivering now (a UI calls this from a worker after its first frame, so that the first
        answer does not wait for the database); False, with `problem` saying why, when it cannot be
        written."""
        return self.delivery.open()

    def retry(self) -> bool:
        """Try the database again now (not waiting for the back-off); True when nothing waits any more."""
        return self.delivery.retry()

    def wait(self, timeout: float | None = 10.0) -> bool:
        """Wait until everything kept is in the database, or `timeout` seconds; True when it is."""
        return self.delivery.wait(timeout)

    def close(self, wait: float | None = CLOSE_WAIT) -> Path | None:
        """At exit: end the session, give the database `wait` seconds (None: as long as it takes writes)
        to take what waits, and leave the rest in the outbox file (its path returned; None when
        everything is in the database). Writes that could be kept nowhere are counted in `lost`."""
        with self._lock:
            self._end("closed")
            self._reset()
        return self.delivery.close(wait)

    def left_behind(self, kept: Path | None, language: str = SOURCE) -> str | None:
        """What `close` could not put in the database, in one line for the person who ran it (in `language`)."""
        return self.delivery.left_behind(kept, language)

    @property
    def problem(self) -> str | None:
        """Why the records cannot be written just now (the database; the outbox's file), or None."""
        return self.delivery.problem

    @property
    def retry_every(self) -> float:
        return self.delivery.retry_every

    @property
    def unwritten(self) -> int:
        """How many writes wait for the database."""
        return self.delivery.unwritten

    @property
    def lost(self) -> int:
        return self.delivery.lost

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
        self.delivery.keep(writes)
