-- A staffed kiosk's "Ask for help" is noted with the session as a help_requested event, made by the
-- person (chatbot.records.recorder.Recorder.help_requested): a kiosk's kinds gain it. The rest of
-- rec_record_event is 0005's, unchanged.

CREATE OR REPLACE FUNCTION rec_record_event(p_session text, p_seq integer, p_kind text, p_actor text,
                                            p_at timestamptz, p_detail jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_session IS NULL OR p_actor IS DISTINCT FROM 'person' OR p_kind NOT IN (
            'created', 'answered', 'went_back', 'reopened', 'identified', 'help_requested',
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
