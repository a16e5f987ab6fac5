"""The systems, URLs and codes the FHIR export uses: the product's own and the standard ones.

The product's CodeSystems and extensions live under one canonical base. A clinic that
publishes them elsewhere changes `BASE`; the codes themselves are stable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chatbot.flow.model import Question

BASE = "https://bmf-symptom-checker.example.org/fhir"  # the product's canonical base (not fetched)

# -- the product's own ------------------------------------------------------------------------


def questionnaire_url(flow_name: str) -> str:
    return f"{BASE}/Questionnaire/{flow_name}"


def findings_system(flow_name: str) -> str:
    """The CodeSystem of one flow's findings (a concept per finding, and per choice that shares one)."""
    return f"{BASE}/CodeSystem/{flow_name}-findings"


def outcomes_system(flow_name: str) -> str:
    """The CodeSystem of one flow's outcomes (the endings), coded by their ids."""
    return f"{BASE}/CodeSystem/{flow_name}-outcomes"


def option_codes(question: "Question") -> list[str]:
    """The code of each option of a choice question: its finding, `finding.N` when options share one, `none-of-these`."""
    shared = [option.finding for option in question.options]
    counts: dict[str, int] = {}
    result = []
    for option in question.options:
        if option.none or not option.finding:
            result.append(NONE_OF_THESE)
        elif shared.count(option.finding) == 1:
            result.append(option.finding)
        else:
            counts[option.finding] = counts.get(option.finding, 0) + 1
            result.append(f"{option.finding}.{counts[option.finding]}")
    return result


TRIAGE_LEVELS = f"{BASE}/CodeSystem/triage-level"  # emergency, urgent, routine
TRIAGE_RULES = f"{BASE}/CodeSystem/triage-rule"  # the flow's rule ids (E1, U4, ...)
OBSERVATION_CODES = f"{BASE}/CodeSystem/observation"  # what the triage Observation is
TRIAGE_OBSERVATION = "triage-level"
TICKET_SYSTEM = f"{BASE}/NamingSystem/ticket"  # a clinic's waiting-room ticket
READING_AS_TYPED = f"{BASE}/StructureDefinition/reading-as-typed"  # a temperature as the person typed it
NONE_OF_THESE = "none-of-these"  # the code of a multiple choice's "none" option

LEVEL_DISPLAY = {
    "emergency": "Emergency: call the emergency number now",
    "urgent": "Urgent: contact the care team today",
    "routine": "Routine: self-care guidance",
}

# -- standard ---------------------------------------------------------------------------------

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
UNIT_OPTION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DATA_ABSENT_CODES = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

LOINC = "http://loinc.org"
BODY_TEMPERATURE = {"system": LOINC, "code": "8310-5", "display": "Body temperature"}

UCUM = "http://unitsofmeasure.org"
CELSIUS = {"system": UCUM, "code": "Cel", "display": "°C"}
FAHRENHEIT = {"system": UCUM, "code": "[degF]", "display": "°F"}
UNITS = (CELSIUS, FAHRENHEIT)

# SDC (Structured Data Capture): FHIRPath that a renderer evaluates, and items it computes.
VARIABLE = "http://hl7.org/fhir/StructureDefinition/variable"
ENABLE_WHEN_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
CALCULATED_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
FHIRPATH = "text/fhirpath"
LEVEL_ITEM = "triage-level"  # the linkIds of the calculated items
OUTCOME_ITEM = "triage-outcome"

# Yes / no / not sure, as LOINC answer codes.
YES = {"system": LOINC, "code": "LA33-6", "display": "Yes"}
NO = {"system": LOINC, "code": "LA32-8", "display": "No"}
NOT_SURE = {"system": LOINC, "code": "LA12688-0", "display": "Don't know"}  # not "Unknown": that may read as missing
YES_NO_UNSURE = {True: YES, False: NO, None: NOT_SURE}
