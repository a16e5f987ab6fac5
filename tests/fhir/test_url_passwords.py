"""No password of a database or FHIR URL is ever shown, however odd it is (issue 21, item 7).

The commands run as a person runs them (a subprocess): every line they print, on every
path (a refused URL, a server not there, a refused Bundle, a traceback), shows neither
half of the password. A FHIR URL with a password and no port once gave a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chatbot.redaction import redact, redact_url, userinfo_refused

from fhirtools import ANSWERS, record

PASSWORDS = {
    "space": "Zq9 Xv7", "at sign": "Zq9@Xv7", "colon": "Zq9:Xv7", "slash": "Zq9/Xv7", "percent": "Zq9%Xv7",
    "percent-encoded at": "Zq9%40Xv7", "unicode": "Zq9ñ密Xv7", "question mark": "Zq9?Xv7", "hash": "Zq9#Xv7",
    "two at signs": "Zq9@@Xv7", "empty": "",
}
HALVES = ("Zq9", "Xv7")


def shows_password(text: str) -> bool:
    return any(half in text for half in HALVES)


@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
@pytest.mark.parametrize("url", ["postgresql://kiosk:{}@db.clinic.lan:5432/chatbot", "postgresql://kiosk:{}@db/x",
                                 "http://sender:{}@fhir.clinic.lan/fhir", "https://sender:{}@fhir:8443/r4"])
def test_one_url_is_shown_without_its_password(url, password):
    shown = redact_url(url.format(password))
    assert not shows_password(shown) and "***" in shown and shown.split("://")[0] in ("postgresql", "http", "https")
    message = f"the records database {url.format(password)} cannot be reached; see also postgresql://USER@HOST/DB"
    assert not shows_password(redact(message)) and "postgresql://USER@HOST/DB" in redact(message)


@pytest.mark.parametrize("text", ["host=db password=Zq9Xv7 user=kiosk", "host=db password='Zq9 Xv7' user=kiosk",
                                  "postgresql://kiosk@db/x?password=Zq9Xv7&sslmode=require"])
def test_a_password_parameter_is_shown_as_stars(text):
    assert not shows_password(redact(text)) and "password=***" in redact(text)


@pytest.mark.parametrize("password, refused", [("Zq9 Xv7", True), ("Zq9@Xv7", True), ("Zq9/Xv7", True),
                                               ("Zq9?Xv7", True), ("Zq9#Xv7", True), ("Zq9:Xv7", False), ("Zq9%Xv7", True),
                                               ("Zq9%40Xv7", False), ("Zq9ñ密Xv7", False), ("", False)])
def test_a_password_a_library_would_split_is_refused_before_any_library_reads_it(password, refused):
    """urllib and libpq cut such a password at its `/ ? # @` or space and quote a piece in their own messages."""
    assert (userinfo_refused(f"postgresql://kiosk:{password}@db/x") is not None) is refused


def chatbot(*argv: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CHATBOT_DATA_DIR": str(tmp_path / "data"), "CHATBOT_CONFIG_DIR": str(tmp_path / "config"),
           "CHATBOT_LOG_DIR": str(tmp_path / "log")}
    env.pop("CHATBOT_DATABASE", None)
    return subprocess.run([sys.executable, "-m", "chatbot", *argv], capture_output=True, text=True, env=env,
                          timeout=60)


@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
def test_records_never_print_a_database_password(password, tmp_path):
    """A server not there (port 1): the URL is named, its password is not, in one line and no traceback."""
    result = chatbot("records", "list", "--database", f"postgresql://kiosk:{password}@127.0.0.1:1/chatbot",
                     tmp_path=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and not shows_password(result.stdout + result.stderr)
    assert "postgresql://kiosk:***@127.0.0.1:1/chatbot" in result.stderr


@pytest.mark.parametrize("password", PASSWORDS.values(), ids=PASSWORDS.keys())
@pytest.mark.parametrize("where", ["127.0.0.1", "127.0.0.1:1"], ids=["no port", "port"])
def test_sending_never_prints_a_fhir_password(password, where, flow, database, tmp_path):
    """A FHIR URL with a password (and no port: once a traceback): refused, or not reached, in one line."""
    record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    result = chatbot("records", "export", "--database", database, "--fhir", "--fhir-url",
                     f"http://sender:{password}@{where}/fhir", tmp_path=tmp_path)
    assert result.returncode in (1, 2) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and not shows_password(result.stdout + result.stderr)
    assert f"http://sender:***@{where}/fhir" in result.stderr
