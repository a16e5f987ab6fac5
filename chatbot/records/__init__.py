"""Session records: every answer a person gives, kept as it is given, in SQLite or PostgreSQL.

- `url`: the database URL (`--database URL` or `CHATBOT_DATABASE`), printed without its password.
- `model`: a stored session, typed (answers with who gave them and which are withdrawn,
  events, identification, the review trail, its state in one word), and the writes a kiosk
  queues; `transcript`: the one way from a conversation to its answers and its ending.
- `store`: the store, written once for both backends: a `SessionWriter` for kiosks (it
  delivers writes, it reads nothing) and a `SessionReader` for staff; `review` and `staff`:
  the desk's writes (claims, reviews, amendments) and its staff, on a reader.
- `connector`: the thin connection under the store: queries run by name (`queries`, from
  `sql/`), values in and out, errors in one line, a lost connection made again; `sqlite` and
  `postgres` say only what differs (each imported only when its URL is opened, `psycopg`
  only by `postgres`; `backends` picks one).
- `migrate`: the numbered migrations in `migrations/`, held to `schema` (one description of
  the store) by the tests; `watch`: which sessions changed, for a station, behind one
  interface (NOTIFY or `data_version`), through lost connections, with `backoff`.
- `recorder`: what a UI calls at each answer; it keeps writes in an `outbox` (a private local
  file) and delivers them on its own thread, so the screen never waits on the database.

This package imports only the standard library and chatbot's flow and engine data, never
Textual, and importing it imports no database driver.
"""
