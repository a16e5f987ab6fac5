"""Signing staff in at the station: the PIN hashed here (scrypt, `chatbot.pinhash`), checked and counted by the store.

The station never reads a PIN hash: it reads the hash's setting (costs and salt), hashes
the PIN with it, and the store checks the result and counts the try in one step
(`chatbot.records.staff.try_pin`: on PostgreSQL the database's `rec_sign_in`). A hash made
with older costs is replaced, after a right PIN, by one made with today's.
"""

from __future__ import annotations

from datetime import datetime

from chatbot import pinhash
from chatbot.kiosk.rules import pin_delay
from chatbot.kiosk.staff_pin import check_new_pin
from chatbot.records.staff import Attempt, check_name, pin_setting, try_pin
from chatbot.records.store import SessionReader

Verdict = Attempt  # what a sign-in came to (the name it was tried for is in `name` only when it worked)


def new_staff_pin(name: str, pin: str) -> tuple[str, str]:
    """`name` checked and `pin` as its hash string; PinError for a PIN too short or too easy."""
    check_new_pin(pin)
    return check_name(name), pinhash.hash_pin(pin)


def sign_in(store: SessionReader, name: str, pin: str, at: datetime) -> Attempt:
    """Check `name` and `pin` (a wrong one, or an unknown name, makes the next try wait longer); on success
    `store` is signed in as the nurse."""
    name = name.strip()
    stored = pin_setting(store, name)
    try:
        setting = pinhash.parse(stored) if stored is not None else None
    except pinhash.PinHashError:
        setting = None
    if setting is None:  # no such name (or a hash this code will not compute): a try all the same, counted
        proof, upgrade = pinhash.hash_pin(pin), None
    else:
        proof = pinhash.hash_pin(pin, setting)
        upgrade = pinhash.hash_pin(pin) if setting.outdated else None
    if not (pin.isascii() and pin.isdigit()):
        proof = "not a PIN"
    return try_pin(store, name, proof, upgrade, at, pin_delay)
