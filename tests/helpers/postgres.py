"""A PostgreSQL server of a test's own, to stop, start and pause (the shared test server keeps running).

`postgres_binaries()` finds initdb and pg_ctl (CHATBOT_PG_BIN, exported by .ci/postgres, else
Debian's folder), or skips (fails under CI=true); `Cluster` makes a server in a temporary
folder and runs `pg_ctl` as the postgres user when run as root (PostgreSQL refuses root, as
in .ci/postgres). The records tests and bench/nurse.py's outage both use it.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


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
