"""The commands as testers and administrators run them (issue 22, item 12), each as a real process:
a JUnit file's folder made, a reader that leaves early (`| head`) never turning into an error, one
clear line naming the person's own path, the quitting advice said once, a PIN from a pipe, and the
README's test command saying why tests were skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUTINE = ROOT / "tests" / "conversations" / "routine.yaml"


def folders(tmp_path: Path) -> dict[str, str]:
    """An environment whose data, configuration, logs and caches are the test's own."""
    environment = dict(os.environ)
    for name, folder in (("CHATBOT_DATA_DIR", "data"), ("CHATBOT_CONFIG_DIR", "config"),
                         ("CHATBOT_LOG_DIR", "log"), ("XDG_CACHE_HOME", "cache")):
        environment[name] = str(tmp_path / folder)
    environment.pop("CHATBOT_DATABASE", None)
    return environment


def chatbot(tmp_path: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatbot", *argv], cwd=tmp_path, env=folders(tmp_path),
                          input=stdin, capture_output=True, text=True, timeout=120)


def reader_gone(tmp_path: Path, *argv: str) -> tuple[int, str]:
    """Run a command whose standard output is a pipe closed before it writes (`| head -0`); its status
    and what it said on standard error."""
    process = subprocess.Popen([sys.executable, "-m", "chatbot", *argv], cwd=tmp_path, env=folders(tmp_path),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # the reader leaves at once: every write meets a closed pipe
    error = process.stderr.read()
    return process.wait(timeout=120), error


@pytest.fixture
def database(tmp_path) -> str:
    """A store with one finished session in it."""
    url = f"sqlite://{tmp_path / 'records.sqlite3'}"
    finished = chatbot(tmp_path, "replay", str(ROUTINE), "--database", url)
    assert finished.returncode == 0, finished.stderr
    return url


def test_junit_makes_its_folder(tmp_path):
    """The docs' own command in a fresh clone, where build/ does not exist yet."""
    done = chatbot(tmp_path, "replay", str(ROUTINE), "--junit", "build/replay.xml")
    assert done.returncode == 0, done.stderr
    assert "<testsuite" in (tmp_path / "build" / "replay.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("passes", [True, False])
def test_a_replay_whose_reader_leaves_still_writes_its_junit_and_exits_with_its_status(passes, tmp_path):
    script = ROUTINE
    if not passes:
        script = tmp_path / "wrong.yaml"
        script.write_text(ROUTINE.read_text(encoding="utf-8").replace("temperature: 36.8}", "temperature: 37.9}")
                          .replace("openings/", f"{ROUTINE.parent}/openings/"), encoding="utf-8")
        assert script.read_text(encoding="utf-8") != ROUTINE.read_text(encoding="utf-8")
    status, error = reader_gone(tmp_path, "replay", str(script), "--junit", "build/replay.xml")
    assert status == (0 if passes else 1), error
    assert "Broken pipe" not in error and "Traceback" not in error
    junit = (tmp_path / "build" / "replay.xml").read_text(encoding="utf-8")
    assert ("<failure" in junit) is not passes


@pytest.mark.parametrize("argv", [
    ["records", "list"], ["records", "export"], ["records", "export", "--format", "csv"], ["check"],
    ["graph"], ["export", "questionnaire"],
])
def test_every_command_on_a_closed_pipe_leaves_quietly(argv, tmp_path, database):
    """`chatbot records list | head -1`: no "Broken pipe", no traceback, the command's own status."""
    if argv[0] == "records":
        argv = [*argv, "--database", database]
    status, error = reader_gone(tmp_path, *argv)
    assert status == 0, error
    assert "Broken pipe" not in error and "Errno 32" not in error and "Traceback" not in error


@pytest.mark.parametrize("argv", [
    ["records", "export", "-o", "missing/sessions.jsonl"],
    ["records", "export", "--fhir", "-o", "missing/sessions.json"],
])
def test_an_export_to_a_missing_folder_is_one_line_naming_the_path_given(argv, tmp_path, database):
    done = chatbot(tmp_path, *argv, "--database", database)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert f"{argv[-1]}: there is no folder missing" in lines[0] and ".tmp" not in lines[0]


def test_quitting_with_the_database_away_advises_once(tmp_path):
    """The answers went to a file: where it is and how to import it is said once, not twice."""
    away = "postgresql://nobody@127.0.0.1:1/chatbot?connect_timeout=1"
    done = chatbot(tmp_path, "replay", str(ROUTINE), "--database", away)
    assert done.returncode == 1
    assert done.stderr.count("chatbot records import") == 1, done.stderr


def test_set_staff_pin_reads_a_pin_piped_in_as_staff_add_does(tmp_path):
    done = chatbot(tmp_path, "set-staff-pin", stdin="482619\n")
    assert done.returncode == 0, done.stderr
    assert "Staff PIN saved" in done.stdout
    from_pipe = chatbot(tmp_path, "set-staff-pin", stdin="12\n")  # too short: refused, as when typed
    assert from_pipe.returncode == 1 and "Nothing was changed" in from_pipe.stderr


def test_the_readmes_test_command_says_why_tests_were_skipped(tmp_path):
    """Without a PostgreSQL server its tests skip: `python3 -m pytest` ends by saying how many and why."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest" in readme
    environment = {name: value for name, value in folders(tmp_path).items()
                   if name not in ("CHATBOT_TEST_POSTGRES", "CI")}
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/nurse/test_nurse_postgres_roles.py", "-n", "0"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    said = [line for line in done.stdout.splitlines() if " skipped: " in line]
    assert said and said[0].split(" skipped: ")[1].startswith("no PostgreSQL server: set CHATBOT_TEST_POSTGRES"), \
        done.stdout[-2000:]
