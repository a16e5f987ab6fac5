"""The shape of a flow file (docs/flow-format.md), as a schema."""

from chatbot.flow.model import FINDING_TYPES, LEVELS, QUESTION_KINDS
from chatbot.flow.windows import WINDOWS
from chatbot.flowfile.shape import (BOOLEAN, CONDITION, DATE, INTEGER, STRING, TEXT, AnyValue, Either, Field,
                                   ListOf, MapOf, OneOf, Record)

TRANSITION = Record({"if": Field(CONDITION), "goto": Field(STRING, required=True)}, "a transition")
NEXT = Either(((str, STRING), (list, ListOf(TRANSITION, min_items=1))),
              "a state name, or a list of transitions")

OPTION = Record({
    "label": Field(TEXT, required=True),
    "finding": Field(STRING),
    "none": Field(BOOLEAN),
    "window": Field(OneOf(WINDOWS)),
})

QUESTION = Record({
    "topic": Field(STRING),
    "kind": Field(OneOf(QUESTION_KINDS), required=True),
    "finding": Field(STRING),
    "text": Field(TEXT, required=True),
    "help": Field(TEXT),
    "options": Field(ListOf(OPTION, min_items=2)),
    "not_measured": Field(TEXT),
    "window": Field(OneOf(WINDOWS)),
    "next": Field(NEXT, required=True),
})

REVIEW = Record({"by": Field(STRING, required=True), "date": Field(DATE, required=True)}, "a review")
RULE = Record({"when": Field(CONDITION, required=True), "reason": Field(TEXT, required=True),
               "nurse_reason": Field(TEXT), "source": Field(STRING), "reviewed": Field(REVIEW)})

# The change log (docs/change-review.md): each version's change, and the lower levels a reviewer accepted.
ACCEPTANCE = Record({
    "from": Field(OneOf(LEVELS), required=True),
    "to": Field(OneOf(LEVELS), required=True),
    "profile": Field(MapOf(AnyValue()), required=True),
    "why": Field(STRING),
}, "an accepted change")
CHANGE = Record({
    "version": Field(INTEGER, required=True),
    "date": Field(DATE, required=True),
    "author": Field(STRING, required=True),
    "reviewer": Field(STRING),
    "reason": Field(STRING, required=True),
    "accepts": Field(ListOf(ACCEPTANCE)),
}, "a change")

GUIDANCE = Record({"title": Field(TEXT, required=True), "body": Field(TEXT, required=True)})

FLOW = Record({
    "flow": Field(STRING, required=True),
    "version": Field(INTEGER),
    "languages": Field(ListOf(STRING, min_items=1)),
    "start": Field(STRING, required=True),
    "emergency_number": Field(STRING),
    "windows": Field(Record({window: Field(TEXT) for window in WINDOWS}, "the words of each time window")),
    "welcome": Field(Record({
        "title": Field(TEXT, required=True),
        "body": Field(TEXT, required=True),
        "disclaimer": Field(TEXT, required=True),
    }), required=True),
    "topics": Field(MapOf(Record({"title": Field(TEXT, required=True)}))),
    "findings": Field(MapOf(Record({
        "type": Field(OneOf(FINDING_TYPES), required=True),
        "means": Field(STRING),
        "implies": Field(STRING),
        "words": Field(TEXT),
        "window": Field(OneOf(WINDOWS)),
        "highest_of": Field(ListOf(STRING, min_items=2)),
    }), min_items=1), required=True),
    "rules": Field(Record({
        "let": Field(MapOf(CONDITION)),
        "emergency": Field(MapOf(RULE)),
        "urgent": Field(MapOf(RULE)),
    }), required=True),
    "conditions": Field(MapOf(CONDITION)),
    "questions": Field(MapOf(QUESTION, min_items=1), required=True),
    "routes": Field(MapOf(Record({"next": Field(NEXT, required=True)}))),
    "outcomes": Field(MapOf(Record({
        "level": Field(OneOf(LEVELS), required=True),
        "title": Field(TEXT, required=True),
        "text": Field(TEXT, required=True),
        "at_clinic": Field(Record({"title": Field(TEXT, required=True), "text": Field(TEXT, required=True)})),
    }), min_items=1), required=True),
    "education": Field(ListOf(GUIDANCE)),
    "safety_net": Field(GUIDANCE),
    "changes": Field(ListOf(CHANGE)),
})
