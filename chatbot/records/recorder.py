"""What a UI calls to keep a conversation in the records: at each answer, back, restart and end.

The recorder follows an engine `Conversation` (no Textual here): `begin` when the first
question is shown, `answered` after every `Conversation.answer`, `went_back` after
`back`, `restarted` after `restart`, `identified` when a kiosk's person says who they are
(a ticket number, or a first name and date of birth), `help_requested` when they ask for staff,
`wiped` when a kiosk's idle timer clears the screen or its person presses Done, and `close` at exit. Each call writes (and commits)
before it returns, so whatever the UI draws next is already kept: `kill -9` loses no
answer that was acknowledged. A session is written from its first answer on; one
left without an answer leaves nothing behind.

When the database cannot be written (unreachable, wrong schema, disk full), nothing is
dropped: the writes wait in memory, in order, `problem` says what is wrong for the
screen and the log, and they are written as soon as the database takes them again
(at the next call after `retry_every` seconds, or at `retry()`). What is still
unwritten at `close` is saved to an owner-only file (`chatbot records import FILE`
writes it later). Every write is idempotent, so writing one twice does no harm.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from chatbot.engine import Conversation
from chatbot.privatefile import write_private
from chatbot.records.store import AnswerRecord, Ending, Event, SessionStart, SessionWriter, WRITES, now
from chatbot.records.backends import open_writer
from chatbot.records.url import DatabaseURL, RecordsError, data_dir, parse_database_url

log = logging.getLogger("chatbot.records")

RETRY_EVERY = 10.0  # seconds between attempts while the database is away
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


def _json_value(value: Any) -> Any:
    if isinstance(value, (tuple, list, set, frozenset)):
        return [_json_value(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


class Recorder:
    """Keeps one conversation at a time in the session store; see the module's text for when to call what."""

    def __init__(self, database: str | DatabaseURL | None = None, *, place: str = "terminal",
                 writer: Callable[[DatabaseURL], SessionWriter] = open_writer,
                 unsaved_dir: str | Path | None = None, retry_every: float = RETRY_EVERY,
                 clock: Callable[[], float] = time.monotonic):
        self.url = database if isinstance(database, DatabaseURL) else parse_database_url(database)
        self.place = place
        self.problem: str | None = None
        self.session_id: str | None = None
        self._open_writer = writer
        self._writer: SessionWriter | None = None
        self._unsaved_dir = Path(unsaved_dir) if unsaved_dir is not None else None
        self._retry_every = retry_every
        self._clock = clock
        self._failed_at: float | None = None
        self._pending: list[tuple[str, tuple]] = []
        self._lock = threading.RLock()
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
            self._flush()
            self._reset()
            flow = conversation.flow
            self.session_id = uuid.uuid4().hex
            self._start = SessionStart(self.session_id, flow.name, flow.version, flow_hash(flow.file),
                                       conversation.language, self.place, now())
            return self.session_id

    def answered(self, conversation: Conversation) -> None:
        """Call after `Conversation.answer`: every new answer (and the end, if reached) is committed."""
        with self._lock:
            if self._start is None:
                self.begin(conversation)
            transcript = conversation.transcript
            if len(transcript) < len(self._kept):
                self._withdraw(conversation, "went_back")
            for turn in transcript[len(self._kept):]:
                self._ensure_session()
                self._seq += 1
                at = now()
                record = AnswerRecord(self.session_id, self._seq, turn.question.id,
                                      turn.question.text.get(conversation.language), turn.question.kind,
                                      turn.typed, turn.shown or "", _json_value(turn.value),
                                      {name: _json_value(value) for name, value in turn.findings.items()}, at)
                self._queue("record_answer", record,
                            self._event("answered", at, question=turn.question.id, answer=self._seq))
                self._kept.append(self._seq)
            if conversation.finished and self._status != "finished" and self._written:
                self._finish(conversation)
            self._flush()

    def went_back(self, conversation: Conversation) -> None:
        """Call after `Conversation.back`: the undone answers stay in the record, marked withdrawn."""
        with self._lock:
            if self._written and len(conversation.transcript) < len(self._kept):
                self._withdraw(conversation, "went_back")
                self._flush()

    def restarted(self, conversation: Conversation) -> str:
        """Call after `Conversation.restart`: the session so far is kept as abandoned; a new one begins."""
        with self._lock:
            self._end("restarted")
            self._flush()
            return self.begin(conversation)

    def identified(self, identification: dict[str, Any]) -> None:
        """Say who the person of the session is, for the desk to match them: {"kind": "ticket", "value":
        "A12"} or {"kind": "name_dob", "name": "Ana", "born": "1980-02-03"}. Kept like an answer when the
        database is away; an event notes the kind only (never the name)."""
        with self._lock:
            if self._start is None:
                return
            self._ensure_session()
            self._queue("identify", self.session_id, dict(identification))
            self._queue("record_event", self._event("identified", now(), by=identification.get("kind")))
            self._flush()

    def help_requested(self) -> None:
        """The person asked for staff to come (a staffed kiosk's "Ask for help"): an event the nurse
        station shows at once. Kept like an answer when the database is away."""
        with self._lock:
            if self._start is None:
                return
            self._ensure_session()
            self._queue("record_event", self._event("help_requested", now()))
            self._flush()

    def wiped(self) -> None:
        """Call when the screen forgets its person (kiosk idle wipe, or Done): the record does not."""
        with self._lock:
            self._end("wiped")
            self._flush()
            self._reset()

    def stopped(self) -> None:
        """Call when the machine stops the UI (SIGTERM, SIGHUP): the session is kept, as abandoned."""
        with self._lock:
            self._end("stopped")
            self._flush()
            self._reset()

    def close(self) -> Path | None:
        """At exit: end the session, write what is waiting, and save what cannot be written to a file.

        Returns the file written, or None when everything is in the database.
        """
        with self._lock:
            self._end("closed")
            self._reset()
            self._flush(force=True)
            saved = self._save_unwritten() if self._pending else None
            self._drop_writer()
            return saved

    def open(self) -> bool:
        """Open the database now (a UI calls this from a worker after its first frame, so that the
        first answer does not wait for it) and write what is waiting; False, with `problem` saying
        why, when it cannot be."""
        with self._lock:
            if self._writer is None:
                try:
                    self._writer = self._open_writer(self.url)
                except RecordsError as error:
                    self._failed(error)
                    return False
            if not self._flush(force=True):
                return False
            self._recovered()
            return True

    def retry(self) -> bool:
        """Try the database again now and write what is waiting (a UI calls this from a timer while
        `problem` is set); True when it took everything."""
        return self.open()

    @property
    def retry_every(self) -> float:
        """Seconds between attempts while the database is away."""
        return self._retry_every

    @property
    def unwritten(self) -> int:
        """How many writes wait in memory for the database."""
        return len(self._pending)

    # -- inside -----------------------------------------------------------------------------

    def _event(self, kind: str, at: datetime, **detail: Any) -> Event:
        self._event_seq += 1
        return Event(self.session_id, self._event_seq, kind, at, "person", detail)

    def _queue(self, operation: str, *args: Any) -> None:
        self._pending.append((operation, args))

    def _ensure_session(self) -> None:
        if not self._written:
            self._queue("start_session", self._start, self._event("created", self._start.started_at,
                                                                   place=self.place))
            self._written = True

    def _withdraw(self, conversation: Conversation, kind: str) -> None:
        keep = len(conversation.transcript)
        after = self._kept[keep - 1] if keep else 0
        at = now()
        self._queue("withdraw_answers", self.session_id, after,
                    self._event(kind, at, withdrawn_after=after))
        del self._kept[keep:]
        if self._status == "finished":  # back from the outcome: the session is open again
            self._status = "unfinished"
            self._queue("end_session", Ending(self.session_id, "unfinished", at),
                        self._event("reopened", at))

    def _finish(self, conversation: Conversation) -> None:
        result = conversation.result()
        language = conversation.language
        at = now()
        by_turn = {id(turn): seq for turn, seq in zip(conversation.transcript, self._kept)}
        ending = Ending(self.session_id, "finished", at, result.level, result.outcome.id,
                        result.outcome.title.fill(emergency_number=conversation.flow.emergency_number).get(language),
                        tuple({"id": rule.id, "reason": rule.for_nurse.get(language)} for rule in result.reasons),
                        tuple(by_turn[id(turn)] for turn in result.because if id(turn) in by_turn))
        self._queue("end_session", ending, self._event("finished", at, level=result.level, outcome=result.outcome.id))
        self._status = "finished"

    def _end(self, kind: str) -> None:
        """Abandon the session if it is unfinished, and note `kind` (restarted, wiped, closed) either way."""
        if not self._written:
            return
        at = now()
        if self._status == "unfinished":
            self._queue("end_session", Ending(self.session_id, "abandoned", at), self._event(kind, at))
            self._status = "abandoned"
        elif kind != "closed":
            self._queue("record_event", self._event(kind, at))

    def _flush(self, force: bool = False) -> bool:
        if not self._pending:
            return True
        if not force and self._failed_at is not None and self._clock() - self._failed_at < self._retry_every:
            return False
        try:
            if self._writer is None:
                self._writer = self._open_writer(self.url)
            while self._pending:
                operation, args = self._pending[0]
                self._writer.apply(operation, args)
                self._pending.pop(0)
        except RecordsError as error:
            self._failed(error)
            return False
        self._recovered()
        return True

    def _recovered(self) -> None:
        if self.problem is not None:
            log.warning("records: the database %s takes writes again; nothing was lost", self.url)
            self.problem = None
        self._failed_at = None

    def _failed(self, error: RecordsError) -> None:
        if str(error) != self.problem:
            log.error("records: %s; %d writes kept in memory until it works again", error, len(self._pending))
        self.problem = str(error)
        self._failed_at = self._clock()
        self._drop_writer()

    def _drop_writer(self) -> None:
        """Close the writer, whatever state its connection is in; the next write opens a new one."""
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # a connection that already failed may fail to close too
                pass
            self._writer = None

    def _save_unwritten(self) -> Path:
        folder = self._unsaved_dir or data_dir() / UNSAVED_DIR
        path = save_unwritten(self._pending, folder)
        log.error("records: %d writes could not reach %s and are saved in %s; "
                  "`chatbot records import %s` writes them", len(self._pending), self.url, path, path)
        return path


