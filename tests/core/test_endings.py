"""What each ending must tell the person (triage rules, revisions 2 and 3), held on the flow's own
words in both languages: the safety net, the drug names, pressure only where it reaches, the
urgent endings' opening, the clinic's words of a staffed kiosk, the nurse's third person, and
no "no warning sign" anywhere a person or a nurse reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatbot.flowfile.loader import load_flow

FLOW = load_flow()
PACKAGE = Path(__file__).parents[2] / "chatbot"
SAFETY = FLOW.safety_net.body


def said(text: str) -> str:
    return " ".join(text.replace("**", "").split())


@pytest.mark.parametrize("language, signs", [
    ("en", ["40.0 °C (104.0 °F) or more", "under 35.0 °C (95.0 °F)", "38.0 °C (100.4 °F) or more with a stiff neck",
            "does not stop after 10 minutes of firm pressure", "coffee grounds", "black or tar-like stools",
            "coughing up blood", "a sudden very bad headache", "very sleepy and hard to wake", "a knock to the head",
            "chest pain", "trouble breathing even when sitting still or lying down",
            "fainting or feeling dizzy, with a racing heart, trouble breathing or bleeding",
            "If your white count is low, or you do not know it,", "shaking chills",
            "under 36.0 °C (96.8 °F) with signs of infection", "37.8 °C (100.0 °F) or more", "37.5 °C (99.5 °F) or more",
            'Say "I have bone marrow failure"', "anything is new or worse"]),
    ("es", ["40.0 °C (104.0 °F) o más", "menos de 35.0 °C (95.0 °F)", "38.0 °C (100.4 °F) o más con el cuello rígido",
            "no para después de 10 minutos de apretar fuerte", "café molido", "heces negras o como alquitrán",
            "toser sangre", "dolor de cabeza muy fuerte y de repente", "mucho sueño y le cuesta despertar",
            "un golpe en la cabeza", "dolor en el pecho", "le cuesta respirar aun en reposo, sin moverse",
            "desmayos o mareos, con el corazón muy rápido, falta de aire o sangrado",
            "Si tiene bajos los glóbulos blancos, o no sabe cómo están,", "escalofríos con temblores",
            "menos de 36.0 °C (96.8 °F) con señales de infección", "37.8 °C (100.0 °F) o más", "37.5 °C (99.5 °F) o más",
            'Diga "Tengo insuficiencia de la médula ósea"', "algo es nuevo o está peor"]),
])
def test_the_safety_net_names_every_emergency_sign(language, signs):
    text = said(SAFETY.get(language))
    for sign in signs:
        assert sign in text, sign


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_temperature_the_safety_net_names_is_in_both_units(language):
    celsius = re.findall(r"\d+\.\d °C(?! \()", SAFETY.get(language))
    assert celsius == [] and len(re.findall(r"°C \(\d+\.\d °F\)", SAFETY.get(language))) >= 8


@pytest.mark.parametrize("language, names", [
    ("en", ["acetaminophen", "paracetamol", "Tylenol", "ibuprofen", "Advil", "Motrin", "naproxen", "Aleve", "aspirin"]),
    ("es", ["paracetamol", "acetaminofén", "ibuprofeno", "naproxeno", "aspirina"]),
])
def test_the_fever_reducer_question_names_the_drugs_people_know(language, names):
    question = FLOW.questions["fever_reducer"].text.get(language)
    assert all(name in question for name in names), question


@pytest.mark.parametrize("language, names", [
    ("en", ["aspirin", "ibuprofen", "naproxen"]), ("es", ["aspirina", "ibuprofeno", "naproxeno"])])
def test_the_bleeding_advice_names_the_drugs_to_avoid(language, names):
    advice = next(topic for topic in FLOW.education if topic.title.get("en") == "Avoid bleeding").body.get(language)
    assert all(name in advice for name in names)


@pytest.mark.parametrize("outcome", [o for o in FLOW.outcomes.values() if o.level == "urgent"], ids=lambda o: o.id)
def test_every_urgent_ending_opens_with_see_your_provider_immediately(outcome):
    assert outcome.title.get("en") == "See your provider immediately"
    assert outcome.title.get("es") == "Consulte a su equipo médico de inmediato"
    assert outcome.text.get("en").startswith("Call your care team now.")
    assert outcome.text.get("es").startswith("Llame ahora a su equipo médico.")


@pytest.mark.parametrize("outcome", list(FLOW.outcomes.values()), ids=lambda o: o.id)
def test_pressure_is_advised_only_where_it_reaches(outcome):
    """Nose, gums or a cut: never "press on the spot" for a heavy period or blood in the urine."""
    text = outcome.text.get("en")
    for line in text.splitlines():
        if "press" in line:
            assert "nose" in line and "gums" in line and "cut" in line, line
    if outcome.id == "urgent_period_or_urine":
        assert "press" not in text and "apriete" not in outcome.text.get("es")


@pytest.mark.parametrize("outcome", [o for o in FLOW.outcomes.values() if o.level == "emergency"], ids=lambda o: o.id)
@pytest.mark.parametrize("language, within_a_minute, never", [
    ("en", "If nobody comes to you within a minute, call {emergency_number}.",
     ["Do not drive yourself", "when you get there", "when you arrive", "Call {emergency_number} now"]),
    ("es", "Si nadie viene en un minuto, llame al {emergency_number}.",
     ["No maneje usted", "cuando llegue", "al llegar", "Llame al {emergency_number} ahora"]),
])
def test_every_emergency_has_words_for_a_person_already_at_the_clinic(outcome, language, within_a_minute, never):
    assert outcome.clinic_title is not None and outcome.clinic_text is not None
    text = outcome.clinic_text.get(language)
    assert within_a_minute in text and ("I have bone marrow failure" in text or "Tengo insuficiencia" in text)
    assert [words for words in never if words in text + outcome.clinic_title.get(language)] == []


@pytest.mark.parametrize("rule", FLOW.rules, ids=lambda r: r.id)
def test_the_nurse_reads_each_reason_in_the_third_person(rule):
    assert rule.nurse_reason is not None
    for language, first_person in (("en", r"\b(?:I|my|me|I'm)\b"), ("es", r"\b(?:mis?|me|tengo|estoy|tomé|tuve)\b")):
        assert not re.search(first_person, rule.nurse_reason.get(language)), rule.nurse_reason.get(language)
    assert rule.for_nurse is rule.nurse_reason


def test_no_text_says_no_warning_sign_or_nothing_wrong():
    """Anywhere in the package or the flow: the summary, the station, the screens (revision 3)."""
    banned = re.compile(r"no warning sign|nothing wrong|sin signos? de alarma|ningún signo de alarma|nada malo",
                        re.IGNORECASE)
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html"), Path(FLOW.file)]
    assert [str(path) for path in files if banned.search(path.read_text(encoding="utf-8"))] == []
