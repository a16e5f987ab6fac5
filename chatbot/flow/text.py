"""Text the person sees, ready to carry translations.

In a flow file a text is either a plain string (the flow's first language) or a
mapping from language code to string: `{en: Hello, es: Hola}`.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

from chatbot.catalog import PSEUDO, fill_in, pseudo
from chatbot.printable import printable as _printable

SOURCE_SUFFIX = "_from"
"""A translation's companion key in a flow file: `es_from: "1a2b3c4d"` is the hash of the English
(the flow's first language) that the `es` text was translated from (docs/flow-format.md, "Translations")."""

MAX_ANSWER_LENGTH = 200
"""The longest answer the engine reads; longer ones are refused (and cut here when shown)."""


class Text(NamedTuple):
    """A patient-facing text in one or more languages (a named tuple: see `chatbot.flow.model`)."""

    by_language: Mapping[str, str]

    def get(self, language: str, fallback: str = "en") -> str:
        """The text in `language`, else in `fallback`, else in any language it has (the pseudo-locale:
        the first language's, made longer and accented by `chatbot.catalog.pseudo`)."""
        if language == PSEUDO and language not in self.by_language:
            return pseudo(self.get(fallback))
        for code in (language, fallback):
            if code in self.by_language:
                return self.by_language[code]
        return next(iter(self.by_language.values()), "")

    def fill(self, **values: object) -> "Text":
        """The same text with `{name}` placeholders replaced in every language (`chatbot.catalog.fill_in`,
        the one way a value goes into a text). A value with a `get(language)`, a `Text` or a catalog
        `Message`, is filled in each language with its own translation."""
        return Text({code: fill_in(text, values, code) for code, text in self.by_language.items()})

    def __str__(self) -> str:
        return self.get("en")


def source_hash(text: str) -> str:
    """The short hash a translation keeps of the text it was translated from: the first 8 hex digits
    of the SHA-256 of its UTF-8 (what the flow file's `LANG_from` holds)."""
    import hashlib  # only `chatbot check` and `chatbot translations` hash: not a kiosk's start

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def english(text: str) -> Text:
    """A text that exists only in English (for tests and built-in messages)."""
    return Text({"en": text})


def printable(typed: str, limit: int | None = MAX_ANSWER_LENGTH) -> str:
    """`typed` on one line without control or invisible characters, cut at `limit` (the engine
    refuses longer answers itself): `chatbot.printable`, the one filter, with the answer's limit."""
    return _printable(typed, limit)
