"""pytest collects the scripted conversations in tests/conversations/: one test item per script.

A failing script's report is the script's own `file:line:col`, what was expected and
what happened; an unreadable script fails its file's collection with every problem
positioned, as `chatbot replay` prints them. Openings (files with `opening:`) are
used by scripts and are not tests themselves.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from chatbot.flow.problems import FlowError
from chatbot.replay import EngineDriver, ScriptReader, run_script
from chatbot.replay.runner import Failure
from chatbot.replay.script import SUFFIXES, Script

pytest_plugins = ["pytester"]  # tests/core/test_replay_cli.py runs this plugin in a scratch folder

CONVERSATIONS = Path(__file__).resolve().parent / "conversations"


@pytest.fixture(scope="session", autouse=True)
def _shared_app_ended():
    """The app the last table's rows shared (tests/helpers/tui.py) ends with the session, in the session."""
    yield
    if "tests.helpers.tui" in sys.modules:
        sys.modules["tests.helpers.tui"].close_shared()


def pytest_terminal_summary(terminalreporter) -> None:
    """Why tests were skipped, one line per reason with how many ("86 skipped: no PostgreSQL server:
    set CHATBOT_TEST_POSTGRES ..."), so a run that skipped a backend says so without being asked."""
    reasons = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"{count} skipped: {reason}")
_READER = ScriptReader()  # one for the session, so each opening is parsed once


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix in SUFFIXES and CONVERSATIONS in file_path.resolve().parents:
        return ScriptFile.from_parent(parent, path=file_path)
    return None


class ScriptFile(pytest.File):
    """A YAML file of one script, a list of scripts, or an opening (no items)."""

    def collect(self):
        try:
            scripts = _READER.read([self.path])
        except FlowError as error:
            raise self.CollectError("\n".join(str(problem) for problem in error.problems)) from None
        for script in scripts:
            yield ScriptItem.from_parent(self, name=script.name, script=script)


class ScriptFailed(Exception):
    def __init__(self, failure: Failure):
        super().__init__(str(failure))
        self.failure = failure


class ScriptItem(pytest.Item):
    """One script, replayed on the engine."""

    def __init__(self, *, script: Script, **kwargs):
        super().__init__(**kwargs)
        self.script = script

    def runtest(self) -> None:
        run = run_script(self.script, EngineDriver(self.script.flow, self.script.language))
        if run.failure is not None:
            raise ScriptFailed(run.failure)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScriptFailed):
            return str(excinfo.value.failure)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.script.at.line - 1, f"script: {self.script.name}"


@pytest.fixture(autouse=True)
def kiosk_folders(tmp_path, monkeypatch):
    """Every test keeps the kiosk log, the staff PIN and the session records in a scratch folder, never
    the user's own."""
    monkeypatch.setenv("CHATBOT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("CHATBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CHATBOT_DATABASE", raising=False)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):  # the commands speak English to the tests
        monkeypatch.delenv(name, raising=False)                # unless a test asks for a language
    monkeypatch.setenv("CHATBOT_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path
