"""The second FHIR validator: @medplum/core's `validateResource` (R4 StructureDefinitions), run by node.

tests/fhir/validator/ pins it (package.json, package-lock.json); `.ci/run` installs it
with `npm ci`, and nothing is fetched while the tests run. Without node or the modules a
test that needs it skips, saying how to install them; under CI=true it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parent / "validator"
SCRIPT = FOLDER / "validate.mjs"


def missing() -> str | None:
    """Why the validator cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not (FOLDER / "node_modules" / "@medplum" / "core").is_dir():
        return f"the validator's modules are not installed: npm ci --prefix {FOLDER.relative_to(Path.cwd()) if FOLDER.is_relative_to(Path.cwd()) else FOLDER}"
    return None


def require() -> None:
    """Skip (locally) or fail (CI=true) when the validator cannot run."""
    why = missing()
    if why is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and no @medplum validator: {why}")
    pytest.skip(f"no @medplum validator: {why}")


def validate(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each resource's result: {"resourceType", "id", "issues": [...]} (no issues: valid), in order."""
    text = "".join(json.dumps(resource, ensure_ascii=False) + "\n" for resource in resources)
    done = subprocess.run(["node", str(SCRIPT)], input=text, capture_output=True, text=True, cwd=FOLDER,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(resources), done.stderr
    return results
