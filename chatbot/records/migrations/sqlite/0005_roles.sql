-- A PIN as one self-describing string (chatbot/pinhash.py), the sign-ins, and an unfinished
-- session that is never deleted. (SQLite's file is its owner's alone: no roles here; what
-- PostgreSQL's roles enforce, the store's code does on this file.)
-- The old PIN columns become the hash's hex form, which still verifies and is rewritten in the
-- current form at the next sign-in. staff is rebuilt without them.

CREATE TABLE staff_new (
    name      TEXT PRIMARY KEY,
    added_at  TEXT NOT NULL,
    pin_hash  TEXT NOT NULL
);
INSERT INTO staff_new (name, added_at, pin_hash)
SELECT name, added_at, '$scrypt-hex$n=' || n || ',r=' || r || ',p=' || p || '$' || salt || '$' || digest FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;

CREATE TABLE staff_signins (
    token_hash   TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    login        TEXT NOT NULL,
    signed_in_at TEXT NOT NULL,
    ended_at     TEXT
);

CREATE TRIGGER sessions_keep_unfinished BEFORE DELETE ON sessions WHEN OLD.status = 'unfinished'
BEGIN
    SELECT RAISE(ABORT, 'an unfinished session is never deleted');
END;