# -- the file of unwritten writes -----------------------------------------------------------

_RECORDS = {"SessionStart": SessionStart, "AnswerRecord": AnswerRecord, "Ending": Ending, "Event": Event}
_TIMES = {"started_at", "answered_at", "at"}


def _encode(value: Any) -> Any:
    if type(value).__name__ in _RECORDS:
        fields = asdict(value)
        return {"type": type(value).__name__,
                **{key: (item.isoformat() if isinstance(item, datetime) else item) for key, item in fields.items()}}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and value.get("type") in _RECORDS:
        fields = {key: item for key, item in value.items() if key != "type"}
        for key in _TIMES & fields.keys():
            fields[key] = datetime.fromisoformat(fields[key])
        for key in ("reasons", "because"):
            if key in fields:
                fields[key] = tuple(fields[key])
        return _RECORDS[value["type"]](**fields)
    return value


def save_unwritten(pending: list[tuple[str, tuple]], folder: Path) -> Path:
    """The writes in an owner-only JSON Lines file, written whole (a temporary file renamed)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"unsaved-{stamp}-{os.getpid()}.jsonl"
    return write_private(path, "".join(json.dumps({"op": operation, "args": [_encode(arg) for arg in args]},
                                                  ensure_ascii=False) + "\n" for operation, args in pending),
                         exclusive=True)


def read_unwritten(path: str | Path) -> list[tuple[str, tuple]]:
    """The writes saved by `save_unwritten`; RecordsError for a file that is not one."""
    pending = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordsError(f"{path}: cannot be read: {error}") from None
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
            operation = item["op"]
            if operation not in WRITES:
                raise ValueError(f"unknown write {operation!r}")
            pending.append((operation, tuple(_decode(arg) for arg in item["args"])))
        except (ValueError, KeyError, TypeError) as error:
            raise RecordsError(f"{path}:{number}: not a saved write: {error}") from None
    return pending
