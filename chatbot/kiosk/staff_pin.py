"""The kiosk staff PIN, stored only as a salted scrypt hash in the platform's config folder.

A kiosk has no keyboard shortcut that leaves it; staff leave with a key sequence and
this PIN. The PIN itself is never written anywhere.

The file is written whole and owner-only (`chatbot.privatefile`), never through a
symbolic link. A file that has been tampered with (costs scrypt would refuse or choke
on, a salt or hash of the wrong size) is refused like no PIN at all, never checked.
Beside it, `staff-pin-backoff.json` keeps the wrong-PIN back-off, so that a restart
of the kiosk, or another browser tab of `chatbot serve`, does not start it over.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from chatbot.privatefile import write_private

APP_NAME = "bmf-chatbot"
CONFIG_ENV = "CHATBOT_CONFIG_DIR"  # tests and managed kiosks point this elsewhere
PIN_FILE = "staff-pin.json"
BACKOFF_FILE = "staff-pin-backoff.json"
MIN_DIGITS, MAX_DIGITS = 4, 12
# scrypt cost: about 50 ms on a small kiosk machine; n=2**14, r=8 is the RFC 7914 interactive figure.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
# What a stored hash may ask of scrypt: anything beyond is a tampered file, never computed.
LIMITS = {"n": (2 ** 10, 2 ** 17), "r": (1, 16), "p": (1, 4)}
SALT_BYTES, HASH_BYTES = (16, 64), 32
_log = logging.getLogger(__name__)


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
    if not (pin.isascii() and pin.isdigit()) or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
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
    return write_private(path, json.dumps(record, indent=2) + "\n")


def load_pin(path: Path | None = None) -> StoredPin | None:
    """The stored PIN hash, or None when no PIN is set, or the file cannot be trusted
    (unreadable, a link, or tampered with: see `pin_file_problem`)."""
    path = path or pin_path()
    problem = pin_file_problem(path)
    if problem is not None:
        if path.exists() or path.is_symlink():
            _log.warning("staff PIN refused: %s", problem)
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    return StoredPin(bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"]),
                     record["n"], record["r"], record["p"])


def pin_file_problem(path: Path | None = None) -> str | None:
    """Why the PIN file cannot be used, in a sentence for staff, or None when it can."""
    path = path or pin_path()
    if path.is_symlink():
        return f"{path} is a symbolic link; set the PIN again with: chatbot set-staff-pin"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no staff PIN is set ({path})"
    except (OSError, ValueError) as error:
        return f"{path} cannot be read ({error}); set the PIN again with: chatbot set-staff-pin"
    damaged = f"{path} has been changed by hand or damaged; set the PIN again with: chatbot set-staff-pin"
    if not isinstance(record, dict) or record.get("scheme") != "scrypt":
        return damaged
    for key, (low, high) in LIMITS.items():
        value = record.get(key)
        if type(value) is not int or not low <= value <= high or (key == "n" and value & (value - 1)):
            return damaged
    try:
        salt, digest = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
    except (KeyError, TypeError, ValueError):
        return damaged
    if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1] or len(digest) != HASH_BYTES:
        return damaged
    return None


def verify_pin(pin: str, stored: StoredPin | None) -> bool:
    """True when `pin` matches; compared in constant time. No stored PIN matches nothing."""
    if stored is None or not pin.isascii() or not pin.isdigit() or len(pin) > MAX_DIGITS:
        return False
    try:
        return hmac.compare_digest(_hash(pin, stored.salt, stored.n, stored.r, stored.p), stored.digest)
    except (ValueError, MemoryError):  # costs scrypt refuses: a tampered file matches nothing
        return False


# -- the wrong-PIN back-off, shared by every kiosk on this machine --------------------------------


def backoff_path() -> Path:
    return config_dir() / BACKOFF_FILE


def shared_backoff(failures: int, locked_until: float, now: float, most: float) -> tuple[int, float]:
    """The back-off as the most cautious of this kiosk's and the one kept on disk.

    Times are on the kiosk's clock (monotonic: the same for every process until a
    reboot); a wait read from disk is never longer than `most`, whatever the clock did.
    """
    try:
        record = json.loads(backoff_path().read_text(encoding="utf-8"))
        kept_failures, kept_until = int(record["failures"]), float(record["locked_until"])
    except (OSError, ValueError, KeyError, TypeError):
        return failures, locked_until
    return max(failures, kept_failures, 0), max(locked_until, min(kept_until, now + most))


def keep_backoff(failures: int, locked_until: float) -> None:
    """Keep the back-off beside the PIN file (owner-only, whole); a kiosk that cannot still has its own."""
    try:
        backoff_path().parent.mkdir(parents=True, exist_ok=True)
        write_private(backoff_path(), json.dumps({"failures": failures, "locked_until": locked_until}) + "\n")
    except OSError as error:
        _log.warning("the staff PIN back-off cannot be kept: %s", error)
