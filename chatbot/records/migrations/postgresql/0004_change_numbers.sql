-- Who gave each answer (the person, or a nurse by an amendment), how a session ended
-- (ended_by: finished, restarted, wiped, stopped, closed), a change number on every session
-- row (as on SQLite: the same store), and the indexes a queue of years needs. Staff write
-- through the same functions as kiosks (an amendment's answers, a review's event): rec_own
-- lets staff and the store's owner write to any session, a kiosk only to its own.

ALTER TABLE sessions DISABLE TRIGGER sessions_notify;  -- no NOTIFY for each row rewritten here

ALTER TABLE answers ADD COLUMN given_by text NOT NULL DEFAULT 'person';
UPDATE answers SET given_by = events.actor
FROM events
WHERE events.kind = 'amended' AND events.session_id = answers.session_id AND events.at = answers.answered_at
  AND events.detail->>'question_id' = answers.question_id;

ALTER TABLE sessions ADD COLUMN ended_by text
    CHECK (ended_by IN ('finished', 'restarted', 'wiped', 'stopped', 'closed'));
UPDATE sessions SET ended_by = (
    SELECT kind FROM events
    WHERE events.session_id = sessions.id AND kind IN ('finished', 'restarted', 'wiped', 'stopped', 'closed')
    ORDER BY events.id DESC LIMIT 1)
WHERE status <> 'unfinished';

CREATE SEQUENCE sessions_changed_seq;
ALTER TABLE sessions ADD COLUMN changed bigint NOT NULL DEFAULT 0;
UPDATE sessions SET changed = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY started_at, id) AS n FROM sessions) AS numbered
WHERE numbered.id = sessions.id;
SELECT setval('sessions_changed_seq', greatest((SELECT max(changed) FROM sessions), 0) + 1, false);

CREATE FUNCTION rec_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed := nextval('sessions_changed_seq');
    RETURN NEW;
END $$;
CREATE TRIGGER sessions_changed BEFORE INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION rec_session_changed();

ALTER TABLE sessions ENABLE TRIGGER sessions_notify;

DROP INDEX sessions_started;
CREATE INDEX sessions_started ON sessions (started_at, id);
CREATE INDEX sessions_changed ON sessions (changed);
CREATE INDEX sessions_unreviewed ON sessions (started_at) WHERE status = 'finished' AND reviewed_by IS NULL;

CREATE OR REPLACE FUNCTION rec_own(p_session text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF pg_has_role(session_user, 'chatbot_staff', 'MEMBER') OR pg_has_role(session_user, current_user, 'MEMBER') THEN
        RETURN;  -- staff and the store's owner write to any session
    END IF;
    PERFORM 1 FROM sessions WHERE id = p_session AND recorded_by = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session % is not one this role recorded', p_session
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

DROP FUNCTION rec_record_answer(text, integer, text, text, text, text, text, jsonb, jsonb, timestamptz);
CREATE FUNCTION rec_record_answer(p_session text, p_seq integer, p_question_id text, p_question_text text,
                                  p_question_kind text, p_typed text, p_shown text, p_value jsonb,
                                  p_findings jsonb, p_answered_at timestamptz, p_given_by text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, value,
                         findings, answered_at, given_by)
    VALUES (p_session, p_seq, p_question_id, p_question_text, p_question_kind, p_typed, p_shown, p_value,
            p_findings, p_answered_at, p_given_by)
    ON CONFLICT (session_id, seq) DO NOTHING;
END $$;

DROP FUNCTION rec_end_session(text, text, timestamptz, text, text, text, jsonb, jsonb);
CREATE FUNCTION rec_end_session(p_session text, p_status text, p_at timestamptz, p_level text, p_outcome text,
                                p_outcome_title text, p_reasons jsonb, p_because jsonb, p_ended_by text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    UPDATE sessions SET status = p_status, finished_at = p_at, level = p_level, outcome = p_outcome,
                        outcome_title = p_outcome_title, reasons = p_reasons, because = p_because,
                        ended_by = p_ended_by
    WHERE id = p_session;
END $$;

-- An event says whether it is new: a write whose event was kept before (delivered twice) changes nothing.
DROP FUNCTION rec_record_event(text, integer, text, text, timestamptz, jsonb);
CREATE FUNCTION rec_record_event(p_session text, p_seq integer, p_kind text, p_actor text, p_at timestamptz,
                                 p_detail jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_session IS NOT NULL THEN
        PERFORM rec_own(p_session);
    END IF;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, p_seq, p_kind, p_actor, p_at, p_detail)
    ON CONFLICT (session_id, seq) DO NOTHING;
    RETURN FOUND;
END $$;

REVOKE ALL ON FUNCTION rec_record_event(text, integer, text, text, timestamptz, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_record_answer(text, integer, text, text, text, text, text, jsonb, jsonb, timestamptz,
                                         text) FROM PUBLIC;
REVOKE ALL ON FUNCTION rec_end_session(text, text, timestamptz, text, text, text, jsonb, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rec_record_event(text, integer, text, text, timestamptz, jsonb),
                          rec_record_answer(text, integer, text, text, text, text, text, jsonb, jsonb, timestamptz,
                                            text),
                          rec_end_session(text, text, timestamptz, text, text, text, jsonb, jsonb, text)
    TO chatbot_kiosk, chatbot_staff;
GRANT USAGE ON SEQUENCE sessions_changed_seq TO chatbot_staff;
