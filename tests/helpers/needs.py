"""What a test needs from the machine (a Debian package, a browser): a skip with the reason when it is
missing, and a failure instead under CI=true, where `.ci/run` installs everything."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> None:
    """Skip the test saying `reason`, or fail it under CI=true."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def espeak_ng() -> str:
    """The espeak-ng program, or a skip (a failure in CI)."""
    from chatbot.speech.espeak import find

    program = find()
    if program is None:
        missing("espeak-ng is not installed (apt-get install espeak-ng)")
    return program
