-- Who the person is changes only with its event, in the same transaction: the store writes the
-- `identified` event first, then the identification (a kiosk login calling rec_identify alone, or a
-- delivery that split the two, changes nothing). Re-identification (a corrected name) is one more pair.
CREATE OR REPLACE FUNCTION rec_identify(p_session text, p_identification jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    PERFORM rec_evented(p_session, ARRAY['identified']);
    UPDATE sessions SET identification = p_identification WHERE id = p_session;
END $$;
