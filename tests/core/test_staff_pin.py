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
    path = set_pin("482713")
    record = json.loads(path.read_text())
    # One self-describing string: the scheme, its costs, the salt and the hash; never the PIN.
    assert record["scheme"] == "scrypt" and record["hash"].startswith("$scrypt$ln=14,r=8,p=1$")
    assert "482713" not in record["hash"].split("$")[2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = load_pin()
    assert verify_pin("482713", stored)
    assert not verify_pin("482714", stored)
    assert not verify_pin("", stored)


def test_the_same_pin_twice_gets_two_salts():
    first = set_pin("482713").read_text()
    assert json.loads(first)["hash"].split("$")[3] != json.loads(set_pin("482713").read_text())["hash"].split("$")[3]


@pytest.mark.parametrize("pin, message", [
    ("12", "The PIN must be 6 to 12 digits."),
    ("12ab", "The PIN must be 6 to 12 digits."),
    ("1" * 13, "The PIN must be 6 to 12 digits."),
    ("4826", "The PIN must be 6 to 12 digits."),  # four digits were found offline in minutes
    ("111111", "That PIN is too easy to guess. Avoid repeated or running digits."),
    ("123456", "That PIN is too easy to guess. Avoid repeated or running digits."),
    ("987654", "That PIN is too easy to guess. Avoid repeated or running digits."),
])
def test_weak_pins_are_refused(pin, message):
    with pytest.raises(PinError, match=message):
        set_pin(pin)


def test_no_pin_or_a_damaged_file_lets_nobody_out(config_dir):
    assert load_pin() is None and not verify_pin("482713", None)
    config_dir.mkdir(parents=True)
    pin_path().write_text("{not json")
    assert load_pin() is None


def test_set_staff_pin_command(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("509341\n"))
    assert main(["set-staff-pin", "--stdin"]) == 0
    assert verify_pin("509341", load_pin())
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("000000\n"))
    assert main(["set-staff-pin", "--stdin"]) == 1
    assert "too easy to guess" in capsys.readouterr().err
    assert verify_pin("509341", load_pin())  # a refused PIN changes nothing


def test_a_pin_file_of_the_older_form_verifies_and_is_written_again_in_todays(config_dir):
    """Kept before the self-describing string (costs, salt and hash apart): still lets staff out, and the right
    PIN writes it again with today's form and costs; a wrong one changes nothing."""
    import hashlib

    from chatbot.kiosk.staff_pin import verify_and_upgrade

    salt = b"sixteen byte slt"
    config_dir.mkdir(parents=True)
    old = {"scheme": "scrypt", "n": 2 ** 10, "r": 8, "p": 1, "salt": salt.hex(),
           "hash": hashlib.scrypt(b"482713", salt=salt, n=2 ** 10, r=8, p=1, dklen=32).hex()}
    pin_path().write_text(json.dumps(old))
    stored = load_pin()
    assert stored.outdated and not verify_and_upgrade("482714", stored)
    assert json.loads(pin_path().read_text()) == old
    assert verify_and_upgrade("482713", stored)
    assert json.loads(pin_path().read_text())["hash"].startswith("$scrypt$ln=14,")
    assert verify_pin("482713", load_pin()) and not load_pin().outdated
