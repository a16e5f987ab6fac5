"""The two versions of a flow a review compares: files, or `REV:PATH` read from git.

`REV:PATH` is git's own: the file at PATH (from the repository's top, or `./` from
here) in commit, tag or branch REV. `--base REV` reads the new flow's own file at
REV. A clone made with `--depth` may not hold REV: the message says so, and how to
fetch it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from chatbot.flow.model import Flow
from chatbot.flowfile.loader import FlowLoader, bundled_flow_path, load_flow
from chatbot.flowfile.source import parse_yaml


class RevisionError(Exception):
    """A version cannot be read from git; the message says why, in one line."""


@dataclass(frozen=True)
class Version:
    """One side of a review: the flow, as the reviewer named it, and its file on disk (None from git)."""

    given: str
    flow: Flow
    file: Path | None = None


def read_version(given: str | None) -> Version:
    """A flow file, `REV:PATH` from git, or (None) the bundled flow."""
    if given is None:
        path = bundled_flow_path()
        return Version(_shown(path), load_flow(path), path)
    path = Path(given)
    if path.is_file() or ":" not in given:
        return Version(given, load_flow(path), path)
    revision, _, name = given.partition(":")
    return Version(given, _parse(_git_show(revision, name, Path.cwd()), given))


def at_revision(revision: str, new: Version) -> Version:
    """The new version's own file as it was at `revision`."""
    if new.file is None:
        raise RevisionError(f"--base {revision}: the new flow ({new.given}) is not a file in a git repository")
    folder = new.file.resolve().parent
    given = f"{revision}:{_in_repository(new.file)}"
    return Version(given, _parse(_git_show(revision, f"./{new.file.name}", folder), given))


def _parse(text: str, given: str) -> Flow:
    return FlowLoader(parse_yaml(text, given)).load()


def _git(arguments: list[str], folder: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *arguments], cwd=folder, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise RevisionError("git is not installed: give both versions as files") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git {' '.join(arguments)} took more than a minute") from None


def _git_show(revision: str, name: str, folder: Path) -> str:
    done = _git(["show", f"{revision}:{name}"], folder)
    if done.returncode == 0:
        return done.stdout
    reason = (done.stderr.strip().splitlines() or ["git failed"])[0].removeprefix("fatal: ")
    shallow = _git(["rev-parse", "--is-shallow-repository"], folder)
    if shallow.returncode == 0 and shallow.stdout.strip() == "true":
        reason += (f"; this clone is shallow and may not hold {revision}: fetch it "
                   f"(git fetch --depth=1 origin {revision}, or git fetch --unshallow)")
    raise RevisionError(f"cannot read {revision}:{name} from git: {reason}")


def _in_repository(path: Path) -> str:
    """The path of a file from the top of its repository (as `git show REV:PATH` names it)."""
    done = _git(["rev-parse", "--show-toplevel"], path.resolve().parent)
    if done.returncode != 0:
        raise RevisionError(f"{path} is not in a git repository: give the old version as a file")
    return path.resolve().relative_to(Path(done.stdout.strip()).resolve()).as_posix()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)

