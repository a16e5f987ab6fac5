"""The flow as a Questionnaire and kept sessions as Bundles: typed, valid, checked twice, golden, read back."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.engine import Conversation
from chatbot.fhir import FhirError, bundle_for
from chatbot.fhir import codes
from chatbot.fhir.check import check_response, response_problems
from chatbot.fhir.models import validate
from chatbot.fhir.questionnaire import questionnaire
from chatbot.fhir.response import answers_of
from chatbot.records.backends import open_reader
from chatbot.records.model import Identification
from chatbot.records.recorder import Recorder

from fhirtools import ANSWERS, amend_last, fixed, record

GOLDEN = Path(__file__).parent / "golden"


def items(flow) -> dict:
    return {item["linkId"]: item for item in questionnaire(flow)["item"]}


@pytest.mark.parametrize("link, kind, repeats", [
    ("feverish", "boolean", None), ("white_count", "choice", None), ("danger_signs", "choice", True),
    ("infection_signs", "choice", True), ("temperature", "quantity", None)])
def test_each_question_kind_has_its_item_type(flow, link, kind, repeats):
    """Yes/no is boolean, not sure and choices are coded choices, a multiple choice repeats, a temperature is a quantity."""
    item = items(flow)[link]
    assert (item["type"], item.get("repeats")) == (kind, repeats)


def test_items_carry_translations_units_and_loinc(flow):
    """Spanish rides in the translation extension; the temperature offers Cel and [degF] and is coded 8310-5."""
    item = items(flow)["temperature"]
    translation = item["_text"]["extension"][0]
    assert translation["url"] == codes.TRANSLATION and translation["extension"][0] == {"url": "lang", "valueCode": "es"}
    assert [e["valueCoding"]["code"] for e in item["extension"] if e["url"] == codes.UNIT_OPTION] == ["Cel", "[degF]"]
    assert item["code"][0]["code"] == "8310-5"
    shared = [option["valueCoding"]["code"] for option in items(flow)["infection_signs"]["answerOption"]]
    assert shared == ["infection_signs.1", "infection_signs.2", "infection_signs.3", "infection_signs.4", "none-of-these"]


def test_branching_fhir_can_say_is_enable_when_and_the_rest_an_enable_when_expression(flow):
    """A follow-up to one yes is a plain enableWhen; a question reached by the chatbot's own logic has FHIRPath."""
    by_id = items(flow)
    assert by_id["fatigue_worse"]["enableWhen"] == [{"question": "fatigue", "operator": "=", "answerBoolean": True}]
    expression, = [e["valueExpression"] for e in by_id["fever_reducer"]["extension"]
                   if e["url"] == codes.ENABLE_WHEN_EXPRESSION]
    assert "enableWhen" not in by_id["fever_reducer"] and expression["language"] == "text/fhirpath"
    assert "%reachTemperature" in expression["expression"] and "%lowCount" in expression["expression"]


def test_the_level_and_the_ending_are_hidden_calculated_items(flow):
    """A renderer computes them and keeps them from the person's screen; the rules are named root variables."""
    q = questionnaire(flow)
    variables = [e["valueExpression"]["name"] for e in q["extension"] if e["url"] == codes.VARIABLE]
    assert [rule.id for rule in flow.rules] == [name for name in variables if name in {r.id for r in flow.rules}]
    for link in (codes.LEVEL_ITEM, codes.OUTCOME_ITEM):
        item = items(flow)[link]
        assert item["readOnly"] is True and {"url": codes.HIDDEN, "valueBoolean": True} in item["extension"]
        assert any(e["url"] == codes.CALCULATED_EXPRESSION for e in item["extension"])
    assert [o["valueCoding"]["code"] for o in items(flow)[codes.OUTCOME_ITEM]["answerOption"]] == list(flow.outcomes)


BROKEN = [
    ("an unknown linkId", lambda r: r["item"].append({"linkId": "nope", "answer": [{"valueBoolean": True}]}),
     "'nope' is not an item"),
    ("a boolean answered with a string", lambda r: r["item"][2]["answer"].__setitem__(0, {"valueString": "y"}),
     "answered with valueString"),
    ("an option the item lacks", lambda r: r["item"][1]["answer"][0]["valueCoding"].__setitem__("code", "LA0-0"),
     "does not offer"),
    ("two answers to an item that does not repeat",
     lambda r: r["item"][2]["answer"].append({"valueBoolean": False}), "does not repeat"),
    ("a temperature in kelvin",
     lambda r: r["item"][3]["answer"][0]["valueQuantity"].update(code="K", unit="K"), "does not allow the unit"),
    ("an answer to a disabled item", lambda r: r["item"].append(
        {"linkId": "bleeding_where", "answer": [{"valueCoding": {"system": codes.findings_system("bmf-symptoms"),
                                                                  "code": "coughing_blood"}}]}), "enableWhen"),
]


@pytest.mark.parametrize("why, spoil, message", BROKEN, ids=[row[0] for row in BROKEN])
def test_our_check_refuses_what_the_models_accept(flow, database, tmp_path, why, spoil, message):
    """The FHIR models pass each of these; our check against the Questionnaire does not."""
    session_id = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    with open_reader(database) as reader:
        response = bundle_for(reader.get_session(session_id), flow)["entry"][0]["resource"]
    spoiled = copy.deepcopy(response)
    spoil(spoiled)
    validate(spoiled)
    with pytest.raises(FhirError, match=message):
        check_response(spoiled, questionnaire(flow))


