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

from chatbot.records.tables import Tables
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


def add_staff(tables: Tables, pin: StaffPin, at: datetime) -> None:
    name = check_name(pin.name)
    with tables.transaction() as run:
        if run("SELECT 1 FROM staff WHERE name = ?", (name,)).fetchall():
            raise StaffError(f"there is already a staff member called {name!r}")
        run("INSERT INTO staff (name, salt, digest, n, r, p, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, pin.salt.hex(), pin.digest.hex(), pin.n, pin.r, pin.p, at))
        run("DELETE FROM staff_attempts WHERE name = ?", (name,))


def remove_staff(tables: Tables, name: str) -> None:
    if not tables.write("DELETE FROM staff WHERE name = ?", (name.strip(),)):
        raise StaffError(f"there is no staff member called {name.strip()!r}")


def list_staff(tables: Tables) -> list[tuple[str, datetime]]:
    return [(name, tables.time(added)) for name, added in
            tables.rows("SELECT name, added_at FROM staff ORDER BY name")]


def staff_pin(tables: Tables, name: str) -> StaffPin | None:
    rows = tables.rows("SELECT name, salt, digest, n, r, p FROM staff WHERE name = ?", (name.strip(),))
    if not rows:
        return None
    name, salt, digest, n, r, p = rows[0]
    return StaffPin(name, bytes.fromhex(salt), bytes.fromhex(digest), n, r, p)


def allowed_at(tables: Tables, name: str) -> datetime | None:
    """When `name` may next try a PIN (None: now)."""
    rows = tables.rows("SELECT locked_until FROM staff_attempts WHERE name = ?", (name.strip(),))
    return tables.time(rows[0][0]) if rows else None


def note_failure(tables: Tables, name: str, at: datetime, delay: Callable[[int], float]) -> datetime:
    """Count a wrong PIN for `name`; the time the next try is allowed (`delay(failures)` seconds on)."""
    name = name.strip()
    with tables.transaction() as run:
        rows = run("SELECT failures FROM staff_attempts WHERE name = ?", (name,)).fetchall()
        failures = (rows[0][0] if rows else 0) + 1
        until = at + timedelta(seconds=delay(failures))
        if rows:
            run("UPDATE staff_attempts SET failures = ?, locked_until = ? WHERE name = ?", (failures, until, name))
        else:
            run("INSERT INTO staff_attempts (name, failures, locked_until) VALUES (?, ?, ?)", (name, failures, until))
    return until


def note_success(tables: Tables, name: str) -> None:
    tables.write("DELETE FROM staff_attempts WHERE name = ?", (name.strip(),))
