-- Three roles, and a record nobody changes without an event naming who did it.
--
-- chatbot_kiosk: its own sessions, through the rec_* write functions of 0001-0003; events
--   only of the kinds a kiosk makes, as 'person', on a session of its own.
-- chatbot_staff: reads every session; writes nothing directly. It signs a nurse in
--   (rec_sign_in: the PIN checked here, the wrong-PIN back-off counted in the same
--   statement), then claims, reviews, amends and purges through SECURITY DEFINER functions
--   that take the actor from that sign-in, never from an argument, and record the event.
-- chatbot_admin: the staff list (`chatbot staff`): adds, removes, unlocks. It cannot read
--   a PIN hash either, nor any session.
--
-- A sign-in is a row of staff_signins (written only here) holding the SHA-256 of a random
-- token; the token is set on the connection that signed in (the custom setting
-- chatbot.staff_token) and given to the station, which sets it again on a new connection
-- (rec_resume). A definer function finds the nurse from the token the connection holds
-- and the login it runs as: a connection that holds no token of a sign-in of its own
-- login has no nurse, and may claim, review and amend nothing.

DO $$
BEGIN
    CREATE ROLE chatbot_admin NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- another database migrating at once
END $$;

-- The PIN as one self-describing string (chatbot/pinhash.py); the old columns become its
-- hex form, which still verifies and is rewritten in the current form at the next sign-in.
ALTER TABLE staff ADD COLUMN pin_hash text;
UPDATE staff SET pin_hash = '$scrypt-hex$n=' || n || ',r=' || r || ',p=' || p || '$' || salt || '$' || digest;
ALTER TABLE staff ALTER COLUMN pin_hash SET NOT NULL;
ALTER TABLE staff DROP COLUMN salt, DROP COLUMN digest, DROP COLUMN n, DROP COLUMN r, DROP COLUMN p;

CREATE TABLE staff_signins (
    token_hash   text PRIMARY KEY,
    name         text NOT NULL,
    login        text NOT NULL,
    signed_in_at timestamptz NOT NULL,
    ended_at     timestamptz
);

-- An unfinished session is never deleted, by anyone (the README promises it).
CREATE FUNCTION rec_keep_unfinished() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'unfinished' THEN
        RAISE EXCEPTION 'an unfinished session is never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER sessions_keep_unfinished BEFORE DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION rec_keep_unfinished();

-- Stations are told that something changed, not what: a kiosk may LISTEN too (nothing
-- stops it), and learns no session's id. A station reads the rows whose change number moved.
CREATE OR REPLACE FUNCTION rec_session_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chatbot_sessions', '');
    RETURN NULL;
END $$;

