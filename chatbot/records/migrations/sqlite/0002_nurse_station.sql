-- The nurse station: a version number for optimistic concurrency, identification,
-- who has a session open and who reviewed it, and the staff who sign in.
-- Any change a kiosk makes to a finished session (reopened, finished again) raises its
-- version too, so a nurse's review or amendment of an older version is refused.

ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN identification TEXT;
ALTER TABLE sessions ADD COLUMN in_review_by TEXT;
ALTER TABLE sessions ADD COLUMN in_review_at TEXT;
ALTER TABLE sessions ADD COLUMN reviewed_by TEXT;
ALTER TABLE sessions ADD COLUMN reviewed_at TEXT;
CREATE INDEX sessions_status_level ON sessions (status, level);

CREATE TRIGGER sessions_version_on_change AFTER UPDATE OF status, finished_at, level, outcome, reasons, because
    ON sessions WHEN NEW.version = OLD.version
BEGIN
    UPDATE sessions SET version = OLD.version + 1 WHERE id = NEW.id;
END;

-- Staff who sign in at the station: the PIN as a salted scrypt hash (as the kiosk's),
-- and the wrong PINs typed for a name, so that the wait survives a restart.
CREATE TABLE staff (
    name      TEXT PRIMARY KEY,
    salt      TEXT NOT NULL,
    digest    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    r         INTEGER NOT NULL,
    p         INTEGER NOT NULL,
    added_at  TEXT NOT NULL
);
CREATE TABLE staff_attempts (
    name         TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);
