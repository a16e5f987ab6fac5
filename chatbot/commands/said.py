"""What a command says to the person who runs it, in that person's language, from the catalog.

The language is the command's own `--language` where it has one for people (the conversation's, a
summary's, the station's), else the environment's, read as gettext reads it (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG: `chatbot.catalog.environment_language`), else English. Only the sentences a
person reads go through here; what a program reads stays as it is in every language: JSON, CSV,
FHIR, a problem's `path:line:col: severity: kind` and its code, replay's `ok`/`FAIL` marks
(docs/translating.md).
"""

from __future__ import annotations

import sys
from typing import Any

from chatbot.catalog import LANGUAGE_CHOICES, Message, environment_language

_chosen: str | None = None

NOT_FOR_PEOPLE = {"translations"}
"""Commands whose `--language` names the language worked on, not the one to speak."""


def choose(args: Any) -> None:
    """Speak the language `args` (a parsed command line) asks for, if it asks for one the product speaks."""
    global _chosen
    wanted = None
    if getattr(args, "command", None) not in NOT_FOR_PEOPLE:
        wanted = (getattr(args, "station_language", None) or getattr(args, "serve_language", None)
                  or getattr(args, "language", None))
    _chosen = wanted if wanted in LANGUAGE_CHOICES else None


def language() -> str:
    """The language the commands speak now."""
    return _chosen or environment_language()


def said(text: Message, /, **values: object) -> str:
    """`text` in the commands' language, its `{placeholders}` filled with `values`."""
    return (text.fill(**values) if values else text).get(language())


def say(text: Message, /, **values: object) -> None:
    """Print `text` (`said`) on the standard output."""
    print(said(text, **values))


def complain(text: Message, /, **values: object) -> None:
    """Print `text` (`said`) on the standard error: what went wrong, or what a person is told aside."""
    print(said(text, **values), file=sys.stderr)


def error_said(error: BaseException) -> str:
    """An error in the commands' language when it was given words from the catalog (`said`), else as it is."""
    words = getattr(error, "said", None)
    return said(words) if isinstance(words, Message) else str(error)
