"""The kinds of question and the types of finding a flow may have (docs/flow-format.md).

`StrEnum`s: each member is the very string a flow file uses, so a member equals that
string, and a flow file's value is read with `QuestionKind(value)`.
"""

from __future__ import annotations

from enum import StrEnum


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    YES_NO_UNSURE = "yes_no_unsure"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEMPERATURE = "temperature"


class FindingType(StrEnum):
    BOOLEAN = "boolean"
    """Yes or no; no when never asked."""
    BOOLEAN_OR_UNKNOWN = "boolean_or_unknown"
    """Yes, no or not sure (unknown); unknown when never asked."""
    TEMPERATURE = "temperature"
    """A reading in °C, or not measured."""
