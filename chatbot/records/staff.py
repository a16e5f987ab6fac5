"""The staff who sign in at the nurse station, kept in the session store.

A PIN is stored only as its salted scrypt hash; the hashing is the kiosk PIN's own
(`chatbot.kiosk.staff_pin`), done by the caller above this package: here are the rows.
Wrong PINs are counted per name in `staff_attempts` with the time the next try is
allowed, so the wait survives a restart of the station (and holds on every station).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from chatbot.records.store import SessionReader
from chatbot.records.url import RecordsError

NAME_MOST = 40


class StaffError(RecordsError):
    """A staff name that cannot be used, or one that is (or is not) there."""


@dataclass(frozen=True)
class StaffPin:
    name: str
    salt: bytes
    digest: bytes
    n: int
    r: int
    p: int


def check_name(name: str) -> str:
    """The name trimmed; StaffError for an empty, too long or unprintable one."""
    name = name.strip()
    if not name or len(name) > NAME_MOST or not name.isprintable():
        raise StaffError(f"a staff name is 1 to {NAME_MOST} printable characters")
    return name


def add_staff(store: SessionReader, pin: StaffPin, at: datetime) -> None:
    name = check_name(pin.name)
    connector = store.connector
    with connector.transaction():
        if connector.fetch("staff_pin", name=name):
            raise StaffError(f"there is already a staff member called {name!r}")
        connector.run("add_staff", name=name, salt=pin.salt.hex(), digest=pin.digest.hex(), n=pin.n, r=pin.r,
                      p=pin.p, added_at=at)
        connector.run("forget_pin_attempts", name=name)


def remove_staff(store: SessionReader, name: str) -> None:
    if not store.connector.execute("remove_staff", name=name.strip()):
        raise StaffError(f"there is no staff member called {name.strip()!r}")


def list_staff(store: SessionReader) -> list[tuple[str, datetime]]:
    return [(row["name"], row["added_at"]) for row in store.connector.fetch("staff_names")]


def staff_pin(store: SessionReader, name: str) -> StaffPin | None:
    row = store.connector.one("staff_pin", name=name.strip())
    if row is None:
        return None
    return StaffPin(row["name"], bytes.fromhex(row["salt"]), bytes.fromhex(row["digest"]), row["n"], row["r"],
                    row["p"])


def allowed_at(store: SessionReader, name: str) -> datetime | None:
    """When `name` may next try a PIN (None: now)."""
    row = store.connector.one("pin_attempts", name=name.strip())
    return row["locked_until"] if row else None


def note_failure(store: SessionReader, name: str, at: datetime, delay: Callable[[int], float]) -> datetime:
    """Count a wrong PIN for `name`; the time the next try is allowed (`delay(failures)` seconds on)."""
    name = name.strip()
    connector = store.connector
    with connector.transaction():
        row = connector.one("pin_attempts", name=name)
        failures = (row["failures"] if row else 0) + 1
        until = at + timedelta(seconds=delay(failures))
        connector.run("note_pin_failure", name=name, failures=failures, locked_until=until)
    return until


def note_success(store: SessionReader, name: str) -> None:
    store.connector.run("forget_pin_attempts", name=name.strip())
