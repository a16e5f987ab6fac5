"""The staff PIN is stored only as a salted scrypt hash, and checked in constant time."""

from __future__ import annotations

import json
import stat

import pytest

from chatbot.cli import main
from chatbot.kiosk.staff_pin import PinError, load_pin, pin_path, set_pin, verify_pin


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATBOT_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def test_a_set_pin_verifies_and_is_never_stored_in_clear():
    path = set_pin("4827")
    record = json.loads(path.read_text())
    # The PIN is in no field; the salt and hash are hex, where four digits may turn up by chance.
    in_clear = [key for key, value in record.items() if "4827" in str(value) and key not in ("salt", "hash")]
    assert record["scheme"] == "scrypt" and in_clear == []
    assert all(len(record[key]) >= 32 for key in ("salt", "hash"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = load_pin()
    assert verify_pin("4827", stored)
    assert not verify_pin("4828", stored)
    assert not verify_pin("", stored)


def test_the_same_pin_twice_gets_two_salts():
    first = set_pin("4827").read_text()
    assert json.loads(first)["salt"] != json.loads(set_pin("4827").read_text())["salt"]


@pytest.mark.parametrize("pin, message", [
    ("12", "The PIN must be 4 to 12 digits."),
    ("12ab", "The PIN must be 4 to 12 digits."),
    ("1" * 13, "The PIN must be 4 to 12 digits."),
    ("1111", "That PIN is too easy to guess. Avoid repeated or running digits."),
    ("1234", "That PIN is too easy to guess. Avoid repeated or running digits."),
    ("9876", "That PIN is too easy to guess. Avoid repeated or running digits."),
])
def test_weak_pins_are_refused(pin, message):
    with pytest.raises(PinError, match=message):
        set_pin(pin)


def test_no_pin_or_a_damaged_file_lets_nobody_out(config_dir):
    assert load_pin() is None and not verify_pin("4827", None)
    config_dir.mkdir(parents=True)
    pin_path().write_text("{not json")
    assert load_pin() is None


def test_set_staff_pin_command(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("5093\n"))
    assert main(["set-staff-pin", "--stdin"]) == 0
    assert verify_pin("5093", load_pin())
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("0000\n"))
    assert main(["set-staff-pin", "--stdin"]) == 1
    assert "too easy to guess" in capsys.readouterr().err
    assert verify_pin("5093", load_pin())  # a refused PIN changes nothing
