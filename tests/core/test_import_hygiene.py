"""The engine and the headless commands never import Textual: they return data and start fast."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import chatbot

UI = ("chatbot.tui", "chatbot.screens", "chatbot.widgets", "chatbot.kiosk.app", "chatbot.kiosk.screens",
      "chatbot.kiosk.supervisor", "chatbot.nurse.app", "chatbot.nurse.screens", "chatbot.terminal.app",
      "chatbot.terminal.driver", "chatbot.terminal.private_textual",
      "chatbot.commands.serve_server")  # textual-serve (and its rich), imported only once `chatbot serve` runs
HEADLESS = sorted(
    module.name for module in pkgutil.walk_packages(chatbot.__path__, "chatbot.")
    if not module.name.startswith(UI) and module.name != "chatbot.__main__"
)


def test_there_are_headless_modules_to_check():
    assert {"chatbot.engine", "chatbot.flowfile.loader", "chatbot.cli", "chatbot.replay.patients"} <= set(HEADLESS)


def test_no_headless_module_imports_textual():
    code = ("import sys\n" + "".join(f"import {name}\n" for name in HEADLESS)
            + "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'rich'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_headless_commands_do_not_import_textual():
    code = ("import sys\nfrom chatbot.cli import main\nmain(['check'])\nmain(['simulate', 'tests/patients/examples.yaml'])\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# What the way to the first frame may not import: the parser, the YAML reader, the checker, the
# headless commands, and modules only a later screen or another mode needs: the nurse's summary, the
# records' URL (only read when one is given), package resources (the bundled flow is found by its folder),
# and what writes a private file (only the first start writes the flow's copy).
NOT_BEFORE_THE_FIRST_FRAME = ("argparse", "yaml", "hashlib", "sqlite3", "psycopg", "chatbot.records.recorder", "chatbot.commands.arguments", "chatbot.flowfile.loader",
                              "chatbot.privatefile", "chatbot.proof.analysis", "chatbot.commands.check", "chatbot.kiosk.rules", "chatbot.kiosk.app",
                              "chatbot.summary", "chatbot.formats", "chatbot.records.url", "importlib.resources", "zipfile")


def test_the_way_to_the_first_frame_imports_only_what_it_draws(tmp_path):
    """Plain `chatbot` imports the UI and a cached flow, nothing it only needs later (issue 3, start-up);
    its recorder opens the database after the first frame (issue 12)."""
    code = ("import sys\nimport chatbot.cli, chatbot.tui, chatbot.flowfile.cache, chatbot.options\n"
            "chatbot.flowfile.cache.load_flow_cached()\n"
            "assert chatbot.cli.open_recorder(chatbot.options.UIOptions(), False)\n"
            f"print([name for name in {NOT_BEFORE_THE_FIRST_FRAME!r} if name in sys.modules])")
    environment = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)
            for _ in ("the first start reads the flow file", "every later one its copy")]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr
    assert runs[0].stdout.strip() == "['yaml', 'chatbot.flowfile.loader', 'chatbot.privatefile']"
    assert runs[1].stdout.strip() == "[]"


def test_the_first_frame_reads_the_database_variable_the_records_read():
    """`chatbot.cli` reads `CHATBOT_DATABASE` by its own copy of the name, not to import the records before
    the first frame."""
    import chatbot.cli
    import chatbot.records.url

    assert chatbot.cli.DATABASE_ENV == chatbot.records.url.DATABASE_ENV
