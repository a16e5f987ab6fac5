"""Session records: every answer a person gives, kept as it is given, in SQLite or PostgreSQL.

`url` reads the database URL (`--database URL` or `CHATBOT_DATABASE`); `store` is the
small interface, split in two on purpose: a `SessionWriter` that a kiosk gets (start a
session, add an answer or an event, finish it: nothing that reads), and a
`SessionReader` for staff and the `chatbot records` commands (list, show, export,
purge). `sqlite` and `postgres` implement both, each imported only when its backend is
chosen (`psycopg` only ever by `postgres`); `migrate` applies the numbered SQL files in
`migrations/`; `recorder` is what a UI calls at each answer, back, restart and finish,
and keeps answers in memory (and at exit in an owner-only file) while the database
cannot be written. This package imports only the standard library and chatbot's flow
and engine data, never Textual, and importing it imports no database driver.
"""
