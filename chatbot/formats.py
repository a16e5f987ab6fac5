"""Dates, times and numbers as each language writes them, by Babel (imported here only, when one is shown).

The UI's languages are names like `es`; Babel needs a locale with a region for a few formats.
`LOCALES` says which each stands for (English: day before month, as the kiosk's date of birth
is typed); the pseudo-locale formats as English.
"""

from __future__ import annotations

from datetime import date as Date, datetime

LOCALES = {"en": "en_GB", "es": "es_ES", "qps": "en_GB"}


def locale(language: str) -> str:
    return LOCALES.get(language, language.replace("-", "_"))


def date(day: Date, language: str) -> str:
    """25 December 1980, 25 de diciembre de 1980."""
    from babel.dates import format_date

    return format_date(day, "long", locale=locale(language))


def time(moment: datetime, language: str) -> str:
    """14:05, as the language writes a short time."""
    from babel.dates import format_time

    return format_time(moment, "short", locale=locale(language))


def number(value: float, language: str) -> str:
    """1,234 and 38.5 in English, 1234 and 38,5 in Spanish (Babel's rules: no separator below 10 000)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale(language))
