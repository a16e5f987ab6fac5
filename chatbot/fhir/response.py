"""A kept session's answers as a FHIR R4 QuestionnaireResponse, and read back from one.

The answers are the session's current ones (not withdrawn, by back or by a nurse's
amendment), in the Questionnaire's order, each typed as its item: a yes/no as
`valueBoolean`, yes/no/not sure and choices as `valueCoding`, a temperature as a
`valueQuantity` in °C with the reading as the person typed it in an extension. A
temperature not measured is the item with no answer and a data-absent-reason. A finished
session also answers the Questionnaire's calculated items, the level and the ending, as
an SDC renderer would.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from chatbot.catalog import message
from chatbot.fhir import codes
from chatbot.fhir.check import FhirError
from chatbot.fhir.questionnaire import level_coding, option_codes, option_coding, outcome_coding, question_order
from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Flow
from chatbot.records.model import StoredAnswer, StoredSession

STATUS = {"finished": "completed", "unfinished": "in-progress", "abandoned": "stopped"}


def instant(when: datetime) -> str:
    """A FHIR instant / dateTime: UTC, to the millisecond."""
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def amended(session: StoredSession) -> bool:
    return session.amended


def subject(session: StoredSession) -> dict[str, Any] | None:
    """Who answered, as the clinic identified them (a ticket, or a name and birth date); None when not set."""
    identification = session.identification
    if identification is None:
        return None
    if identification.kind == "ticket":
        return {"identifier": {"system": codes.TICKET_SYSTEM, "value": identification.value},
                "display": f"Ticket {identification.value}"}
    if identification.kind == "name_dob":
        return {"display": f"{identification.name} (born {identification.born})"}
    raise FhirError(message("session {session}: unknown identification kind {kind}").fill(
        session=session.id, kind=repr(identification.kind)))


def _answer_item(flow: Flow, answer: StoredAnswer) -> dict[str, Any]:
    link = answer.question_id
    question = flow.questions.get(link)
    item: dict[str, Any] = {"linkId": link, "text": answer.question_text}
    if question is None:  # the check refuses it, naming the linkId
        item["answer"] = [{"valueString": answer.shown}]
        return item
    value = answer.value
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        item["answer"] = [{"valueBoolean": bool(value)}]
    elif kind == QuestionKind.YES_NO_UNSURE:
        item["answer"] = [{"valueCoding": dict(codes.YES_NO_UNSURE[value])}]
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        chosen = value if isinstance(value, list) else [value]
        if not all(isinstance(index, int) and 0 <= index < len(question.options) for index in chosen):
            raise FhirError(message("the answer to {question} names an option the question does not have: "
                                    "{value}").fill(question=repr(link), value=repr(value)))
        item["answer"] = [{"valueCoding": option_coding(flow, question, index)} for index in chosen]
    elif value is None:  # a temperature not measured
        item["extension"] = [{"url": codes.DATA_ABSENT_REASON, "valueCode": "not-performed"}]
    else:
        item["answer"] = [{"valueQuantity": {"value": value, "unit": "°C", "system": codes.UCUM, "code": "Cel"},
                           "extension": [{"url": codes.READING_AS_TYPED, "valueString": answer.typed}]}]
    return item


def questionnaire_response(session: StoredSession, flow: Flow) -> dict[str, Any]:
    """The session's current answers as a QuestionnaireResponse (a JSON-able dict, not yet validated)."""
    if session.flow_name != flow.name:
        raise FhirError(message("session {session} was answered on flow {answered}, not {flow}: export it with that "
                                "flow (--flow)").fill(session=session.id, answered=repr(session.flow_name),
                                                      flow=repr(flow.name)))
    order = {link: number for number, link in enumerate(question_order(flow))}
    kept = sorted(session.kept_answers, key=lambda answer: (order.get(answer.question_id, len(order)), answer.seq))
    times = [answer.answered_at for answer in session.kept_answers]
    authored = session.finished_at or (max(times) if times else session.started_at)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse", "id": session.id,
        "language": session.language,
        "questionnaire": f"{codes.questionnaire_url(session.flow_name)}|{session.flow_version}",
        "status": "amended" if amended(session) and session.status == "finished" else STATUS[session.status],
        "authored": instant(authored),
    }
    who = subject(session)
    if who:
        resource["subject"] = who
    resource["item"] = [_answer_item(flow, answer) for answer in kept]
    if session.status == "finished" and session.level and session.outcome in flow.outcomes:
        resource["item"] += [  # the calculated items, as an SDC renderer fills them in
            {"linkId": codes.LEVEL_ITEM, "text": "Triage level", "answer": [{"valueCoding": level_coding(session.level)}]},
            {"linkId": codes.OUTCOME_ITEM, "text": "Ending",
             "answer": [{"valueCoding": outcome_coding(flow, session.outcome)}]}]
    return resource


def answers_of(response: dict[str, Any], flow: Flow) -> dict[str, Any]:
    """The answers of a response read back as the store keeps them: question id → bool, None, °C or option indexes."""
    read: dict[str, Any] = {}
    for item in response.get("item", []):
        question = flow.questions.get(item["linkId"])
        if question is None:  # a calculated item: the level or the ending
            continue
        answers = item.get("answer", [])
        if question.kind == QuestionKind.YES_NO:
            read[question.id] = answers[0]["valueBoolean"]
        elif question.kind == QuestionKind.YES_NO_UNSURE:
            code = answers[0]["valueCoding"]["code"]
            read[question.id] = next(value for value, coding in codes.YES_NO_UNSURE.items() if coding["code"] == code)
        elif question.kind == QuestionKind.TEMPERATURE:
            read[question.id] = answers[0]["valueQuantity"]["value"] if answers else None
        else:
            option = option_codes(question)
            read[question.id] = [option.index(answer["valueCoding"]["code"]) for answer in answers]
    return read
