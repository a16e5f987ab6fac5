"""`--observations`: an Observation per answered finding, derived from the response, to chart across visits."""

from __future__ import annotations

import json

from chatbot.cli import main
from chatbot.fhir import bundle_for, codes
from chatbot.records.backends import open_reader

from fhirtools import ANSWERS, amend_last, record


def observations(bundle) -> dict:
    """The finding Observations of a Bundle, by finding."""
    found = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation" and resource["code"]["coding"][-1]["code"] != codes.TRIAGE_OBSERVATION:
            found[resource["code"]["coding"][-1]["code"]] = resource
    return found


def test_each_answered_finding_is_an_observation_derived_from_the_response(flow, database, tmp_path):
    """A temperature is a Quantity in Cel coded 8310-5, a yes/no a LOINC code, not sure LA12688-0; all derivedFrom."""
    session_id = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    with open_reader(database) as reader:
        session = reader.get_session(session_id)
    bundle = bundle_for(session, flow, observations=True)
    response = bundle["entry"][0]["resource"]
    found = observations(bundle)
    answered = {name for answer in session.kept_answers for name in answer.findings}
    assert set(found) == answered
    temperature = found["temperature"]
    assert temperature["valueQuantity"] == {"value": 37.0, "unit": "°C", "system": codes.UCUM, "code": "Cel"}
    assert temperature["code"]["coding"][0] == codes.BODY_TEMPERATURE
    assert found["fever_feeling"]["valueCodeableConcept"]["coding"] == [codes.NO]
    assert found["fatigue"]["valueCodeableConcept"]["coding"] == [codes.YES]
    assert all(o["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{response['id']}"}] for o in found.values())
    assert len({o["id"] for o in found.values()}) == len(found)
    assert "temperature" not in observations(bundle_for(session, flow))  # only when asked for


def test_not_sure_and_not_measured_say_so(flow, database, tmp_path):
    """An unknown white count is "Don't know" (never missing); a temperature not measured has a reason, no value."""
    with open_reader(database) as reader:
        session = reader.get_session(record(database, flow, ANSWERS["urgent"], tmp=tmp_path))
    found = observations(bundle_for(session, flow, observations=True))
    assert found["known_low_white_count"]["valueCodeableConcept"]["coding"] == [
        {"system": "http://loinc.org", "code": "LA12688-0", "display": "Don't know"}]
    assert "valueQuantity" not in found["temperature"]
    assert found["temperature"]["dataAbsentReason"]["coding"][0]["code"] == "not-performed"


def test_an_amended_answer_gives_the_amended_finding(flow, database, tmp_path):
    """After a nurse's amendment the finding's Observation holds the new answer, status amended, same id."""
    session_id = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    with open_reader(database) as reader:
        before = observations(bundle_for(reader.get_session(session_id), flow, observations=True))
    amend_last(database, flow, session_id, ANSWERS["routine"], "yes")
    with open_reader(database) as reader:
        after = observations(bundle_for(reader.get_session(session_id), flow, observations=True))
    changed, = [name for name in after if after[name].get("valueCodeableConcept") != before[name].get("valueCodeableConcept")]
    assert after[changed]["valueCodeableConcept"]["coding"] == [codes.YES] and after[changed]["status"] == "amended"
    assert after[changed]["id"] == before[changed]["id"]


def test_the_command_adds_them_with_observations(flow, database, tmp_path):
    """`chatbot records export --fhir --observations` writes them; without the flag there are none."""
    record(database, flow, ANSWERS["emergency"], tmp=tmp_path)
    for flag, expected in (([], 0), (["--observations"], 6)):
        path = tmp_path / f"out{len(flag)}.json"
        assert main(["records", "export", "--database", database, "--fhir", *flag, "-o", str(path)]) == 0
        assert len(observations(json.loads(path.read_text(encoding="utf-8")))) == expected
