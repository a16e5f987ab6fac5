"""A stored session, typed: what a kiosk writes, and what the store reads back.

Written (what a recorder queues, and what an outbox keeps): `SessionStart`, `AnswerRecord`,
`Ending`, `Event`, each carried by a `Write` that names its operation. Read: a
`StoredSession` with its `StoredAnswer`s (who gave each: the person, or a nurse by an
amendment; which are withdrawn), its `StoredEvent`s, its `Identification`, and what
they mean for a reader: the current answers with what changed them (`Current`), the
amendments and reviews (the review trail), and the session's state in one word.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

STATUSES = ("unfinished", "finished", "abandoned")
ENDINGS = ("finished", "restarted", "wiped", "stopped", "closed")
"""How a session ended (`ended_by`): finished at an outcome; started over (restarted); left, and the
screen wiped (wiped; a kiosk's idle timer or Done); the machine stopped the app (stopped: SIGTERM,
SIGHUP); the app was quit mid-way (closed)."""
STATES = ("in_progress", "stopped", "abandoned", "waiting", "in_review", "reviewed")
"""A session's state in one word, as the desk and `records list` say it: still being answered
(in_progress); stopped before the end, its answers kept as they were (stopped: the person walked away
and the screen was wiped, the app was quit or the machine stopped it); abandoned for a new session
(abandoned: the person started over); finished and waiting for a nurse (waiting), open at a station
(in_review), reviewed."""
EVENT_KINDS = ("created", "answered", "went_back", "restarted", "finished", "wiped", "closed", "stopped",
               "reopened", "identified", "reviewed", "amended", "purged", "sent", "help_requested", "help_answered")
# "help_requested": the person at a staffed kiosk asked for staff to come (its "Ask for help", WCAG 3.2.6);
# "help_answered": a nurse marked that request answered (actor: the nurse; detail: asked_at, last_at, asks).
# Each opens or closes the request on the session's row (`StoredSession.help_open`), by the schema's trigger.
# "sent": a session's FHIR Bundle was accepted by a record system (chatbot.fhir); detail: the server's
# URL (no password), its HTTP status and each entry's status and location. Kinds are not constrained
# by the schema, so adding one needs no migration.
PERSON = "person"
"""Who gave an answer a kiosk recorded (a nurse's amendment gives the nurse's name)."""
CLAIM_FOR = timedelta(minutes=15)
""""In review by" lapses when a station closed without saying so."""
LEVELS = ("emergency", "urgent", "routine")


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).isoformat(timespec="microseconds")


# -- what is written ------------------------------------------------------------------------------


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
    """One answer: the question, what was typed, how it was read, what it found, and who gave it."""

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
    given_by: str = PERSON


@dataclass(frozen=True)
class Ending:
    """How a session ended: finished with a level, or abandoned (`ended_by` says how); or open again
    (status "unfinished", after back from the outcome)."""

    session_id: str
    status: str
    at: datetime
    level: str | None = None
    outcome: str | None = None
    outcome_title: str | None = None
    reasons: tuple[dict[str, str], ...] = ()  # {"id": rule id, "reason": words}
    because: tuple[int, ...] = ()  # seq of the answers that led there
    ended_by: str | None = None  # one of ENDINGS; None while open


@dataclass(frozen=True)
class Event:
    session_id: str | None
    seq: int | None
    kind: str
    at: datetime
    actor: str = PERSON
    detail: dict[str, Any] = field(default_factory=dict)


WRITES = ("start_session", "record_answer", "withdraw_answers", "record_event", "end_session", "identify")
"""The kiosk's writes, each a named operation of the store (`store.SessionWriter.deliver`)."""


@dataclass(frozen=True)
class Write:
    """One write by name, as a recorder queues it and an outbox keeps it: `Write("record_answer",
    (answer, event))`, `Write("identify", (session_id, identification, event))`. A change comes with its
    event in the same write (one transaction). Every write is idempotent: written twice, it is kept once."""

    operation: str
    args: tuple

    def __post_init__(self) -> None:
        if self.operation not in WRITES:
            raise ValueError(f"not a write: {self.operation}")

    def to_json(self) -> dict[str, Any]:
        return {"op": self.operation, "args": [_encode(arg) for arg in self.args]}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Write:
        """The write `to_json` made (KeyError, TypeError, ValueError for anything else)."""
        return cls(item["op"], tuple(_decode(arg) for arg in item["args"]))


    @property
    def older_identify(self) -> bool:
        """An identification as chatbots before its event joined it wrote it: `identify` with no event, its
        `identified` event the next write (`upgraded` puts the two back together)."""
        return self.operation == "identify" and len(self.args) == 2


