"""The flow as a FHIR R4 Questionnaire, with the CodeSystems its answers are coded in.

One item per question, `linkId` = the question's id, its text in the flow's first
language and the other languages in the `translation` extension. Types: yes/no →
`boolean`; yes/no/not sure → `choice` (LOINC answer codes); single choice → `choice`
coded from the flow's findings CodeSystem; multiple choice → the same with `repeats`;
temperature → `quantity` in °C or °F (UCUM, `questionnaire-unitOption`), coded LOINC
8310-5. Items come in the order a conversation may ask them. The whole flow rides along
for a Structured Data Capture renderer: the branching as `enableWhen` where FHIR can say
it exactly (`enable_when` explains which) and an `enableWhenExpression` elsewhere, the
routing and the triage rules as root `variable`s, and the level and the ending as hidden,
read-only items with a `calculatedExpression` (all FHIRPath, from `chatbot.fhir.expressions`).
"""

from __future__ import annotations

import copy
from typing import Any

from chatbot.catalog import message
from chatbot.fhir import codes
from chatbot.fhir.codes import option_codes
from chatbot.fhir.check import FhirError
from chatbot.fhir.expressions import FlowExpressions, state_order
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


def option_coding(flow: Flow, question: Question, index: int) -> dict[str, Any]:
    """The Coding of one option of a choice question, displayed in the flow's first language."""
    return {"system": codes.findings_system(flow.name), "code": option_codes(question)[index],
            "display": question.options[index].label.get(flow.languages[0])}


def question_order(flow: Flow) -> list[str]:
    """The questions in the order a conversation may ask them (each after every question that leads to it)."""
    return [name for name in state_order(flow) if name in flow.questions]


