"""The database URL: which backend, where, and how to print it without its password.

`sqlite:///PATH` (everything after `sqlite://` is the path, so `sqlite:///var/x.db` is
`/var/x.db`; `sqlite:x.db` is relative), or a plain file path, selects SQLite;
`postgresql://USER[:PASSWORD]@HOST:PORT/DB` (or `postgres://`, and `?host=/socket/dir`
for a Unix socket) selects PostgreSQL. With no URL, `CHATBOT_DATABASE` is read, then the
SQLite file in the platform's data folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from chatbot.catalog import Message, message
from chatbot.redaction import redact, redact_url, userinfo_refused

APP_NAME = "bmf-chatbot"
DATABASE_ENV = "CHATBOT_DATABASE"
DATA_DIR_ENV = "CHATBOT_DATA_DIR"  # tests and managed kiosks point this elsewhere
DEFAULT_FILE = "records.sqlite3"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_POSTGRES_SCHEMES = ("postgresql", "postgres")


class RecordsError(Exception):
    """A problem with the records a person can act on, as one line (never a password). Given a `Message`
    (`said`, from the catalog), it is said in the person's language; `str()` is its English."""

    def __init__(self, *args: object) -> None:
        self.said = args[0] if args and isinstance(args[0], Message) else None
        super().__init__(*(str(arg) if isinstance(arg, Message) else arg for arg in args))

    def get(self, language: str) -> str:
        """The problem in `language` when it was given words from the catalog, else as it is: a screen
        that fills it into its own words (`{problem}`) says it in the screen's language."""
        return self.said.get(language) if self.said is not None else str(self)


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL. `target` is a file path (SQLite) or a libpq URL (PostgreSQL)."""

    backend: str  # "sqlite" or "postgresql"
    target: str
    redacted: str

    def __str__(self) -> str:
        return self.redacted


def data_dir() -> Path:
    explicit = os.environ.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit)
    import platformdirs  # only when the default is needed

    return Path(platformdirs.user_data_dir(APP_NAME))


def default_database() -> str:
    """The URL used when none is given: `CHATBOT_DATABASE`, else the SQLite file in the data folder."""
    return os.environ.get(DATABASE_ENV) or f"sqlite://{data_dir() / DEFAULT_FILE}"


def parse_database_url(text: str | None) -> DatabaseURL:
    """The backend and target of `text` (the default when None); RecordsError says what is wrong."""
    if text is None:
        text = default_database()
    text = text.strip()
    if not text:
        raise RecordsError(message("the database URL is empty: give sqlite:///PATH or postgresql://USER@HOST:PORT/DB"))
    shown = redact_url(text)
    scheme = _SCHEME.match(text)
    if scheme is None and text.lower().startswith("sqlite:"):
        return _sqlite(text[len("sqlite:"):], shown)
    if scheme is None:
        return _sqlite(text, shown)
    name = scheme.group(1).lower()
    if name == "sqlite":
        return _sqlite(text[len("sqlite://"):], shown)
    if name in _POSTGRES_SCHEMES:
        return _postgres(text, shown)
    raise RecordsError(message("database URL {url}: unknown kind '{name}': use sqlite:///PATH or "
                               "postgresql://USER@HOST:PORT/DB").fill(url=shown, name=name))


def _sqlite(path: str, shown: str) -> DatabaseURL:
    if not path:
        raise RecordsError(message("database URL {url}: no file named: use sqlite:///PATH").fill(url=shown))
    if path.lstrip("/") == ":memory:" or path.startswith("file:") or "?" in path:
        raise RecordsError(message("database URL {url}: name a file; an in-memory database would keep nothing").fill(
            url=shown))
    path = os.path.expanduser(path)
    if Path(path).is_dir():
        raise RecordsError(message("database URL {url}: that is a folder; name the database file").fill(url=shown))
    return DatabaseURL("sqlite", path, shown)


def _postgres(text: str, shown: str) -> DatabaseURL:
    refused = userinfo_refused(text)
    if refused:
        raise RecordsError(message("database URL {url}: {error}").fill(url=shown, error=refused))
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a port that is not a number
    except ValueError as error:
        raise RecordsError(message("database URL {url}: {error}").fill(url=shown, error=redact(str(error)))) from None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if port is not None and not 0 < port < 65536:
        raise RecordsError(message("database URL {url}: port {port} is out of range").fill(url=shown, port=str(port)))
    if "port" in query and not query["port"].isdigit():
        raise RecordsError(message("database URL {url}: port '{port}' is not a number").fill(url=shown, port=query["port"]))
    if not parts.hostname and not query.get("host"):
        raise RecordsError(message("database URL {url}: no server: name a host (postgresql://USER@HOST:PORT/DB) or a "
                                   "socket folder (?host=/run/postgresql)").fill(url=shown))
    if not parts.path.strip("/"):
        raise RecordsError(message("database URL {url}: no database named: postgresql://USER@HOST:PORT/DB").fill(url=shown))
    return DatabaseURL("postgresql", text, shown)
