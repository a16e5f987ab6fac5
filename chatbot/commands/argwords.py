"""argparse in the person's language: its own words ("usage:", "options", "the following arguments are
required") and the commands' help texts, from the product's catalog rather than gettext's default domain.

argparse looks its words up with the `gettext` module's `_` and `ngettext`; `speak(language)` gives it
ours. A help text or description written `message("...")` is said by `Formatter` when the help is shown.
The language is known before the command line is parsed: the `--language` it names (read ahead, as the
parser would), else the environment's (docs/translating.md §5).
"""

from __future__ import annotations

import argparse
from typing import Any

from chatbot.catalog import LANGUAGE_CHOICES, Message, Plural, environment_language, message, plural

ARGPARSE_WORDS = (
    message("usage: "), message("options"), message("positional arguments"),
    message("show this help message and exit"), message("show program's version number and exit"),
    message("%(prog)s: error: %(message)s\n"), message("the following arguments are required: %s"),
    message("invalid choice: %(value)r (choose from %(choices)s)"), message("unrecognized arguments: %s"),
    message("argument %(argument_name)s: %(message)s"), message("expected one argument"),
    message("expected at most one argument"), message("expected at least one argument"),
    message("invalid %(type)s value: %(value)r"), message("ambiguous option: %(option)s could match %(matches)s"),
    message("not allowed with argument %s"), message("one of the arguments %s is required"),
    message("ignored explicit argument %r"), message("can't open '%(filename)s': %(error)s"),
    plural("expected %s argument", "expected %s arguments"),
)
"""The words argparse says itself (Python's argparse, `_()` and `ngettext()`), so that they are extracted
into the catalog; the rest of its words are for the programmer, not the person."""


def language_of(argv: list[str]) -> str:
    """The language a command line asks for (`--language CODE`, `--language=CODE`), else the environment's."""
    for index, word in enumerate(argv):
        if word == "--":
            break
        code = word.partition("=")[2] if word.startswith("--language=") else (
            argv[index + 1] if word == "--language" and index + 1 < len(argv) else None)
        if code in LANGUAGE_CHOICES:
            return code
    return environment_language()


def speak(language: str) -> None:
    """argparse says its own words in `language` from now on."""
    argparse._ = lambda text: Message(text).template(language)  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural_, count: Plural(  # type: ignore[attr-defined]
        singular, plural_, values={"count": count}).template(language)
    Formatter.language = language


def language() -> str:
    """The language `speak` chose last (the help's)."""
    return Formatter.language


def said(text: Any, language: str) -> Any:
    return text.get(language) if isinstance(text, Message) else text


class Formatter(argparse.HelpFormatter):
    """The help in the language `speak` chose: help texts and descriptions written as catalog messages."""

    language = "en"

    def _format_action(self, action: argparse.Action) -> str:
        written = action.help
        action.help = said(written, self.language)
        try:
            return super()._format_action(action)
        finally:
            action.help = written

    def _format_text(self, text: Any) -> str:
        return super()._format_text(said(text, self.language))


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help texts may be catalog messages (its subcommands' parsers too)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message_: Any) -> Any:  # type: ignore[override]
        super().error(said(message_, Formatter.language))