-- A kiosk writes only to its own sessions (staff no longer pass through here).
CREATE OR REPLACE FUNCTION rec_own(p_session text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF pg_has_role(session_user, current_user, 'MEMBER') THEN
        RETURN;  -- the store's owner
    END IF;
    PERFORM 1 FROM sessions WHERE id = p_session AND recorded_by = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session % is not one this role recorded', p_session
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

-- A kiosk's events: on a session of its own, of a kiosk's kinds, by the person.
CREATE OR REPLACE FUNCTION rec_record_event(p_session text, p_seq integer, p_kind text, p_actor text,
                                            p_at timestamptz, p_detail jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_session IS NULL OR p_actor IS DISTINCT FROM 'person' OR p_kind NOT IN (
            'created', 'answered', 'went_back', 'reopened', 'identified',
            'finished', 'restarted', 'wiped', 'stopped', 'closed') THEN
        RAISE EXCEPTION 'a kiosk records only its own sessions'' events, as the person'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM rec_own(p_session);
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, p_seq, p_kind, p_actor, p_at, p_detail)
    ON CONFLICT (session_id, seq) DO NOTHING;
    RETURN FOUND;
END $$;

-- A kiosk's change to a session comes with its event, in the same transaction (the store writes
-- the event first): a kiosk login calling these alone changes nothing. A session ended (abandoned)
-- stays ended; a finished one may only be opened again (the person went back).
CREATE FUNCTION rec_evented(p_session text, p_kinds text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM events
    WHERE session_id = p_session AND kind = ANY (p_kinds) AND xmin = pg_current_xact_id()::xid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'a change to session % comes with its event, in one transaction', p_session
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION rec_record_answer(p_session text, p_seq integer, p_question_id text, p_question_text text,
                                             p_question_kind text, p_typed text, p_shown text, p_value jsonb,
                                             p_findings jsonb, p_answered_at timestamptz, p_given_by text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    PERFORM rec_evented(p_session, ARRAY['answered']);
    INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, value,
                         findings, answered_at, given_by)
    VALUES (p_session, p_seq, p_question_id, p_question_text, p_question_kind, p_typed, p_shown, p_value,
            p_findings, p_answered_at, 'person')
    ON CONFLICT (session_id, seq) DO NOTHING;
END $$;

CREATE OR REPLACE FUNCTION rec_withdraw_answers(p_session text, p_after_seq integer, p_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    PERFORM rec_evented(p_session, ARRAY['went_back']);
    UPDATE answers SET withdrawn_at = p_at
    WHERE session_id = p_session AND seq > p_after_seq AND withdrawn_at IS NULL;
END $$;

CREATE OR REPLACE FUNCTION rec_end_session(p_session text, p_status text, p_at timestamptz, p_level text,
                                           p_outcome text, p_outcome_title text, p_reasons jsonb, p_because jsonb,
                                           p_ended_by text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_status text;
BEGIN
    PERFORM rec_own(p_session);
    PERFORM rec_evented(p_session, ARRAY['finished', 'reopened', 'restarted', 'wiped', 'stopped', 'closed']);
    SELECT status INTO v_status FROM sessions WHERE id = p_session;
    IF v_status = 'abandoned' OR (v_status = 'finished' AND p_status <> 'unfinished') THEN
        RAISE EXCEPTION 'session % has ended: a kiosk may only open a finished session again', p_session
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE sessions SET status = p_status, finished_at = p_at, level = p_level, outcome = p_outcome,
                        outcome_title = p_outcome_title, reasons = p_reasons, because = p_because,
                        ended_by = p_ended_by
    WHERE id = p_session;
END $$;

-- -- signing in -------------------------------------------------------------------------------

CREATE FUNCTION rec_token_hash(p_token text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
$$;

-- Seconds to wait after the n-th wrong PIN in a row: 1, 2, 4 ... up to 60 (chatbot.kiosk.rules.pin_delay).
CREATE FUNCTION rec_pin_delay(p_failures integer) RETURNS interval LANGUAGE sql IMMUTABLE AS $$
    SELECT make_interval(secs => CASE WHEN p_failures <= 0 THEN 0 ELSE least(2.0 ^ (p_failures - 1), 60) END)
$$;

-- What a PIN is hashed with to be checked: the hash's costs and salt, never the hash (NULL: no such name).
CREATE FUNCTION rec_pin_setting(p_name text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT regexp_replace(pin_hash, '\$[^$]*$', '') FROM staff WHERE name = p_name
$$;

-- One try of a PIN for a name. The check and the count are one statement: the try is counted
-- (as wrong until it proves right) only if the name may try now, and the row stays locked until
-- this transaction ends, so a try meanwhile from any connection waits, then finds the name
-- waiting. After 10 wrong in a row the name is locked until an admin unlocks it.
-- p_proof: the PIN hashed with rec_pin_setting's setting; p_upgrade: the PIN hashed anew with
-- today's costs (kept only if the proof is right). On success this connection is signed in.
CREATE FUNCTION rec_sign_in(p_name text, p_proof text, p_upgrade text)
RETURNS TABLE (token text, wait double precision, locked boolean, tried boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_now timestamptz := clock_timestamp();
    v_failures integer;
    v_until timestamptz;
    v_hash text;
    v_token text;
BEGIN
    INSERT INTO staff_attempts AS a (name, failures, locked_until) VALUES (p_name, 1, v_now + rec_pin_delay(1))
    ON CONFLICT (name) DO UPDATE SET failures = a.failures + 1, locked_until = v_now + rec_pin_delay(a.failures + 1)
        WHERE a.failures < 10 AND (a.locked_until IS NULL OR a.locked_until <= v_now)
    RETURNING a.failures INTO v_failures;
    IF v_failures IS NULL THEN  -- waiting, or locked: not tried, not counted
        SELECT a.failures, a.locked_until INTO v_failures, v_until FROM staff_attempts a WHERE a.name = p_name;
        RETURN QUERY SELECT NULL::text, greatest(extract(epoch FROM v_until - v_now), 0)::double precision,
                            v_failures >= 10, false;
        RETURN;
    END IF;
    SELECT s.pin_hash INTO v_hash FROM staff s WHERE s.name = p_name;
    IF v_hash IS NULL OR p_proof IS NULL OR v_hash <> p_proof THEN
        RETURN QUERY SELECT NULL::text, extract(epoch FROM rec_pin_delay(v_failures))::double precision,
                            v_failures >= 10, true;
        RETURN;
    END IF;
    DELETE FROM staff_attempts a WHERE a.name = p_name;
    IF p_upgrade ~ '^\$scrypt\$' THEN
        UPDATE staff s SET pin_hash = p_upgrade WHERE s.name = p_name;
    END IF;
    v_token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    INSERT INTO staff_signins (token_hash, name, login, signed_in_at)
    VALUES (rec_token_hash(v_token), p_name, session_user, v_now);
    PERFORM set_config('chatbot.staff_token', v_token, false);
    RETURN QUERY SELECT v_token, 0::double precision, false, true;
END $$;

-- The nurse this connection is signed in as (NULL: none). A sign-in lasts a day at most.
CREATE FUNCTION rec_signed_in() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT name FROM staff_signins
    WHERE token_hash = rec_token_hash(current_setting('chatbot.staff_token', true)) AND login = session_user
      AND ended_at IS NULL AND signed_in_at > clock_timestamp() - interval '1 day'
$$;

-- The signed-in nurse, or a refusal: what every nurse's write is done as.
CREATE FUNCTION rec_actor() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_name text := rec_signed_in();
BEGIN
    IF v_name IS NULL THEN
        RAISE EXCEPTION 'no nurse is signed in on this connection' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN v_name;
END $$;

-- A station's new connection (after a lost one) takes up its sign-in: the token it was given.
CREATE FUNCTION rec_resume(p_token text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM set_config('chatbot.staff_token', coalesce(p_token, ''), false);
    RETURN rec_signed_in();
END $$;

CREATE FUNCTION rec_sign_out() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE staff_signins SET ended_at = clock_timestamp()
    WHERE token_hash = rec_token_hash(current_setting('chatbot.staff_token', true)) AND login = session_user
      AND ended_at IS NULL;
    PERFORM set_config('chatbot.staff_token', '', false);
END $$;

-- -- the desk's writes, as the signed-in nurse -------------------------------------------------

CREATE FUNCTION rec_claim(p_session text, p_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE sessions SET in_review_by = rec_actor(), in_review_at = p_at WHERE id = p_session;
END $$;

CREATE FUNCTION rec_release(p_session text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE sessions SET in_review_by = NULL, in_review_at = NULL WHERE id = p_session AND in_review_by = rec_actor();
END $$;

-- Reviewed, if still at the version read (else NULL: stale), with its event.
CREATE FUNCTION rec_review(p_session text, p_version integer, p_at timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor text := rec_actor();
    v_version integer;
BEGIN
    UPDATE sessions
    SET version = version + 1, reviewed_by = v_actor, reviewed_at = p_at, in_review_by = NULL, in_review_at = NULL
    WHERE id = p_session AND version = p_version
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, NULL, 'reviewed', v_actor, p_at, jsonb_build_object('version', v_version));
    RETURN v_version;
END $$;

-- An amendment, whole (chatbot/records/review.py says what it is), if still at the version read
-- (else NULL: stale): the new ending, the answers from the first that changed withdrawn
-- (p_after_seq NULL: none), the new run's answers added after every answer kept so far (each
-- given by whoever gave that same answer to that question before, else by the nurse), and the
-- `amended` event, whose levels, outcomes and version are the database's own.
CREATE FUNCTION rec_amend(p_session text, p_version integer, p_at timestamptz, p_level text, p_outcome text,
                          p_outcome_title text, p_reasons jsonb, p_because jsonb, p_after_seq integer,
                          p_answers jsonb, p_detail jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor text := rec_actor();
    v_old sessions;
    v_last integer;
    v_version integer;
BEGIN
    SELECT * INTO v_old FROM sessions WHERE id = p_session FOR UPDATE;
    IF NOT FOUND OR v_old.version <> p_version THEN
        RETURN NULL;
    END IF;
    IF v_old.status <> 'finished' THEN
        RAISE EXCEPTION 'only a finished session can be amended' USING ERRCODE = 'check_violation';
    END IF;
    SELECT coalesce(max(seq), 0) INTO v_last FROM answers WHERE session_id = p_session;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_answers) a WHERE (a->>'seq')::integer <= v_last) THEN
        RAISE EXCEPTION 'an amendment''s answers come after the answers kept' USING ERRCODE = 'check_violation';
    END IF;
    UPDATE sessions
    SET version = version + 1, reviewed_by = v_actor, reviewed_at = p_at, in_review_by = NULL, in_review_at = NULL,
        level = p_level, outcome = p_outcome, outcome_title = p_outcome_title, reasons = p_reasons,
        because = p_because
    WHERE id = p_session
    RETURNING version INTO v_version;
    INSERT INTO answers (session_id, seq, question_id, question_text, question_kind, typed, shown, value, findings,
                         answered_at, given_by)
    SELECT p_session, (a->>'seq')::integer, a->>'question_id', a->>'question_text', a->>'question_kind',
           a->>'typed', a->>'shown', a->'value', a->'findings', p_at,
           CASE WHEN a->>'question_id' = p_detail->>'question_id' THEN v_actor
                ELSE coalesce((SELECT e.given_by FROM answers e
                               WHERE e.session_id = p_session AND e.seq <= v_last AND e.withdrawn_at IS NULL
                                 AND e.question_id = a->>'question_id' AND e.typed = a->>'typed'
                               ORDER BY e.seq DESC LIMIT 1), v_actor) END
    FROM jsonb_array_elements(p_answers) a;
    IF p_after_seq IS NOT NULL THEN
        UPDATE answers SET withdrawn_at = p_at
        WHERE session_id = p_session AND seq > p_after_seq AND seq <= v_last AND withdrawn_at IS NULL;
    END IF;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, NULL, 'amended', v_actor, p_at,
            coalesce(p_detail, '{}') || jsonb_build_object('old_level', v_old.level, 'new_level', p_level,
                                                           'old_outcome', v_old.outcome, 'new_outcome', p_outcome,
                                                           'version', v_version));
    RETURN v_version;
END $$;

-- Staff's other events (a session sent as FHIR): as the signed-in nurse, else as the login.
CREATE FUNCTION rec_actor_or_login() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(rec_signed_in(), 'staff:' || session_user)
$$;

CREATE FUNCTION rec_note_event(p_session text, p_kind text, p_at timestamptz, p_detail jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_kind NOT IN ('sent') OR NOT EXISTS (SELECT 1 FROM sessions WHERE id = p_session) THEN
        RAISE EXCEPTION 'staff note only a sending of a session that is there' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, NULL, p_kind, rec_actor_or_login(), p_at, coalesce(p_detail, '{}'));
    RETURN true;
END $$;

-- Ended sessions that ended before p_cutoff go, with their answers, each with a `purged` event,
-- and one for the purge; the number purged.
CREATE FUNCTION rec_purge(p_cutoff timestamptz, p_at timestamptz, p_detail jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor text := rec_actor_or_login();
    v_count integer;
BEGIN
    WITH gone AS (
        DELETE FROM sessions WHERE status IN ('finished', 'abandoned') AND finished_at < p_cutoff RETURNING id)
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    SELECT id, NULL, 'purged', v_actor, p_at, coalesce(p_detail, '{}') FROM gone;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (NULL, NULL, 'purged', v_actor, p_at, coalesce(p_detail, '{}') || jsonb_build_object('sessions', v_count));
    RETURN v_count;
END $$;

-- -- who may do what ---------------------------------------------------------------------------

REVOKE ALL ON staff_signins FROM PUBLIC;
REVOKE ALL ON sessions, answers, events, staff, staff_attempts FROM chatbot_staff;  -- column grants go too
REVOKE ALL ON SEQUENCE events_id_seq, sessions_changed_seq FROM chatbot_staff;
GRANT SELECT ON sessions, answers, events TO chatbot_staff;
GRANT SELECT (name, added_at) ON staff TO chatbot_staff;  -- who may sign in: never a hash
REVOKE EXECUTE ON FUNCTION rec_start_session(text, text, integer, text, text, text, timestamptz),
                           rec_record_answer(text, integer, text, text, text, text, text, jsonb, jsonb, timestamptz,
                                             text),
                           rec_withdraw_answers(text, integer, timestamptz),
                           rec_record_event(text, integer, text, text, timestamptz, jsonb),
                           rec_end_session(text, text, timestamptz, text, text, text, jsonb, jsonb, text),
                           rec_identify(text, jsonb)
    FROM chatbot_staff;

REVOKE ALL ON FUNCTION rec_keep_unfinished(), rec_evented(text, text[]), rec_token_hash(text), rec_pin_delay(integer), rec_pin_setting(text),
                       rec_sign_in(text, text, text), rec_signed_in(), rec_actor(), rec_resume(text), rec_sign_out(),
                       rec_claim(text, timestamptz), rec_release(text), rec_review(text, integer, timestamptz),
                       rec_amend(text, integer, timestamptz, text, text, text, jsonb, jsonb, integer, jsonb, jsonb),
                       rec_actor_or_login(), rec_note_event(text, text, timestamptz, jsonb),
                       rec_purge(timestamptz, timestamptz, jsonb)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rec_pin_setting(text), rec_sign_in(text, text, text), rec_signed_in(), rec_resume(text),
                          rec_sign_out(), rec_claim(text, timestamptz), rec_release(text),
                          rec_review(text, integer, timestamptz),
                          rec_amend(text, integer, timestamptz, text, text, text, jsonb, jsonb, integer, jsonb, jsonb),
                          rec_note_event(text, text, timestamptz, jsonb), rec_purge(timestamptz, timestamptz, jsonb)
    TO chatbot_staff;

-- The admin keeps the staff list: names in and out, a locked name unlocked. No hash is read back.
GRANT SELECT ON schema_version TO chatbot_admin;
GRANT SELECT (name, added_at), INSERT, DELETE ON staff TO chatbot_admin;
GRANT SELECT, DELETE ON staff_attempts TO chatbot_admin;
