"""The session store's small interface: a writer for kiosks, a reader for staff.

A kiosk gets only a `SessionWriter` (`open_writer`): it starts sessions, adds answers
and events, and finishes them; nothing in it lists or reads a session. Staff tools
get a `SessionReader` (`open_reader`). Both backends implement both; the backend's
module (and its driver) is imported only when its URL is opened.

Every write is idempotent: a session, an answer (session, seq) and an event (session,
seq) are each written once however often the same write is repeated, so a recorder
that could not tell whether a commit went through can simply write it again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from chatbot.records.url import DatabaseURL, RecordsError, parse_database_url

STATUSES = ("unfinished", "finished", "abandoned")
EVENT_KINDS = ("created", "answered", "went_back", "restarted", "finished", "wiped", "closed",
               "reopened", "reviewed", "amended", "purged", "sent", "help_requested")
# "help_requested": the person at a staffed kiosk asked for staff to come (its "Ask for help", WCAG 3.2.6);
# the station puts the session at the top of its queue at once, until a nurse opens it.
# "sent": a session's FHIR Bundle was accepted by a record system (chatbot.fhir); detail: the server's
# URL (no password), its HTTP status and each entry's status and location. Kinds are not constrained
# by the schema, so adding one needs no migration.
WRITES = ("start_session", "record_answer", "withdraw_answers", "record_event", "end_session", "identify")
SCHEMA_VERSION = 3  # the highest migration this code knows; tests hold it to migrations/


class StoreUnavailable(RecordsError):
    """The database cannot be reached or written just now; the same write may work later."""


class SchemaMismatch(RecordsError):
    """The database's schema is older or newer than this code: migrate, or upgrade the chatbot."""


class SessionNotFound(RecordsError):
    """No session has that id."""


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class SessionStart:
    """What is known when a session begins."""

    id: str
    flow_name: str
    flow_version: int
    flow_hash: str
    language: str
    place: str  # "terminal", "kiosk:<id>", "serve:<host>", "replay", "simulate"
    started_at: datetime


@dataclass(frozen=True)
class AnswerRecord:
    """One answer: the question, what was typed, how it was read, and what it found."""

    session_id: str
    seq: int  # 1, 2, ... in the order given (an answer undone by back keeps its number)
    question_id: str
    question_text: str
    question_kind: str
    typed: str
    shown: str
    value: Any  # JSON-able: bool, None, float, str or a list of them
    findings: dict[str, Any]
    answered_at: datetime


@dataclass(frozen=True)
class Ending:
    """How a session ended: finished with a level, or abandoned (restart, idle wipe, closed)."""

    session_id: str
    status: str
    at: datetime
    level: str | None = None
    outcome: str | None = None
    outcome_title: str | None = None
    reasons: tuple[dict[str, str], ...] = ()  # {"id": rule id, "reason": words}
    because: tuple[int, ...] = ()  # seq of the answers that led there


@dataclass(frozen=True)
class Event:
    session_id: str | None
    seq: int | None
    kind: str
    at: datetime
    actor: str = "person"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredSession:
    """A session as kept: its row, every answer (withdrawn ones marked), every event."""

    id: str
    flow_name: str
    flow_version: int
    flow_hash: str
    language: str
    place: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    level: str | None
    outcome: str | None
    outcome_title: str | None
    reasons: list[dict[str, str]]
    because: list[int]
    recorded_by: str | None = None
    version: int = 1  # raised by every change to the row: staff writes check it (optimistic concurrency)
    identification: dict[str, Any] | None = None  # {"kind": "ticket", "value": "A12"} or name_dob
    answers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """The session's own fields as JSON-able values (no answers or events)."""
        return {"id": self.id, "flow_name": self.flow_name, "flow_version": self.flow_version,
                "flow_hash": self.flow_hash, "language": self.language, "place": self.place,
                "started_at": iso(self.started_at), "finished_at": iso(self.finished_at),
                "status": self.status, "level": self.level, "outcome": self.outcome,
                "outcome_title": self.outcome_title, "reasons": self.reasons, "because": self.because,
                "version": self.version, "identification": self.identification}

    @property
    def kept_answers(self) -> list[dict[str, Any]]:
        return [answer for answer in self.answers if answer["withdrawn_at"] is None]


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).isoformat(timespec="microseconds")


