"""Fixtures for the FHIR tests: the bundled flow, and a new SQLite store per test."""

from __future__ import annotations

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.records.backends import migrate


@pytest.fixture(scope="session")
def flow():
    return load_flow(None)


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite://{tmp_path / 'records.sqlite3'}"
    migrate(url)
    return url
