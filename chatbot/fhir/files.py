"""Export files hold a person's answers: owner-only (0600), written whole (a temporary file, then renamed)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any


def json_text(resource: dict[str, Any]) -> str:
    """The resource as the export writes it: indented, UTF-8 as is, a newline at the end."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def write_private(path: str | Path, text: str) -> None:
    """`text` in an owner-only file, written whole: a temporary file beside it, then renamed over."""
    path = Path(path)
    temporary = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
