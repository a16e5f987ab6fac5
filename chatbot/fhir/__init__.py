"""Sending results to a record system: the flow as a FHIR R4 Questionnaire, each kept session
as a FHIR R4 Bundle (QuestionnaireResponse, triage Observation, Provenance for each nurse
review or amendment), our own check of a response against the Questionnaire, and posting a
Bundle to a FHIR server.

`codes` (systems, URLs, LOINC and UCUM), `expressions` (the flow's routing and triage as
FHIRPath for an SDC renderer), `questionnaire`, `response` (a stored session's answers as
a QuestionnaireResponse), `observations` (an Observation per answered finding), `bundle`
(`bundle_for(session, flow)`), `check`
(every answer against its Questionnaire item), `models` (validation with `fhir.resources`,
R4B models, which match R4 for these resources), `files` (owner-only output written whole)
and `send`. Every builder returns plain JSON-able dicts.

May import `chatbot.records`, `chatbot.engine`, `chatbot.flowfile` and `chatbot.flow`; never
Textual or the command line. `fhir.resources` (and pydantic) is imported only by `models`,
and only when something is exported: nothing here is on the conversation's start-up path.
"""

from chatbot.fhir.check import FhirError

__all__ = ["FhirError", "bundle_for", "questionnaire_for"]


def bundle_for(session, flow, observations: bool = False) -> dict:
    """A stored session as a validated, checked FHIR R4 transaction Bundle (a dict); `observations`: one per finding."""
    from chatbot.fhir.bundle import bundle_for as build

    return build(session, flow, observations)


def questionnaire_for(flow) -> dict:
    """The flow as a validated FHIR R4 Questionnaire (a dict)."""
    from chatbot.fhir.questionnaire import questionnaire

    return questionnaire(flow)
