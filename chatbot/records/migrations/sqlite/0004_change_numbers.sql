-- Who gave each answer (the person, or a nurse by an amendment), how a session ended
-- (ended_by: finished, restarted, wiped, stopped, closed), a change number on every session
-- row (a station reads the rows changed since the number it last saw, never the whole table),
-- the user who recorded each event, and the indexes a queue of years needs.
-- sessions is rebuilt (SQLite cannot add NOT NULL to a column): recorded_by becomes NOT NULL,
-- as on PostgreSQL. The migration runs with foreign keys off, and checks them before it commits.
-- The triggers of 0003_names go with the old table: they are made again, as they were, on the new.

CREATE TABLE sessions_new (
    id             TEXT PRIMARY KEY,
    flow_name      TEXT NOT NULL,
    flow_version   INTEGER NOT NULL,
    flow_hash      TEXT NOT NULL,
    language       TEXT NOT NULL,
    place          TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    status         TEXT NOT NULL DEFAULT 'unfinished'
                   CHECK (status IN ('unfinished', 'finished', 'abandoned')),
    level          TEXT CHECK (level IN ('routine', 'urgent', 'emergency')),
    outcome        TEXT,
    outcome_title  TEXT,
    reasons        TEXT NOT NULL DEFAULT '[]',
    because        TEXT NOT NULL DEFAULT '[]',
    recorded_by    TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    identification TEXT,
    in_review_by   TEXT,
    in_review_at   TEXT,
    reviewed_by    TEXT,
    reviewed_at    TEXT,
    ended_by       TEXT CHECK (ended_by IN ('finished', 'restarted', 'wiped', 'stopped', 'closed')),
    changed        INTEGER NOT NULL DEFAULT 0
);

INSERT INTO sessions_new (id, flow_name, flow_version, flow_hash, language, place, started_at, finished_at, status,
                          level, outcome, outcome_title, reasons, because, recorded_by, version, identification,
                          in_review_by, in_review_at, reviewed_by, reviewed_at, ended_by, changed)
SELECT id, flow_name, flow_version, flow_hash, language, place, started_at, finished_at, status, level, outcome,
       outcome_title, reasons, because, coalesce(recorded_by, 'unknown'), version, identification, in_review_by,
       in_review_at, reviewed_by, reviewed_at,
       CASE WHEN status = 'unfinished' THEN NULL ELSE
           (SELECT kind FROM events
            WHERE events.session_id = sessions.id
              AND kind IN ('finished', 'restarted', 'wiped', 'stopped', 'closed')
            ORDER BY events.id DESC LIMIT 1) END,
       row_number() OVER (ORDER BY started_at, id)
FROM sessions;

DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;

CREATE INDEX sessions_started ON sessions (started_at, id);
CREATE INDEX sessions_status_finished ON sessions (status, finished_at);
CREATE INDEX sessions_status_level ON sessions (status, level);
CREATE INDEX sessions_changed ON sessions (changed);
CREATE INDEX sessions_unreviewed ON sessions (started_at) WHERE status = 'finished' AND reviewed_by IS NULL;

-- 0003_names, again: a session's id, flow name, place and language are plain names.
CREATE TRIGGER sessions_names_on_insert BEFORE INSERT ON sessions
WHEN NEW.id GLOB '*[^A-Za-z0-9_-]*' OR length(NEW.id) NOT BETWEEN 1 AND 64
  OR NEW.flow_name GLOB '*[^A-Za-z0-9._-]*' OR length(NEW.flow_name) NOT BETWEEN 1 AND 64
  OR NEW.place GLOB '*[^A-Za-z0-9._:-]*' OR length(NEW.place) NOT BETWEEN 1 AND 100
  OR NOT (NEW.language GLOB '[a-z][a-z]' OR NEW.language GLOB '[a-z][a-z]-[A-Z][A-Z]')
BEGIN
    SELECT RAISE(ABORT, 'a session id, flow name, place or language with characters it may not have');
END;

CREATE TRIGGER sessions_names_on_update BEFORE UPDATE OF id, flow_name, place, language ON sessions
WHEN NEW.id GLOB '*[^A-Za-z0-9_-]*' OR length(NEW.id) NOT BETWEEN 1 AND 64
  OR NEW.flow_name GLOB '*[^A-Za-z0-9._-]*' OR length(NEW.flow_name) NOT BETWEEN 1 AND 64
  OR NEW.place GLOB '*[^A-Za-z0-9._:-]*' OR length(NEW.place) NOT BETWEEN 1 AND 100
  OR NOT (NEW.language GLOB '[a-z][a-z]' OR NEW.language GLOB '[a-z][a-z]-[A-Z][A-Z]')
BEGIN
    SELECT RAISE(ABORT, 'a session id, flow name, place or language with characters it may not have');
END;

-- As on PostgreSQL, only a change of value raises the version (a write delivered twice changes nothing).
CREATE TRIGGER sessions_version_on_change AFTER UPDATE OF status, finished_at, level, outcome, reasons, because
    ON sessions WHEN NEW.version = OLD.version
        AND (NEW.status IS NOT OLD.status OR NEW.finished_at IS NOT OLD.finished_at OR NEW.level IS NOT OLD.level
             OR NEW.outcome IS NOT OLD.outcome OR NEW.reasons IS NOT OLD.reasons OR NEW.because IS NOT OLD.because)
BEGIN
    UPDATE sessions SET version = OLD.version + 1 WHERE id = NEW.id;
END;

-- Every new or changed row takes the next change number (writes are one at a time on SQLite,
-- so the numbers follow the commits).
CREATE TRIGGER sessions_changed_on_insert AFTER INSERT ON sessions
BEGIN
    UPDATE sessions SET changed = (SELECT coalesce(max(changed), 0) + 1 FROM sessions) WHERE id = NEW.id;
END;
CREATE TRIGGER sessions_changed_on_update AFTER UPDATE ON sessions WHEN NEW.changed = OLD.changed
BEGIN
    UPDATE sessions SET changed = (SELECT coalesce(max(changed), 0) + 1 FROM sessions) WHERE id = NEW.id;
END;

ALTER TABLE answers ADD COLUMN given_by TEXT NOT NULL DEFAULT 'person';
UPDATE answers SET given_by = (
    SELECT events.actor FROM events
    WHERE events.kind = 'amended' AND events.session_id = answers.session_id AND events.at = answers.answered_at
      AND json_extract(events.detail, '$.question_id') = answers.question_id)
WHERE EXISTS (
    SELECT 1 FROM events
    WHERE events.kind = 'amended' AND events.session_id = answers.session_id AND events.at = answers.answered_at
      AND json_extract(events.detail, '$.question_id') = answers.question_id);

ALTER TABLE events ADD COLUMN recorded_by TEXT NOT NULL DEFAULT 'unknown';
