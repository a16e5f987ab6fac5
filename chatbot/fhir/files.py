"""How an export file is written: JSON as the record system reads it (owner-only, whole: `chatbot.privatefile`)."""

from __future__ import annotations

import json
from typing import Any


def json_text(resource: dict[str, Any]) -> str:
    """The resource as the export writes it: indented, UTF-8 as is, a newline at the end."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
