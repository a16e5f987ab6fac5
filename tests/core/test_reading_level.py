"""Every question, help text and ending of the bundled flow reads easily (rules: grade 6).

English at Flesch-Kincaid school grade 6 or below; Spanish at a Fernández-Huerta
reading ease of 70 or more. A question is scored with its choices, as the person
reads them together; an ending with its title. Syllables come from the hyphenation
dictionaries shipped in `pyphen`, so the test runs offline.
"""

from __future__ import annotations

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.flow.text import Text
from chatbot.summary import PHONE_LINE
from tests.helpers.readability import fernandez_huerta, flesch_kincaid_grade, syllables

FLOW = load_flow()


def together(*texts: Text) -> Text:
    return Text({code: "\n".join(t.get(code) for t in texts) for code in FLOW.languages})


def patient_texts() -> list[tuple[str, Text]]:
    items = [("welcome", together(*FLOW.welcome))]
    for question in FLOW.questions.values():
        items.append((f"question {question.id}", together(question.text, *(o.label for o in question.options))))
        if question.help is not None:
            items.append((f"help of {question.id}", question.help))
    items += [(f"ending {o.id}", together(o.title, o.text)) for o in FLOW.outcomes.values()]
    items += [(f"ending {o.id} at the clinic", together(o.clinic_title, o.clinic_text))
              for o in FLOW.outcomes.values() if o.clinic_title is not None]
    items += [(f"guidance: {g.title.get('en')}", g.body) for g in (*FLOW.education, FLOW.safety_net)]
    return items


TEXTS = patient_texts()
CONDITION = {"en": "bone marrow failure", "es": "insuficiencia de la médula ósea"}
PHONE_LINES = [(rule.id, Text({code: PHONE_LINE.fill(reasons=rule.reason).get(code).replace(CONDITION[code], "it")
                               for code in FLOW.languages}))
               for rule in FLOW.rules]


@pytest.mark.parametrize("name, text", TEXTS, ids=[name for name, _ in TEXTS])
def test_english_at_grade_6_or_below(name, text):
    assert flesch_kincaid_grade(text.get("en")) <= 6.0, text.get("en")


@pytest.mark.parametrize("name, text", TEXTS, ids=[name for name, _ in TEXTS])
def test_spanish_reading_ease_70_or_more(name, text):
    assert fernandez_huerta(text.get("es")) >= 70.0, text.get("es")


@pytest.mark.parametrize("rule, line", PHONE_LINES, ids=[rule for rule, _ in PHONE_LINES])
def test_what_to_say_on_the_phone_is_plain_words_at_grade_6_or_below(rule, line):
    """Revision 3: "I have bone marrow failure and ..." with each rule's reason, as the person says it.

    The name of the condition is the one long word the person is told to say, always the same:
    scored as "it", like a drug name, so that the reasons themselves are held to the grade.
    """
    assert flesch_kincaid_grade(line.get("en")) <= 6.0, line.get("en")
    assert fernandez_huerta(line.get("es")) >= 70.0, line.get("es")


def test_a_drug_name_counts_as_one_plain_word():
    """Naming the drugs people know never raises the grade: the same sentence scores the same."""
    named = "Did you take acetaminophen or paracetamol (Tylenol), ibuprofen (Advil, Motrin) or naproxen (Aleve)?"
    plain = "Did you take pills or pills (pills), pills (pills, pills) or pills (pills)?"
    assert flesch_kincaid_grade(named) == flesch_kincaid_grade(plain)
    assert syllables("acetaminophen", "en") == syllables("acetaminofén", "es") == 1
    assert "acetaminophen" in FLOW.questions["fever_reducer"].text.get("en")


@pytest.mark.parametrize("word, language, count", [
    ("fever", "en", 2), ("temperature", "en", 4), ("hematologist", "en", 5), ("bruises", "en", 2),
    ("stools", "en", 1), ("breathe", "en", 1), ("emergency", "en", 4), ("a", "en", 1),
    ("fiebre", "es", 2), ("temperatura", "es", 5), ("emergencias", "es", 4), ("glóbulos", "es", 3),
])
def test_syllables(word, language, count):
    """The scores are only as good as the syllable counts: spot checks of words the flow uses."""
    assert syllables(word, language) == count


@pytest.mark.parametrize("text, harder_than", [
    ("The hematologist will reevaluate your immunosuppressive medication regimen.", 12),
    ("Call your care team now.", -5),
])
def test_the_english_score_tells_hard_from_easy(text, harder_than):
    assert flesch_kincaid_grade(text) > harder_than
