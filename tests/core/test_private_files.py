"""Files that hold a person's answers are private and whole (issue 14, point 5).

Every writer (the summary, a saved or recorded script, a records export, answers kept
while the database was away, the flow cache, the staff PIN) goes through
`chatbot.privatefile.write_private`: 0600 from the start whatever the umask, never
through a symbolic link, and whole even when the writer is killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.cli import main
from chatbot.flowfile.cache import load_flow_cached
from chatbot.kiosk import staff_pin
from chatbot.kiosk.staff_pin import StoredPin, load_pin, pin_file_problem, pin_path, set_pin, verify_pin
from chatbot.privatefile import PrivateFileError, write_private
from chatbot.records.model import Event, Write, now
from chatbot.records.outbox import Outbox, save_unwritten
from chatbot.records.url import parse_database_url
from chatbot.replay.recording import save_new_script, write_script
from chatbot.summary import save_summary

def export(folder: Path):
    """`chatbot records export -o FILE` of an empty store (the file is what matters here)."""
    os.environ["CHATBOT_DATABASE"] = str(folder / "records.sqlite3")
    try:
        main(["records", "migrate"])
        return main(["records", "export", "-o", str(folder / "export.jsonl")]) == 0 and folder / "export.jsonl"
    finally:
        del os.environ["CHATBOT_DATABASE"]


WRITE = Write("record_event", (Event("s", 1, "answered", now()),))


def outbox(folder: Path) -> Path:
    """The outbox a kiosk keeps its answers in until the database takes them (left with one in it)."""
    kept = Outbox.new(folder / "outbox", parse_database_url(str(folder / "records.sqlite3")))
    kept.put([WRITE])
    path = kept.close()
    assert stat.S_IMODE((folder / "outbox").stat().st_mode) == 0o700
    return path


WRITERS = {
    "summary": lambda folder: save_summary("the nurse's summary\n", folder),
    "new script (w)": lambda folder: save_new_script("name: x\n", folder / "script.yaml"),
    "recorded script (--record)": lambda folder: write_script("name: x\n", folder / "record.yaml"),
    "answers kept while the database was away": lambda folder: save_unwritten([WRITE], folder),
    "the kiosk's outbox": lambda folder: outbox(folder),
    "records export": lambda folder: export(folder),
    "staff PIN": lambda folder: set_pin("246813", folder / "pin.json"),
}


@pytest.fixture
def open_umask():
    """A umask that lets everyone read new files: the writers must not rely on the user's."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_each_writer_makes_an_owner_only_file_and_leaves_nothing_beside_it(writer, tmp_path, open_umask):
    """0600 whatever the umask, and no temporary file left in the folder."""
    folder = tmp_path / "out"
    folder.mkdir()
    path = Path(writer(folder))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_the_flow_cache_copy_is_owner_only(tmp_path, monkeypatch, open_umask):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load_flow_cached()
    copies = list((tmp_path / "cache").rglob("*.pickle"))
    assert copies and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in copies)


REPLACING = {k: WRITERS[k] for k in ("recorded script (--record)", "records export", "staff PIN")}
TARGETS = {"recorded script (--record)": "record.yaml", "records export": "export.jsonl", "staff PIN": "pin.json"}


@pytest.mark.parametrize("name", REPLACING)
def test_a_symbolic_link_at_the_name_is_refused_and_its_target_untouched(name, tmp_path, capsys):
    """A link planted where the file goes must not send a person's answers (or the PIN) elsewhere."""
    folder = tmp_path / "out"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    (folder / TARGETS[name]).symlink_to(elsewhere)
    try:
        result = REPLACING[name](folder)
    except OSError:
        result = None
    assert not result
    assert elsewhere.read_text() == "untouched" and (folder / TARGETS[name]).is_symlink()


def test_set_staff_pin_refuses_a_symbolic_link_with_a_message(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    pin_path().parent.mkdir(parents=True)
    pin_path().symlink_to(elsewhere)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("246813\n"))
    assert main(["set-staff-pin", "--stdin"]) == 1
    assert "symbolic link" in capsys.readouterr().err and elsewhere.read_text() == "untouched"


