"""Our own check of a QuestionnaireResponse against the flow's Questionnaire.

The FHIR models check shape, not meaning: they accept an answer to an item that does
not exist, a yes/no given as a number, an option the item does not offer, two answers
to an item that does not repeat, or a temperature in kelvin. `check_response` finds
all of these, and the export refuses to write or send a Bundle that has any.
"""

from __future__ import annotations

from typing import Any

from chatbot.catalog import Joined, Message, message, plural


class FhirError(ValueError):
    """A resource that cannot be exported: not valid FHIR, or not a valid response to its Questionnaire.
    Given a `Message` (`said`, from the catalog), it is said in the person's language; `str()` is its
    English (as `RecordsError`)."""

    def __init__(self, *args: object) -> None:
        self.said = args[0] if args and isinstance(args[0], Message) else None
        super().__init__(*(str(arg) if isinstance(arg, Message) else arg for arg in args))

    def get(self, language: str) -> str:
        """The problem in `language` when it was given words from the catalog, else as it is."""
        return self.said.get(language) if self.said is not None else str(self)


_VALUE_OF = {"boolean": "valueBoolean", "choice": "valueCoding", "quantity": "valueQuantity",
             "string": "valueString", "decimal": "valueDecimal", "integer": "valueInteger"}


def _answer_value(answer: dict[str, Any]) -> tuple[str, Any]:
    values = [(key, value) for key, value in answer.items() if key.startswith("value")]
    if len(values) != 1:
        return "", None
    return values[0]


def _enabled(item: dict[str, Any], given: dict[str, list[dict]]) -> bool:
    """Whether the item's enableWhen (all of them, or any) holds for the answers given."""
    conditions = item.get("enableWhen")
    if not conditions:
        return True
    results = []
    for condition in conditions:
        answers = given.get(condition["question"], [])
        if condition["operator"] == "exists":
            results.append(bool(answers) == condition["answerBoolean"])
        else:
            expected = next(value for key, value in condition.items() if key.startswith("answer"))
            equal = any(_answer_value(answer)[1] == expected for answer in answers)
            results.append(equal if condition["operator"] == "=" else not equal)
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def _same_coding(a: dict, b: dict) -> bool:
    return a.get("system") == b.get("system") and a.get("code") == b.get("code")


def response_problems(response: dict[str, Any], questionnaire: dict[str, Any]) -> list[Message]:
    """Every way `response` is not a valid answer to `questionnaire`, one line each (none: valid); `str()`
    of each is its English."""
    items = {item["linkId"]: item for item in questionnaire.get("item", [])}
    problems: list[Message] = []
    canonical = f"{questionnaire['url']}|{questionnaire['version']}"
    if response.get("questionnaire") != canonical:
        problems.append(message("answers questionnaire {answered}, not {questionnaire}").fill(
            answered=repr(response.get("questionnaire")), questionnaire=repr(canonical)))
    given: dict[str, list[dict]] = {}
    for number, answered in enumerate(response.get("item", []), 1):
        link = answered.get("linkId")
        item = items.get(link)
        if item is None:
            problems.append(message("item {number}: linkId {item} is not an item of the questionnaire").fill(
                number=str(number), item=repr(link)))
            continue
        if link in given:
            problems.append(message("item {item} is answered twice").fill(item=repr(link)))
            continue
        given[link] = answered.get("answer", [])
    for link, answers in given.items():
        item = items[link]
        kind = item["type"]
        if len(answers) > 1 and not item.get("repeats"):
            problems.append(plural("item {item} does not repeat but has {count} answer",
                                   "item {item} does not repeat but has {count} answers").count(len(answers)).fill(
                item=repr(link)))
        for answer in answers:
            key, value = _answer_value(answer)
            if key != _VALUE_OF.get(kind):
                problems.append((message("item {item} is a {kind} item but is answered with {key}") if key else
                                 message("item {item} is a {kind} item but is answered with no single value")).fill(
                    item=repr(link), kind=kind, key=key))
                continue
            if kind == "choice" and not any(_same_coding(value, option["valueCoding"])
                                            for option in item.get("answerOption", [])):
                problems.append(message("item {item} does not offer the answer {code}").fill(
                    item=repr(link), code=f"{value.get('system')}|{value.get('code')}"))
            if kind == "quantity":
                units = [extension["valueCoding"] for extension in item.get("extension", [])
                         if extension["url"].endswith("questionnaire-unitOption")]
                if units and not any(_same_coding(value, unit) for unit in units):
                    problems.append(message("item {item} does not allow the unit {code}").fill(
                        item=repr(link), code=f"{value.get('system')}|{value.get('code')}"))
                if not isinstance(value.get("value"), (int, float)) or isinstance(value.get("value"), bool):
                    problems.append(message("item {item} has a quantity without a number").fill(item=repr(link)))
        if not _enabled(item, given):
            problems.append(message("item {item} is answered although its enableWhen does not hold").fill(
                item=repr(link)))
    return problems


def check_response(response: dict[str, Any], questionnaire: dict[str, Any]) -> None:
    """Nothing when `response` answers `questionnaire` validly; else `FhirError` listing every problem."""
    problems = response_problems(response, questionnaire)
    if problems:
        raise FhirError(message("{resource} does not match its questionnaire: {problems}").fill(
            resource=f"QuestionnaireResponse/{response.get('id', '?')}",
            problems=Joined(*(part for number, problem in enumerate(problems) for part in (("; ",) if number else ())
                              + (problem,)))))
