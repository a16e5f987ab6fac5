-- Sessions, their answers, and an append-only log of who did what when; and the two roles.
--
-- chatbot_kiosk may only call the rec_* functions below (SECURITY DEFINER): they insert
-- and update the caller's own sessions (recorded_by = session_user) and return nothing
-- read from the tables, so a kiosk can read no session, its own included.
-- chatbot_staff may read every session, purge (delete sessions and answers) and add
-- events. Nobody may update or delete an event: a trigger refuses it, even for the owner.
-- Both are group roles without login: grant them to the login roles of kiosks and staff.

DO $$
BEGIN
    CREATE ROLE chatbot_kiosk NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- another database migrating at once
END $$;
DO $$
BEGIN
    CREATE ROLE chatbot_staff NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- another database migrating at once
END $$;

CREATE TABLE sessions (
    id            text PRIMARY KEY,
    flow_name     text NOT NULL,
    flow_version  integer NOT NULL,
    flow_hash     text NOT NULL,
    language      text NOT NULL,
    place         text NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    status        text NOT NULL DEFAULT 'unfinished'
                  CHECK (status IN ('unfinished', 'finished', 'abandoned')),
    level         text CHECK (level IN ('routine', 'urgent', 'emergency')),
    outcome       text,
    outcome_title text,
    reasons       jsonb NOT NULL DEFAULT '[]',
    because       jsonb NOT NULL DEFAULT '[]',
    recorded_by   text NOT NULL DEFAULT session_user
);
CREATE INDEX sessions_started ON sessions (started_at);
CREATE INDEX sessions_status_finished ON sessions (status, finished_at);

CREATE TABLE answers (
    session_id    text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq           integer NOT NULL,
    question_id   text NOT NULL,
    question_text text NOT NULL,
    question_kind text NOT NULL,
    typed         text NOT NULL,
    shown         text NOT NULL,
    value         jsonb,
    findings      jsonb NOT NULL,
    answered_at   timestamptz NOT NULL,
    withdrawn_at  timestamptz,
    PRIMARY KEY (session_id, seq)
);

-- No foreign key: a purged session's events stay, as the trail of what happened to it.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    session_id  text,
    seq         integer,
    kind        text NOT NULL,
    actor       text NOT NULL,
    at          timestamptz NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    recorded_by text NOT NULL DEFAULT session_user,
    UNIQUE (session_id, seq)
);
CREATE INDEX events_session ON events (session_id);

CREATE FUNCTION rec_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_are_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION rec_events_append_only();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION rec_events_append_only();

-- The kiosk's writes. Each checks that the session is the caller's own.
CREATE FUNCTION rec_own(p_session text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM sessions WHERE id = p_session AND recorded_by = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session % is not one this role recorded', p_session
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

CREATE FUNCTION rec_start_session(p_id text, p_flow_name text, p_flow_version integer, p_flow_hash text,
                                  p_language text, p_place text, p_started_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO sessions (id, flow_name, flow_version, flow_hash, language, place, started_at, recorded_by)
    VALUES (p_id, p_flow_name, p_flow_version, p_flow_hash, p_language, p_place, p_started_at, session_user)
    ON CONFLICT (id) DO NOTHING;
    PERFORM rec_own(p_id);
END $$;

CREATE FUNCTION rec_record_answer(p_session text, p_seq integer, p_question_id text, p_question_text text,
                                  p_question_kind text, p_typed text, p_shown text, p_value jsonb,
                                  p_findings jsonb, p_answered_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, value,
                         findings, answered_at)
    VALUES (p_session, p_seq, p_question_id, p_question_text, p_question_kind, p_typed, p_shown, p_value,
            p_findings, p_answered_at)
    ON CONFLICT (session_id, seq) DO NOTHING;
END $$;

CREATE FUNCTION rec_withdraw_answers(p_session text, p_after_seq integer, p_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    UPDATE answers SET withdrawn_at = p_at
    WHERE session_id = p_session AND seq > p_after_seq AND withdrawn_at IS NULL;
END $$;

CREATE FUNCTION rec_record_event(p_session text, p_seq integer, p_kind text, p_actor text, p_at timestamptz,
                                 p_detail jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_session IS NOT NULL THEN
        PERFORM rec_own(p_session);
    END IF;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, p_seq, p_kind, p_actor, p_at, p_detail)
    ON CONFLICT (session_id, seq) DO NOTHING;
END $$;

CREATE FUNCTION rec_end_session(p_session text, p_status text, p_at timestamptz, p_level text, p_outcome text,
                                p_outcome_title text, p_reasons jsonb, p_because jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    UPDATE sessions SET status = p_status, finished_at = p_at, level = p_level, outcome = p_outcome,
                        outcome_title = p_outcome_title, reasons = p_reasons, because = p_because
    WHERE id = p_session;
END $$;

REVOKE ALL ON sessions, answers, events FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_own(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_start_session(text, text, integer, text, text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_record_answer(text, integer, text, text, text, text, text, jsonb, jsonb, timestamptz)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_withdraw_answers(text, integer, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_record_event(text, integer, text, text, timestamptz, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_end_session(text, text, timestamptz, text, text, text, jsonb, jsonb) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION rec_start_session(text, text, integer, text, text, text, timestamptz),
                          rec_record_answer(text, integer, text, text, text, text, text, jsonb, jsonb, timestamptz),
                          rec_withdraw_answers(text, integer, timestamptz),
                          rec_record_event(text, integer, text, text, timestamptz, jsonb),
                          rec_end_session(text, text, timestamptz, text, text, text, jsonb, jsonb)
    TO chatbot_kiosk, chatbot_staff;
GRANT SELECT ON schema_version TO chatbot_kiosk, chatbot_staff;
GRANT SELECT, DELETE ON sessions, answers TO chatbot_staff;
GRANT SELECT, INSERT ON events TO chatbot_staff;
GRANT USAGE ON SEQUENCE events_id_seq TO chatbot_staff;
