"""A kiosk's writes, kept on its own disk until the records database has them: in order, durably, once.

An `Outbox` is a private (0600) SQLite file in the data folder's `outbox/`, written by one
process, which holds an advisory lock (`flock`) on it while it runs. A write kept is in the
file when `put` returns (WAL, `synchronous=NORMAL`): `kill -9` loses none of it, and keeping
it costs the screen no wait for the disk. The recorder's thread asks for it to reach the disk
itself (`sync`) whenever the database did not take it, so that while the database is away a
power cut loses at most the last moment's answers. A recorder `put`s each write
there before the screen moves on; its own thread takes them in order (`head`), delivers
them to the database, then deletes them (`done`). A write delivered but not yet deleted
when the process dies is delivered again by the next one: ids make that harmless.

When the outbox's own file cannot be written (a full disk), writes wait in memory, in
order after those on file, and `problem` says so; they go to the file again once it
takes them. An outbox whose process is gone (killed, or closed while the database was
away) is an orphan: the next recorder for the same database takes it over and delivers
it (`orphans`), and `chatbot records import FILE` delivers it by hand.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from chatbot.catalog import Message, message
from chatbot.privatefile import write_private
from chatbot.records.model import Write, iso, now
from chatbot.records.url import DatabaseURL, RecordsError

SCHEMA = ("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY AUTOINCREMENT, kept_at TEXT NOT NULL, "
          "write TEXT NOT NULL)")
PATTERN = "outbox-*.sqlite3"


def target_of(url: DatabaseURL) -> str:
    """Which database an outbox is for, without keeping its password: a hash of the whole URL."""
    return hashlib.sha256(url.target.encode()).hexdigest()


def is_outbox(path: Path) -> bool:
    """Whether `path` is an outbox file (an SQLite file with a `writes` table), not an older JSON Lines file."""
    try:
        with open(path, "rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                return False
    except OSError:
        return False
    return True


def private_folder(folder: Path) -> None:
    """`folder` and each missing folder above it made owner-only (0700)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


