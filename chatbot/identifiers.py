"""The names a session record carries, checked where they enter: session ids, kiosk ids, places, flow names.

A kiosk login (or a flow's author, or whoever starts a kiosk) chooses these, and staff
read them in `records list`, `records show`, the station and the handover's file names.
Each is plain ASCII, a name a person can read aloud and a terminal cannot take for a
command:

| name         | characters                       | length | where it is checked                        |
|--------------|----------------------------------|--------|--------------------------------------------|
| session id   | a-z A-Z 0-9 `_` `-`              | 1-64   | the database; `records show`, `--fhir` ids  |
| kiosk id     | a-z A-Z 0-9 `.` `_` `-`          | 1-40   | `--kiosk-id`                               |
| place        | a-z A-Z 0-9 `.` `_` `-` `:`      | 1-100  | the database; the host name in a place     |
| flow name    | a-z A-Z 0-9 `.` `_` `-`          | 1-64   | the flow loader (`flow:`); the database    |
| language     | `en`, `es`, `pt-BR`              |        | the database                               |

The database checks the same patterns (migration 0003 of each backend), so a kiosk
login that calls the recording functions itself cannot store anything else either.
"""

from __future__ import annotations

import re

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
KIOSK_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
PLACE = re.compile(r"[A-Za-z0-9._:-]{1,100}")
FLOW_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")

_RULES = {  # what a person is told the name may hold
    "session id": (SESSION_ID, "1 to 64 of a-z A-Z 0-9 _ -"),
    "kiosk id": (KIOSK_ID, "1 to 40 of a-z A-Z 0-9 . _ - (like a host name)"),
    "place": (PLACE, "1 to 100 of a-z A-Z 0-9 . _ - :"),
    "flow name": (FLOW_NAME, "1 to 64 of a-z A-Z 0-9 . _ - (such as bmf-symptoms)"),
}


class NameRefused(ValueError):
    """A name with characters (or a length) it may not have; the message is one line."""


def checked(kind: str, text: str) -> str:
    """`text` when it is a valid `kind` ("session id", "kiosk id", "place", "flow name"); else
    `NameRefused` saying which characters are allowed."""
    pattern, allowed = _RULES[kind]
    if not isinstance(text, str) or not pattern.fullmatch(text):
        raise NameRefused(f"{kind} {shown(text)} is not allowed: use {allowed}")
    return text


def shown(text: object) -> str:
    """A refused name, quoted, safe to print (its escapes visible as escapes), and short."""
    text = repr(text)
    return text if len(text) <= 50 else text[:47] + "..."


def host_place(kind: str, host: str) -> str:
    """`kind:host` with the host name made a valid place (anything else in it becomes `-`)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", host).strip("-")[:60] or "unknown"
    return f"{kind}:{name}"
