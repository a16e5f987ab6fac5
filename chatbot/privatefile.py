"""Files that hold a person's answers (or the staff PIN): private and whole, whatever happens.

`write_private` is the one way the house writes such a file (the summary, a recorded
or saved script, a records export, answers kept while the database was away, the
flow cache, the staff PIN and its wrong-PIN back-off):

- the data goes first to a file with no name (Linux `O_TMPFILE`) in the same folder,
  created owner-only (0600), written and flushed to disk, and only then given its
  name: a reader, or a crash, never meets an empty or half-written file, and a
  process killed mid-write (even `kill -9`) leaves nothing behind;
- `exclusive=True` gives it its name only if nothing has it (never over another file);
  otherwise it takes the place of the old file in one rename;
- the name is never followed through a symbolic link: a link there is refused.

Where the system has no `O_TMPFILE`, a hidden temporary file beside the target
(`.NAME.PID.RANDOM.tmp`, also 0600) stands in; one left by a killed process is
removed by the next write of the same file. Standard library only.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable

MODE = 0o600


class PrivateFileError(OSError):
    """A file that must not be written: a symbolic link stands at its name."""


def write_private(path: str | Path, data: str | bytes | Iterable[str | bytes], *, exclusive: bool = False) -> Path:
    """Write `data` (text as UTF-8; or the pieces of an iterable, one after another, so that a long
    export never sits in memory whole) to `path`, owner-only and whole; return the path.

    `exclusive`: raise `FileExistsError` rather than replace a file already there.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():  # said with the name asked for, never a temporary file's
        raise FileNotFoundError(errno.ENOENT, f"there is no folder {folder}", str(path))
    refuse_link(path)
    payload = [data] if isinstance(data, (str, bytes)) else data
    _sweep(path)
    descriptor = _unnamed(folder)
    if descriptor is not None:
        try:
            _fill(descriptor, payload)
            if exclusive:
                _name(descriptor, path)
                return path
            temporary = _temporary_name(path)
            _name(descriptor, temporary)
        finally:
            os.close(descriptor)
    else:
        temporary = _temporary_name(path)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, MODE)
        try:
            _fill(descriptor, payload)
        except BaseException:
            os.close(descriptor)
            temporary.unlink(missing_ok=True)
            raise
        os.close(descriptor)
    try:
        if exclusive:
            os.link(temporary, path)  # fails if the name is taken, never replaces
        else:
            refuse_link(path)
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def refuse_link(path: Path) -> None:
    """Raise `PrivateFileError` when a symbolic link stands at `path`."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(status.st_mode):
        raise PrivateFileError(f"{path} is a symbolic link: a private file is never written through one")


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_TMPFILE = getattr(os, "O_TMPFILE", 0)


def _unnamed(folder: Path) -> int | None:
    """A file with no name yet in `folder`, open for writing, or None where that cannot be had."""
    if not _TMPFILE or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, os.O_WRONLY | _TMPFILE, MODE)
    except OSError:
        return None  # a file system without O_TMPFILE: the named temporary file will do


def _name(descriptor: int, path: Path) -> None:
    """Give the unnamed file open at `descriptor` the name `path` (fails if the name is taken).

    `linkat` with AT_SYMLINK_FOLLOW on /proc/self/fd/N; Python asks for that flag only
    when given a folder descriptor, hence the folder opened here.
    """
    folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(f"/proc/self/fd/{descriptor}", path.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _fill(descriptor: int, payload: Iterable[str | bytes]) -> None:
    os.fchmod(descriptor, MODE)  # exactly 0600, whatever the umask
    buffer = bytearray()
    for piece in payload:
        buffer += piece.encode("utf-8") if isinstance(piece, str) else piece
        if len(buffer) >= 1 << 16:
            _write_all(descriptor, buffer)
            buffer.clear()
    _write_all(descriptor, buffer)
    os.fsync(descriptor)


def _write_all(descriptor: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def _sweep(path: Path) -> None:
    """Remove temporary files of `path` left by processes that are gone (killed mid-write)."""
    try:
        leftovers = list(path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"))
    except OSError:
        return
    for leftover in leftovers:
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdecimal() and not _alive(int(pid)):
            try:
                leftover.unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)
