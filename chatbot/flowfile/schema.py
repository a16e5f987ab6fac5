"""The shape of a flow file (docs/flow-format.md), as a schema."""

from chatbot.flow.model import FINDING_TYPES, LEVELS, QUESTION_KINDS
from chatbot.flow.windows import WINDOWS
from chatbot.flowfile.shape import (BOOLEAN, CONDITION, INTEGER, STRING, TEXT, Either, Field, ListOf,
                           MapOf, OneOf, Record)

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

RULE = Record({"when": Field(CONDITION, required=True), "reason": Field(TEXT, required=True),
               "nurse_reason": Field(TEXT)})

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
})
