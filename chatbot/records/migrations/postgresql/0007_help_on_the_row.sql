-- A staffed kiosk's "Ask for help" reaches the desk at once (WCAG 3.2.6): the open request is kept on the
-- session's row, which a station watches (its change number moves and a NOTIFY goes out), not in an event
-- alone, which no station sees. The events stay the record of who asked and who answered; the row follows
-- them (the columns are SQLite's 0007's):
--   help_asked_at   when the open request was first made (NULL: none open)
--   help_last_at    when the person last asked (asked again: later than help_asked_at)
--   help_asks       how many times the person asked since the request opened (0: none open)
--   help_answered_by, help_answered_at   the nurse who last marked a request answered, and when
-- A help_requested event (a kiosk's, through rec_record_event, as the person, on its own session) opens a
-- request or adds to it; a help_answered event (rec_answer_help: staff only, as the signed-in nurse)
-- closes it. An ask made before the last answer (delivered late from a kiosk's outbox) opens nothing.
-- Requests made before this migration stay in the events only: no desk was told of them.

ALTER TABLE sessions ADD COLUMN help_asked_at timestamptz;
ALTER TABLE sessions ADD COLUMN help_last_at timestamptz;
ALTER TABLE sessions ADD COLUMN help_asks integer NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN help_answered_by text;
ALTER TABLE sessions ADD COLUMN help_answered_at timestamptz;
CREATE INDEX sessions_help_open ON sessions (help_asked_at) WHERE help_asked_at IS NOT NULL;

-- Runs inside the definer functions that insert events (nobody else may): as the store's owner.
CREATE FUNCTION rec_event_help() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'help_requested' THEN
        UPDATE sessions
        SET help_asked_at = least(coalesce(help_asked_at, NEW.at), NEW.at),
            help_last_at = greatest(coalesce(help_last_at, NEW.at), NEW.at),
            help_asks = help_asks + 1
        WHERE id = NEW.session_id AND (help_answered_at IS NULL OR help_answered_at < NEW.at);
    ELSE
        UPDATE sessions
        SET help_asked_at = NULL, help_last_at = NULL, help_asks = 0, help_answered_by = NEW.actor,
            help_answered_at = NEW.at
        WHERE id = NEW.session_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER events_help AFTER INSERT ON events FOR EACH ROW
    WHEN (NEW.kind IN ('help_requested', 'help_answered') AND NEW.session_id IS NOT NULL)
    EXECUTE FUNCTION rec_event_help();

-- The desk marks a session's open request answered, as the signed-in nurse (never a name passed in), with
-- its event: what was asked (first and last time, how many times) kept in the event's detail. False: no
-- request was open (answered already, at another station).
CREATE FUNCTION rec_answer_help(p_session text, p_at timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor text := rec_actor();
    v_row sessions;
BEGIN
    SELECT * INTO v_row FROM sessions WHERE id = p_session AND help_asked_at IS NOT NULL FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO events (session_id, seq, kind, actor, at, detail)
    VALUES (p_session, NULL, 'help_answered', v_actor, p_at,
            jsonb_build_object('asked_at', v_row.help_asked_at, 'last_at', v_row.help_last_at,
                               'asks', v_row.help_asks));
    RETURN true;
END $$;

REVOKE ALL ON FUNCTION rec_event_help(), rec_answer_help(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rec_answer_help(text, timestamptz) TO chatbot_staff;
