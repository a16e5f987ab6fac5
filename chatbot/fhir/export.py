"""`chatbot records export --fhir`: kept sessions as FHIR Bundles, in a file or sent to a server.

Typed options (`SessionExport`) come from the command line; nothing here sees an
option's name. Every session is read with its events, built, validated and checked
before anything is written or sent: one that fails stops the export, naming it. A
session is marked as sent (a `sent` event, by the staff member who sent it) only
after the server accepted its Bundle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chatbot.fhir.bundle import bundle_for
from chatbot.fhir.check import FhirError
from chatbot.fhir.files import json_text
from chatbot.privatefile import write_private
from chatbot.fhir.send import TIMEOUT, Accepted, check_url, post_bundle
from chatbot.records.store import Event, SessionReader, StoredSession, now


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
    """What the export did: the text written (when not to a file), how many Bundles, and the server's answers."""

    count: int
    text: str | None = None
    accepted: list[Accepted] = field(default_factory=list)


def bundles_text(bundles: list[dict]) -> str:
    """One Bundle as indented JSON; several as JSON Lines, a Bundle per line."""
    if len(bundles) == 1:
        return json_text(bundles[0])
    return "".join(json.dumps(bundle, ensure_ascii=False) + "\n" for bundle in bundles)


def _sessions(reader: SessionReader, ids: tuple[str, ...]) -> list[StoredSession]:
    if ids:
        return [reader.get_session(session_id) for session_id in ids]
    listed = sorted(reader.list_sessions(), key=lambda session: (session.started_at, session.id))
    return [reader.get_session(session.id) for session in listed]


def export_sessions(options: SessionExport, say: Callable[[str], None] = lambda line: None) -> ExportDone:
    """Build every Bundle (refusing all when one fails), then write them and/or send them one by one."""
    from chatbot.flowfile.loader import load_flow
    from chatbot.records.backends import open_reader

    if options.url is not None:
        check_url(options.url)
    flow = load_flow(options.flow)
    with open_reader(options.database) as reader:
        sessions = _sessions(reader, options.ids)
        bundles = []
        for session in sessions:
            try:
                bundles.append(bundle_for(session, flow, options.observations))
            except FhirError as error:
                raise FhirError(f"session {session.id[:12]}: {error}; nothing was written") from None
        done = ExportDone(len(bundles))
        text = bundles_text(bundles) if bundles else ""
        if options.output is not None:
            write_private(options.output, text)
        elif options.url is None:
            done.text = text
        for session, bundle in zip(sessions, bundles) if options.url else ():
            accepted = post_bundle(bundle, options.url, options.timeout)
            reader.record_event(Event(session.id, None, "sent", now(), options.actor,
                                      {"url": accepted.url, "status": accepted.status,
                                       "entries": [list(entry) for entry in accepted.entries]}))
            done.accepted.append(accepted)
            say(f"session {session.id[:12]}: {accepted.summary()}")
    return done
