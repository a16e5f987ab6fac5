-- A session's id, flow name, place and language are plain names (chatbot/identifiers.py):
-- a kiosk login that calls rec_start_session itself cannot store an escape sequence, a
-- direction override or a line break for `records list` or the station to show staff.
-- A trigger, not a CHECK constraint: a session recorded before keeps working (reviewed,
-- amended, purged) as long as these four are not changed; what staff see of it is filtered.

CREATE FUNCTION rec_session_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id !~ '^[A-Za-z0-9_-]{1,64}$' OR NEW.flow_name !~ '^[A-Za-z0-9._-]{1,64}$'
       OR NEW.place !~ '^[A-Za-z0-9._:-]{1,100}$' OR NEW.language !~ '^[a-z]{2}(-[A-Z]{2})?$' THEN
        RAISE EXCEPTION 'a session id, flow name, place or language with characters it may not have'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sessions_names BEFORE INSERT OR UPDATE OF id, flow_name, place, language ON sessions
    FOR EACH ROW EXECUTE FUNCTION rec_session_names();
