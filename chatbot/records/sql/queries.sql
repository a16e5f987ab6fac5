-- Every query of the session store the two backends share, by name (`chatbot.records.queries`).
-- Each is one statement with :named parameters. A query of the same name in sqlite.sql or
-- postgresql.sql takes its place on that backend: only what differs is written there.
-- Times are compared as stored (UTC ISO text on SQLite, timestamptz on PostgreSQL).

-- schema_version --
-- The highest migration applied (the table exists: see `schema_table_exists`).
SELECT coalesce(max(version), 0) AS version FROM schema_version

-- note_migration --
-- A migration applied.
INSERT INTO schema_version (version, applied_at) VALUES (:version, :applied_at)

-- session_by_id --
-- One session's row, by its whole id.
SELECT * FROM sessions WHERE id = :id

-- sessions_by_prefix --
-- The sessions whose id starts with a prefix, found by a range of the primary key (never a scan):
-- :low is the prefix, :high the prefix with its last character raised by one. Two tell "more than one".
SELECT * FROM sessions WHERE id >= :low AND id < :high ORDER BY id LIMIT 2

-- answers_of --
-- Every answer of a session, withdrawn ones too, in the order given.
SELECT * FROM answers WHERE session_id = :id ORDER BY seq

-- events_of --
-- Every event of a session, oldest first.
SELECT seq, kind, actor, at, detail FROM events WHERE session_id = :id ORDER BY id

-- sessions_newest_first --
-- A page of sessions, newest first, from before (:before_at, :before_id); :status NULL for every status.
SELECT * FROM sessions
WHERE (started_at, id) < (:before_at, :before_id) AND started_at >= :since
  AND (CAST(:status AS TEXT) IS NULL OR status = :status)
ORDER BY started_at DESC, id DESC
LIMIT :page

-- sessions_oldest_first --
-- A page of sessions, oldest first, from after (:after_at, :after_id), for exports.
SELECT * FROM sessions
WHERE (started_at, id) > (:after_at, :after_id) AND started_at >= :since
  AND (CAST(:status AS TEXT) IS NULL OR status = :status)
ORDER BY started_at, id
LIMIT :page

-- sessions_started_since --
-- The desk's day: every session started since a time, newest first (at most :page).
SELECT * FROM sessions WHERE started_at >= :since ORDER BY started_at DESC, id DESC LIMIT :page

-- unreviewed_before --
-- Finished sessions no nurse has reviewed, started before a time, newest first (at most :page):
-- the partial index sessions_unreviewed holds exactly these.
SELECT * FROM sessions
WHERE status = 'finished' AND reviewed_by IS NULL AND started_at < :before
ORDER BY started_at DESC
LIMIT :page

-- help_open_before --
-- Sessions started before a time whose person asked for help and no nurse has answered it yet (the partial
-- index sessions_help_open holds exactly these; few: a request is answered within minutes).
SELECT * FROM sessions WHERE help_asked_at IS NOT NULL AND started_at < :before ORDER BY help_asked_at LIMIT :page

-- sessions_changed_since --
-- The sessions whose row changed after change number :changed, in the order of their changes.
SELECT * FROM sessions WHERE changed > :changed ORDER BY changed LIMIT :page

-- last_change --
-- The store's latest change number.
SELECT coalesce(max(changed), 0) AS changed FROM sessions

-- claim_session --
-- A nurse has the session open ("in review by" in every station's queue).
UPDATE sessions SET in_review_by = :staff, in_review_at = :at WHERE id = :id

-- release_session --
-- The nurse closed it again (only their own claim is lifted).
UPDATE sessions SET in_review_by = NULL, in_review_at = NULL WHERE id = :id AND in_review_by = :staff

-- review_session --
-- Reviewed by a nurse, if the session is still at the version they read (else no row: stale).
UPDATE sessions
SET version = version + 1, reviewed_by = :staff, reviewed_at = :at, in_review_by = NULL, in_review_at = NULL
WHERE id = :id AND version = :version
RETURNING version

-- amend_session --
-- An amendment's new ending, with the review it counts as, if still at the version read.
UPDATE sessions
SET version = version + 1, reviewed_by = :staff, reviewed_at = :at, in_review_by = NULL, in_review_at = NULL,
    level = :level, outcome = :outcome, outcome_title = :outcome_title, reasons = :reasons, because = :because
WHERE id = :id AND version = :version AND status = 'finished'
RETURNING version

-- last_answer_seq --
-- The highest answer number of a session (an amendment numbers its answers after it).
SELECT coalesce(max(seq), 0) AS seq FROM answers WHERE session_id = :id

-- purge_sessions --
-- Ended sessions that ended before a time go, with their answers (the foreign key cascades).
DELETE FROM sessions WHERE status IN ('finished', 'abandoned') AND finished_at < :cutoff RETURNING id

-- note_event --
-- A staff event (a session sent as FHIR), by the signed-in nurse or the login.
INSERT INTO events (session_id, seq, kind, actor, at, detail, recorded_by)
VALUES (:session_id, NULL, :kind, :actor, :at, :detail, :recorded_by)

-- staff_names --
SELECT name, added_at FROM staff ORDER BY name

-- staff_named --
SELECT name FROM staff WHERE name = :name

-- pin_setting --
-- What a PIN is hashed with to be checked (SQLite: the whole hash; the code keeps only its setting).
SELECT pin_hash AS setting FROM staff WHERE name = :name

-- staff_pin --
SELECT name, pin_hash FROM staff WHERE name = :name

-- add_staff --
INSERT INTO staff (name, pin_hash, added_at) VALUES (:name, :pin_hash, :added_at)

-- upgrade_pin --
-- The PIN hashed anew with today's costs, after it proved right.
UPDATE staff SET pin_hash = :pin_hash WHERE name = :name

-- remove_staff --
DELETE FROM staff WHERE name = :name

-- pin_attempts --
SELECT failures, locked_until FROM staff_attempts WHERE name = :name

-- note_pin_failure --
-- The wrong PINs typed for a name so far, and when the next try is allowed.
INSERT INTO staff_attempts (name, failures, locked_until) VALUES (:name, :failures, :locked_until)
ON CONFLICT (name) DO UPDATE SET failures = :failures, locked_until = :locked_until

-- forget_pin_attempts --
-- A right PIN, or an admin's unlock: the name starts over.
DELETE FROM staff_attempts WHERE name = :name

-- note_sign_in --
INSERT INTO staff_signins (token_hash, name, login, signed_in_at) VALUES (:token_hash, :name, :login, :at)

-- resume --
-- The nurse a sign-in's token stands for, while it lasts.
SELECT name FROM staff_signins WHERE token_hash = :token_hash AND ended_at IS NULL AND signed_in_at > :since

-- sign_out --
UPDATE staff_signins SET ended_at = :at WHERE token_hash = :token_hash AND ended_at IS NULL
