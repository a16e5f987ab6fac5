"""Fixtures for the session store: one test body, run on SQLite and on a real PostgreSQL.

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


class Cluster:
    """A PostgreSQL server of the test's own (initdb in a temporary folder), to stop, start and pause
    (`pg_ctl` as the postgres user when run as root: PostgreSQL refuses root, as in .ci/postgres)."""

    def __init__(self, bin_dir: str):
        import socket
        import subprocess
        import tempfile

        self.bin = bin_dir
        self.dir = tempfile.mkdtemp(prefix="chatbot-pg-outage-")
        if os.geteuid() == 0:
            import shutil

            shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o700)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.data = f"{self.dir}/data"
        self._run(f"{bin_dir}/initdb", "--no-sync", "--auth-local=trust", "--username=postgres", "--encoding=UTF8",
                  "--locale=C.UTF-8", "-D", self.data)
        self.start()
        self.admin = f"postgresql://postgres@/postgres?host={self.dir}&port={self.port}"
        self.subprocess = subprocess

    def _run(self, *argv: str) -> None:
        import shlex
        import subprocess

        command = list(argv) if os.geteuid() != 0 else ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]}: {done.stdout}{done.stderr}")

    def start(self) -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-l", f"{self.dir}/server.log", "-w", "-t", "60", "-o",
                  f"-c fsync=off -c synchronous_commit=off -c listen_addresses='' -p {self.port} -k {self.dir}",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def database(self) -> str:
        import psycopg

        name = f"chatbot_outage_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return with_database(self.admin, name)

    def backends(self, url: str) -> list[int]:
        """The server processes serving connections to `url`'s database (not this query's own)."""
        import psycopg

        name = url.split("?")[0].rsplit("/", 1)[1]
        with psycopg.connect(self.admin, autocommit=True) as connection:
            return [pid for (pid,) in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,))]

    def close(self) -> None:
        import shutil

        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_binaries() -> str:
    """The folder of initdb and pg_ctl (CHATBOT_PG_BIN from .ci/postgres, else Debian's), or a skip."""
    import glob

    found = os.environ.get("CHATBOT_PG_BIN") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), None)
    if not found or not os.path.exists(f"{found}/pg_ctl"):
        reason = "no PostgreSQL binaries to start a server of the test's own (source .ci/postgres)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
    return found


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL server the test may stop and start (its own: the shared test server keeps running)."""
    server = Cluster(postgres_binaries())
    yield server
    server.close()