def upgraded(writes: Sequence[Write]) -> list[Write]:
    """`writes` as this chatbot writes them: an older outbox's `identify` (session, identification), then
    its `identified` event as the next write, become one `identify` (session, identification, event), so
    that the identification is never written without its event. One whose event is not there (never
    written so, but read from a file all the same) gets an event of its own: kind `identified`, no seq,
    `restored` in its detail."""
    out: list[Write] = []
    index = 0
    while index < len(writes):
        write = writes[index]
        index += 1
        if not write.older_identify:
            out.append(write)
            continue
        session_id, identification = write.args
        following = writes[index] if index < len(writes) else None
        event = following.args[0] if following is not None and following.operation == "record_event" else None
        if isinstance(event, Event) and event.kind == "identified" and event.session_id == session_id:
            index += 1
        else:
            event = Event(session_id, None, "identified", now(), PERSON,
                          {"by": (identification or {}).get("kind"), "restored": True})
        out.append(Write("identify", (session_id, identification, event)))
    return out


_RECORDS = {"SessionStart": SessionStart, "AnswerRecord": AnswerRecord, "Ending": Ending, "Event": Event}
_TIMES = {"started_at", "answered_at", "at"}
_FIELDS = {kind: tuple(each.name for each in fields(record)) for kind, record in _RECORDS.items()}
"""Each record's field names, read once: no record holds another, so its fields are taken as they are
(`dataclasses.asdict` deep-copied every answer's findings, a fifth of a recorded answer's time)."""


def _encode(value: Any) -> Any:
    names = _FIELDS.get(type(value).__name__)
    if names is not None:
        items = ((name, getattr(value, name)) for name in names)
        return {"type": type(value).__name__, **{key: item.isoformat() if isinstance(item, datetime) else item
                                                 for key, item in items}}
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


# -- what is read back ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identification:
    """Who the person said they are, for the desk: a ticket number, or a first name and birth date."""

    kind: str  # "ticket" or "name_dob"
    value: str = ""  # the ticket
    name: str = ""
    born: str = ""

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Identification | None:
        if not value:
            return None
        return cls(str(value.get("kind", "")), str(value.get("value", "")), str(value.get("name", "")),
                   str(value.get("born", "")))

    def to_json(self) -> dict[str, str]:
        if self.kind == "ticket":
            return {"kind": "ticket", "value": self.value}
        if self.kind == "name_dob":
            return {"kind": "name_dob", "name": self.name, "born": self.born}
        return {"kind": self.kind}


@dataclass(frozen=True)
class Reason:
    """A triage rule that held: its id and its words, as the person was shown them."""

    id: str
    reason: str

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Reason:
        return cls(str(value.get("id", "")), str(value.get("reason", "")))

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason}


@dataclass(frozen=True)
class StoredAnswer:
    seq: int
    question_id: str
    question_text: str
    question_kind: str
    typed: str
    shown: str
    value: Any
    findings: dict[str, Any]
    answered_at: datetime
    withdrawn_at: datetime | None = None
    given_by: str = PERSON

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def by_nurse(self) -> bool:
        return self.given_by != PERSON

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "question_id": self.question_id, "question_text": self.question_text,
                "question_kind": self.question_kind, "typed": self.typed, "shown": self.shown,
                "value": self.value, "findings": self.findings, "answered_at": iso(self.answered_at),
                "withdrawn_at": iso(self.withdrawn_at), "given_by": self.given_by}


@dataclass(frozen=True)
class StoredEvent:
    seq: int | None
    kind: str
    actor: str
    at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Said:
    """An answer as an amendment's event keeps it: typed, shown, and what it found."""

    typed: str
    shown: str
    findings: dict[str, Any]

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Said:
        value = value or {}
        return cls(str(value.get("typed", "")), str(value.get("shown", "")), dict(value.get("findings") or {}))


@dataclass(frozen=True)
class Amendment:
    """A nurse changed an answer: which, from what to what, why, and the level before and after."""

    question_id: str
    old: Said
    new: Said
    reason: str
    by: str
    at: datetime
    old_level: str | None
    new_level: str | None
    version: int | None

    @classmethod
    def from_event(cls, event: StoredEvent) -> Amendment:
        detail = event.detail
        return cls(str(detail.get("question_id", "")), Said.from_json(detail.get("old")),
                   Said.from_json(detail.get("new")), str(detail.get("reason", "")), event.actor, event.at,
                   detail.get("old_level"), detail.get("new_level"), detail.get("version"))


@dataclass(frozen=True)
class Review:
    by: str
    at: datetime
    version: int | None


@dataclass(frozen=True)
class Current:
    """A current answer, and what it replaced: the answer withdrawn for it (when it said something
    else), and the nurse's amendment that gave it (when one did)."""

    answer: StoredAnswer
    earlier: StoredAnswer | None = None
    amendment: Amendment | None = None

    @property
    def changed(self) -> bool:
        return self.earlier is not None or self.amendment is not None


