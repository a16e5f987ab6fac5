-- The queries that differ on PostgreSQL (see queries.sql). A kiosk's writes call the schema's
-- SECURITY DEFINER functions (migrations/postgresql/): a kiosk's role may run them and read no table.
-- Lists of ids come as one array (= ANY).

-- schema_table_exists --
SELECT count(*) AS found FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version'

-- start_session --
SELECT rec_start_session(:id, :flow_name, :flow_version, :flow_hash, :language, :place, :started_at)

-- record_answer --
SELECT rec_record_answer(:session_id, :seq, :question_id, :question_text, :question_kind, :typed, :shown,
                         :value, :findings, :answered_at, :given_by)

-- withdraw_answers --
SELECT rec_withdraw_answers(:session_id, :after_seq, :at)

-- record_event --
-- A row when the event is new (none when it was kept before: the write it comes with is not made again).
SELECT 1 AS new WHERE rec_record_event(:session_id, :seq, :kind, :actor, :at, :detail)

-- end_session --
SELECT rec_end_session(:session_id, :status, :at, :level, :outcome, :outcome_title, :reasons, :because, :ended_by)

-- identify --
SELECT rec_identify(:session_id, :identification)

-- sessions_by_ids --
SELECT * FROM sessions WHERE id = ANY(:ids)

-- answers_of_sessions --
SELECT * FROM answers WHERE session_id = ANY(:ids) ORDER BY session_id, seq

-- events_of_sessions --
SELECT session_id, seq, kind, actor, at, detail FROM events WHERE session_id = ANY(:ids) ORDER BY id

-- sessions_changed_since --
-- As queries.sql, with the snapshot the read was made in: the transactions still in progress then may yet
-- commit changes numbered below those read (`postgres.PostgresWatcher.settle`).
SELECT *, pg_current_snapshot()::text AS snapshot FROM sessions WHERE changed > :changed ORDER BY changed LIMIT :page

-- last_change --
SELECT coalesce(max(changed), 0) AS changed, pg_current_snapshot()::text AS snapshot FROM sessions

-- one_snapshot --
-- The first statement of a transaction whose reads must all see the same committed rows (a watcher's start).
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ

-- listen --
-- Every change to a session is NOTIFYed on this channel with the session's id (migration 0002).
LISTEN chatbot_sessions

-- create_schema_table --
CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())

-- The desk's writes are the schema's SECURITY DEFINER functions (migration 0005): each takes the
-- nurse from the connection's sign-in (never from a parameter) and records its event.

-- pin_setting --
SELECT rec_pin_setting(:name) AS setting

-- sign_in --
-- One try of a PIN, counted in the same statement that checks it may be tried; on success this
-- connection is signed in, and the token given back lets a new connection take it up (resume).
SELECT token, wait, locked, tried FROM rec_sign_in(:name, :proof, :upgrade)

-- resume --
SELECT rec_resume(:token) AS name

-- sign_out --
SELECT rec_sign_out()

-- claim_session --
SELECT rec_claim(:id, :at)

-- release_session --
SELECT rec_release(:id)

-- review_session --
SELECT rec_review(:id, :version, :at) AS version

-- amend_whole --
SELECT rec_amend(:id, :version, :at, :level, :outcome, :outcome_title, :reasons, :because, :after_seq, :answers,
                 :detail) AS version

-- answer_help --
-- A session's open help request answered, as the signed-in nurse, with its event (false: none was open).
SELECT rec_answer_help(:id, :at) AS answered

-- note_event --
SELECT rec_note_event(:session_id, :kind, :at, :detail)

-- purge_sessions --
SELECT rec_purge(:cutoff, :at, :detail) AS purged
