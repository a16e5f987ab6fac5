"""The house keeps its shape: the import-linter contracts in pyproject.toml hold (layers,
Textual only in the UI, no cycles). CI runs `lint-imports` too; this says so in the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    """Every contract in pyproject.toml is kept (import-linter comes with the test extras)."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
