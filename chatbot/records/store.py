"""The session store, written once for both backends: a writer for kiosks, a reader for staff.

A kiosk gets a `SessionWriter` (`open_writer`): it delivers its writes (`model.Write`),
each a named operation run by name (`sql/`), several in one transaction; nothing in it
reads a session back. Staff get a `SessionReader` (`open_reader`): sessions read whole
or page by page, the desk's queue and what changed, purges and events; the desk's and
the staff's own writes (`review`, `staff`) run on its connector. The backend (and its
driver) is imported only when its URL is opened (`backends`).

Every write is idempotent: a session, an answer (session, seq) and an event (session,
seq) are each written once however often the same write is repeated, so a writer that
could not tell whether a commit went through (an outbox delivering again after a crash)
simply writes it again.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator, Sequence

from chatbot.catalog import message
from chatbot.records.connector import Connector, Json, StoreUnavailable
from chatbot.records.migrate import SchemaMismatch, check_version, schema_version
from chatbot.records.model import (ENDINGS, AnswerRecord, Ending, Event, Identification, Reason, SessionStart,
                                   StoredAnswer, StoredEvent, StoredSession, Write, now, upgraded)
from chatbot.records.url import DatabaseURL, RecordsError

__all__ = ["SessionWriter", "SessionReader", "SessionNotFound", "SchemaMismatch", "StoreUnavailable",
           "RecordsError"]

PAGE = 500  # sessions read at a time (lists, exports)
EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)  # before any session ("since" when none is asked)
LATEST = datetime(9999, 12, 30, tzinfo=timezone.utc)


class SessionNotFound(RecordsError):
    """No session has that id."""


@functools.cache
def process_user() -> str:
    """Who runs this process (SQLite's `recorded_by`; PostgreSQL keeps its login instead), looked up once
    (it was looked up at every event written)."""
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in a bare container: the record says so
        return "unknown"


# -- the writes, by name --------------------------------------------------------------------------


def record_event(connector: Connector, event: Event) -> bool:
    """Keep `event`; whether it is new (a kiosk's event numbered as one kept before is not: the write it
    comes with was made then, and is not made again, so a write delivered twice, in any order, changes
    nothing)."""
    return bool(connector.fetch("record_event", session_id=event.session_id, seq=event.seq, kind=event.kind,
                                actor=event.actor, at=event.at, detail=Json(event.detail),
                                recorded_by=process_user()))


def start_session(connector: Connector, start: SessionStart, event: Event) -> None:
    connector.run("start_session", id=start.id, flow_name=start.flow_name, flow_version=start.flow_version,
                  flow_hash=start.flow_hash, language=start.language, place=start.place,
                  started_at=start.started_at, recorded_by=process_user())
    record_event(connector, event)


def record_answer(connector: Connector, answer: AnswerRecord, event: Event | None = None) -> None:
    """The answer, once: its event first (PostgreSQL refuses a kiosk's answer without its event in the same
    transaction), and the answer only when the event is new."""
    if event is not None and not record_event(connector, event):
        return
    connector.run("record_answer", session_id=answer.session_id, seq=answer.seq, question_id=answer.question_id,
                  question_text=answer.question_text, question_kind=answer.question_kind, typed=answer.typed,
                  shown=answer.shown, value=Json(answer.value), findings=Json(answer.findings),
                  answered_at=answer.answered_at, given_by=answer.given_by)


def withdraw_answers(connector: Connector, session_id: str, after_seq: int, event: Event | None,
                     at: datetime | None = None) -> None:
    """Every answer of the session numbered above `after_seq` is withdrawn at `event.at` (by back, once:
    the event is new), or at `at` with no event of its own (by an amendment, whose event says why)."""
    if event is None or record_event(connector, event):
        connector.run("withdraw_answers", session_id=session_id, after_seq=after_seq, at=at or event.at)


def end_session(connector: Connector, ending: Ending, event: Event) -> None:
    """The session ends (or opens again), once: only when its event is new."""
    ended_by = ending.ended_by
    if ended_by is None and ending.status != "unfinished" and event.kind in ENDINGS:
        ended_by = event.kind  # a write kept by an older chatbot says how in its event only
    if record_event(connector, event):
        connector.run("end_session", session_id=ending.session_id, status=ending.status, at=ending.at,
                      level=ending.level, outcome=ending.outcome, outcome_title=ending.outcome_title,
                      reasons=Json(list(ending.reasons)), because=Json(list(ending.because)), ended_by=ended_by)


def identify(connector: Connector, session_id: str, identification: dict[str, Any], event: Event) -> None:
    """Who the person is (again, when they correct it), once: its `identified` event first, in the same
    transaction (both backends refuse an identification without it), and the identification only when the
    event is new (a later correction is never undone by an earlier one delivered again)."""
    if record_event(connector, event):
        connector.run("identify", session_id=session_id, identification=Json(dict(identification)))


OPERATIONS: dict[str, Callable[..., None]] = {
    "start_session": start_session, "record_answer": record_answer, "withdraw_answers": withdraw_answers,
    "record_event": record_event, "end_session": end_session, "identify": identify}


# -- rows as the model has them -------------------------------------------------------------------


def session_from_row(row: dict[str, Any]) -> StoredSession:
    return StoredSession(
        row["id"], row["flow_name"], row["flow_version"], row["flow_hash"], row["language"], row["place"],
        row["started_at"], row["finished_at"], row["status"], row["level"], row["outcome"], row["outcome_title"],
        tuple(Reason.from_json(reason) for reason in row["reasons"] or ()), tuple(row["because"] or ()),
        row["recorded_by"], row["version"], Identification.from_json(row["identification"]), row["ended_by"],
        row["in_review_by"], row["in_review_at"], row["reviewed_by"], row["reviewed_at"], row["changed"],
        help_asked_at=row["help_asked_at"], help_last_at=row["help_last_at"], help_asks=row["help_asks"] or 0,
        help_answered_by=row["help_answered_by"], help_answered_at=row["help_answered_at"])


def answer_from_row(row: dict[str, Any]) -> StoredAnswer:
    return StoredAnswer(row["seq"], row["question_id"], row["question_text"], row["question_kind"], row["typed"],
                        row["shown"], row["value"], row["findings"], row["answered_at"], row["withdrawn_at"],
                        row["given_by"])


def event_from_row(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(row["seq"], row["kind"], row["actor"], row["at"], row["detail"] or {})


# -- the store ------------------------------------------------------------------------------------


class Store:
    """A store on one connector, its schema checked first."""

    def __init__(self, connector: Connector, *, writing: bool):
        self.connector = connector
        self.url: DatabaseURL = connector.url
        try:
            check_version(schema_version(connector), self.url, writing=writing)
        except BaseException:
            connector.close()
            raise

    def close(self) -> None:
        self.connector.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SessionWriter(Store):
    """What a kiosk may do: write its own sessions. Nothing here reads one back."""

    def __init__(self, connector: Connector):
        super().__init__(connector, writing=True)

    def deliver(self, writes: Sequence[Write]) -> None:
        """The writes, in order, in one transaction: all of them are kept, or none. An older outbox's
        identification and its event, two writes there, are one here (`model.upgraded`)."""
        with self.connector.transaction():
            for write in upgraded(writes):
                OPERATIONS[write.operation](self.connector, *write.args)

    def apply(self, operation: str, args: tuple) -> None:
        """One write by name: `apply("record_answer", (answer, event))`."""
        self.deliver([Write(operation, tuple(args))])

    def start_session(self, start: SessionStart, event: Event) -> None:
        self.apply("start_session", (start, event))

    def record_answer(self, answer: AnswerRecord, event: Event) -> None:
        self.apply("record_answer", (answer, event))

    def withdraw_answers(self, session_id: str, after_seq: int, event: Event) -> None:
        self.apply("withdraw_answers", (session_id, after_seq, event))

    def record_event(self, event: Event) -> None:
        self.apply("record_event", (event,))

    def end_session(self, ending: Ending, event: Event) -> None:
        self.apply("end_session", (ending, event))

    def identify(self, session_id: str, identification: dict[str, Any], event: Event) -> None:
        self.apply("identify", (session_id, identification, event))


def _prefix_range(prefix: str) -> tuple[str, str]:
    """The ids starting with `prefix` are those from `prefix` up to, not including, this end."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


class SessionReader(Store):
    """What staff may do: read, list, export and purge sessions, and note events."""

    def __init__(self, connector: Connector):
        super().__init__(connector, writing=False)
        self.staff: str | None = None  # the nurse signed in on this store (`staff.try_pin`, `staff.resume`)
        self.token: str | None = None  # ... and the token of that sign-in

    # -- one session ----------------------------------------------------------------------------

    def get_session(self, session_id: str) -> StoredSession:
        """One session with its answers and events; an unambiguous start of its id will do
        (found by a range of the primary key, never a scan)."""
        key = session_id.strip()
        if not key:
            raise SessionNotFound(message("no session id given"))
        rows = self.connector.fetch("session_by_id", id=key)
        if not rows:
            low, high = _prefix_range(key)
            rows = [row for row in self.connector.fetch("sessions_by_prefix", low=low, high=high)
                    if row["id"].startswith(key)]
        if not rows:
            raise SessionNotFound(message("no session {key} in {url}").fill(key=repr(key), url=str(self.url)))
        if len(rows) > 1:
            raise SessionNotFound(message("more than one session starts with {key}: give more of the id").fill(
                key=repr(key)))
        return self.whole(session_from_row(rows[0]))

    def whole(self, session: StoredSession) -> StoredSession:
        """`session` with its answers and events read."""
        session.answers = tuple(answer_from_row(row) for row in self.connector.fetch("answers_of", id=session.id))
        session.events = tuple(event_from_row(row) for row in self.connector.fetch("events_of", id=session.id))
        return session

    # -- many sessions --------------------------------------------------------------------------

    def iter_sessions(self, status: str | None = None, since: datetime | None = None, *,
                      newest_first: bool = False, whole: bool = False, page: int = PAGE) -> Iterator[StoredSession]:
        """Every session (of `status`, started since `since`), oldest first or newest first, read a page
        at a time (so memory does not grow with the store); `whole`: with answers and events."""
        since = since or EARLIEST
        at, last = (LATEST, "\U0010ffff") if newest_first else (EARLIEST, "")
        query = "sessions_newest_first" if newest_first else "sessions_oldest_first"
        while True:
            if newest_first:
                rows = self.connector.fetch(query, before_at=at, before_id=last, since=since, status=status, page=page)
            else:
                rows = self.connector.fetch(query, after_at=at, after_id=last, since=since, status=status, page=page)
            sessions = [session_from_row(row) for row in rows]
            if whole and sessions:
                self._complete(sessions)
            yield from sessions
            if len(rows) < page:
                return
            at, last = rows[-1]["started_at"], rows[-1]["id"]

    def sessions_before(self, at: datetime, id_: str, page: int = PAGE) -> list[StoredSession]:
        """One page of sessions, newest first, started before (`at`, `id_`): a desk's older sessions."""
        return [session_from_row(row) for row in self.connector.fetch(
            "sessions_newest_first", before_at=at, before_id=id_, since=EARLIEST, status=None, page=page)]

    def list_sessions(self, status: str | None = None, since: datetime | None = None) -> list[StoredSession]:
        """Sessions newest first, without answers or events."""
        return list(self.iter_sessions(status, since, newest_first=True))

    def _complete(self, sessions: list[StoredSession]) -> None:
        """Each session's answers and events, read for the whole page at once."""
        ids = [session.id for session in sessions]
        answers: dict[str, list[StoredAnswer]] = {id_: [] for id_ in ids}
        events: dict[str, list[StoredEvent]] = {id_: [] for id_ in ids}
        for row in self.connector.fetch("answers_of_sessions", ids=self._ids(ids)):
            answers[row["session_id"]].append(answer_from_row(row))
        for row in self.connector.fetch("events_of_sessions", ids=self._ids(ids)):
            events[row["session_id"]].append(event_from_row(row))
        for session in sessions:
            session.answers, session.events = tuple(answers[session.id]), tuple(events[session.id])

    def _ids(self, ids: Iterable[str]) -> Any:
        return self.connector.array_in(list(ids))

    def sessions_by_ids(self, ids: Iterable[str]) -> list[StoredSession]:
        """The rows of these sessions (those still there), without answers or events."""
        ids = list(ids)
        if not ids:
            return []
        return [session_from_row(row) for row in self.connector.fetch("sessions_by_ids", ids=self._ids(ids))]

    def queue(self, since: datetime, older_unreviewed: int = PAGE, today_most: int = 2000) -> list[StoredSession]:
        """What a desk shows: the sessions started since `since` (its day), and from before it the finished ones
        no nurse has reviewed (the newest `older_unreviewed`) and those whose help request is still open;
        rows only."""
        rows = self.connector.fetch("sessions_started_since", since=since, page=today_most)
        rows += self.connector.fetch("unreviewed_before", before=since, page=older_unreviewed)
        seen = {row["id"] for row in rows}
        rows += [row for row in self.connector.fetch("help_open_before", before=since, page=older_unreviewed)
                 if row["id"] not in seen]
        return [session_from_row(row) for row in rows]

    def changed_since(self, changed: int, page: int = PAGE) -> list[StoredSession]:
        """The sessions whose row changed after change number `changed`, in the order of their changes."""
        return [session_from_row(row) for row in
                self.connector.fetch("sessions_changed_since", changed=changed, page=page)]

    def last_change(self) -> int:
        return self.connector.one("last_change")["changed"]

    # -- staff writes ---------------------------------------------------------------------------

    def purge(self, older_than: timedelta, at: datetime | None = None) -> int:
        """Delete ended sessions that ended before `at - older_than`, with their answers; keep a purge
        event for each, and one for the purge, by the nurse signed in on the store, else its login.
        An unfinished session is never deleted (the schema refuses it, whoever asks)."""
        at = at or now()
        cutoff = at - older_than
        detail = {"ended_before": cutoff.isoformat()}
        connector = self.connector
        if connector.definer:
            return connector.one("purge_sessions", cutoff=cutoff, at=at, detail=Json(detail))["purged"]
        actor = self.staff or f"staff:{process_user()}"
        with connector.transaction():
            ids = [row["id"] for row in connector.fetch("purge_sessions", cutoff=cutoff)]
            for id_ in ids:
                record_event(connector, Event(id_, None, "purged", at, actor, detail))
            record_event(connector, Event(None, None, "purged", at, actor, {**detail, "sessions": len(ids)}))
        return len(ids)

    def note_event(self, session_id: str, kind: str, at: datetime, detail: dict[str, Any]) -> None:
        """A staff event on a session (`sent`), by the nurse signed in on the store, else its login."""
        self.connector.run("note_event", session_id=session_id, kind=kind, at=at, detail=Json(detail),
                           actor=self.staff or f"staff:{process_user()}", recorded_by=process_user())
