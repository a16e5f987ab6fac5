"""The flow as a FHIR R4 Questionnaire, with the CodeSystems its answers are coded in.

One item per question, `linkId` = the question's id, its text in the flow's first
language and the other languages in the `translation` extension. Types: yes/no →
`boolean`; yes/no/not sure → `choice` (LOINC answer codes); single choice → `choice`
coded from the flow's findings CodeSystem; multiple choice → the same with `repeats`;
temperature → `quantity` in °C or °F (UCUM, `questionnaire-unitOption`), coded LOINC
8310-5. Branching is carried as `enableWhen` where FHIR can say it exactly (`enable_when`
explains which); the Questionnaire's description names the items where it cannot.
"""

from __future__ import annotations

import copy
from typing import Any

from chatbot.fhir import codes
from chatbot.flow.conditions import Present
from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Flow, Question
from chatbot.flow.text import Text


def text_element(text: Text, languages: tuple[str, ...], name: str) -> dict[str, Any]:
    """`{name: first language, _name: translation extensions}` for a text."""
    element: dict[str, Any] = {name: text.get(languages[0])}
    translations = [{"url": codes.TRANSLATION,
                     "extension": [{"url": "lang", "valueCode": language},
                                   {"url": "content", "valueString": text.by_language[language]}]}
                    for language in languages[1:] if language in text.by_language]
    if translations:
        element[f"_{name}"] = {"extension": translations}
    return element


def option_codes(question: Question) -> list[str]:
    """The code of each option: its finding, `finding.N` when options share one, `none-of-these`."""
    shared = [option.finding for option in question.options]
    counts: dict[str, int] = {}
    result = []
    for option in question.options:
        if option.none or not option.finding:
            result.append(codes.NONE_OF_THESE)
        elif shared.count(option.finding) == 1:
            result.append(option.finding)
        else:
            counts[option.finding] = counts.get(option.finding, 0) + 1
            result.append(f"{option.finding}.{counts[option.finding]}")
    return result


def option_coding(flow: Flow, question: Question, index: int) -> dict[str, Any]:
    """The Coding of one option of a choice question, displayed in the flow's first language."""
    return {"system": codes.findings_system(flow.name), "code": option_codes(question)[index],
            "display": question.options[index].label.get(flow.languages[0])}


def enable_when(flow: Flow) -> dict[str, list[dict[str, Any]]]:
    """The `enableWhen` of each question whose branching FHIR can carry exactly.

    A question is enabled exactly when FHIR would enable it in two cases: its only way in
    is a yes to the one yes/no question before it (`= true`), or it always follows the
    one question before it, whatever the answer (`exists`; never after a temperature, which
    may be left unanswered as not measured). Every other way in (a route,
    several questions, a condition on several findings or on a temperature range) is the
    chatbot's own logic and is named in the Questionnaire's description instead.
    """
    incoming: dict[str, list[tuple[str, Any]]] = {}
    for source in (*flow.questions.values(), *flow.routes.values()):
        for transition in source.next:
            incoming.setdefault(transition.goto, []).append((source.id, transition))
    carried = {}
    for question in flow.questions.values():
        ways = incoming.get(question.id, [])
        if question.id == flow.start or len(ways) != 1 or ways[0][0] not in flow.questions:
            continue
        source = flow.questions[ways[0][0]]
        condition = ways[0][1].condition
        if condition is None and len(source.next) == 1 and source.kind != QuestionKind.TEMPERATURE:
            carried[question.id] = [{"question": source.id, "operator": "exists", "answerBoolean": True}]
        elif (source.kind == QuestionKind.YES_NO and isinstance(condition, Present)
              and condition.finding == source.finding):
            carried[question.id] = [{"question": source.id, "operator": "=", "answerBoolean": True}]
    return carried


def _item(flow: Flow, question: Question, when: list[dict[str, Any]] | None) -> dict[str, Any]:
    languages = flow.languages
    item: dict[str, Any] = {"linkId": question.id, **text_element(question.text, languages, "text")}
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        item["type"] = "boolean"
    elif kind == QuestionKind.YES_NO_UNSURE:
        item["type"] = "choice"
        item["answerOption"] = [{"valueCoding": dict(codes.YES_NO_UNSURE[value])} for value in (True, False, None)]
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        item["type"] = "choice"
        if kind == QuestionKind.MULTIPLE_CHOICE:
            item["repeats"] = True
        item["answerOption"] = []
        for index, option in enumerate(question.options):
            coding = option_coding(flow, question, index)
            coding.update({key: value for key, value in text_element(option.label, languages, "display").items()
                           if key.startswith("_")})
            item["answerOption"].append({"valueCoding": coding})
    elif kind == QuestionKind.TEMPERATURE:
        item["type"] = "quantity"
        item["code"] = [dict(codes.BODY_TEMPERATURE)]
        item["extension"] = [{"url": codes.UNIT_OPTION, "valueCoding": dict(unit)} for unit in codes.UNITS]
    else:  # pragma: no cover - the loader admits no other kind
        raise ValueError(f"question {question.id}: no FHIR item type for kind {kind}")
    if when:
        item["enableWhen"] = when
    return item


