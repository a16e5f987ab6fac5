"""Reading-ease scores of patient-facing text, offline.

Syllables come from the hyphenation dictionaries that ship inside `pyphen` (no
download at run time). English is scored as a Flesch-Kincaid school grade;
Spanish with Fernández-Huerta's reading ease (Flesch's formula refitted for
Spanish: 70 and above is fairly easy). Markdown marks are dropped; every line, and every
list item, is a sentence of its own, as a reader meets it on the screen.

Drug names are exempt from the count (the rules, revision 3): each is one word of one
syllable, so naming "acetaminophen (Tylenol)" never pushes a text over its grade and a
name is never dropped to meet it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

_MARKS = re.compile(r"[*_`#>|]|^\s*[-•]\s+|\{[a-z_]+\}", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)?")
_VOWELS = {"en": "aeiouy", "es": "aeiouáéíóúü"}
DRUG_NAMES = frozenset({
    "acetaminophen", "paracetamol", "tylenol", "ibuprofen", "advil", "motrin", "naproxen", "aleve", "aspirin",
    "acetaminofén", "ibuprofeno", "naproxeno", "aspirina",
})


@lru_cache(maxsize=None)
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang={"en": "en_US", "es": "es"}[language], left=1, right=1)


def syllables(word: str, language: str) -> int:
    """Syllables of one word: the larger of two counts, so a text is never scored easier than it is.

    The hyphenation dictionary's pieces that hold a vowel, and the word's vowel
    groups (in English less a silent final "e" or "-ed"/"-es"). Each undercounts
    some words ("a-ce-ta-mi-no-phen" has few hyphenation points); the larger is
    near the spoken count.
    """
    word = word.lower()
    if word in DRUG_NAMES:
        return 1
    if word[0].isdigit():
        return max(1, len(re.sub(r"\D", "", word)))  # "38.0" is read out digit by digit, near enough
    vowels = _VOWELS[language]
    pieces = [p for p in _dictionary(language).inserted(word).split("-") if re.search(f"[{vowels}]", p)]
    groups = len(re.findall(f"[{vowels}]+", word))
    if language == "en" and groups > 1 and (
            word.endswith("e") and not word.endswith(("le", "ee", "ye"))
            or re.search(r"[^aeiouy]e[sd]$", word) and not re.search(r"([tdsxzcg]|ch|sh)e[sd]$", word)):
        groups -= 1
    return max(1, len(pieces), groups)


def counts(text: str, language: str) -> tuple[int, int, int]:
    """(sentences, words, syllables) of `text`."""
    plain = _MARKS.sub(" ", text)
    sentences = [s for s in _SENTENCE_END.split(plain) if _WORD.search(s)]
    words = _WORD.findall(plain)
    return max(1, len(sentences)), len(words), sum(syllables(w, language) for w in words)


def flesch_kincaid_grade(text: str) -> float:
    sentences, words, syllable_count = counts(text, "en")
    return 0.39 * words / sentences + 11.8 * syllable_count / words - 15.59


def fernandez_huerta(text: str) -> float:
    """206.84 - 0.60 P - 1.02 F, P syllables per 100 words, F words per sentence (Law's correction).

    The often-quoted "sentences per 100 words" would score shorter sentences as harder.
    """
    sentences, words, syllable_count = counts(text, "es")
    return 206.84 - 60 * syllable_count / words - 1.02 * words / sentences
