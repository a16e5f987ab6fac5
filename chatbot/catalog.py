"""The product's own words (screens, station, summaries, the engine's reprompts) from gettext catalogs.

The English is the `msgid`, written where the words are named (`message("Start again")`); the
other languages are `chatbot/locale/LANG/LC_MESSAGES/chatbot.po`, compiled to `.mo` by the
build (setup.py) and never edited by hand. A `Message` is lazy: it is looked up in the
person's language when it is shown (`.get(language)`), as the flow's `Text` is, so the engine
can hand the UI words without knowing who will read them.

- one English source per meaning; `message_in(context, ...)` (msgctxt) where one English
  word means two things;
- `plural(singular, plural)`: a count's words by the language's plural rule (ngettext);
- one way to fill in a value: `{name}` placeholders, `.fill(name=value)`;
- the pseudo-locale `qps` (`PSEUDO`): every text accented, about 40% longer and bracketed,
  the English made up on the spot, so that a text that is cut, hidden or not in the catalog
  stands out on a screen (docs/translating.md).

Catalogs are read on first use of a language; English needs none. Babel is imported only when a
number of four digits or more is shown, and by `chatbot.formats` when a date is.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # gettext is imported when a catalog is first read: English reads none
    import gettext

DOMAIN = "chatbot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE = "en"
PSEUDO = "qps"
"""The pseudo-locale (the name Microsoft's tools give theirs, `qps-ploc`, shortened; `qps` is a
private-use language code, so no real language will ever have it)."""
LANGUAGES = {"en": "English", "es": "Español"}
"""The languages the UI speaks, by their own names (the pseudo-locale is for testing: not listed)."""
LANGUAGE_CHOICES = (*LANGUAGES, PSEUDO)
"""What `--language` accepts."""

_loaded: dict[str, gettext.NullTranslations] = {}

ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where a command finds its person's language, in the order gettext reads them (`gettext.find`)."""


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of a command's output, chosen as gettext chooses a catalog: the first of
    `ENVIRONMENT` that is set, a list of languages when it is LANGUAGE (`es:en`), each read as its
    language (`es_ES.UTF-8` is `es`); the first of them the product speaks (the pseudo-locale too),
    else English (the C and POSIX locales say English)."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name)
        if value:
            for each in value.split(":"):
                code = each.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
                if code in LANGUAGE_CHOICES:
                    return code
            return SOURCE
    return SOURCE


def translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language`, read once: its `.mo`, else (a checkout not yet built, or a `.po`
    edited since) its `.po`, compiled in memory; English and an unknown language: none."""
    found = _loaded.get(language)
    if found is None:
        found = _loaded[language] = _read(language)
    return found


def _read(language: str) -> gettext.NullTranslations:
    import gettext

    folder = LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if language == SOURCE or not po.exists() and not mo.exists():
        return gettext.NullTranslations()
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as file:
            return gettext.GNUTranslations(file)
    return compile_po(po)


def compile_po(po: Path) -> gettext.GNUTranslations:
    """A `.po` file's translations, compiled in memory by Babel (fuzzy entries left out, as msgfmt does)."""
    import gettext
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as file:
        catalog = read_po(file)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Message:
    """A text of the product's own, in English, looked up in a language when it is shown."""

    __slots__ = ("msgid", "context", "values")

    def __init__(self, msgid: str, context: str | None = None, values: Mapping[str, object] | None = None):
        self.msgid, self.context, self.values = msgid, context, values or {}

    def template(self, language: str) -> str:
        if language == PSEUDO:
            return pseudo(self.msgid)
        if language == SOURCE:
            return self.msgid
        catalog = translations(language)
        return catalog.pgettext(self.context, self.msgid) if self.context else catalog.gettext(self.msgid)

    def get(self, language: str, fallback: str = SOURCE) -> str:
        """The text in `language` (the English when the catalog lacks it), its values filled in."""
        return fill_in(self.template(language), self.values, language)

    def fill(self, **values: object) -> Message:
        """The same message with `{name}` placeholders to be filled with `values` (a value with
        a `get(language)`, such as a `Message` or a flow's `Text`, is filled in the same language)."""
        return Message(self.msgid, self.context, {**self.values, **values})

    def __str__(self) -> str:
        return self.get(SOURCE)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.msgid, self.context, self.values) == \
            (other.msgid, other.context, other.values)

    def __hash__(self) -> int:
        return hash((self.msgid, self.context))

    def __add__(self, other: object) -> Joined:
        return Joined(self, other)

    def __radd__(self, other: object) -> Joined:
        return Joined(other, self)


class Plural(Message):
    """A count's words: `plural("{count} session", "{count} sessions").count(3).get("es")`."""

    __slots__ = ("plural_id",)

    def __init__(self, msgid: str, plural_id: str, context: str | None = None,
                 values: Mapping[str, object] | None = None):
        super().__init__(msgid, context, values)
        self.plural_id = plural_id

    def template(self, language: str) -> str:
        count = self.values.get("count", 1)
        number = count if isinstance(count, int) else 1
        if language == PSEUDO:
            return pseudo(self.msgid if number == 1 else self.plural_id)
        catalog = translations(language)  # English: gettext's NullTranslations, by the language's rule
        if self.context:
            return catalog.npgettext(self.context, self.msgid, self.plural_id, number)
        return catalog.ngettext(self.msgid, self.plural_id, number)

    def fill(self, **values: object) -> Plural:
        return Plural(self.msgid, self.plural_id, self.context, {**self.values, **values})

    def count(self, number: int) -> Plural:
        return self.fill(count=number)


class Joined:
    """Texts shown one after the other, each in the same language (`message(...) + did_you_mean(...)`):
    what a diagnostic is built of, a sentence and a suggestion, a code and a sentence."""

    __slots__ = ("parts",)

    def __init__(self, *parts: object):
        self.parts = tuple(part for each in parts for part in (each.parts if isinstance(each, Joined) else (each,)))

    def get(self, language: str) -> str:
        return "".join(part.get(language) if hasattr(part, "get") and not isinstance(part, (str, dict)) else str(part)
                       for part in self.parts)

    def __add__(self, other: object) -> Joined:
        return Joined(self, other)

    def __radd__(self, other: object) -> Joined:
        return Joined(other, self)

    def __str__(self) -> str:
        return self.get(SOURCE)

    def __repr__(self) -> str:
        return f"Joined{self.parts!r}"


def message(msgid: str) -> Message:
    """A message of the catalog (what `pybabel extract -k message` finds: chatbot/locale/README.md)."""
    return Message(msgid)


def message_in(context: str, msgid: str) -> Message:
    """A message whose English means something else elsewhere: its msgctxt says which (`-k message_in:1c,2`)."""
    return Message(msgid, context)


def plural(singular: str, plural_: str) -> Plural:
    """A message with plural forms, filled with `.count(n)` (`-k plural:1,2`)."""
    return Plural(singular, plural_)


def fill_in(template: str, values: Mapping[str, object], language: str) -> str:
    """`{name}` placeholders of `template` replaced by `values` in `language` (the only way a value
    goes into a text: a value's own braces are never read again)."""
    for name, value in values.items():
        shown = value.get(language) if hasattr(value, "get") and not isinstance(value, (str, dict)) else value
        if isinstance(shown, int) and not isinstance(shown, bool) and language not in (SOURCE, PSEUDO):
            shown = format_number(shown, language)
        template = template.replace("{" + name + "}", str(shown))
    return template


def format_number(number: int, language: str) -> str:
    """A count as `language` writes it (Babel, loaded only for a number big enough to need a separator)."""
    if abs(number) < 1000:
        return str(number)
    from babel.numbers import format_decimal

    return format_decimal(number, locale=babel_locale(language))


class Number(int):
    """A count read in a report, grouped in every language (2,717,302 paths; 2.717.302 caminos), where a
    plain `int` value is grouped only from four digits on, and only in a translation."""

    def get(self, language: str) -> str:
        if language in (SOURCE, PSEUDO):
            return f"{self:,}"
        return format_number(int(self), language)


LOCALES = {"en": "en_GB", "es": "es_ES", PSEUDO: "en_GB"}
"""The Babel locale of each language (a few formats need a region): English writes the day before
the month, as the kiosk's date of birth is typed."""


def babel_locale(language: str) -> str:
    return LOCALES.get(language, language.replace("-", "_"))


def say(language: str, msgid: str, context: str | None = None, /, **values: object) -> str:
    """`msgid` in `language`, filled: for a word used once, where it is shown."""
    return Message(msgid, context, values).get(language)


# -- the pseudo-locale --------------------------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
_LONGER = "aeiouAEIOU"
OPEN, CLOSE = "⟦", "⟧"


_PRINTF = re.compile(r"%(?:\([^)]*\))?[sdr%]")
"""A printf-style placeholder (`%(prog)s`, `%s`), as argparse's own words hold them."""


def pseudo(text: str) -> str:
    """`text` accented, 40% longer (each vowel said twice, then `~` to make up the rest) and between
    ⟦ ⟧, its `{placeholders}`, Markdown and Rich markup (`[b]…[/b]`) left as they are: a translation
    longer than most, whose every letter shows it went through the catalog."""
    if not text or text.startswith(OPEN):
        return text
    if text.endswith("\n"):  # argparse's error line: its line ends after the closing bracket
        return pseudo(text[:-1]) + "\n"
    out, depth, letters, added = [], 0, 0, 0
    formats = {match.start(): match.group() for match in _PRINTF.finditer(text)}  # argparse's words: kept
    skip = 0
    for index, char in enumerate(text):
        if skip:
            skip -= 1
            continue
        if index in formats:
            out.append(formats[index])
            skip = len(formats[index]) - 1
            continue
        if char in "{[":
            depth += 1
        elif char in "}]" and depth:
            depth -= 1
            out.append(char)
            continue
        if depth:
            out.append(char)
            continue
        letters += 1
        twice = char in _LONGER
        added += twice
        out.append(char.translate(_ACCENTED) * (2 if twice else 1))
    padding = max(0, -(-letters * 2 // 5) - added - 2)  # the brackets count
    return OPEN + "".join(out) + "~" * padding + CLOSE


def is_pseudo(text: str) -> bool:
    return text.startswith(OPEN) and text.endswith(CLOSE)
