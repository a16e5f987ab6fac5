"""A staff PIN's hash as one self-describing string: `$scrypt$ln=14,r=8,p=1$SALT$HASH`.

The string names the scheme and its costs (scrypt's N as its base-2 log `ln`, `r`, `p`),
then the salt and the 32-byte hash, each in unpadded base64: the PHC string format
(as passlib writes scrypt). Everything needed to check a PIN is in the string, so the
costs can be raised later: a hash made with other costs than `CURRENT` is `outdated`,
and whoever checks a PIN against it (the kiosk's file, the nurse station's sign-in)
stores it again with `CURRENT` after the next PIN that matches. Hashes kept before
this format (the salt, hash and costs apart, in hex) become `$scrypt-hex$n=16384,r=8,p=1$SALT$HASH`
(hex; `from_parts`, or a migration in plain SQL): they still verify, and are always outdated.

scrypt (standard library, RFC 7914), not argon2: it needs no compiled dependency on a
kiosk, its memory-hard cost is what slows an offline guesser, and the format names the
scheme, so another can be added beside it without touching a stored PIN.

A string whose costs lie outside `LIMITS` (a tampered file or row) is refused, never
computed: scrypt with a huge N would take the machine's memory. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SCHEME = "scrypt"
# N = 2**14, r = 8: RFC 7914's interactive figure (about 50 ms on a small kiosk machine, longer under load).
CURRENT = {"ln": 14, "r": 8, "p": 1}
LIMITS = {"ln": (10, 17), "r": (1, 16), "p": (1, 4)}  # what a stored hash may ask of scrypt
SALT_BYTES, HASH_BYTES = (16, 64), 32
_FORMAT = re.compile(r"^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]{16,88})(?:\$([A-Za-z0-9+/]{43}))?$")
_HEX_FORMAT = re.compile(r"^\$scrypt-hex\$n=(\d{1,7}),r=(\d{1,2}),p=(\d)\$([0-9a-f]{32,128})(?:\$([0-9a-f]{64}))?$")


class PinHashError(ValueError):
    """A string that is not a PIN hash this code will compute."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


@dataclass(frozen=True)
class PinHash:
    """The parts of a hash string; `digest` None: only the setting (costs and salt), to hash a PIN with.
    `hex`: the form hashes kept before this format were migrated to."""

    ln: int
    r: int
    p: int
    salt: bytes
    digest: bytes | None = None
    hex: bool = False

    @property
    def setting(self) -> str:
        """The string without its hash: what a PIN is hashed with to check it."""
        if self.hex:
            return f"${SCHEME}-hex$n={2 ** self.ln},r={self.r},p={self.p}${self.salt.hex()}"
        return f"${SCHEME}$ln={self.ln},r={self.r},p={self.p}${_b64(self.salt)}"

    def __str__(self) -> str:
        if self.digest is None:
            return self.setting
        return f"{self.setting}${self.digest.hex() if self.hex else _b64(self.digest)}"

    @property
    def outdated(self) -> bool:
        """Made with other costs than this code's, or in the old form: store it again after the next PIN
        that matches."""
        return self.hex or {"ln": self.ln, "r": self.r, "p": self.p} != CURRENT


def parse(text: str) -> PinHash:
    """The parts of a hash (or setting) string; PinHashError when it is not one, or asks too much."""
    if not isinstance(text, str):
        raise PinHashError("not a PIN hash")
    found, hex_ = _FORMAT.match(text), False
    if found is None:
        found, hex_ = _HEX_FORMAT.match(text), True
    if found is None:
        raise PinHashError("not a $scrypt$ PIN hash")
    first, r, p = (int(found.group(index)) for index in (1, 2, 3))
    if hex_ and (first < 2 or first & (first - 1)):
        raise PinHashError("a PIN hash whose N is not a power of two")
    ln = first.bit_length() - 1 if hex_ else first
    for name, value in (("ln", ln), ("r", r), ("p", p)):
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise PinHashError(f"a PIN hash whose {name} ({value}) is outside {low} to {high}")
    try:
        decode = bytes.fromhex if hex_ else _unb64
        salt = decode(found.group(4))
        digest = decode(found.group(5)) if found.group(5) else None
    except ValueError:
        raise PinHashError("a PIN hash whose salt or hash cannot be read") from None
    if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1] or (digest is not None and len(digest) != HASH_BYTES):
        raise PinHashError("a PIN hash whose salt or hash has the wrong size")
    return PinHash(ln, r, p, salt, digest, hex_)


def from_parts(salt: bytes, digest: bytes, n: int, r: int, p: int) -> str:
    """A hash kept before this format (salt, hash and costs apart) as a string; PinHashError if it cannot be."""
    return str(parse(f"${SCHEME}-hex$n={n},r={r},p={p}${salt.hex()}${digest.hex()}"))


def new_setting() -> PinHash:
    """A fresh salt with this code's costs."""
    return PinHash(CURRENT["ln"], CURRENT["r"], CURRENT["p"], secrets.token_bytes(16))


def hash_pin(pin: str, setting: PinHash | str | None = None) -> str:
    """`pin` hashed with `setting`'s salt and costs (a new salt and `CURRENT` when None): the whole string."""
    setting = new_setting() if setting is None else parse(setting) if isinstance(setting, str) else setting
    digest = hashlib.scrypt(pin.encode(), salt=setting.salt, n=2 ** setting.ln, r=setting.r, p=setting.p,
                            maxmem=2 * 128 * setting.r * 2 ** setting.ln + 2 ** 20, dklen=HASH_BYTES)
    return str(PinHash(setting.ln, setting.r, setting.p, setting.salt, digest, setting.hex))


def verify(pin: str, stored: str | PinHash) -> bool:
    """Whether `pin` matches `stored`, compared in constant time; a hash that cannot be read matches nothing."""
    try:
        stored = parse(stored) if isinstance(stored, str) else stored
        if stored.digest is None:
            return False
        return hmac.compare_digest(hash_pin(pin, stored), str(stored))
    except (PinHashError, ValueError, MemoryError):
        return False