class Outbox:
    """One process's outbox (see the module's text). Safe to use from the UI's thread and the recorder's."""

    def __init__(self, path: Path, url: DatabaseURL | None, *, create: bool):
        self.path = path
        self.url = url
        self.problem: str | None = None  # why the file cannot be written just now (writes wait in memory)
        self.problem_said: Message | None = None  # the same, to be said in a person's language
        self._lock = threading.RLock()
        self._memory: list[tuple[int, Write]] = []  # keys below 0, in order
        self._next_memory = -1
        self._in_flight = False  # `head` handed writes out and `done` (or `returned`) has not been called
        self._delivered: set[int] = set()  # on file, delivered, not yet deleted (a `done` that failed)
        self._lockfd: int | None = None
        self._connection: sqlite3.Connection | None = None
        # A new outbox is made and locked under a name no search for orphans reads, then given its own: a
        # recorder's thread looking for orphans in the same folder took one being made (not yet locked)
        # for an orphan, and its maker, finding it locked, kept the answers in memory (once, in CI).
        making = path.with_name(f".{path.name}.new") if create else path
        if create:
            private_folder(path.parent)
            os.close(os.open(making, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._lockfd = os.open(making, os.O_RDONLY)
        try:
            fcntl.flock(self._lockfd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if create:
                os.rename(making, path)
        except OSError:
            os.close(self._lockfd)
            self._lockfd = None
            if create:
                making.unlink(missing_ok=True)
            raise
        try:
            self._connection = self._connect()
            if create and url is not None:
                self._remember(url)
        except BaseException:
            self.release()
            raise

    # -- made, found, let go --------------------------------------------------------------------

    @classmethod
    def new(cls, folder: Path, url: DatabaseURL) -> Outbox:
        """A new outbox for this process, in `folder` (made owner-only)."""
        name = f"outbox-{os.getpid()}-{uuid.uuid4().hex[:8]}.sqlite3"
        return cls(folder / name, url, create=True)

    @classmethod
    def take_over(cls, path: Path) -> Outbox | None:
        """The outbox at `path`, if no running process holds it (else None)."""
        try:
            return cls(path, None, create=False)
        except (OSError, sqlite3.Error):
            return None

    @classmethod
    def orphans(cls, folder: Path, url: DatabaseURL, mine: Path | None = None) -> Iterator[Outbox]:
        """The outboxes in `folder` for the same database whose processes are gone, taken over; an empty
        one is removed on the way."""
        target = target_of(url)
        try:
            paths = sorted(folder.glob(PATTERN), key=lambda path: path.stat().st_mtime)
        except OSError:
            return
        for path in paths:
            if mine is not None and path == mine:
                continue
            outbox = cls.take_over(path)
            if outbox is None:
                continue
            if outbox.meta("target") != target:
                outbox.release()
            elif not len(outbox):
                outbox.close()
            else:
                yield outbox

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for statement in SCHEMA:
            connection.execute(statement)
        return connection

    def _remember(self, url: DatabaseURL) -> None:
        with self._transaction() as connection:
            connection.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   [("database", str(url)), ("target", target_of(url)), ("pid", str(os.getpid())),
                                    ("made_at", iso(now()))])

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise

    # -- what a recorder does -------------------------------------------------------------------

    def put(self, writes: list[Write]) -> None:
        """Keep `writes`, after every write already kept: on file (committed when this returns), or in
        memory while the file cannot take them (`problem` says why)."""
        with self._lock:
            waiting = [write for _, write in self._memory] if not self._in_flight else None
            if self._memory and waiting is None:  # the memory's writes are being delivered: keep order
                self._keep_in_memory(writes)
                return
            try:
                with self._transaction() as connection:
                    connection.executemany("INSERT INTO writes (kept_at, write) VALUES (?, ?)",
                                           [(iso(now()), json.dumps(write.to_json(), ensure_ascii=False))
                                            for write in [*(waiting or []), *writes]])
            except (sqlite3.Error, OSError) as error:
                self.problem_said = message("the local outbox {file} cannot be written ({error}): answers are kept "
                                            "in memory until it can").fill(file=str(self.path), error=str(error))
                self.problem = str(self.problem_said)
                self._keep_in_memory(writes)
                return
            self._memory.clear()
            self.problem = self.problem_said = None

    def _keep_in_memory(self, writes: list[Write]) -> None:
        for write in writes:
            self._memory.append((self._next_memory, write))
            self._next_memory -= 1

    def head(self, most: int) -> list[tuple[int, Write]]:
        """The oldest writes not yet delivered (at most `most`, and one more when the last is an older
        chatbot's identification: its event, the next write, goes in the same transaction), in order,
        with their keys for `done`."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, write FROM writes ORDER BY id LIMIT ?", (most + 1 + len(self._delivered),)).fetchall()
            out = [(key, Write.from_json(json.loads(text))) for key, text in rows if key not in self._delivered]
            out = out[:most + 1] if out[most - 1:most] and out[most - 1][1].older_identify else out[:most]
            if len(out) < most:
                out += self._memory[:most - len(out)]
            self._in_flight = bool(out)
            return out

    def done(self, keys: list[int]) -> None:
        """The writes with these keys are in the database: forget them."""
        with self._lock:
            self._in_flight = False
            gone = set(keys)
            self._memory = [(key, write) for key, write in self._memory if key not in gone]
            on_file = sorted(key for key in gone if key > 0) + sorted(self._delivered)
            if not on_file:
                return
            try:
                with self._transaction() as connection:
                    connection.executemany("DELETE FROM writes WHERE id = ?", [(key,) for key in on_file])
                self._delivered.clear()
            except (sqlite3.Error, OSError):
                self._delivered.update(on_file)  # delivered: not handed out again; deleted at a later `done`

    def sync(self) -> None:
        """Everything kept, on the disk itself (the write-ahead log flushed): off the screen's thread."""
        for suffix in ("-wal", ""):
            try:
                descriptor = os.open(f"{self.path}{suffix}", os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(descriptor)
            except OSError:
                pass
            finally:
                os.close(descriptor)

    def returned(self) -> None:
        """The writes `head` handed out could not be delivered: they stay, in order."""
        with self._lock:
            self._in_flight = False

    def __len__(self) -> int:
        with self._lock:
            on_file = self._connection.execute("SELECT count(*) FROM writes").fetchone()[0]
            return on_file - len(self._delivered) + len(self._memory)

    @property
    def in_memory(self) -> list[Write]:
        """The writes only in memory (the file could not take them)."""
        with self._lock:
            return [write for _, write in self._memory]

    def close(self) -> Path | None:
        """Let the outbox go: removed when nothing waits in it, else kept (its path returned) for the next
        chatbot here, or for `chatbot records import`. Writes only in memory are the caller's to save."""
        with self._lock:
            try:
                left = self._connection.execute("SELECT count(*) FROM writes").fetchone()[0] - len(self._delivered)
            except sqlite3.Error:
                left = 1
            if not left:
                self.release()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                return None
            self.release()
            return self.path

    def release(self) -> None:
        """Close the file and let its lock go (the SQLite connection first: closing another descriptor of
        the file would drop SQLite's own locks)."""
        with self._lock:
            if self._connection is not None:
                try:
                    self._connection.close()
                except sqlite3.Error:
                    pass
                self._connection = None
            if self._lockfd is not None:
                os.close(self._lockfd)
                self._lockfd = None


def take_over(path: Path) -> Outbox:
    """The outbox at `path`, for `chatbot records import`; RecordsError when a running chatbot holds it."""
    outbox = Outbox.take_over(path)
    if outbox is None:
        raise RecordsError(message("{file}: a running chatbot holds this outbox (it delivers it itself), or it "
                                   "is not an outbox").fill(file=str(path)))
    return outbox


# -- writes no outbox could take: a JSON Lines file (as older versions saved; `records import` reads both) ---


def save_unwritten(writes: list[Write], folder: Path) -> Path:
    """The writes in an owner-only JSON Lines file, written whole (a temporary file renamed)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"unsaved-{stamp}-{os.getpid()}.jsonl"
    return write_private(path, "".join(json.dumps(write.to_json(), ensure_ascii=False) + "\n" for write in writes),
                         exclusive=True)


def read_unwritten(path: str | Path) -> list[Write]:
    """The writes in a file `save_unwritten` made (or an older chatbot); RecordsError for a file that is
    not one."""
    writes = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordsError(message("{file}: cannot be read: {error}").fill(file=str(path), error=str(error))) from None
    for number, line in enumerate(lines, 1):
        try:
            writes.append(Write.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise RecordsError(message("{place}: not a saved write: {error}").fill(
                place=f"{path}:{number}", error=str(error))) from None
    return writes
