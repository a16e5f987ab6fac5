"""Every exported resource passes two validators: the `fhir.resources` models and @medplum/core's.

The models check shape; @medplum/core's `validateResource` knows R4's StructureDefinitions
(required elements, cardinalities, types, formats such as an `id`). Both see the
Questionnaire Bundle and every Bundle the export writes for the scripted conversations
(finished, unfinished, restarted, amended and reviewed, identified, with an Observation per
finding), each Bundle whole and each resource in it. Without node and the validator's
modules the test skips locally and fails under CI=true (tests/fhir/medplum.py).
"""

from __future__ import annotations

import copy
from dataclasses import replace

from chatbot.fhir import bundle_for
from chatbot.fhir.models import validate as fhir_resources
from chatbot.fhir.questionnaire import questionnaire_bundle
from chatbot.records.backends import open_reader
from chatbot.records.model import Identification

import medplum
from fhirtools import ANSWERS, amend_last, record


def exported(flow, scripts: str, database: str, tmp_path) -> list[dict]:
    """The Questionnaire Bundle, and a Bundle (with finding Observations) for each kept session of the scripts
    (in `scripts`) and for an amended one (recorded in `database`)."""
    amended = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    amend_last(database, flow, amended, ANSWERS["routine"], "yes")
    bundles = [questionnaire_bundle(flow)]
    sessions = []
    for url in (scripts, database):
        with open_reader(url) as reader:
            sessions += [reader.get_session(listed.id) for listed in reader.list_sessions()]
    for number, session in enumerate(sessions):
        if number % 3 == 0:
            session = replace(session, identification=Identification("ticket", f"A{number}"))
        bundles.append(bundle_for(session, flow, observations=True))
    return bundles


def test_every_exported_resource_passes_both_validators(flow, kept_scripts, fast_database):
    medplum.require()
    bundles = exported(flow, kept_scripts[0], *fast_database)
    assert any(bundle["entry"][0]["resource"]["status"] == "amended" for bundle in bundles[1:])
    resources = [resource for bundle in bundles for resource in (bundle, *(e["resource"] for e in bundle["entry"]))]
    for resource in resources:
        fhir_resources(resource)
    kinds = {resource["resourceType"] for resource in resources}
    assert kinds == {"Bundle", "Questionnaire", "CodeSystem", "QuestionnaireResponse", "Observation", "Provenance"}
    results = medplum.validate(resources)
    failed = [f"{r['resourceType']}/{r['id']}: {issue['expression']}: {issue['diagnostics']}"
              for r in results for issue in r["issues"] if issue["severity"] in ("error", "fatal")]
    assert failed == []
    assert len(results) > 300


SPOILT = [
    ("a variable name that is not a FHIR id",
     lambda q: q["extension"][0]["valueExpression"].update(name="reach_danger_signs"), "Invalid id format"),
    ("an item without its linkId", lambda q: q["item"][0].pop("linkId"), "Missing required property"),
    ("an item without its type", lambda q: q["item"][1].pop("type"), "Missing required property"),
    ("an expression without a language",
     lambda q: q["extension"][0]["valueExpression"].pop("language"), "Missing required property"),
]


def test_the_second_validator_is_not_blind(flow):
    """Each spoilt Questionnaire gets an error from @medplum/core naming what is wrong (one node run for all)."""
    medplum.require()
    spoilt = []
    for _, spoil, _ in SPOILT:
        spoilt.append(copy.deepcopy(questionnaire_bundle(flow)["entry"][0]["resource"]))
        spoil(spoilt[-1])
    for (why, _, message), result in zip(SPOILT, medplum.validate(spoilt)):
        assert any(message in issue["diagnostics"] for issue in result["issues"]), (why, result["issues"])
