-- A session's id, flow name, place and language are plain names (chatbot/identifiers.py):
-- a kiosk login that calls rec_start_session itself cannot store an escape sequence, a
-- direction override or a line break for `records list` or the station to show staff.
-- NOT VALID: sessions recorded before are kept as they are (what staff see is filtered).

ALTER TABLE sessions ADD CONSTRAINT sessions_id_is_a_name
    CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$') NOT VALID;
ALTER TABLE sessions ADD CONSTRAINT sessions_flow_name_is_a_name
    CHECK (flow_name ~ '^[A-Za-z0-9._-]{1,64}$') NOT VALID;
ALTER TABLE sessions ADD CONSTRAINT sessions_place_is_a_name
    CHECK (place ~ '^[A-Za-z0-9._:-]{1,100}$') NOT VALID;
ALTER TABLE sessions ADD CONSTRAINT sessions_language_is_a_code
    CHECK (language ~ '^[a-z]{2}(-[A-Z]{2})?$') NOT VALID;
