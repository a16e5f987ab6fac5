"""Every bench runs in folders of its own: nothing it starts writes to the user's data, cache,
config or log folders, nor to a database named in the environment.

`own_folders("startup")` makes a temporary folder, points every folder the chatbot writes
(`CHATBOT_DATA_DIR`, `CHATBOT_CONFIG_DIR`, `CHATBOT_LOG_DIR`, `XDG_CACHE_HOME` and the other XDG
folders) into it in this process's environment, so that the programs a bench starts inherit
them too, forgets `CHATBOT_DATABASE` (the records go to a SQLite file in the data folder), and
removes the folder when the bench ends. Call it before anything is imported from `chatbot`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

FOLDERS = {
    "CHATBOT_DATA_DIR": "data",
    "CHATBOT_CONFIG_DIR": "config",
    "CHATBOT_LOG_DIR": "log",
    "XDG_CACHE_HOME": "cache",
    "XDG_DATA_HOME": "xdg-data",
    "XDG_CONFIG_HOME": "xdg-config",
    "XDG_STATE_HOME": "xdg-state",
}
FORGOTTEN = ("CHATBOT_DATABASE",)


def own_folders(name: str) -> Path:
    """A temporary folder for bench `name`, every folder the chatbot writes inside it (module text)."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    for variable, sub in FOLDERS.items():
        (folder / sub).mkdir(mode=0o700)
        os.environ[variable] = str(folder / sub)
    for variable in FORGOTTEN:
        os.environ.pop(variable, None)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
