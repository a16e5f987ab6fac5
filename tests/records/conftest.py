"""Fixtures for the session store: one test body, run on SQLite and on a real PostgreSQL.

`away_then_back` is a database that cannot be reached, and the way to bring it back; `cluster`
is a PostgreSQL server of the module's own, to stop and start (`tests/helpers/postgres.py`).

The PostgreSQL server comes from CHATBOT_TEST_POSTGRES (a URL of a superuser on any
database of it; `.ci/postgres` starts a throwaway one). Without it, PostgreSQL tests
skip with a one-line reason; under CI=true they fail instead. Every test gets a new
database: a new SQLite file, or a new PostgreSQL database dropped afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.records.backends import migrate

from recordtools import with_database
from tests.helpers.postgres import Cluster, postgres_binaries

POSTGRES_ENV = "CHATBOT_TEST_POSTGRES"
BACKENDS = ("sqlite", "postgresql")


def postgres_admin() -> str:
    """The test server's URL, or a skip (a failure under CI=true) saying why there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        reason = f"no PostgreSQL server: set {POSTGRES_ENV} (source .ci/postgres starts one)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return url


class PostgresServer:
    """Fresh databases on the test server, dropped at the end of the test."""

    def __init__(self, admin: str):
        import psycopg

        self.admin = admin
        self.names: list[str] = []
        self.roles: list[str] = []
        try:
            self.connection = psycopg.connect(admin, autocommit=True, connect_timeout=5)
        except psycopg.Error as error:
            message = f"{POSTGRES_ENV} names a server that cannot be used: {str(error).splitlines()[0]}"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)

    def database(self) -> str:
        name = f"chatbot_test_{uuid.uuid4().hex[:12]}"
        self.connection.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return with_database(self.admin, name)

    def login_role(self, member_of: str) -> str:
        """A new login role in `member_of` (chatbot_kiosk or chatbot_staff), dropped at the end."""
        name = f"chatbot_test_{uuid.uuid4().hex[:12]}"
        self.connection.execute(f'CREATE ROLE "{name}" LOGIN IN ROLE {member_of}')
        self.roles.append(name)
        return name

    def execute(self, sql: str, parameters: tuple = ()) -> None:
        self.connection.execute(sql, parameters)

    def close(self) -> None:
        for name in self.names:
            self.connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for name in self.roles:
            self.connection.execute(f'DROP ROLE IF EXISTS "{name}"')
        self.connection.close()


@pytest.fixture
def postgres_server():
    server = PostgresServer(postgres_admin())
    yield server
    server.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_database(backend, tmp_path, request) -> str:
    """The URL of a new database with no tables (a SQLite file not yet created)."""
    if backend == "sqlite":
        return f"sqlite://{tmp_path / 'records' / 'records.sqlite3'}"
    return request.getfixturevalue("postgres_server").database()


@pytest.fixture
def database(empty_database) -> str:
    """The URL of a new database with the current schema."""
    migrate(empty_database)
    return empty_database


@pytest.fixture(scope="session")
def flow():
    return load_flow(None)


@pytest.fixture
def away_then_back(backend, tmp_path, request):
    """A database URL that cannot be written, and a function that makes it work (a real outage, undone)."""
    if backend == "sqlite":
        blocker = tmp_path / "mount"
        blocker.write_text("not a folder yet")  # the database's folder cannot be made: like a lost mount
        url = f"sqlite://{blocker / 'records.sqlite3'}"

        def back():
            blocker.unlink()
            blocker.mkdir()
        return url, back
    server = request.getfixturevalue("postgres_server")
    url = server.database()
    name = url.split("?")[0].rsplit("/", 1)[1]
    server.execute(f'DROP DATABASE "{name}"')  # the server answers, the database is not there

    def back():
        server.execute(f'CREATE DATABASE "{name}"')
        migrate(url)
    return url, back


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL server the test may stop and start (its own: the shared test server keeps running)."""
    server = Cluster(postgres_binaries())
    yield server
    server.close()
