-- The queries that differ on SQLite (see queries.sql). A kiosk's writes are plain statements here:
-- the file's owner is the only one who writes it. Lists of ids come as one JSON array (json_each).

-- schema_table_exists --
SELECT count(*) AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'

-- start_session --
INSERT INTO sessions (id, flow_name, flow_version, flow_hash, language, place, started_at, recorded_by)
VALUES (:id, :flow_name, :flow_version, :flow_hash, :language, :place, :started_at, :recorded_by)
ON CONFLICT (id) DO NOTHING

-- record_answer --
INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, value, findings,
                     answered_at, given_by)
VALUES (:session_id, :seq, :question_id, :question_text, :question_kind, :typed, :shown, :value, :findings,
        :answered_at, :given_by)
ON CONFLICT (session_id, seq) DO NOTHING

-- withdraw_answers --
-- Every answer after :after_seq not yet withdrawn (undone by back, or replaced by an amendment).
UPDATE answers SET withdrawn_at = :at WHERE session_id = :session_id AND seq > :after_seq AND withdrawn_at IS NULL

-- record_event --
-- The one way an event is written (append-only: a trigger refuses any change). A row when the event is
-- new (none when it was kept before: the write it comes with is not made again).
INSERT INTO events (session_id, seq, kind, actor, at, detail, recorded_by)
VALUES (:session_id, :seq, :kind, :actor, :at, :detail, :recorded_by)
ON CONFLICT (session_id, seq) DO NOTHING
RETURNING 1 AS new

-- end_session --
UPDATE sessions
SET status = :status, finished_at = :at, level = :level, outcome = :outcome, outcome_title = :outcome_title,
    reasons = :reasons, because = :because, ended_by = :ended_by
WHERE id = :session_id

-- identify --
UPDATE sessions SET identification = :identification WHERE id = :session_id

-- sessions_by_ids --
SELECT * FROM sessions WHERE id IN (SELECT value FROM json_each(:ids))

-- answers_of_sessions --
SELECT * FROM answers WHERE session_id IN (SELECT value FROM json_each(:ids)) ORDER BY session_id, seq

-- events_of_sessions --
SELECT session_id, seq, kind, actor, at, detail FROM events
WHERE session_id IN (SELECT value FROM json_each(:ids)) ORDER BY id

-- create_schema_table --
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)

-- tables --
-- How many tables the file has (none: a new file, given the schema on first use).
SELECT count(*) AS found FROM sqlite_master WHERE type = 'table'

-- unreviewed_before --
-- SQLite's planner may prefer another index on status (and sort every finished session): this one holds
-- only the unreviewed, in time order.
SELECT * FROM sessions INDEXED BY sessions_unreviewed
WHERE status = 'finished' AND reviewed_by IS NULL AND started_at < :before
ORDER BY started_at DESC
LIMIT :page
