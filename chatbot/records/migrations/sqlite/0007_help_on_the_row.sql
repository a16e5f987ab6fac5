-- A staffed kiosk's "Ask for help" reaches the desk at once (WCAG 3.2.6): the open request is kept on the
-- session's row, which a station watches (its change number moves), not in an event alone, which no
-- station sees. The events stay the record of who asked and who answered; the row follows them:
--   help_asked_at   when the open request was first made (NULL: none open)
--   help_last_at    when the person last asked (asked again: later than help_asked_at)
--   help_asks       how many times the person asked since the request opened (0: none open)
--   help_answered_by, help_answered_at   the nurse who last marked a request answered, and when
-- A help_requested event (the kiosk's, as the person) opens a request or adds to it; a help_answered event
-- (the desk's, as the signed-in nurse) closes it. An ask made before the last answer (delivered late from a
-- kiosk's outbox) opens nothing: the nurse went to that kiosk after it. Requests made before this
-- migration stay in the events only: no desk was told of them, and none waits now.

ALTER TABLE sessions ADD COLUMN help_asked_at TEXT;
ALTER TABLE sessions ADD COLUMN help_last_at TEXT;
ALTER TABLE sessions ADD COLUMN help_asks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN help_answered_by TEXT;
ALTER TABLE sessions ADD COLUMN help_answered_at TEXT;
CREATE INDEX sessions_help_open ON sessions (help_asked_at) WHERE help_asked_at IS NOT NULL;

CREATE TRIGGER events_help_requested AFTER INSERT ON events
WHEN NEW.kind = 'help_requested' AND NEW.session_id IS NOT NULL
BEGIN
    UPDATE sessions
    SET help_asked_at = CASE WHEN help_asked_at IS NULL OR NEW.at < help_asked_at THEN NEW.at ELSE help_asked_at END,
        help_last_at = CASE WHEN help_last_at IS NULL OR NEW.at > help_last_at THEN NEW.at ELSE help_last_at END,
        help_asks = help_asks + 1
    WHERE id = NEW.session_id AND (help_answered_at IS NULL OR help_answered_at < NEW.at);
END;

CREATE TRIGGER events_help_answered AFTER INSERT ON events
WHEN NEW.kind = 'help_answered' AND NEW.session_id IS NOT NULL
BEGIN
    UPDATE sessions
    SET help_asked_at = NULL, help_last_at = NULL, help_asks = 0, help_answered_by = NEW.actor,
        help_answered_at = NEW.at
    WHERE id = NEW.session_id;
END;