def findings_codesystem(flow: Flow) -> dict[str, Any]:
    """The CodeSystem of the flow's findings: a concept per finding, with a child per choice that shares one."""
    concepts: dict[str, dict[str, Any]] = {
        name: {"code": name, "display": finding.means or name.replace("_", " ")}
        for name, finding in flow.findings.items()}
    for question in flow.questions.values():
        for index, code in enumerate(option_codes(question)):
            finding = question.options[index].finding
            if code == codes.NONE_OF_THESE or code == finding:
                continue
            parent = concepts[finding].setdefault("concept", [])
            if all(child["code"] != code for child in parent):
                parent.append({"code": code, "display": question.options[index].label.get(flow.languages[0])})
    none = {"code": codes.NONE_OF_THESE, "display": "None of these"}
    return {"resourceType": "CodeSystem", "id": f"{flow.name}-findings", "url": codes.findings_system(flow.name),
            "version": str(flow.version), "name": _name(flow.name) + "Findings",
            "title": f"Findings of the {flow.name} flow", "status": "active", "content": "complete",
            "hierarchyMeaning": "is-a", "concept": [*concepts.values(), none]}


def triage_codesystems(flow: Flow) -> list[dict[str, Any]]:
    """The product's triage levels, the flow's rule ids, and the code of the triage Observation."""
    language = flow.languages[0]
    return [
        {"resourceType": "CodeSystem", "id": "triage-level", "url": codes.TRIAGE_LEVELS, "version": "1",
         "name": "TriageLevel", "title": "Symptom checker triage level", "status": "active", "content": "complete",
         "concept": [{"code": level, "display": display} for level, display in codes.LEVEL_DISPLAY.items()]},
        {"resourceType": "CodeSystem", "id": "triage-rule", "url": codes.TRIAGE_RULES, "version": str(flow.version),
         "name": "TriageRule", "title": f"Triage rules of the {flow.name} flow", "status": "active",
         "content": "complete",
         "concept": [{"code": rule.id, "display": f"{rule.level}: {rule.reason.get(language)}"} for rule in flow.rules]},
        {"resourceType": "CodeSystem", "id": "observation", "url": codes.OBSERVATION_CODES, "version": "1",
         "name": "SymptomCheckerObservation", "title": "What the symptom checker observes", "status": "active",
         "content": "complete",
         "concept": [{"code": codes.TRIAGE_OBSERVATION, "display": "Symptom checker triage level"}]},
    ]


def _name(flow_name: str) -> str:
    return "".join(part.capitalize() for part in flow_name.replace("_", "-").split("-") if part)


def _description(flow: Flow, carried: dict[str, list]) -> str:
    others = [question for question in flow.questions if question not in carried and question != flow.start]
    return (f"The {flow.name} flow (version {flow.version}) of the bone marrow failure symptom checker, one item "
            f"per question. Note on branching: FHIR enableWhen carries it exactly for "
            f"{', '.join(sorted(carried)) or 'no item'}. It cannot carry the rest, which the chatbot decides from "
            f"several answers, temperature ranges and its routes: {', '.join(others)} may or may not be asked "
            f"on a given path, and a conversation stops at the first answer that makes an emergency certain, so "
            f"later items are then left unanswered. A temperature item with no answer and a data-absent-reason "
            f"of not-performed means the person said they had not measured it.")


def questionnaire(flow: Flow, validate: bool = True) -> dict[str, Any]:
    """The flow as a Questionnaire (a JSON-able dict), validated with the FHIR models unless told not to."""
    key = (id(flow), validate)
    if key not in _MADE or _MADE[key][0] is not flow:
        _MADE[key] = (flow, _questionnaire(flow, validate))
    return copy.deepcopy(_MADE[key][1])


_MADE: dict[tuple[int, bool], tuple[Flow, dict[str, Any]]] = {}


def _questionnaire(flow: Flow, validate: bool) -> dict[str, Any]:
    carried = enable_when(flow)
    resource = {
        "resourceType": "Questionnaire", "id": flow.name, "url": codes.questionnaire_url(flow.name),
        "version": str(flow.version), "name": _name(flow.name), **text_element(flow.welcome.title, flow.languages, "title"),
        "status": "active", "subjectType": ["Patient"], "language": flow.languages[0],
        "description": _description(flow, carried),
        "item": [_item(flow, question, carried.get(question.id)) for question in flow.questions.values()],
    }
    if validate:
        from chatbot.fhir.models import validate as validated

        validated(resource)
    return resource


def questionnaire_bundle(flow: Flow) -> dict[str, Any]:
    """`chatbot export questionnaire`: the Questionnaire and its CodeSystems, as a collection Bundle."""
    from chatbot.fhir.models import validate

    resources = [questionnaire(flow), findings_codesystem(flow), *triage_codesystems(flow)]
    bundle = {"resourceType": "Bundle", "id": f"{flow.name}-questionnaire", "type": "collection",
              "entry": [{"fullUrl": f"{codes.BASE}/{resource['resourceType']}/{resource['id']}", "resource": resource}
                        for resource in resources]}
    for resource in resources[1:]:
        validate(resource)
    return validate(bundle)