def test_the_models_refuse_what_is_not_fhir():
    """A time that is not a FHIR dateTime, or an item without its linkId, is refused by the models, in one line."""
    for spoilt in ({"authored": "yesterday"}, {"item": [{"text": "no linkId"}]}):
        with pytest.raises(FhirError, match="not valid FHIR"):
            validate({"resourceType": "QuestionnaireResponse", "id": "x", "status": "completed", **spoilt})


def _golden_sessions(flow, database, tmp_path) -> dict:
    sessions = {level: record(database, flow, typed, tmp=tmp_path) for level, typed in ANSWERS.items()}
    sessions["amended"] = record(database, flow, ANSWERS["routine"], tmp=tmp_path)
    amend_last(database, flow, sessions["amended"], ANSWERS["routine"], "yes")
    with open_reader(database) as reader:
        return {name: fixed(reader.get_session(session_id), name) for name, session_id in sessions.items()}


def test_bundles_match_the_golden_files(flow, database, tmp_path):
    """One session of each level and an amended one, ids and times fixed, exported exactly as the golden files say.

    CHATBOT_UPDATE_GOLDEN=1 rewrites them (read the diff before committing it).
    """
    for name, session in _golden_sessions(flow, database, tmp_path).items():
        text = json.dumps(bundle_for(session, flow), indent=2, ensure_ascii=False) + "\n"
        path = GOLDEN / f"bundle-{name}.json"
        if os.environ.get("CHATBOT_UPDATE_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"


def test_the_questionnaire_matches_its_golden_file(flow):
    """The Questionnaire and its CodeSystems, expressions included, exactly as the golden file says.

    A change to the flow shows here as a change of FHIRPath: read it (CHATBOT_UPDATE_GOLDEN=1 rewrites it).
    """
    from chatbot.fhir.questionnaire import questionnaire_bundle

    text = json.dumps(questionnaire_bundle(flow), indent=2, ensure_ascii=False) + "\n"
    path = GOLDEN / "questionnaire.json"
    if os.environ.get("CHATBOT_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"


def test_an_amended_session_is_amended_with_a_provenance_per_nurse_action(flow, database, tmp_path):
    """After an amendment the response is `amended`, the level is the re-run's, and each action has a Provenance."""
    bundle = bundle_for(_golden_sessions(flow, database, tmp_path)["amended"], flow)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    response, observation = bundle["entry"][0]["resource"], bundle["entry"][1]["resource"]
    assert kinds == ["QuestionnaireResponse", "Observation", "Provenance", "Provenance"]
    assert response["status"] == "amended" and observation["status"] == "amended"
    assert observation["valueCodeableConcept"]["coding"][0]["code"] == "urgent"
    assert answers_of(response, flow)["new_or_worse"] is True


def test_every_scripted_conversation_exports_and_reads_back(flow, kept_scripts):
    """Each replayed script's session passes both checks, and its Bundle gives back the same answers and level."""
    database, left = kept_scripts
    replayed = [session for session in left if session.last]
    assert len(replayed) > 20
    with open_reader(database) as reader:
        for kept in replayed:
            session = reader.get_session(kept.session_id)
            bundle = bundle_for(session, flow)
            response = bundle["entry"][0]["resource"]
            assert response_problems(response, questionnaire(flow)) == []
            assert answers_of(response, flow) == {answer.question_id: answer.value
                                                  for answer in session.kept_answers}
            levels = [entry["resource"]["valueCodeableConcept"]["coding"][0]["code"] for entry in bundle["entry"]
                      if entry["resource"]["resourceType"] == "Observation"]
            assert levels == ([kept.level] if kept.level is not None else [])


@pytest.mark.parametrize("identification, subject", [
    (None, None),
    ({"kind": "ticket", "value": "A12"},
     {"identifier": {"system": codes.TICKET_SYSTEM, "value": "A12"}, "display": "Ticket A12"}),
    ({"kind": "name_dob", "name": "Ana Ruiz", "born": "1961-04-03"}, {"display": "Ana Ruiz (born 1961-04-03)"}),
])
def test_the_subject_is_the_identification_only_when_set(flow, database, tmp_path, identification, subject):
    """No identification, no subject; a ticket is an identifier, a name and birth date a display."""
    with open_reader(database) as reader:
        session = reader.get_session(record(database, flow, ANSWERS["emergency"], tmp=tmp_path))
    session.identification = Identification.from_json(identification)
    response = bundle_for(session, flow)["entry"][0]["resource"]
    assert response.get("subject") == subject


def test_an_unfinished_session_is_in_progress_without_a_level(flow, database, tmp_path):
    """Half a conversation is a response in progress, and no triage Observation."""
    recorder = Recorder(database, place="replay", unsaved_dir=tmp_path)
    conversation = Conversation(flow)
    conversation.start()
    recorder.begin(conversation)
    for typed in ANSWERS["routine"][:3]:
        conversation.answer(typed)
        recorder.answered(conversation)
    assert recorder.wait()
    with open_reader(database) as reader:
        bundle = bundle_for(reader.get_session(recorder.session_id), flow)
    recorder.close()
    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["QuestionnaireResponse"]
    assert bundle["entry"][0]["resource"]["status"] == "in-progress"


def test_fhir_resources_is_loaded_only_by_an_export():
    """Importing the FHIR package, the commands and the records loads neither fhir.resources nor pydantic."""
    code = ("import sys, chatbot.cli, chatbot.commands.export, chatbot.commands.records, chatbot.fhir, "
            "chatbot.fhir.bundle, chatbot.fhir.export, chatbot.records.recorder\n"
            "print([m for m in sys.modules if m.split('.')[0] in ('fhir', 'pydantic')])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
