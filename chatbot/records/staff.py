"""The staff who sign in at the nurse station, kept in the session store, and signing them in.

A PIN is kept only as its hash, one self-describing string (`chatbot.pinhash`), made by the
caller above this package; here are the rows and the sign-in. Signing in is three steps:
the hash's setting (costs and salt, never the hash) is read, the caller hashes the PIN with
it (scrypt: slow, on no lock), and `try_pin` checks the result and counts the try at once.

The wrong-PIN back-off cannot be raced: a try is counted (as wrong, until it proves right)
in the same statement that checks the name may try now (PostgreSQL: `rec_sign_in`, on a
row it holds locked; SQLite: one `BEGIN IMMEDIATE` transaction, which holds the file's
write lock), so tries from many stations at once get one guess per wait. After
`LOCK_AFTER` wrong PINs in a row the name is locked until an admin unlocks it
(`chatbot staff unlock NAME`).

A right PIN signs the store in: PostgreSQL binds the nurse to the connection (a token of
the sign-in, set on it; `resume` sets it again on a new connection), and its desk
functions take the nurse from there; on SQLite (a file its owner alone writes) the store
keeps the name. `actor` is who the desk's writes are done as: never an argument.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from chatbot.catalog import message
from chatbot.records.store import SessionReader, process_user
from chatbot.records.url import RecordsError

NAME_MOST = 40
LOCK_AFTER = 10  # wrong PINs in a row that lock a name until an admin unlocks it
SIGN_IN_LASTS = timedelta(days=1)  # a sign-in's token is good for a day at most (PostgreSQL says the same)


NO_STAFF = message("there is no staff member called '{name}'")
NOT_KEPT = message("the sign-in was not kept")  # a sign-in `resume` could not take up


class StaffError(RecordsError):
    """A staff name that cannot be used, or one that is (or is not) there."""


class NotSignedIn(RecordsError):
    """A desk write with no nurse signed in on the store."""


@dataclass(frozen=True)
class Attempt:
    """One try of a PIN: signed in as `name` (with the sign-in's `token`), else how many seconds until the
    next try, whether the name is locked, and whether this one was tried at all."""

    name: str | None
    token: str | None = None
    wait: float = 0.0
    locked: bool = False
    tried: bool = True


def check_name(name: str) -> str:
    """The name trimmed; StaffError for an empty, too long or unprintable one."""
    name = name.strip()
    if not name or len(name) > NAME_MOST or not name.isprintable():
        raise StaffError(message("a staff name is 1 to {most} printable characters").fill(most=NAME_MOST))
    return name


# -- the admin's: the staff list ----------------------------------------------------------------


def add_staff(store: SessionReader, name: str, pin_hash: str, at: datetime) -> None:
    name = check_name(name)
    connector = store.connector
    with connector.transaction():
        if connector.fetch("staff_named", name=name):
            raise StaffError(message("there is already a staff member called '{name}'").fill(name=name))
        connector.run("add_staff", name=name, pin_hash=pin_hash, added_at=at)
        connector.run("forget_pin_attempts", name=name)


def remove_staff(store: SessionReader, name: str) -> None:
    if not store.connector.execute("remove_staff", name=name.strip()):
        raise StaffError(NO_STAFF.fill(name=name.strip()))


def unlock(store: SessionReader, name: str) -> bool:
    """Forget the wrong PINs typed for `name` (a locked name may try again); whether there were any."""
    name = name.strip()
    if not store.connector.fetch("staff_named", name=name):
        raise StaffError(NO_STAFF.fill(name=name))
    return bool(store.connector.execute("forget_pin_attempts", name=name))


def list_staff(store: SessionReader) -> list[tuple[str, datetime]]:
    return [(row["name"], row["added_at"]) for row in store.connector.fetch("staff_names")]


# -- signing in ---------------------------------------------------------------------------------


def pin_setting(store: SessionReader, name: str) -> str | None:
    """What `name`'s PIN is hashed with to be checked (its costs and salt, never the hash); None: no such name."""
    row = store.connector.one("pin_setting", name=name.strip())
    if row is None or row["setting"] is None:
        return None
    setting = row["setting"]  # SQLite: the whole hash, cut to its setting here ($scheme$costs$salt)
    return setting if setting.count("$") == 3 else setting.rsplit("$", 1)[0]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def try_pin(store: SessionReader, name: str, proof: str, upgrade: str | None, at: datetime,
            delay: Callable[[int], float]) -> Attempt:
    """Check `proof` (the PIN hashed with `pin_setting`'s setting) for `name`, counting the try (the module's
    text says how); on success the store is signed in as `name` and, if `upgrade` is given (the PIN hashed
    with today's costs), the hash is replaced by it. `delay(failures)`: SQLite's wait after a wrong PIN
    (PostgreSQL's is the schema's `rec_pin_delay`, the same)."""
    name = name.strip()
    connector = store.connector
    if connector.definer:
        row = connector.one("sign_in", name=name, proof=proof, upgrade=upgrade)
        if row["token"] is None:
            return Attempt(None, None, row["wait"], row["locked"], row["tried"])
        _signed_in(store, name, row["token"])
        return Attempt(name, row["token"])
    with connector.transaction():
        row = connector.one("pin_attempts", name=name)
        failures = row["failures"] if row else 0
        if failures >= LOCK_AFTER:
            return Attempt(None, locked=True, tried=False)
        until = row["locked_until"] if row else None
        if until is not None and until > at:
            return Attempt(None, wait=(until - at).total_seconds(), tried=False)
        failures += 1
        wait = delay(failures)
        connector.run("note_pin_failure", name=name, failures=failures, locked_until=at + timedelta(seconds=wait))
        stored = connector.one("staff_pin", name=name)
        if stored is None or not hmac.compare_digest(stored["pin_hash"].encode(), proof.encode()):
            return Attempt(None, wait=wait, locked=failures >= LOCK_AFTER)
        connector.run("forget_pin_attempts", name=name)
        if upgrade is not None and upgrade.startswith("$scrypt$"):
            connector.run("upgrade_pin", name=name, pin_hash=upgrade)
        token = secrets.token_hex(32)
        connector.run("note_sign_in", token_hash=_token_hash(token), name=name, login=process_user(), at=at)
    _signed_in(store, name, token)
    return Attempt(name, token)


def _signed_in(store: SessionReader, name: str | None, token: str | None) -> None:
    store.staff, store.token = name, token
    if token is None:
        store.connector.setup.pop("resume", None)
    elif store.connector.definer:  # a new connection takes the sign-in up again before anything else
        store.connector.setup["resume"] = {"token": token}


def resume(store: SessionReader, token: str, at: datetime) -> str | None:
    """Sign `store` in with a sign-in made on another store (the station checks PINs on a connection of its
    own); the nurse's name, or None when the sign-in has ended or expired."""
    connector = store.connector
    if connector.definer:
        name = connector.one("resume", token=token)["name"]
    else:
        row = connector.one("resume", token_hash=_token_hash(token), since=at - SIGN_IN_LASTS)
        name = row["name"] if row else None
    _signed_in(store, name, token if name else None)
    if name is None and connector.definer:
        connector.run("resume", token="")
    return name


def sign_out(store: SessionReader, at: datetime) -> None:
    """End the store's sign-in (the station locked): its token is good for nothing more."""
    token = store.token
    if token is None:
        return
    connector = store.connector
    _signed_in(store, None, None)
    if connector.definer:
        connector.run("sign_out")
    else:
        connector.run("sign_out", token_hash=_token_hash(token), at=at)


def actor(store: SessionReader) -> str:
    """Who the desk's writes on `store` are done as: the nurse signed in on it."""
    if store.staff is None:
        raise NotSignedIn(message("no nurse is signed in: sign in at the station first"))
    return store.staff

