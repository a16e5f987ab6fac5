-- A session's id, flow name, place and language are plain names (chatbot/identifiers.py):
-- nothing a staff terminal could take for a command reaches `records list` or the station.
-- Whoever writes to the file directly meets the same rule as the chatbot.

CREATE TRIGGER sessions_names_on_insert BEFORE INSERT ON sessions
WHEN NEW.id GLOB '*[^A-Za-z0-9_-]*' OR length(NEW.id) NOT BETWEEN 1 AND 64
  OR NEW.flow_name GLOB '*[^A-Za-z0-9._-]*' OR length(NEW.flow_name) NOT BETWEEN 1 AND 64
  OR NEW.place GLOB '*[^A-Za-z0-9._:-]*' OR length(NEW.place) NOT BETWEEN 1 AND 100
  OR NOT (NEW.language GLOB '[a-z][a-z]' OR NEW.language GLOB '[a-z][a-z]-[A-Z][A-Z]')
BEGIN
    SELECT RAISE(ABORT, 'a session id, flow name, place or language with characters it may not have');
END;

CREATE TRIGGER sessions_names_on_update BEFORE UPDATE OF id, flow_name, place, language ON sessions
WHEN NEW.id GLOB '*[^A-Za-z0-9_-]*' OR length(NEW.id) NOT BETWEEN 1 AND 64
  OR NEW.flow_name GLOB '*[^A-Za-z0-9._-]*' OR length(NEW.flow_name) NOT BETWEEN 1 AND 64
  OR NEW.place GLOB '*[^A-Za-z0-9._:-]*' OR length(NEW.place) NOT BETWEEN 1 AND 100
  OR NOT (NEW.language GLOB '[a-z][a-z]' OR NEW.language GLOB '[a-z][a-z]-[A-Z][A-Z]')
BEGIN
    SELECT RAISE(ABORT, 'a session id, flow name, place or language with characters it may not have');
END;
