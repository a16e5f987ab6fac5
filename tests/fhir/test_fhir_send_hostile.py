"""Sending to a FHIR server that misbehaves: a real threaded HTTP server on 127.0.0.1 per test.

A redirect, a transaction-response whose entries failed, an answer trickled one byte at
a time, an answer of a gigabyte, and words meant for the terminal: each is one line
(exit 1 through the command), nothing is marked as sent, nothing the server wrote acts
on the terminal, and the sender stays within its deadline and its memory.
"""

from __future__ import annotations

import json
import re
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chatbot.cli import main
from chatbot.fhir.send import MOST_BYTES, SendError, post_bundle
from chatbot.records.backends import open_reader

from fhirtools import ANSWERS, record

HOSTILE = "\x1b]52;c;aGFja2Vk\x07\x1b]0;owned\x07\x1b]8;;http://e.vil\x07link\x1b]8;;\x07\x1b[2J\u202egnp.exe\x9b1A"
"""Clipboard (OSC 52), window title, a planted link (OSC 8), a cleared screen, a bidi override, a C1 CSI."""
HEADER = HOSTILE.encode().decode("latin-1")  # as it goes on the wire in a header (and is read back)
ACTS = ["\x1b", "\x07", "\x9b", "\u202e", "\x80"]


class Misbehaving:
    """A FHIR endpoint at /fhir that answers each POST as `mode` says (and /elsewhere, a good server)."""

    def __init__(self, mode: str):
        self.mode = mode
        self.posts: list[str] = []
        self.authorization: str | None = None
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.posts.append(f"GET {self.path}")
                self._good({"entry": []})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.posts.append(f"POST {self.path}")
                server.authorization = self.headers.get("Authorization")
                if self.path == "/elsewhere" or server.mode == "accept":
                    return self._good(body)
                mode = server.mode
                if mode.startswith("redirect"):
                    self.send_response(int(mode.split("-")[1]))
                    self.send_header("Location", f"http://127.0.0.1:{server.port}/elsewhere{HEADER}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif mode in ("entries-500", "one-entry-500"):
                    statuses = ["500 Internal Server Error"] * len(body["entry"])
                    if mode == "one-entry-500":
                        statuses = ["201 Created"] * (len(body["entry"]) - 1) + ["500 Internal Server Error"]
                    self._answer(200, {"resourceType": "Bundle", "type": "transaction-response", "entry": [
                        {"response": {"status": status, "outcome": {"resourceType": "OperationOutcome", "issue": [
                            {"severity": "error", "code": "exception", "diagnostics": f"disk full{HOSTILE}"}]}}}
                        for status in statuses]})
                elif mode in ("trickle-body", "trickle-headers"):
                    if mode == "trickle-body":
                        self.send_response(200)
                        self.send_header("Content-Type", "application/fhir+json")
                        self.send_header("Content-Length", "100000")
                        self.end_headers()
                    trickle = iter(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\n" + b"X: " * 100000)
                    while not server.stop.wait(0.2):  # a byte every 0.2 s: each read is quick, the whole never ends
                        try:
                            self.wfile.write(b" " if mode == "trickle-body" else bytes([next(trickle)]))
                            self.wfile.flush()
                        except OSError:
                            return
                elif mode in ("huge", "huge-chunked"):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/fhir+json")
                    if mode == "huge":
                        self.send_header("Content-Length", str(1 << 30))
                    else:
                        self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b" " * (1 << 16)
                    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk) if mode == "huge-chunked" else chunk
                    try:
                        for _ in range((1 << 30) // len(chunk)):
                            self.wfile.write(framed)
                    except OSError:
                        return
                elif mode == "hostile-refusal":
                    self._answer(422, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "invalid", "diagnostics": f"Unknown{HOSTILE} questionnaire"}]},
                                 reason=f"Nope{HEADER}")
                elif mode == "hostile-locations":
                    self._good(body, location=f"QuestionnaireResponse/x{HOSTILE}/_history/1")

            def _good(self, body, location=None):
                self._answer(200, {"resourceType": "Bundle", "type": "transaction-response", "entry": [
                    {"response": {"status": "201 Created", "location": location or f"{entry['request']['url']}/1"}}
                    for entry in body["entry"]]})

            def _answer(self, status, body, reason=None):
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status, reason)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/fhir"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def misbehaving():
    servers = []

    def start(mode):
        servers.append(Misbehaving(mode))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def sent(database, session_id):
    with open_reader(database) as reader:
        return [event for event in reader.get_session(session_id).events if event.kind == "sent"]


