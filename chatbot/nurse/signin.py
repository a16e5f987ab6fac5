"""Signing staff in at the station: their PIN hashed as the kiosk's is, the waits kept in the store."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from chatbot.kiosk.rules import pin_delay
from chatbot.kiosk.staff_pin import SCRYPT, StoredPin, _hash, check_new_pin, verify_pin
from chatbot.records.staff import StaffPin, allowed_at, check_name, note_failure, note_success, staff_pin
from chatbot.records.store import SessionReader


def new_staff_pin(name: str, pin: str) -> StaffPin:
    """`name`'s PIN as a salted scrypt hash; PinError for a PIN too short or too easy."""
    check_new_pin(pin)
    salt = secrets.token_bytes(16)
    return StaffPin(check_name(name), salt, _hash(pin, salt, **SCRYPT), SCRYPT["n"], SCRYPT["r"], SCRYPT["p"])


@dataclass(frozen=True)
class Verdict:
    """Who signed in (None: nobody), else how many seconds until the next try, and whether it was tried."""

    name: str | None
    wait: float = 0.0
    tried: bool = True


def sign_in(store: SessionReader, name: str, pin: str, at: datetime) -> Verdict:
    """Check `name` and `pin`; a wrong one (or an unknown name) makes the next try wait longer."""
    name = name.strip()
    until = allowed_at(store, name)
    if until is not None and until > at:
        return Verdict(None, (until - at).total_seconds(), tried=False)
    stored = staff_pin(store, name)
    if stored is not None and verify_pin(pin, StoredPin(stored.salt, stored.digest, stored.n, stored.r, stored.p)):
        note_success(store, name)
        return Verdict(stored.name)
    until = note_failure(store, name, at, pin_delay)
    return Verdict(None, (until - at).total_seconds())
