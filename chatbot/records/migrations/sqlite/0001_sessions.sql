-- Sessions, their answers, and an append-only log of who did what when.
-- Times are UTC ISO 8601 text (sortable); JSON columns hold lists and objects.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    flow_name     TEXT NOT NULL,
    flow_version  INTEGER NOT NULL,
    flow_hash     TEXT NOT NULL,
    language      TEXT NOT NULL,
    place         TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL DEFAULT 'unfinished'
                  CHECK (status IN ('unfinished', 'finished', 'abandoned')),
    level         TEXT CHECK (level IN ('routine', 'urgent', 'emergency')),
    outcome       TEXT,
    outcome_title TEXT,
    reasons       TEXT NOT NULL DEFAULT '[]',
    because       TEXT NOT NULL DEFAULT '[]',
    recorded_by   TEXT
);
CREATE INDEX sessions_started ON sessions (started_at);
CREATE INDEX sessions_status_finished ON sessions (status, finished_at);

CREATE TABLE answers (
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    question_id   TEXT NOT NULL,
    question_text TEXT NOT NULL,
    question_kind TEXT NOT NULL,
    typed         TEXT NOT NULL,
    shown         TEXT NOT NULL,
    value         TEXT,
    findings      TEXT NOT NULL,
    answered_at   TEXT NOT NULL,
    withdrawn_at  TEXT,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

-- No foreign key: a purged session's events stay, as the trail of what happened to it.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT,
    seq         INTEGER,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    UNIQUE (session_id, seq)
);
CREATE INDEX events_session ON events (session_id);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
