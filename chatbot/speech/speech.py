"""What a screen says: its words in reading order, each piece in its own language (WCAG 3.1.2), and
the SSML that espeak-ng reads them from."""

from __future__ import annotations

from typing import NamedTuple

MOST_SAID = 20_000
"""Characters of a screen said at most: more than any screen holds (a routine guidance topic is ~3,000)."""


class Speech(NamedTuple):
    """The words of one screen: `pieces` of (text, language code), said in order, each as a sentence."""

    language: str
    pieces: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """The words alone, one piece a line (what tests compare with the screen)."""
        return "\n".join(text for text, _ in self.pieces)

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def __bool__(self) -> bool:
        return any(text.strip() for text, _ in self.pieces)


def escape(text: str) -> str:
    """Text as XML character data (xml.sax.saxutils would import urllib, and hashlib, before the first frame)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;") + '"'


def ssml(speech: Speech) -> str:
    """The speech as SSML for `espeak-ng -m`: each piece a sentence, a piece in another language marked
    as such, nothing in the words read as markup."""
    parts = []
    room = MOST_SAID
    for text, language in speech.pieces:
        text = " ".join(text.split())[:room]
        if not text:
            continue
        room -= len(text)
        lang = f" xml:lang={quoteattr(language)}" if language != speech.language else ""
        parts.append(f"<s{lang}>{escape(text)}</s>")
        if room <= 0:
            break
    return f'<speak version="1.0" xml:lang={quoteattr(speech.language)}>{"".join(parts)}</speak>'
