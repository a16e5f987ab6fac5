-- The nurse station: a version number for optimistic concurrency, identification,
-- who has a session open and who reviewed it, the staff who sign in, and a NOTIFY on
-- every change to a session so that a station's queue updates itself.
-- Any change a kiosk makes to a finished session (reopened, finished again) raises its
-- version too, so a nurse's review or amendment of an older version is refused.

ALTER TABLE sessions ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN identification jsonb;
ALTER TABLE sessions ADD COLUMN in_review_by text;
ALTER TABLE sessions ADD COLUMN in_review_at timestamptz;
ALTER TABLE sessions ADD COLUMN reviewed_by text;
ALTER TABLE sessions ADD COLUMN reviewed_at timestamptz;
CREATE INDEX sessions_status_level ON sessions (status, level);

CREATE FUNCTION rec_session_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version AND (NEW.status, NEW.finished_at, NEW.level, NEW.outcome, NEW.reasons, NEW.because)
            IS DISTINCT FROM (OLD.status, OLD.finished_at, OLD.level, OLD.outcome, OLD.reasons, OLD.because) THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sessions_version_on_change BEFORE UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION rec_session_version();

-- Every station listens on 'chatbot_sessions'; the payload is the session's id.
CREATE FUNCTION rec_session_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chatbot_sessions', NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER sessions_notify AFTER INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION rec_session_notify();

-- The kiosk will say who the person is (a ticket, or a name and date of birth).
CREATE FUNCTION rec_identify(p_session text, p_identification jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM rec_own(p_session);
    UPDATE sessions SET identification = p_identification WHERE id = p_session;
END $$;
REVOKE ALL ON FUNCTION rec_identify(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rec_identify(text, jsonb) TO chatbot_kiosk, chatbot_staff;

-- Staff who sign in at the station: the PIN as a salted scrypt hash (as the kiosk's),
-- and the wrong PINs typed for a name, so that the wait survives a restart.
CREATE TABLE staff (
    name      text PRIMARY KEY,
    salt      text NOT NULL,
    digest    text NOT NULL,
    n         integer NOT NULL,
    r         integer NOT NULL,
    p         integer NOT NULL,
    added_at  timestamptz NOT NULL
);
CREATE TABLE staff_attempts (
    name         text PRIMARY KEY,
    failures     integer NOT NULL DEFAULT 0,
    locked_until timestamptz
);

REVOKE ALL ON staff, staff_attempts FROM PUBLIC;
GRANT UPDATE (version, level, outcome, outcome_title, reasons, because, in_review_by, in_review_at,
              reviewed_by, reviewed_at) ON sessions TO chatbot_staff;
GRANT INSERT ON answers TO chatbot_staff;
GRANT UPDATE (withdrawn_at) ON answers TO chatbot_staff;
GRANT SELECT, INSERT, UPDATE, DELETE ON staff, staff_attempts TO chatbot_staff;
