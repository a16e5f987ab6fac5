"""The session store's schema, written once: what the migrations of both backends must build.

SQLite and PostgreSQL keep the same store. Each backend's numbered migrations
(`migrations/<backend>/`) build it in that backend's words; `tests/records/test_schema.py`
migrates a new database of each (and one migrated from an older schema), reads back what
was built, and holds it to this description: tables, columns and their types, what may be
empty, keys, checks, indexes, triggers and, on PostgreSQL, the roles' grants. What only
one backend has is named here, with why.

Types are the store's: `text`, `integer`, `time` (SQLite: UTC ISO 8601 text, which sorts;
PostgreSQL: timestamptz) and `json` (SQLite: JSON text; PostgreSQL: jsonb).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES = {  # the store's types as each backend spells them
    "sqlite": {"text": {"TEXT"}, "integer": {"INTEGER"}, "time": {"TEXT"}, "json": {"TEXT"}},
    "postgresql": {"text": {"text"}, "integer": {"integer", "bigint"}, "time": {"timestamp with time zone"},
                   "json": {"jsonb"}},
}


@dataclass(frozen=True)
class Table:
    columns: dict[str, tuple[str, bool]]  # name: (type, may be empty)
    primary_key: tuple[str, ...]
    unique: frozenset[tuple[str, ...]] = frozenset()
    foreign_keys: frozenset[tuple] = frozenset()  # (columns, table, columns, on delete)
    checks: dict[str, frozenset[str]] = field(default_factory=dict)  # column: the values it may take


LEVELS = frozenset({"routine", "urgent", "emergency"})
STATUSES = frozenset({"unfinished", "finished", "abandoned"})
ENDINGS = frozenset({"finished", "restarted", "wiped", "stopped", "closed"})

TABLES = {
    "schema_version": Table({"version": ("integer", False), "applied_at": ("time", False)}, ("version",)),
    "sessions": Table(
        {"id": ("text", False), "flow_name": ("text", False), "flow_version": ("integer", False),
         "flow_hash": ("text", False), "language": ("text", False), "place": ("text", False),
         "started_at": ("time", False), "finished_at": ("time", True), "status": ("text", False),
         "level": ("text", True), "outcome": ("text", True), "outcome_title": ("text", True),
         "reasons": ("json", False), "because": ("json", False), "recorded_by": ("text", False),
         "version": ("integer", False), "identification": ("json", True), "in_review_by": ("text", True),
         "in_review_at": ("time", True), "reviewed_by": ("text", True), "reviewed_at": ("time", True),
         "ended_by": ("text", True), "changed": ("integer", False),
         # a staffed kiosk's open "Ask for help", kept on the row so that a station sees it (migration 0007)
         "help_asked_at": ("time", True), "help_last_at": ("time", True), "help_asks": ("integer", False),
         "help_answered_by": ("text", True), "help_answered_at": ("time", True)},
        ("id",), checks={"status": STATUSES, "level": LEVELS, "ended_by": ENDINGS}),
    "answers": Table(
        {"session_id": ("text", False), "seq": ("integer", False), "question_id": ("text", False),
         "question_text": ("text", False), "question_kind": ("text", False), "typed": ("text", False),
         "shown": ("text", False), "value": ("json", True), "findings": ("json", False),
         "answered_at": ("time", False), "withdrawn_at": ("time", True), "given_by": ("text", False)},
        ("session_id", "seq"), foreign_keys=frozenset({(("session_id",), "sessions", ("id",), "CASCADE")})),
    # No foreign key: a purged session's events stay, as the trail of what happened to it.
    "events": Table(
        {"id": ("integer", False), "session_id": ("text", True), "seq": ("integer", True), "kind": ("text", False),
         "actor": ("text", False), "at": ("time", False), "detail": ("json", False),
         "recorded_by": ("text", False)},
        ("id",), unique=frozenset({("session_id", "seq")})),
    # A PIN as one self-describing string (`chatbot.pinhash`), readable by no login but the store's owner.
    "staff": Table({"name": ("text", False), "pin_hash": ("text", False), "added_at": ("time", False)}, ("name",)),
    "staff_attempts": Table(
        {"name": ("text", False), "failures": ("integer", False), "locked_until": ("time", True)}, ("name",)),
    # Who signed in, from which login, and until when: a sign-in is the SHA-256 of a random token.
    "staff_signins": Table(
        {"token_hash": ("text", False), "name": ("text", False), "login": ("text", False),
         "signed_in_at": ("time", False), "ended_at": ("time", True)}, ("token_hash",)),
}

INDEXES = {  # name: (table, columns, partial)
    "sessions_started": ("sessions", ("started_at", "id"), False),  # pages of sessions, by time
    "sessions_status_finished": ("sessions", ("status", "finished_at"), False),  # purge
    "sessions_status_level": ("sessions", ("status", "level"), False),
    "sessions_changed": ("sessions", ("changed",), False),  # what changed since a station last looked
    "sessions_unreviewed": ("sessions", ("started_at",), True),  # finished, not reviewed: the desk's backlog
    "sessions_help_open": ("sessions", ("help_asked_at",), True),  # the open help requests: the desk's top
    "events_session": ("events", ("session_id",), False),
}

TRIGGERS = {  # (table, what it does, on which change)
    ("events", "refuse", "UPDATE"), ("events", "refuse", "DELETE"),  # the event log is append-only
    ("sessions", "version", "UPDATE"),
    ("sessions", "keep", "DELETE"),  # an unfinished session is never deleted  # a kiosk's change to a session raises its version too
    ("sessions", "changed", "INSERT"), ("sessions", "changed", "UPDATE"),  # the next change number
    ("sessions", "names", "INSERT"), ("sessions", "names", "UPDATE"),  # id, flow, place, language: plain names
    ("events", "help", "INSERT"),  # a help request's events open and close it on its session's row
}
ONLY = {
    # PostgreSQL has TRUNCATE (SQLite's DELETE without WHERE meets the DELETE trigger), and tells
    # stations of a change with NOTIFY (SQLite's stations read `PRAGMA data_version` instead).
    "postgresql": {("events", "refuse", "TRUNCATE"), ("sessions", "notify", "INSERT"),
                   ("sessions", "notify", "UPDATE")},
    # SQLite refuses an identification without its event by a trigger; PostgreSQL in rec_identify, the only
    # way a kiosk writes one (with rec_evented, as its other writes).
    "sqlite": {("sessions", "evented", "UPDATE")},
}

# PostgreSQL's three group roles (SQLite's file is its owner's alone). A kiosk may only call the
# write functions, which keep to its own sessions; staff read every session and write only through
# the desk's functions, which take the nurse from the connection's sign-in and record the event;
# the admin keeps the staff list and reads no hash. "SELECT staff(a, b)" is a grant on those columns.
_KIOSK_FUNCTIONS = {"EXECUTE rec_start_session", "EXECUTE rec_record_answer", "EXECUTE rec_withdraw_answers",
                    "EXECUTE rec_record_event", "EXECUTE rec_end_session", "EXECUTE rec_identify"}
_DESK_FUNCTIONS = {"EXECUTE rec_pin_setting", "EXECUTE rec_sign_in", "EXECUTE rec_signed_in", "EXECUTE rec_resume",
                   "EXECUTE rec_sign_out", "EXECUTE rec_claim", "EXECUTE rec_release", "EXECUTE rec_review",
                   "EXECUTE rec_amend", "EXECUTE rec_note_event", "EXECUTE rec_purge",
                   "EXECUTE rec_answer_help"}
GRANTS = {
    "chatbot_kiosk": {"SELECT schema_version", *_KIOSK_FUNCTIONS},
    "chatbot_staff": {"SELECT schema_version", "SELECT sessions", "SELECT answers", "SELECT events",
                      "SELECT staff(added_at, name)", *_DESK_FUNCTIONS},
    "chatbot_admin": {"SELECT schema_version", "SELECT staff(added_at, name)", "INSERT staff", "DELETE staff",
                      "SELECT staff_attempts", "DELETE staff_attempts"},
}
