"""Sending Bundles to a FHIR server: a small real HTTP server on 127.0.0.1 that checks each request.

A session is marked as sent only when the server accepted its Bundle; a refusal, a
timeout or a server that is not there is one clear line and leaves the record unmarked.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chatbot.cli import main
from chatbot.fhir.check import FhirError
from chatbot.fhir.send import SendError, post_bundle
from chatbot.records.backends import open_reader

from fhirtools import ANSWERS, record


class FhirServer:
    """A FHIR server's transaction endpoint in a thread: checks the request, answers as `mode` says."""

    def __init__(self, mode: str = "accept"):
        self.mode = mode
        self.received: list[dict] = []
        self.problems: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path != "/fhir":
                    server.problems.append(f"posted to {self.path}")
                if not self.headers["Content-Type"].startswith("application/fhir+json"):
                    server.problems.append(f"Content-Type {self.headers['Content-Type']}")
                bundle = json.loads(body)
                if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "transaction":
                    server.problems.append("not a transaction Bundle")
                if any(entry["request"]["method"] != "PUT" for entry in bundle["entry"]):
                    server.problems.append("an entry is not a PUT")
                server.received.append(bundle)
                if server.mode == "slow":
                    threading.Event().wait(2)
                if server.mode == "refuse":
                    self._answer(422, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "invalid", "diagnostics": "Unknown questionnaire"}]})
                    return
                self._answer(200, {"resourceType": "Bundle", "type": "transaction-response", "entry": [
                    {"response": {"status": "201 Created", "location": f"{entry['request']['url']}/_history/1"}}
                    for entry in bundle["entry"]]})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/fhir"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fhir_server():
    servers = []

    def start(mode="accept"):
        servers.append(FhirServer(mode))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def sent_events(database, session_id):
    with open_reader(database) as reader:
        return [event for event in reader.get_session(session_id).events if event.kind == "sent"]


def test_an_accepted_bundle_is_marked_sent(flow, any_database, tmp_path, fhir_server, capsys):
    """The server gets a transaction of PUTs; its answer is reported and a `sent` event recorded (both backends)."""
    database = any_database
    server = fhir_server("accept")
    session_id = record(database, flow, ANSWERS["urgent"], tmp=tmp_path)
    status = main(["records", "export", "--database", database, "--fhir", session_id, "--fhir-url", server.url])
    assert status == 0 and server.problems == []
    assert server.received[0]["entry"][0]["resource"]["id"] == session_id
    assert "accepted the Bundle (HTTP 200)" in capsys.readouterr().err
    event, = sent_events(database, session_id)
    assert event.detail["url"] == server.url and event.detail["status"] == 200


@pytest.mark.parametrize("mode, message", [
    ("refuse", "refused the Bundle: HTTP 422 Unprocessable Entity: Unknown questionnaire"),
    ("slow", "did not answer within 0.5 s"),
    ("absent", "cannot be reached"),
])
def test_a_bundle_not_accepted_is_not_marked_sent(flow, database, tmp_path, fhir_server, mode, message):
    """A refusal, a timeout or no server: one clear message, and no `sent` event."""
    server = fhir_server("accept" if mode == "absent" else mode)
    url = server.url
    if mode == "absent":
        server.close()
    session_id = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    with open_reader(database) as reader:
        from chatbot.fhir import bundle_for

        bundle = bundle_for(reader.get_session(session_id), flow)
    with pytest.raises(SendError, match=message):
        post_bundle(bundle, url, timeout=0.5)
    assert sent_events(database, session_id) == []


def test_the_command_says_why_in_one_line_and_exits_1(flow, database, tmp_path, fhir_server, capsys):
    """A refused Bundle through the command: exit 1, one line naming the server's reason, nothing marked."""
    server = fhir_server("refuse")
    session_id = record(database, flow, ANSWERS["emergency"], tmp=tmp_path)
    status = main(["records", "export", "--database", database, "--fhir", "--fhir-url", server.url])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1 and "Unknown questionnaire" in err
    assert sent_events(database, session_id) == []


def test_a_url_that_is_not_http_is_refused(flow, database, tmp_path):
    """Only an http(s) base URL is posted to."""
    with pytest.raises(FhirError, match="not a FHIR server"):
        post_bundle({"resourceType": "Bundle", "type": "transaction", "entry": []}, "ftp://example/fhir")
