"""Fixtures for the FHIR tests: the bundled flow, a new store per test, and the scripts kept once.

`database` is a new SQLite file (`fast_database` one in /dev/shm); `any_database` is that and, in a second run, a new
database on the PostgreSQL server of CHATBOT_TEST_POSTGRES (`.ci/postgres` starts one;
without it the PostgreSQL run skips, and fails under CI=true), dropped afterwards. `kept_scripts` is every
scripted conversation replayed once per worker into one store that the tests using it only read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.records.backends import migrate

from fhirtools import Left, replay_scripts


@pytest.fixture(scope="session")
def flow():
    return load_flow(None)


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite://{tmp_path / 'records.sqlite3'}"
    migrate(url)
    return url


def _fast_store():
    """A new SQLite store in memory-backed /dev/shm when there is one, and its scratch folder."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="chatbot-fhir-", dir=base))
    url = f"sqlite://{folder / 'records.sqlite3'}"
    migrate(url)
    return url, folder


@pytest.fixture
def fast_database():
    """A new SQLite store in memory-backed /dev/shm when there is one: real records, not fsynced to a disk.

    For the tests that keep hundreds of conversations; yields the URL and a scratch folder.
    """
    url, folder = _fast_store()
    yield url, folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def kept_scripts() -> Iterator[tuple[str, list[Left]]]:
    """Every script of tests/conversations replayed once and kept by a real Recorder: the store's URL and each
    session left. Tests only read the store (a test that adds a session uses a store of its own)."""
    url, folder = _fast_store()
    yield url, replay_scripts(url, folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=("sqlite", "postgresql"))
def any_database(request, tmp_path):
    if request.param == "sqlite":
        yield request.getfixturevalue("database")
        return
    admin = os.environ.get("CHATBOT_TEST_POSTGRES")
    if not admin:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and no PostgreSQL server: set CHATBOT_TEST_POSTGRES (source .ci/postgres)")
        pytest.skip("no PostgreSQL server: set CHATBOT_TEST_POSTGRES (source .ci/postgres starts one)")
    import psycopg

    name = f"chatbot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
