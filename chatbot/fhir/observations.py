"""One Observation per answered finding, derived from the response: what an SDC `$extract` gives.

A record system charts findings, not questionnaires: a patient's temperatures across
visits, or how often they reported bleeding. Each finding the kept answers set (the
latest answer that set it, as the engine keeps it) becomes an Observation: category
`survey`, coded by the flow's findings CodeSystem (a temperature also LOINC 8310-5), its
value a Quantity in °C (UCUM `Cel`) for a temperature (not measured: no value and a
data-absent-reason), else a LOINC answer code (yes LA33-6, no LA32-8, not sure
LA12688-0); effective when it was answered, `derivedFrom` the QuestionnaireResponse.
Ids are stable for a session and a finding, so sending again updates them.
"""

from __future__ import annotations

import uuid
from typing import Any

from chatbot.fhir import codes
from chatbot.fhir.response import amended, instant, subject
from chatbot.flow.kinds import FindingType
from chatbot.flow.model import Flow
from chatbot.records.model import StoredSession

_NAMESPACE = uuid.UUID("0b8a7f52-3f0e-4b8e-9a57-1c9e4f1f6d21")


def _value(flow: Flow, finding: str, value: Any) -> dict[str, Any]:
    if flow.findings[finding].type == FindingType.TEMPERATURE:
        if value is None:
            return {"dataAbsentReason": {"coding": [{"system": codes.DATA_ABSENT_CODES, "code": "not-performed",
                                                     "display": "Not Performed"}]}}
        return {"valueQuantity": {"value": value, "unit": "°C", "system": codes.UCUM, "code": "Cel"}}
    return {"valueCodeableConcept": {"coding": [dict(codes.YES_NO_UNSURE[value])]}}


def finding_observations(session: StoredSession, flow: Flow, response_reference: str) -> list[dict[str, Any]]:
    """An Observation for each finding the session's kept answers set, in the flow's order of findings."""
    latest: dict[str, tuple[Any, dict[str, Any]]] = {}
    for answer in sorted(session.kept_answers, key=lambda answer: answer.seq):
        for name, value in (answer.findings or {}).items():
            if name in flow.findings:
                latest[name] = (value, answer)
    who = subject(session)
    observations = []
    for name in (name for name in flow.findings if name in latest):
        value, answer = latest[name]
        finding = flow.findings[name]
        coding = [{"system": codes.findings_system(flow.name), "code": name,
                   "display": finding.means or name.replace("_", " ")}]
        if finding.type == FindingType.TEMPERATURE:
            coding.insert(0, dict(codes.BODY_TEMPERATURE))
        observation: dict[str, Any] = {
            "resourceType": "Observation", "id": str(uuid.uuid5(_NAMESPACE, f"{session.id}/{name}")),
            "status": "amended" if amended(session) else "final",
            "category": [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
            "code": {"coding": coding, "text": finding.means or name.replace("_", " ")},
        }
        if who:
            observation["subject"] = who
        observation["effectiveDateTime"] = instant(answer.answered_at)
        observation.update(_value(flow, name, value))
        observation["derivedFrom"] = [{"reference": response_reference}]
        observations.append(observation)
    return observations
