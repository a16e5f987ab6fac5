"""Posting a transaction Bundle to a FHIR server, and what the server answered.

One POST of the Bundle to the server's base URL (`application/fhir+json`), with a
timeout. The Bundle counts as accepted only when the server answers 2xx with a
`transaction-response` Bundle; anything else (a refusal, an OperationOutcome, a
timeout, a refused connection, a page that is not FHIR) is a `SendError` with one line
that says what happened, and the caller must not mark the session as sent.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chatbot.fhir.check import FhirError

TIMEOUT = 30.0  # seconds for the server to take the Bundle and answer
FHIR_JSON = "application/fhir+json"


class SendError(FhirError):
    """The server did not accept the Bundle (or could not be reached)."""


@dataclass(frozen=True)
class Accepted:
    """The server's answer to an accepted transaction: its HTTP status and each entry's status and location."""

    url: str
    status: int
    entries: tuple[tuple[str, str], ...]  # (status, location) per entry, in the Bundle's order

    def summary(self) -> str:
        done = ", ".join(f"{location or '?'} {status}" for status, location in self.entries)
        return f"{self.url} accepted the Bundle (HTTP {self.status}): {done}"


def safe_url(url: str) -> str:
    """The URL without any user or password, for messages and the record."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def _outcome(body: bytes) -> str:
    """The first diagnostics of an OperationOutcome, or the start of the body."""
    try:
        outcome = json.loads(body)
        issue = outcome["issue"][0]
        return issue.get("diagnostics") or issue.get("details", {}).get("text") or issue.get("code", "")
    except (ValueError, KeyError, IndexError, TypeError):
        return body[:200].decode("utf-8", "replace").strip()


def check_url(url: str) -> None:
    """Nothing for an http:// or https:// URL with a host; else `FhirError` (bad input, before anything is done)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FhirError(f"{safe_url(url)!r} is not a FHIR server's http:// or https:// base URL")


def post_bundle(bundle: dict[str, Any], url: str, timeout: float = TIMEOUT) -> Accepted:
    """POST the transaction `bundle` to the FHIR server at `url`; `Accepted`, or `SendError` saying why not."""
    check_url(url)
    shown = safe_url(url)
    request = urllib.request.Request(url.rstrip("/") or url, method="POST",
                                     data=json.dumps(bundle, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": f"{FHIR_JSON}; charset=utf-8", "Accept": FHIR_JSON})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        raise SendError(f"{shown} refused the Bundle: HTTP {error.code} {error.reason}: {_outcome(error.read())}") from None
    except (TimeoutError, socket.timeout):
        raise SendError(f"{shown} did not answer within {timeout:g} s; nothing was marked as sent") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise SendError(f"{shown} did not answer within {timeout:g} s; nothing was marked as sent") from None
        raise SendError(f"{shown} cannot be reached: {reason}") from None
    try:
        answer_bundle = json.loads(body)
        if answer_bundle.get("resourceType") != "Bundle" or answer_bundle.get("type") != "transaction-response":
            raise ValueError
        entries = tuple((entry.get("response", {}).get("status", ""), entry.get("response", {}).get("location", ""))
                        for entry in answer_bundle.get("entry", []))
    except (ValueError, AttributeError, TypeError):
        raise SendError(f"{shown} answered HTTP {status} without a transaction-response Bundle: "
                        f"{_outcome(body)!r}; nothing was marked as sent") from None
    if len(entries) != len(bundle.get("entry", [])):
        raise SendError(f"{shown} answered for {len(entries)} entries of {len(bundle.get('entry', []))}; "
                        "nothing was marked as sent")
    return Accepted(shown, status, entries)
