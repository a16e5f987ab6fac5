-- Who the person is changes only with its event, in the same transaction: the store writes the
-- `identified` event first, then the identification, so the last row this connection inserted is
-- that event (`last_insert_rowid`). An UPDATE of the identification without it is refused, as
-- PostgreSQL's rec_identify refuses one (migration 0008 there). Re-identification (a corrected name)
-- is one more pair.
CREATE TRIGGER sessions_identified_with_event BEFORE UPDATE OF identification ON sessions
WHEN NEW.identification IS NOT OLD.identification AND NOT EXISTS (
    SELECT 1 FROM events WHERE id = last_insert_rowid() AND session_id = NEW.id AND kind = 'identified')
BEGIN
    SELECT RAISE(ABORT, 'an identification comes with its event, in one transaction');
END;