@dataclass
class StoredSession:
    """A session as kept: its row, and (when read whole) every answer and event."""

    id: str
    flow_name: str
    flow_version: int
    flow_hash: str
    language: str
    place: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "unfinished"
    level: str | None = None
    outcome: str | None = None
    outcome_title: str | None = None
    reasons: tuple[Reason, ...] = ()
    because: tuple[int, ...] = ()
    recorded_by: str | None = None
    version: int = 1  # raised by every change to the row: staff writes check it (optimistic concurrency)
    identification: Identification | None = None
    ended_by: str | None = None
    in_review_by: str | None = None
    in_review_at: datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    changed: int = 0  # the store's change number of the row's last change (the station refreshes by it)
    help_asked_at: datetime | None = None  # a staffed kiosk's open "Ask for help": first asked (None: none open)
    help_last_at: datetime | None = None  # ... last asked
    help_asks: int = 0  # ... how many times
    help_answered_by: str | None = None  # the nurse who last marked a request answered, and when
    help_answered_at: datetime | None = None
    answers: tuple[StoredAnswer, ...] = ()
    events: tuple[StoredEvent, ...] = ()

    # -- the answers ----------------------------------------------------------------------------

    @property
    def kept_answers(self) -> list[StoredAnswer]:
        """The current answers (none withdrawn), in the order given."""
        return [answer for answer in self.answers if not answer.withdrawn]

    def current(self) -> list[Current]:
        """The current answers, each with what it replaced: a nurse's amendment (who, when, why, the
        old answer), or the person's own change with back (the old answer). An answer withdrawn and
        given again unchanged (the rest of the dialogue after an amended answer) is not a change."""
        amendments = {amendment.question_id: amendment for amendment in self.amendments}
        withdrawn = {answer.question_id: answer for answer in self.answers if answer.withdrawn}  # the last
        out = []
        for answer in self.kept_answers:
            earlier = withdrawn.get(answer.question_id)
            if earlier is not None and (earlier.typed, earlier.shown) == (answer.typed, answer.shown):
                earlier = None
            amendment = amendments.get(answer.question_id) if answer.by_nurse else None
            out.append(Current(answer, earlier, amendment))
        return out

    # -- the review trail -----------------------------------------------------------------------

    @property
    def amendments(self) -> list[Amendment]:
        """Every amendment, oldest first (the last one of a question is what stands)."""
        return [Amendment.from_event(event) for event in self.events if event.kind == "amended"]

    @property
    def reviews(self) -> list[Review]:
        return [Review(event.actor, event.at, event.detail.get("version"))
                for event in self.events if event.kind == "reviewed"]

    @property
    def amended(self) -> bool:
        return any(event.kind == "amended" for event in self.events)

    # -- where it stands ------------------------------------------------------------------------

    @property
    def help_open(self) -> bool:
        """The person asked for staff to come, and no nurse has marked it answered yet."""
        return self.help_asked_at is not None

    def state(self, at: datetime) -> str:
        """One of STATES at time `at` (an "in review" claim older than CLAIM_FOR has lapsed)."""
        if self.reviewed_by is not None:
            return "reviewed"
        if self.in_review_by is not None and self.in_review_at is not None and at - self.in_review_at < CLAIM_FOR:
            return "in_review"
        if self.status == "unfinished":
            return "in_progress"
        if self.status == "abandoned":
            return "abandoned" if self.ended_by == "restarted" else "stopped"
        return "waiting"

    def waited(self, at: datetime) -> timedelta:
        return at - (self.finished_at or self.started_at)

    @property
    def rank(self) -> tuple:
        """Emergencies first, then urgent, then routine, then those without a level; oldest first in each."""
        return (LEVELS.index(self.level) if self.level in LEVELS else len(LEVELS), self.started_at, self.id)

    def row(self) -> dict[str, Any]:
        """The session's own fields as JSON-able values (no answers or events)."""
        return {"id": self.id, "flow_name": self.flow_name, "flow_version": self.flow_version,
                "flow_hash": self.flow_hash, "language": self.language, "place": self.place,
                "started_at": iso(self.started_at), "finished_at": iso(self.finished_at),
                "status": self.status, "ended_by": self.ended_by, "level": self.level, "outcome": self.outcome,
                "outcome_title": self.outcome_title, "reasons": [reason.to_json() for reason in self.reasons],
                "because": list(self.because), "version": self.version,
                "identification": self.identification.to_json() if self.identification else None,
                "reviewed_by": self.reviewed_by, "reviewed_at": iso(self.reviewed_at)}