def test_write_private_refuses_a_link_and_an_exclusive_write_never_replaces(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(PrivateFileError):
        write_private(tmp_path / "link", "x")
    write_private(tmp_path / "kept", "first", exclusive=True)
    with pytest.raises(FileExistsError):
        write_private(tmp_path / "kept", "second", exclusive=True)
    assert (tmp_path / "kept").read_text() == "first" and not (tmp_path / "target").exists()


WRITER_LOOP = """
import sys
from pathlib import Path
from chatbot.privatefile import write_private
folder, exclusive = Path(sys.argv[1]), sys.argv[2] == "exclusive"
for round in range(10 ** 6):
    text = str(round % 10) * 300_000
    if exclusive:
        write_private(folder / f"summary-{round}.txt", text, exclusive=True)
    else:
        write_private(folder / "record.yaml", text)
    print(round, flush=True)
"""


@pytest.mark.parametrize("mode", ["replace", "exclusive"])
def test_kill_9_during_saves_leaves_no_empty_partial_or_leftover_file(mode, tmp_path):
    """A writer killed at whatever point it has reached leaves only whole files; the next save clears the rest."""
    for kill in range(12):
        child = subprocess.Popen([sys.executable, "-c", WRITER_LOOP, str(tmp_path), mode],
                                 stdout=subprocess.PIPE, text=True)
        for _ in range(1 + kill % 4):  # a few saves done, then killed mid-way through another
            child.stdout.readline()
        child.kill()
        child.wait()
        child.stdout.close()
        for path in tmp_path.iterdir():
            if not path.name.endswith(".tmp"):
                text = path.read_text()
                assert len(text) == 300_000 and len(set(text)) == 1, f"{path.name}: {len(text)} characters"
                assert stat.S_IMODE(path.stat().st_mode) == 0o600
    write_private(tmp_path / "record.yaml", "after")  # the next save of the file clears what a kill left
    if mode == "exclusive":
        write_private(tmp_path / "summary-0.txt", "after")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


TAMPERED = {
    "not JSON": "{",
    "a list": "[]",
    "another scheme": json.dumps({"scheme": "md5", "n": 16384, "r": 8, "p": 1, "salt": "00" * 16, "hash": "00" * 32}),
    "n not a power of two": json.dumps({"scheme": "scrypt", "n": 3, "r": 8, "p": 1, "salt": "00" * 16,
                                        "hash": "00" * 32}),
    "n too costly (a crash loop)": json.dumps({"scheme": "scrypt", "n": 2 ** 40, "r": 8, "p": 1, "salt": "00" * 16,
                                               "hash": "00" * 32}),
    "salt not hex": json.dumps({"scheme": "scrypt", "n": 16384, "r": 8, "p": 1, "salt": "zz", "hash": "00" * 32}),
    "hash cut short": json.dumps({"scheme": "scrypt", "n": 16384, "r": 8, "p": 1, "salt": "00" * 16, "hash": "00"}),
    "r as text": json.dumps({"scheme": "scrypt", "n": 16384, "r": "8", "p": 1, "salt": "00" * 16, "hash": "00" * 32}),
    "a hash string too costly": json.dumps({"scheme": "scrypt", "hash": "$scrypt$ln=40,r=8,p=1$" + "A" * 22 + "$"
                                            + "A" * 43}),
    "a hash string cut short": json.dumps({"scheme": "scrypt", "hash": "$scrypt$ln=14,r=8,p=1$" + "A" * 22 + "$AA"}),
}


@pytest.mark.parametrize("content", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_pin_file_is_refused_with_a_clear_message(content):
    """Refused before scrypt sees it: no exception, no match, and a sentence saying what to do."""
    pin_path().parent.mkdir(parents=True, exist_ok=True)
    pin_path().write_text(content)
    assert load_pin() is None
    assert "set the PIN again with: chatbot set-staff-pin" in pin_file_problem()


@pytest.mark.parametrize("stored", [StoredPin(3, 8, 1, b"0" * 16, b"0" * 32), StoredPin(40, 8, 1, b"0" * 16, b"0" * 32)])
def test_a_pin_checked_against_costs_scrypt_refuses_matches_nothing(stored):
    assert verify_pin("246813", stored) is False


def test_the_back_off_is_kept_beside_the_pin_owner_only(open_umask):
    delay = lambda failures: 2.0 ** failures  # noqa: E731
    assert staff_pin.count_try(1230.0, delay, most=60) == staff_pin.PinTry(True, 2.0, False, 1, 1232.0)
    assert stat.S_IMODE(staff_pin.backoff_path().stat().st_mode) == 0o600
    assert staff_pin.backoff_path().parent == pin_path().parent
    assert staff_pin.count_try(1231.0, delay, most=60) == staff_pin.PinTry(False, 1.0, False, 1, 1232.0)
    assert staff_pin.count_try(0.0, delay, most=60).until == 60.0  # never longer than the longest wait