def export(database, url, capsys):
    status = main(["records", "export", "--database", database, "--fhir", "--fhir-url", url])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_nothing_follows_it(code, flow, database, tmp_path, misbehaving, capsys):
    """urllib followed a 301/302/303 as a GET without the Bundle and took that page's 200 for success."""
    server = misbehaving(f"redirect-{code}")
    session_id = record(database, flow, ANSWERS["urgent"], tmp=tmp_path)
    status, err = export(database, server.url, capsys)
    assert status == 1 and err.count("\n") == 1 and f"HTTP {code}, a redirect to http://127.0.0.1" in err
    assert server.posts == ["POST /fhir"]  # nothing went to the other address, neither GET nor POST
    assert not any(char in err for char in ACTS)
    assert sent(database, session_id) == []


@pytest.mark.parametrize("mode, failed", [("entries-500", "did not take 2 of 2 entries"),
                                          ("one-entry-500", "did not take 1 of 2 entries")])
def test_success_means_every_entry_succeeded(mode, failed, flow, database, tmp_path, misbehaving, capsys):
    """A 200 transaction-response whose entries are 500 was recorded as sent."""
    server = misbehaving(mode)
    session_id = record(database, flow, ANSWERS["emergency"], tmp=tmp_path)
    status, err = export(database, server.url, capsys)
    assert status == 1 and err.count("\n") == 1 and failed in err
    assert "500 Internal Server Error (disk full" in err and re.search(r"\((QuestionnaireResponse|Observation)/", err)
    assert not any(char in err for char in ACTS)
    assert sent(database, session_id) == []


@pytest.mark.parametrize("mode", ["trickle-headers", "trickle-body"])
def test_an_answer_trickled_byte_by_byte_ends_at_the_deadline(mode, flow, database, tmp_path, misbehaving):
    """Each byte arrives well within a read's timeout (one every 10 s kept it going past 150 s); the
    deadline is for the whole exchange, its headers and its body."""
    server = misbehaving(mode)
    bundle = _bundle(flow, database, tmp_path)
    began = time.monotonic()
    with pytest.raises(SendError, match="did not answer within 1 s; nothing was marked as sent"):
        post_bundle(bundle, server.url, timeout=1.0)
    assert time.monotonic() - began < 4.0  # the deadline and its margin, never the trickle's length


@pytest.mark.parametrize("mode", ["huge", "huge-chunked"])
def test_an_answer_of_a_gigabyte_is_refused_in_bounded_memory(mode, flow, database, tmp_path, misbehaving):
    """A 1 GB reply took 3.1 GB: the answer is read to `MOST_BYTES` and no further."""
    server = misbehaving(mode)
    bundle = _bundle(flow, database, tmp_path)
    tracemalloc.start()
    try:
        with pytest.raises(SendError, match="bytes, more than"):
            post_bundle(bundle, server.url, timeout=20.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MOST_BYTES


@pytest.mark.parametrize("mode, said", [("hostile-refusal", "HTTP 422 Nope"), ("hostile-locations", "accepted")])
def test_nothing_a_server_writes_acts_on_the_terminal(mode, said, flow, database, tmp_path, misbehaving, capsys):
    """Its diagnostics, its reason phrase and its Location headers are shown printable."""
    server = misbehaving(mode)
    record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    status, err = export(database, server.url, capsys)
    assert said in err and "owned" in err  # the words are shown, their escapes are not
    assert not any(char in err for char in ACTS)
    assert status == (1 if mode == "hostile-refusal" else 0)


def _bundle(flow, database, tmp_path):
    from chatbot.fhir import bundle_for

    session_id = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    with open_reader(database) as reader:
        return bundle_for(reader.get_session(session_id), flow)


def test_a_user_and_password_in_the_url_are_sent_as_basic_authentication(flow, database, tmp_path, misbehaving,
                                                                          capsys):
    """urllib took `user:password@host` for a host and a port (and quoted the password failing); the
    record keeps the address with the password hidden."""
    import base64

    server = misbehaving("accept")
    session_id = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    url = server.url.replace("http://", "http://sender:Zq9%40X%20v7@")
    status, err = export(database, url, capsys)
    assert status == 0 and server.posts == ["POST /fhir"], err
    assert server.authorization == "Basic " + base64.b64encode(b"sender:Zq9@X v7").decode()
    event, = sent(database, session_id)
    assert event.detail["url"] == server.url.replace("http://", "http://sender:***@")
    assert "Zq9" not in err and "sender:***@" in err
