"""Posting a transaction Bundle to a FHIR server, and what the server answered.

One POST of the Bundle to the server's base URL (`application/fhir+json`). The Bundle
counts as accepted only when the server answers 2xx with a `transaction-response`
Bundle with an entry for each of ours, every one of them 2xx. Anything else is a
`SendError` with one line that says what happened, and the caller must not mark the
session as sent:

- a refusal, an OperationOutcome, a page that is not FHIR, an entry that failed (which);
- a redirect: a POST is never followed elsewhere (urllib would follow a 301, 302 or 303
  as a GET without the Bundle, and take that page's answer for the server's);
- no whole answer within `DEADLINE` seconds, however the server trickles it (the
  deadline is for the whole exchange, not for each read);
- an answer larger than `MOST_BYTES` (read no further: a huge answer takes no memory);
- a server that cannot be reached.

What the server wrote (its diagnostics, its Location headers, its statuses) is shown
only through `chatbot.printable`, and the URL only through `chatbot.redaction`.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from chatbot.catalog import Joined, Message, Number, message
from chatbot.fhir.check import FhirError
from chatbot.printable import printable
from chatbot.redaction import redact, redact_url, userinfo_refused

DEADLINE = 30.0
"""Seconds for the whole exchange: connect, send the Bundle, and read the whole answer."""
TIMEOUT = DEADLINE  # the name the export's options use
MOST_BYTES = 4 * 1024 * 1024
"""The largest answer read (a transaction-response for one session is a few kB)."""
FHIR_JSON = "application/fhir+json"
SHOWN = 120  # characters of a server's text (diagnostics, a location) shown in a message
_SUCCESS = re.compile(r"\s*2\d\d(\D|$)")


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
    """The URL as shown and recorded: its password hidden (`chatbot.redaction`)."""
    return printable(redact_url(url))


def _said(text: Any) -> str:
    """A server's words, shown: printable, on one line, short."""
    return printable(str(text), SHOWN)


def _outcome(body: bytes) -> str:
    """The first diagnostics of an OperationOutcome, or the start of the body."""
    try:
        outcome = json.loads(body)
        issue = outcome["issue"][0]
        said = issue.get("diagnostics") or issue.get("details", {}).get("text") or issue.get("code", "")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        said = body[:SHOWN * 2].decode("utf-8", "replace")
    return _said(said).strip()


def check_url(url: str) -> None:
    """Nothing for an http:// or https:// URL with a host; else `FhirError` (bad input, before anything is done)."""
    shown = safe_url(url)
    refused = userinfo_refused(url)
    if refused:
        raise FhirError(message("{url}: {error}").fill(url=repr(shown), error=refused))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        raise FhirError(message("{url}: the port is not a number from 1 to 65535").fill(url=repr(shown))) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FhirError(message("{url} is not a FHIR server's http:// or https:// base URL").fill(url=repr(shown)))


def post_bundle(bundle: dict[str, Any], url: str, timeout: float = DEADLINE) -> Accepted:
    """POST the transaction `bundle` to the FHIR server at `url`; `Accepted`, or `SendError` saying why not.
    `timeout` is the deadline for the whole exchange."""
    check_url(url)
    shown = safe_url(url)
    address, credentials = _without_credentials(url)
    headers = {"Content-Type": f"{FHIR_JSON}; charset=utf-8", "Accept": FHIR_JSON, **credentials}
    request = urllib.request.Request(address.rstrip("/") or address, method="POST",
                                     data=json.dumps(bundle, ensure_ascii=False).encode("utf-8"), headers=headers)
    status, body = _exchange(request, shown, timeout)
    return _accepted(bundle, shown, status, body)


