"""A kept session as a FHIR R4 transaction Bundle: what a record system receives.

The Bundle holds the QuestionnaireResponse; when the session ended with a level, an
Observation of the triage level (category `survey`, coded from the product's
triage-level CodeSystem, each triage rule that held as a component and a note,
`derivedFrom` the response); when asked, an Observation per answered finding; and a
Provenance for each nurse review or amendment.
Each entry is a PUT to an id made from the session's id, so sending a session again
updates it instead of adding a copy. Every resource is validated with the FHIR models
and the response checked against the flow's Questionnaire; nothing that fails is returned.
"""

from __future__ import annotations

import uuid
from typing import Any

from chatbot.fhir import codes
from chatbot.fhir.check import check_response
from chatbot.fhir.observations import finding_observations
from chatbot.fhir.questionnaire import questionnaire
from chatbot.fhir.response import amended, instant, questionnaire_response, subject
from chatbot.flow.model import Flow
from chatbot.records.model import StoredEvent, StoredSession

_NAMESPACE = uuid.UUID("6f1c2c1e-6a43-4c52-9d0b-0c7f6f0e1b15")  # fullUrls are stable for one session


def reference(resource: dict[str, Any]) -> str:
    return f"{resource['resourceType']}/{resource['id']}"


def triage_observation(session: StoredSession, response: dict[str, Any]) -> dict[str, Any]:
    """The triage level of a finished session, derived from its response."""
    observation: dict[str, Any] = {
        "resourceType": "Observation", "id": f"{session.id}-triage",
        "status": "amended" if amended(session) else "final",
        "category": [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": codes.OBSERVATION_CODES, "code": codes.TRIAGE_OBSERVATION,
                             "display": "Symptom checker triage level"}]},
    }
    who = subject(session)
    if who:
        observation["subject"] = who
    observation["effectiveDateTime"] = instant(session.finished_at)
    observation["valueCodeableConcept"] = {
        "coding": [{"system": codes.TRIAGE_LEVELS, "code": session.level, "display": codes.LEVEL_DISPLAY[session.level]}],
        "text": session.outcome_title or session.level}
    observation["derivedFrom"] = [{"reference": reference(response)}]
    notes = [f"Outcome {session.outcome}: {session.outcome_title}"]
    notes += [f"Rule {reason.id}: {reason.reason}" for reason in session.reasons]
    observation["note"] = [{"text": note} for note in notes]
    if session.reasons:
        observation["component"] = [
            {"code": {"coding": [{"system": codes.TRIAGE_RULES, "code": reason.id}], "text": reason.reason},
             "valueBoolean": True} for reason in session.reasons]
    return observation


def _shown(side: dict[str, Any] | None) -> str:
    return (side or {}).get("shown") or "(no answer)"


def provenance(session: StoredSession, event: StoredEvent, number: int, targets: list[str]) -> dict[str, Any]:
    """Who reviewed or amended the session, when, and what changed."""
    detail = event.detail
    at = instant(event.at)
    version = f" (record version {detail['version']})" if detail.get("version") is not None else ""
    resource: dict[str, Any] = {"resourceType": "Provenance", "id": f"{session.id}-provenance-{number}",
                                "target": [{"reference": target} for target in targets],
                                "occurredDateTime": at, "recorded": at}
    if event.kind == "amended":
        resource["reason"] = [{"text": detail["reason"]}] if detail.get("reason") else []
        resource["activity"] = {"coding": [{"system": codes.DATA_OPERATION, "code": "UPDATE", "display": "revise"}],
                                "text": "Amended by a nurse" + version}
        role = {"system": codes.PROVENANCE_PARTICIPANT, "code": "author", "display": "Author"}
        what = (f"{detail.get('question_id')}: {_shown(detail.get('old'))} -> {_shown(detail.get('new'))}; "
                f"level {detail.get('old_level')} -> {detail.get('new_level')}, "
                f"outcome {detail.get('old_outcome')} -> {detail.get('new_outcome')}")
        resource["entity"] = [{"role": "revision", "what": {"reference": targets[0], "display": what}}]
        if not resource["reason"]:
            del resource["reason"]
    else:
        resource["activity"] = {"text": "Reviewed by a nurse" + version}
        role = {"system": codes.PROVENANCE_PARTICIPANT, "code": "verifier", "display": "Verifier"}
    resource["agent"] = [{"type": {"coding": [role]}, "who": {"display": event.actor or "staff"}}]
    return resource


def bundle_for(session: StoredSession, flow: Flow, observations: bool = False) -> dict[str, Any]:
    """The session as a transaction Bundle (a JSON-able dict), validated and checked; `FhirError` otherwise.

    `session` must be read with its events (`SessionReader.get_session`) for its
    reviews and amendments to be carried. `observations`: also an Observation per
    answered finding (`chatbot.fhir.observations`).
    """
    from chatbot.fhir.models import validate

    response = questionnaire_response(session, flow)
    check_response(response, questionnaire(flow))
    resources = [response]
    if session.status == "finished" and session.level:
        resources.append(triage_observation(session, response))
    if observations:
        resources += finding_observations(session, flow, reference(response))
    targets = [reference(resource) for resource in resources]
    staff_events = [event for event in session.events if event.kind in ("reviewed", "amended")]
    resources += [provenance(session, event, number, targets) for number, event in enumerate(staff_events, 1)]
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": f"urn:uuid:{uuid.uuid5(_NAMESPACE, reference(resource))}", "resource": resource,
         "request": {"method": "PUT", "url": reference(resource)}} for resource in resources]}
    for resource in resources:
        validate(resource)
    return validate(bundle)
