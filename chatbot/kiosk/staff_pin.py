"""The kiosk staff PIN, stored only as its scrypt hash in the platform's config folder.

A kiosk has no keyboard shortcut that leaves it; staff leave with a key sequence and
this PIN (6 to 12 digits). The PIN itself is never written anywhere: the file holds
one self-describing hash string (`chatbot.pinhash`: scheme, costs, salt, hash). A file
of the older form (costs, salt and hash apart) still verifies, and is written again in
today's form and costs after the next right PIN.

The file is written whole and owner-only (`chatbot.privatefile`), never through a
symbolic link. A file that has been tampered with (costs scrypt would refuse or choke
on, a salt or hash of the wrong size) is refused like no PIN at all, never checked.
Beside it, `staff-pin-backoff.json` keeps the wrong-PIN back-off, so that a restart
of the kiosk, or another browser tab of `chatbot serve`, does not start it over. A try
is counted in the same step that checks it may be made, under a lock every kiosk
process on the machine takes (`count_try`), so tries at once get one guess per wait;
after `LOCK_AFTER` wrong PINs in a row only setting the PIN again
(`chatbot set-staff-pin`) lets anyone try.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import platformdirs

from chatbot import pinhash
from chatbot.catalog import Message, message
from chatbot.pinhash import PinHash
from chatbot.privatefile import write_private

APP_NAME = "bmf-chatbot"
CONFIG_ENV = "CHATBOT_CONFIG_DIR"  # tests and managed kiosks point this elsewhere
PIN_FILE = "staff-pin.json"
BACKOFF_FILE = "staff-pin-backoff.json"
LOCK_AFTER = 10  # wrong PINs in a row after which only setting the PIN again lets anyone try
MIN_DIGITS, MAX_DIGITS = 6, 12  # six at least: four were found offline in minutes
_log = logging.getLogger(__name__)


class PinError(ValueError):
    """A PIN that cannot be used, with a message for the person setting it (`said`, from the catalog;
    `str()` is its English)."""

    def __init__(self, said: Message) -> None:
        super().__init__(str(said))
        self.said = said


StoredPin = PinHash  # what `load_pin` gives: the hash's parts


def config_dir() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or platformdirs.user_config_dir(APP_NAME))


def pin_path() -> Path:
    return config_dir() / PIN_FILE


def check_new_pin(pin: str) -> None:
    """Refuse PINs that are short, not digits, or trivially guessed."""
    if not (pin.isascii() and pin.isdigit()) or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(message("The PIN must be {least} to {most} digits.").fill(least=MIN_DIGITS, most=MAX_DIGITS))
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        raise PinError(message("That PIN is too easy to guess. Avoid repeated or running digits."))


def set_pin(pin: str, path: Path | None = None) -> Path:
    """Hash and store a new staff PIN (readable by its owner only), and let anyone try again; where it went."""
    check_new_pin(pin)
    path = _write(pinhash.hash_pin(pin), path)
    if path == pin_path():
        forget_tries()
    return path


def _write(hashed: str, path: Path | None = None) -> Path:
    path = path or pin_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_private(path, json.dumps({"scheme": "scrypt", "hash": hashed}, indent=2) + "\n")


def _read(record) -> PinHash:
    """The hash of a PIN file's record, either form; PinHashError (or KeyError, TypeError) when tampered with."""
    if isinstance(record, dict) and record.get("scheme") == "scrypt" and set(record) == {"scheme", "hash"}:
        return pinhash.parse(record["hash"])
    n, r, p = record["n"], record["r"], record["p"]  # the older form
    if any(type(value) is not int for value in (n, r, p)):
        raise pinhash.PinHashError("costs that are not numbers")
    return pinhash.parse(pinhash.from_parts(bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"]), n, r, p))


def load_pin(path: Path | None = None) -> PinHash | None:
    """The stored PIN hash, or None when no PIN is set, or the file cannot be trusted
    (unreadable, a link, or tampered with: see `pin_file_problem`)."""
    path = path or pin_path()
    problem = pin_file_problem(path)
    if problem is not None:
        if path.exists() or path.is_symlink():
            _log.warning("staff PIN refused: %s", problem)
        return None
    return _read(json.loads(path.read_text(encoding="utf-8")))


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
    if not isinstance(record, dict) or record.get("scheme") != "scrypt":
        return f"{path} has been changed by hand or damaged; set the PIN again with: chatbot set-staff-pin"
    try:
        _read(record)
    except (KeyError, TypeError, ValueError):
        return f"{path} has been changed by hand or damaged; set the PIN again with: chatbot set-staff-pin"
    return None


def verify_pin(pin: str, stored: PinHash | None) -> bool:
    """True when `pin` matches; compared in constant time. No stored PIN matches nothing."""
    if stored is None or not pin.isascii() or not pin.isdigit() or len(pin) > MAX_DIGITS:
        return False
    return pinhash.verify(pin, stored)


def verify_and_upgrade(pin: str, stored: PinHash | None, path: Path | None = None) -> bool:
    """`verify_pin`, and a right PIN against an outdated hash writes the file again with today's costs."""
    if not verify_pin(pin, stored):
        return False
    if stored.outdated:
        try:
            _write(pinhash.hash_pin(pin), path)
        except OSError as error:  # the old hash keeps working
            _log.warning("the staff PIN could not be stored again with today's costs: %s", error)
    return True


# -- the wrong-PIN back-off, shared by every kiosk on this machine --------------------------------


def backoff_path() -> Path:
    return config_dir() / BACKOFF_FILE


@dataclass(frozen=True)
class PinTry:
    """Whether a PIN may be tried now (counted as wrong until it proves right), else how long to wait, and
    whether the PIN is locked; `failures` and `until` as kept (on the kiosk's monotonic clock)."""

    tried: bool
    wait: float
    locked: bool
    failures: int
    until: float


@contextmanager
def _locked() -> Iterator[None]:
    """Every kiosk process on the machine, one at a time (an advisory lock on a file beside the back-off's)."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / (BACKOFF_FILE + ".lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # the lock goes with it


def _kept() -> tuple[int, float]:
    try:
        record = json.loads(backoff_path().read_text(encoding="utf-8"))
        return max(int(record["failures"]), 0), float(record["locked_until"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, 0.0


def count_try(now: float, delay: Callable[[int], float], most: float) -> PinTry:
    """Check that a PIN may be tried now and, if so, count it as wrong (`forget_tries` after a right one), in
    one step under the machine's lock. Times are on the kiosk's clock (monotonic: the same for every process
    until a reboot); a wait read from disk is never longer than `most`, whatever the clock did."""
    try:
        with _locked():
            failures, until = _kept()
            until = min(until, now + most)
            if failures >= LOCK_AFTER:
                return PinTry(False, 0.0, True, failures, until)
            if until > now:
                return PinTry(False, until - now, False, failures, until)
            failures += 1
            wait = delay(failures)
            write_private(backoff_path(), json.dumps({"failures": failures, "locked_until": now + wait}) + "\n")
            return PinTry(True, wait, failures >= LOCK_AFTER, failures, now + wait)
    except OSError as error:  # a kiosk that cannot keep it waits as if this were a wrong PIN
        _log.warning("the staff PIN back-off cannot be kept: %s", error)
        return PinTry(False, most, False, 0, now + most)


def forget_tries() -> None:
    """A right PIN (or a new one): the count starts over."""
    try:
        with _locked():
            write_private(backoff_path(), json.dumps({"failures": 0, "locked_until": 0.0}) + "\n")
    except OSError as error:
        _log.warning("the staff PIN back-off cannot be kept: %s", error)
