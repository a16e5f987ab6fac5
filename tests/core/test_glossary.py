"""Spanish has one voice: one term for each thing, forms that fit any gender, usted throughout.

The terms come from the glossary in docs/glossary.md (its table is read here), so the
document and the test cannot drift apart. The texts are every Spanish word a person or a
nurse reads: the flow (but the findings' own vocabulary and the nurse's clinical
wording of the rules), the screens' words, the engine's messages and the nurse station's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatbot.flow import phrases
from chatbot.flow.text import Text
from chatbot.flow.windows import fold
from chatbot.flowfile.loader import load_flow
from chatbot.nurse.words import WORDS as NURSE_WORDS
from chatbot.widgets import words
from tests.core.test_translations import texts

GLOSSARY = Path(__file__).parents[2] / "docs" / "glossary.md"
GENDERED = re.compile(r"\b(?:cansad[oa]s?|confundid[oa]s?|preocupad[oa]s?|asustad[oa]s?|quiet[oa]s?|acostad[oa]s?"
                      r"|sentad[oa]s?|maread[oa]s?|bienvenid[oa]s?|(?:esta|estoy|este) (?:segur[oa]|sol[oa]))\b")
INFORMAL = re.compile(r"\b(?:tu|tus|te|ti|contigo|tienes|puedes|eres|sientes|quieres|debes|estas seguro)\b")


def glossary() -> list[tuple[str, str, list[str]]]:
    """(concept, the one term, the terms not allowed), from the table in docs/glossary.md."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("concept", "---"):
            rows.append((cells[0], cells[1], [word.strip() for word in cells[2].split(",") if word.strip()]))
    return rows


def spanish_texts() -> list[tuple[str, str]]:
    """(where, Spanish text) for every Spanish word a person or a nurse reads."""
    found = [("/".join(map(str, path)), text.get("es")) for path, text in texts(load_flow())
             if path[0] != "findings" and "nurse_reason" not in path]
    for module in (words, phrases):
        for name, value in vars(module).items():
            values = value.items() if isinstance(value, dict) else [(None, value)]
            for key, item in values:
                if isinstance(item, Text) and "es" in item.by_language:
                    found.append((f"{module.__name__}.{name}{f'[{key}]' if key else ''}", item.get("es")))
    found += [(f"chatbot.nurse.words[{key}]", said["es"]) for key, said in NURSE_WORDS.items() if "es" in said]
    return found


TEXTS = spanish_texts()
ROWS = glossary()


def test_the_glossary_and_the_texts_are_read():
    assert len(ROWS) >= 20 and len(TEXTS) > 300
    assert ("period", "regla", ["menstruación", "período", "periodo"]) in ROWS


@pytest.mark.parametrize("concept, term, variants", ROWS, ids=[row[0] for row in ROWS])
def test_one_term_for_each_thing(concept, term, variants):
    """No second term for a concept of the glossary, anywhere."""
    used = [(where, variant) for where, text in TEXTS for variant in variants
            if re.search(rf"\b{re.escape(fold(variant))}\b", fold(text))]
    assert used == [], f"use '{term}' for {concept}"


def test_the_one_terms_are_used():
    """Each term in the glossary is one the texts really use (a glossary of unused words proves nothing)."""
    everything = fold(" ".join(text for _, text in TEXTS))
    unused = [term for _, term, _ in ROWS if fold(term) not in everything]
    assert unused == []


def test_forms_that_fit_any_gender():
    assert [(where, text) for where, text in TEXTS if GENDERED.search(fold(text))] == []


def test_usted_throughout():
    assert [(where, text) for where, text in TEXTS if INFORMAL.search(fold(text))] == []


@pytest.mark.parametrize("text, found", [
    ("¿Está cansado?", True), ("Se siente confundida", True), ("No está solo.", True), ("no estoy seguro", True),
    ("¿Se siente con mucho cansancio?", False), ("Escriba solo el número.", False), ("de forma segura", False),
])
def test_the_gender_check_tells_the_forms_apart(text, found):
    assert bool(GENDERED.search(fold(text))) is found


def test_a_second_term_is_caught():
    """The check fails on the words it must: the rules' own examples."""
    variants = dict((concept, variants) for concept, _, variants in ROWS)
    assert any(re.search(rf"\b{re.escape(fold(v))}\b", fold("Una menstruación mucho más abundante")) for v in variants["period"])
    assert any(re.search(rf"\b{re.escape(fold(v))}\b", fold("Tome su remedio")) for v in variants["medicine"])