def enable_when(flow: Flow) -> dict[str, list[dict[str, Any]]]:
    """The plain `enableWhen` of each question whose way in FHIR can say exactly.

    Two cases: its only way in is the first transition of a yes/no question, taken on
    yes (`= true`); or it always follows the one question before it, whatever the answer
    (`exists`; never after a temperature, which may be left empty as not measured).
    Every other question gets an `enableWhenExpression` instead (`chatbot.fhir.expressions`).
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
        source, transition = flow.questions[ways[0][0]], ways[0][1]
        condition = transition.condition
        if condition is None and len(source.next) == 1 and source.kind != QuestionKind.TEMPERATURE:
            carried[question.id] = [{"question": source.id, "operator": "exists", "answerBoolean": True}]
        elif (source.kind == QuestionKind.YES_NO and source.next[0] is transition and isinstance(condition, Present)
              and condition.finding == source.finding):
            carried[question.id] = [{"question": source.id, "operator": "=", "answerBoolean": True}]
    return carried


def _expression(url: str, expression: str, name: str | None = None) -> dict[str, Any]:
    value = {"name": name} if name else {}
    return {"url": url, "valueExpression": {**value, "language": codes.FHIRPATH, "expression": expression}}


def _item(flow: Flow, question: Question, when: list[dict[str, Any]] | None, reach: str) -> dict[str, Any]:
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
    elif question.id != flow.start:
        item.setdefault("extension", []).append(_expression(codes.ENABLE_WHEN_EXPRESSION, reach))
    return item


def _calculated(link: str, text: str, expression: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    """A hidden, read-only item the renderer computes: one coded answer from `options`."""
    chosen = f"%questionnaire.item.where(linkId='{link}').answerOption.value.where(code = {expression})"
    return {"linkId": link, "text": text, "type": "choice", "readOnly": True,
            "extension": [{"url": codes.HIDDEN, "valueBoolean": True},
                          _expression(codes.CALCULATED_EXPRESSION, chosen)],
            "answerOption": [{"valueCoding": option} for option in options]}


def level_coding(level: str) -> dict[str, Any]:
    return {"system": codes.TRIAGE_LEVELS, "code": level, "display": codes.LEVEL_DISPLAY[level]}


def outcome_coding(flow: Flow, outcome_id: str) -> dict[str, Any]:
    title = flow.outcomes[outcome_id].title.fill(emergency_number=flow.emergency_number)
    return {"system": codes.outcomes_system(flow.name), "code": outcome_id, "display": title.get(flow.languages[0])}


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


def _description(flow: Flow) -> str:
    return (f"The {flow.name} flow (version {flow.version}) of the bone marrow failure symptom checker, one item "
            f"per question, in the order they may be asked. The flow's branching is carried whole: enableWhen where "
            f"FHIR can say it, and elsewhere an SDC enableWhenExpression in FHIRPath over the root variables "
            f"(reachX: the conversation gets to X; a variable per finding, named condition and triage rule), so an "
            f"SDC renderer asks exactly the questions the chatbot asks, and stops where the chatbot stops at an "
            f"emergency. The hidden items {codes.LEVEL_ITEM} and {codes.OUTCOME_ITEM} compute the triage level "
            f"(from the rules) and the ending (from the routing). A temperature item left empty, or with a "
            f"data-absent-reason of not-performed, means the person had not measured it.")


def questionnaire(flow: Flow, validate: bool = True) -> dict[str, Any]:
    """The flow as a Questionnaire (a JSON-able dict), validated with the FHIR models unless told not to."""
    key = (id(flow), validate)
    if key not in _MADE or _MADE[key][0] is not flow:
        _MADE[key] = (flow, _questionnaire(flow, validate))
    return copy.deepcopy(_MADE[key][1])


_MADE: dict[tuple[int, bool], tuple[Flow, dict[str, Any]]] = {}


def _questionnaire(flow: Flow, validate: bool) -> dict[str, Any]:
    expressions = FlowExpressions(flow)
    carried = enable_when(flow)
    reach = {variable.name: variable.expression for variable in expressions.variables}
    for link in (codes.LEVEL_ITEM, codes.OUTCOME_ITEM):
        if link in flow.questions:
            raise FhirError(message("the question id {question} is the linkId of a calculated item: rename the "
                                    "question").fill(question=repr(link)))
    items = [_item(flow, flow.questions[link], carried.get(link), reach[expressions.reach[link]])
             for link in question_order(flow)]
    items.append(_calculated(codes.LEVEL_ITEM, "Triage level", expressions.level,
                             [level_coding(level) for level in codes.LEVEL_DISPLAY]))
    items.append(_calculated(codes.OUTCOME_ITEM, "Ending", expressions.outcome,
                             [outcome_coding(flow, outcome) for outcome in flow.outcomes]))
    resource = {
        "resourceType": "Questionnaire", "id": flow.name,
        "extension": [_expression(codes.VARIABLE, variable.expression, variable.name)
                      for variable in expressions.variables],
        "url": codes.questionnaire_url(flow.name),
        "version": str(flow.version), "name": _name(flow.name), **text_element(flow.welcome.title, flow.languages, "title"),
        "status": "active", "subjectType": ["Patient"], "language": flow.languages[0],
        "description": _description(flow),
        "item": items,
    }
    if validate:
        from chatbot.fhir.models import validate as validated

        validated(resource)
    return resource


def outcomes_codesystem(flow: Flow) -> dict[str, Any]:
    """The CodeSystem of the flow's endings: a concept per outcome, its level in the definition."""
    return {"resourceType": "CodeSystem", "id": f"{flow.name}-outcomes", "url": codes.outcomes_system(flow.name),
            "version": str(flow.version), "name": _name(flow.name) + "Outcomes",
            "title": f"Endings of the {flow.name} flow", "status": "active", "content": "complete",
            "concept": [{**{key: value for key, value in outcome_coding(flow, outcome.id).items() if key != "system"},
                         "definition": f"An ending of level {outcome.level}"} for outcome in flow.outcomes.values()]}


def questionnaire_bundle(flow: Flow) -> dict[str, Any]:
    """`chatbot export questionnaire`: the Questionnaire and its CodeSystems, as a collection Bundle."""
    from chatbot.fhir.models import validate

    resources = [questionnaire(flow), findings_codesystem(flow), outcomes_codesystem(flow), *triage_codesystems(flow)]
    bundle = {"resourceType": "Bundle", "id": f"{flow.name}-questionnaire", "type": "collection",
              "entry": [{"fullUrl": f"{codes.BASE}/{resource['resourceType']}/{resource['id']}", "resource": resource}
                        for resource in resources]}
    for resource in resources[1:]:
        validate(resource)
    return validate(bundle)
