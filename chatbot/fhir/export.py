"""`chatbot records export --fhir`: kept sessions as FHIR Bundles, in a file or sent to a server.

Typed options (`SessionExport`) come from the command line; nothing here sees an
option's name. Sessions are read a page at a time (the answers and events of a whole
page at once), so memory does not grow with the store. Every session is built,
validated and checked before anything is written or sent: one that fails stops the
export, naming it, and nothing is written (the Bundles go to an unnamed file first).
Sending checks them all first, then reads them again to send one by one; a session
is marked as sent (a `sent` event, by the staff member who sent it) only after the
server accepted its Bundle.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterator

from chatbot.fhir.bundle import bundle_for
from chatbot.catalog import message
from chatbot.fhir.check import FhirError
from chatbot.fhir.files import json_text
from chatbot.privatefile import write_private
from chatbot.fhir.send import TIMEOUT, Accepted, check_url, post_bundle
from chatbot.records.model import StoredSession, now
from chatbot.records.store import SessionReader


@dataclass(frozen=True)
class SessionExport:
    """What to export, where to, and who is doing it."""

    database: str | None = None
    ids: tuple[str, ...] = ()  # none: every session
    output: Path | None = None  # None: the standard output (unless sending)
    url: str | None = None  # a FHIR server's base URL to send each Bundle to
    flow: str | None = None  # the flow file the sessions were answered on (None: the bundled flow)
    actor: str = "staff"
    timeout: float = TIMEOUT
    observations: bool = False  # also an Observation per answered finding


@dataclass
class ExportDone:
    """What the export did: the Bundles written (`spooled`: an unnamed file holding them, when they are
    not in `output`), how many, and the server's answers."""

    count: int
    spooled: IO[bytes] | None = None
    accepted: list[Accepted] = field(default_factory=list)

    @property
    def text(self) -> str | None:
        if self.spooled is None:
            return None
        self.spooled.seek(0)
        return self.spooled.read().decode("utf-8")


def bundles_text(bundles: list[dict]) -> str:
    """One Bundle as indented JSON; several as JSON Lines, a Bundle per line."""
    return "".join(_pieces(iter(bundles)))


def _pieces(bundles: Iterator[dict]) -> Iterator[str]:
    """`bundles_text` a Bundle at a time: one looked ahead, to know whether there is only one."""
    first = next(bundles, None)
    if first is None:
        return
    second = next(bundles, None)
    if second is None:
        yield json_text(first)
        return
    for bundle in (first, second):
        yield json.dumps(bundle, ensure_ascii=False) + "\n"
    for bundle in bundles:
        yield json.dumps(bundle, ensure_ascii=False) + "\n"


def _sessions(reader: SessionReader, ids: tuple[str, ...]) -> Iterator[StoredSession]:
    if ids:
        return (reader.get_session(session_id) for session_id in ids)
    return reader.iter_sessions(whole=True)


def _bundles(reader: SessionReader, ids: tuple[str, ...], flow, observations: bool,
             counted: list[int]) -> Iterator[dict]:
    for session in _sessions(reader, ids):
        try:
            bundle = bundle_for(session, flow, observations)
        except FhirError as error:
            raise FhirError(message("session {session}: {error}; nothing was written").fill(
                session=session.id[:12], error=error)) from None
        counted[0] += 1
        yield bundle


def export_sessions(options: SessionExport, say: Callable[[str], None] = lambda line: None) -> ExportDone:
    """Build every Bundle (refusing all when one fails), then write them and/or send them one by one."""
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.backends import open_reader

    if options.url is not None:
        check_url(options.url)
    flow = load_flow(options.flow)
    counted = [0]
    with open_reader(options.database) as reader:
        if options.url is not None:
            for _ in _bundles(reader, options.ids, flow, options.observations, counted):
                pass  # every one built and checked before the first is sent
            done = ExportDone(counted[0])
            if options.output is not None:
                write_private(options.output, _pieces(_bundles(reader, options.ids, flow, options.observations, [0])))
            for session in _sessions(reader, options.ids):
                accepted = post_bundle(bundle_for(session, flow, options.observations), options.url, options.timeout)
                reader.note_event(session.id, "sent", now(), {  # by the login (the database says who)
                    "url": accepted.url, "status": accepted.status,
                    "entries": [list(entry) for entry in accepted.entries]})
                done.accepted.append(accepted)
                say(f"session {session.id[:12]}: {accepted.summary()}")
            return done
        pieces = _pieces(_bundles(reader, options.ids, flow, options.observations, counted))
        if options.output is not None:
            write_private(options.output, pieces)
            return ExportDone(counted[0])
        spooled = tempfile.TemporaryFile()
        try:
            for piece in pieces:
                spooled.write(piece.encode("utf-8"))
        except BaseException:
            spooled.close()
            raise
        return ExportDone(counted[0], spooled)
