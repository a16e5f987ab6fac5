"""Text the person sees, ready to carry translations.

In a flow file a text is either a plain string (the flow's first language) or a
mapping from language code to string: `{en: Hello, es: Hola}`.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

from chatbot.printable import printable as _printable

MAX_ANSWER_LENGTH = 200
"""The longest answer the engine reads; longer ones are refused (and cut here when shown)."""


class Text(NamedTuple):
    """A patient-facing text in one or more languages (a named tuple: see `chatbot.flow.model`)."""

    by_language: Mapping[str, str]

    def get(self, language: str, fallback: str = "en") -> str:
        """The text in `language`, else in `fallback`, else in any language it has."""
        for code in (language, fallback):
            if code in self.by_language:
                return self.by_language[code]
        return next(iter(self.by_language.values()), "")

    def fill(self, **values: "str | Text") -> "Text":
        """The same text with `{name}` placeholders replaced in every language.

        A `Text` value is filled in each language with its own translation.
        """
        filled = {}
        for code, text in self.by_language.items():
            for name, value in values.items():
                text = text.replace("{" + name + "}", value.get(code) if isinstance(value, Text) else value)
            filled[code] = text
        return Text(filled)

    def __str__(self) -> str:
        return self.get("en")


def english(text: str) -> Text:
    """A text that exists only in English (for tests and built-in messages)."""
    return Text({"en": text})


def printable(typed: str, limit: int | None = MAX_ANSWER_LENGTH) -> str:
    """`typed` on one line without control or invisible characters, cut at `limit` (the engine
    refuses longer answers itself): `chatbot.printable`, the one filter, with the answer's limit."""
    return _printable(typed, limit)