def _without_credentials(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its user and password, and those as an HTTP Basic `Authorization` header
    (urllib would read `user:password@host` as a host and a port, and quote them when it fails)."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, {}
    import base64

    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode("utf-8")
    return urlunsplit(parts._replace(netloc=netloc)), {"Authorization": "Basic " + base64.b64encode(secret).decode()}


def _exchange(request: urllib.request.Request, shown: str, deadline: float) -> tuple[int, bytes]:
    """The status and body of the answer to `request`, within `deadline` seconds in all."""
    watch = _Deadline(deadline)
    opener = urllib.request.build_opener(_NoRedirect(), _WatchedHTTP(watch), _WatchedHTTPS(watch))
    late = message("{url} did not answer within {seconds} s; nothing was marked as sent").fill(
        url=shown, seconds=f"{deadline:g}")
    try:
        with watch, opener.open(request, timeout=deadline) as answer:
            status, body = answer.status, _body(answer, shown)
        if watch.expired:  # the socket shut at the deadline reads as the end of a (cut) answer
            raise SendError(late)
        return status, body
    except urllib.error.HTTPError as error:
        if watch.expired:
            raise SendError(late) from None
        if 300 <= error.code < 400:
            where = error.headers.get("Location") if error.headers else None
            raise SendError((message("{url} answered HTTP {code}, a redirect to {location}: a Bundle is sent only "
                                     "to the server's own base URL; give that URL; nothing was marked as sent")
                             if where else
                             message("{url} answered HTTP {code}, a redirect: a Bundle is sent only to the server's "
                                     "own base URL; give that URL; nothing was marked as sent")).fill(
                url=shown, code=str(error.code), location=_said(redact_url(where)) if where else "")) from None
        try:
            said = _outcome(_body(error, shown))
        except SendError:
            said = message("(an answer too large to read)")
        raise SendError(message("{url} refused the Bundle: HTTP {code} {reason}: {said}").fill(
            url=shown, code=str(error.code), reason=_said(error.reason), said=said)) from None
    except (TimeoutError, socket.timeout):
        raise SendError(late) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        if watch.expired or isinstance(reason, (TimeoutError, socket.timeout)):
            raise SendError(late) from None
        raise SendError(message("{url} cannot be reached: {error}").fill(
            url=shown, error=_said(redact(str(reason))))) from None


def _body(answer, shown: str) -> bytes:
    """The whole body of the answer, or `SendError` when it is larger than `MOST_BYTES` (read no further)."""
    length = answer.headers.get("Content-Length") if answer.headers else None
    if length and length.strip().isdigit() and int(length) > MOST_BYTES:
        raise SendError(message("{url} answered with {size} bytes, more than the {most} a transaction-response "
                                "needs; nothing was marked as sent").fill(
            url=shown, size=Number(int(length)), most=Number(MOST_BYTES)))
    body = answer.read(MOST_BYTES + 1)
    if len(body) > MOST_BYTES:
        raise SendError(message("{url} answered with more than {most} bytes, more than a transaction-response "
                                "needs; nothing was marked as sent").fill(url=shown, most=Number(MOST_BYTES)))
    return body


def _accepted(bundle: dict[str, Any], shown: str, status: int, body: bytes) -> Accepted:
    """`Accepted` when the answer is a transaction-response whose every entry is 2xx; else `SendError`."""
    try:
        answer_bundle = json.loads(body)
        if answer_bundle.get("resourceType") != "Bundle" or answer_bundle.get("type") != "transaction-response":
            raise ValueError
        responses = [entry.get("response") or {} for entry in answer_bundle.get("entry") or []]
        entries = tuple((_said(response.get("status", "")), _said(response.get("location", "")))
                        for response in responses)
    except (ValueError, AttributeError, TypeError):
        raise SendError(message("{url} answered HTTP {code} without a transaction-response Bundle: {said}; nothing "
                                "was marked as sent").fill(url=shown, code=str(status), said=repr(_outcome(body)))) \
            from None
    ours = bundle.get("entry", [])
    if len(entries) != len(ours):
        raise SendError(message("{url} answered for {answered} entries of {count}; nothing was marked as sent").fill(
            url=shown, answered=len(entries), count=len(ours)))
    failed = [(index, ours[index], responses[index]) for index, (entry_status, _) in enumerate(entries)
              if not _SUCCESS.match(entry_status)]
    if failed:
        named = Joined(*(part for number, (index, entry, response) in enumerate(failed[:5])
                         for part in (("; " if number else ""), _entry_name(entry, index), ": ",
                                      _said(response.get("status", "")) or message("no status"),
                                      _entry_outcome(response))))
        more = message(" and {count} more").fill(count=len(failed) - 5) if len(failed) > 5 else ""
        raise SendError(message("{url} answered HTTP {code} but did not take {failed} of {count} entries "
                                "({named}{more}); nothing was marked as sent").fill(
            url=shown, code=str(status), failed=len(failed), count=len(ours), more=more, named=named))
    return Accepted(shown, status, entries)


def _entry_name(entry: dict[str, Any], index: int) -> str | Message:
    url = (entry.get("request") or {}).get("url")
    return _said(url) if url else message("entry {number}").fill(number=str(index + 1))


def _entry_outcome(response: dict[str, Any]) -> str:
    outcome = response.get("outcome")
    if not isinstance(outcome, dict):
        return ""
    said = _outcome(json.dumps(outcome).encode())
    return f" ({said})" if said else ""


class _Deadline:
    """A timer that, when the whole exchange takes too long, shuts the connection's socket: a read
    blocked in a trickle then ends at once (a timeout per read would let one byte every few
    seconds keep it going for ever)."""

    def __init__(self, seconds: float) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)

    def connection(self, kind: type[http.client.HTTPConnection], host: str, **options: Any):
        """A connection of `kind` whose socket this deadline shuts (urllib lets go of the connection's
        own reference once the answer begins, so the socket is kept here)."""
        made = kind(host, **options)
        connect = made.connect

        def watched() -> None:
            connect()
            with self._lock:
                self.sockets.append(made.sock)
                if self.expired:
                    _shut(made.sock)

        made.connect = watched
        return made


def _shut(sock: socket.socket) -> None:
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the socket's own, under any TLS layer
    except OSError:
        pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: it reaches the caller as the HTTPError it is."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Watching:
    """A urllib handler whose connections are made by (and so shut at the deadline of) `watch`."""

    def __init__(self, watch: _Deadline) -> None:
        super().__init__()
        self.watch = watch


class _WatchedHTTP(_Watching, urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(partial(self.watch.connection, http.client.HTTPConnection), req)


class _WatchedHTTPS(_Watching, urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(partial(self.watch.connection, http.client.HTTPSConnection), req, context=self._context)
