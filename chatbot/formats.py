"""Dates, times and numbers as each language writes them, by Babel (imported only when one is shown),
in the Babel locale `chatbot.catalog.LOCALES` gives each language; the pseudo-locale formats as
English, marked as its words are."""

from __future__ import annotations

from datetime import date as Date, datetime

from chatbot.catalog import PSEUDO, babel_locale as locale, pseudo


def date(day: Date, language: str) -> str:
    """25 December 1980, 25 de diciembre de 1980."""
    from babel.dates import format_date

    return _marked(format_date(day, "long", locale=locale(language)), language)


def time(moment: datetime, language: str) -> str:
    """14:05, as the language writes a short time."""
    from babel.dates import format_time

    return format_time(moment, "short", locale=locale(language))


def number(value: float, language: str) -> str:
    """1,234 and 38.5 in English, 1234 and 38,5 in Spanish (Babel's rules: no separator below 10 000)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale(language))


def decimal(value: float, language: str, places: int = 1) -> str:
    """A measure with `places` decimals, as the language writes it: 38.6 and 0.53 in English, 38,6 and
    0,53 in Spanish (a temperature, a number of seconds)."""
    from babel.numbers import format_decimal

    return format_decimal(round(value, places), format="#,##0." + "0" * places, locale=locale(language))


def moment(when: datetime, language: str) -> str:
    """A day and a time to the minute, joined as the language joins them: 7 Dec 2026, 10:18."""
    from babel.dates import format_date, format_time, get_datetime_format

    joined = str(get_datetime_format("medium", locale=locale(language)))
    return _marked(joined.replace("{1}", format_date(when, "medium", locale=locale(language))).replace(
        "{0}", format_time(when, "short", locale=locale(language))), language)


def _marked(text: str, language: str) -> str:
    """In the pseudo-locale, a month's name is marked as the catalog's words are (it went through Babel)."""
    return pseudo(text) if language == PSEUDO else text
