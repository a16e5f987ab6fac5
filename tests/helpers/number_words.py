"""Numbers written out in English and Spanish words, as people type them: the tests' own oracle.

Written apart from the reader (`chatbot.flow.numbers`) on purpose: a property that
spelt numbers with the reader's own tables would prove nothing.
"""

from __future__ import annotations

from decimal import Decimal

EN_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen").split()
EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
ES_SMALL = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
            "dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro "
            "veinticinco veintiséis veintisiete veintiocho veintinueve").split()
ES_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}


def english_whole(n: int, *, hyphen: bool = False, and_: bool = True) -> str:
    """0 to 199: "thirty-eight", "one hundred and four"."""
    if n >= 100:
        rest = n - 100
        return "one hundred" + (f"{' and' if and_ else ''} {english_whole(rest, hyphen=hyphen)}" if rest else "")
    if n < 20:
        return EN_SMALL[n]
    tens, unit = divmod(n, 10)
    return EN_TENS[tens] + (("-" if hyphen else " ") + EN_SMALL[unit] if unit else "")


def spanish_whole(n: int) -> str:
    """0 to 199: "treinta y ocho", "ciento cuatro", "cien"."""
    if n == 100:
        return "cien"
    if n > 100:
        return "ciento " + spanish_whole(n - 100)
    if n < 30:
        return ES_SMALL[n]
    tens, unit = divmod(n, 10)
    return ES_TENS[tens] + (f" y {ES_SMALL[unit]}" if unit else "")


def english(value: Decimal, *, hyphen: bool = False, and_: bool = True) -> str:
    """A reading in English words: "thirty-eight point five"."""
    whole, _, decimals = str(value).partition(".")
    words = english_whole(int(whole), hyphen=hyphen, and_=and_)
    if decimals:
        words += " point " + " ".join(EN_SMALL[int(d)] for d in decimals)
    return words


def spanish(value: Decimal, point: str = "coma") -> str:
    """A reading in Spanish words: "treinta y ocho coma cinco" (or "punto", "con")."""
    whole, _, decimals = str(value).partition(".")
    words = spanish_whole(int(whole))
    if decimals:
        words += f" {point} " + " ".join(ES_SMALL[int(d)] for d in decimals)
    return words
