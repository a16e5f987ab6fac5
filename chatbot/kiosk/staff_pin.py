"""The kiosk staff PIN, stored only as a salted scrypt hash in the platform's config folder.

A kiosk has no keyboard shortcut that leaves it; staff leave with a key sequence and
this PIN. The PIN itself is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "bmf-chatbot"
CONFIG_ENV = "CHATBOT_CONFIG_DIR"  # tests and managed kiosks point this elsewhere
PIN_FILE = "staff-pin.json"
MIN_DIGITS, MAX_DIGITS = 4, 12
# scrypt cost: about 50 ms on a small kiosk machine; n=2**14, r=8 is the RFC 7914 interactive figure.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


class PinError(ValueError):
    """A PIN that cannot be used, with a message for the person setting it."""


@dataclass(frozen=True)
class StoredPin:
    salt: bytes
    digest: bytes
    n: int
    r: int
    p: int


def config_dir() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or platformdirs.user_config_dir(APP_NAME))


def pin_path() -> Path:
    return config_dir() / PIN_FILE


def check_new_pin(pin: str) -> None:
    """Refuse PINs that are short, not digits, or trivially guessed."""
    if not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(f"The PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits.")
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        raise PinError("That PIN is too easy to guess. Avoid repeated or running digits.")


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def set_pin(pin: str, path: Path | None = None) -> Path:
    """Hash and store a new staff PIN (readable by its owner only); return where it went."""
    check_new_pin(pin)
    path = path or pin_path()
    salt = secrets.token_bytes(16)
    record = {"scheme": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": _hash(pin, salt, **SCRYPT).hex()}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def load_pin(path: Path | None = None) -> StoredPin | None:
    """The stored PIN hash, or None when no PIN is set (or the file is unreadable)."""
    try:
        record = json.loads((path or pin_path()).read_text(encoding="utf-8"))
        return StoredPin(bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"]),
                         int(record["n"]), int(record["r"]), int(record["p"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verify_pin(pin: str, stored: StoredPin | None) -> bool:
    """True when `pin` matches; compared in constant time. No stored PIN matches nothing."""
    if stored is None or not pin.isdigit() or len(pin) > MAX_DIGITS:
        return False
    return hmac.compare_digest(_hash(pin, stored.salt, stored.n, stored.r, stored.p), stored.digest)
