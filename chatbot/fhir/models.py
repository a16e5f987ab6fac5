"""Validation of a resource with the `fhir.resources` R4B models (which match R4 for these resources).

The only module of the chatbot that imports `fhir.resources` (and so pydantic): about
140 ms, paid only when something is exported, never on the conversation's start-up path.
The models check the shape of a resource (elements, cardinalities, types, invariants);
they know nothing of our Questionnaire's items, which `chatbot.fhir.check` checks.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from chatbot.catalog import message, plural
from chatbot.fhir.check import FhirError

_MODULES = {"Questionnaire": "questionnaire", "QuestionnaireResponse": "questionnaireresponse",
            "Observation": "observation", "Provenance": "provenance", "Bundle": "bundle",
            "CodeSystem": "codesystem"}


def validate(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource` itself when the R4B model of its type accepts it, else `FhirError` naming the first fault."""
    kind = resource.get("resourceType")
    if kind not in _MODULES:
        raise FhirError(message("cannot validate a resource of type {kind}").fill(kind=repr(kind)))
    model = getattr(import_module(f"fhir.resources.R4B.{_MODULES[kind]}"), kind)
    from pydantic import ValidationError

    try:
        model.model_validate(resource)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise FhirError(plural("{resource} is not valid FHIR: {place}: {error} ({count} problem)",
                               "{resource} is not valid FHIR: {place}: {error} ({count} problems)").count(
            error.error_count()).fill(resource=f"{kind}/{resource.get('id', '?')}", place=where,
                                      error=str(first.get("msg")))) from None
    return resource