class SessionWriter(ABC):
    """What a kiosk may do: write its own sessions. Nothing here reads one back."""

    url: DatabaseURL

    # Each write that changes a session carries the event that says so: both are committed together.

    @abstractmethod
    def start_session(self, start: SessionStart, event: Event) -> None: ...

    @abstractmethod
    def record_answer(self, answer: AnswerRecord, event: Event) -> None: ...

    @abstractmethod
    def withdraw_answers(self, session_id: str, after_seq: int, event: Event) -> None:
        """Mark every answer of the session numbered above `after_seq` as undone (by back) at `event.at`."""

    @abstractmethod
    def record_event(self, event: Event) -> None: ...

    @abstractmethod
    def end_session(self, ending: Ending, event: Event) -> None:
        """Finish or abandon a session (or open it again: status "unfinished", after back from the end)."""

    def identify(self, session_id: str, identification: dict[str, Any]) -> None:
        """Say who the person is: {"kind": "ticket", "value": "A12"} or {"kind": "name_dob", "name", "born"}."""
        raise NotImplementedError

    @abstractmethod
    def close(self) -> None: ...

    def apply(self, operation: str, args: tuple) -> None:
        """One write by name, as the recorder queues them: `apply("record_answer", (answer,))`."""
        if operation not in WRITES:
            raise ValueError(f"not a write: {operation}")
        getattr(self, operation)(*args)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SessionReader(ABC):
    """What staff may do: list, read, export and purge sessions, and note reviews."""

    url: DatabaseURL

    @abstractmethod
    def list_sessions(self, status: str | None = None, since: datetime | None = None) -> list[StoredSession]:
        """Sessions newest first, without answers or events."""

    @abstractmethod
    def get_session(self, session_id: str) -> StoredSession:
        """One session with its answers and events; an unambiguous prefix of the id will do."""

    @abstractmethod
    def iter_sessions(self, status: str | None = None, since: datetime | None = None) -> Iterator[StoredSession]:
        """Every session with its answers, oldest first, for export."""

    @abstractmethod
    def purge(self, older_than: timedelta, actor: str, at: datetime | None = None) -> int:
        """Delete ended sessions that ended before `at - older_than`, with their answers; keep a purge event."""

    @abstractmethod
    def record_event(self, event: Event) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def id_prefix_pattern(session_id: str) -> str:
    """A LIKE pattern for the sessions whose id starts with `session_id` (its \\, % and _ taken literally)."""
    return session_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def the_one_row(session_id: str, rows: list, url: DatabaseURL):
    """The one row a prefix named (a LIMIT 2 query), or `SessionNotFound` saying what to give instead."""
    if not session_id or not rows:
        raise SessionNotFound(f"no session {session_id!r} in {url}")
    if len(rows) > 1:
        raise SessionNotFound(f"more than one session starts with {session_id!r}: give more of the id")
    return rows[0]


def check_version(found: int, url: DatabaseURL, *, writing: bool) -> None:
    """Refuse a schema this code does not match, saying what to do."""
    if found > SCHEMA_VERSION:
        action = "refusing to write to it" if writing else "this chatbot may misread it"
        raise SchemaMismatch(f"the records database {url} has schema version {found}, newer than this "
                             f"chatbot's {SCHEMA_VERSION}: {action}; upgrade the chatbot")
    if found < SCHEMA_VERSION:
        raise SchemaMismatch(f"the records database {url} has schema version {found}, older than this "
                             f"chatbot's {SCHEMA_VERSION}: run `chatbot records migrate --database {url}`")
