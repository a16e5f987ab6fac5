"""What a conversation leaves in the record: each answer, and how it ended.

The one way from the engine's data to the record's: a kiosk's recorder and a nurse's
amendment (the flow run again by the engine on the amended answers) both write a
conversation's turns with `answer_record` and its end with `ending`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from chatbot.engine import Conversation, Turn
from chatbot.records.model import PERSON, AnswerRecord, Ending


def json_value(value: Any) -> Any:
    """`value` as JSON keeps it: tuples and sets as lists, anything else unknown as its text."""
    if isinstance(value, (tuple, list, set, frozenset)):
        return [json_value(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def answer_record(session_id: str, seq: int, turn: Turn, language: str, at: datetime,
                  given_by: str = PERSON) -> AnswerRecord:
    """One turn of the transcript as the record keeps it: the question's words in `language`."""
    return AnswerRecord(session_id, seq, turn.question.id, turn.question.text.get(language), turn.question.kind,
                        turn.typed, turn.shown or "", json_value(turn.value),
                        {name: json_value(value) for name, value in turn.findings.items()}, at, given_by)


def ending(conversation: Conversation, session_id: str, seqs: Sequence[int], at: datetime) -> Ending:
    """How the finished `conversation` ended: its level, outcome, the outcome's title and the reasons
    in its language, and the answers that led there (`seqs`: the seq of each turn of its transcript)."""
    result = conversation.result()
    language = conversation.language
    flow = conversation.flow
    by_turn = {id(turn): seq for turn, seq in zip(conversation.transcript, seqs)}
    return Ending(session_id, "finished", at, result.level, result.outcome.id,
                  result.outcome.title.fill(emergency_number=flow.emergency_number).get(language),
                  tuple({"id": rule.id, "reason": rule.for_nurse.get(language)} for rule in result.reasons),
                  tuple(by_turn[id(turn)] for turn in result.because if id(turn) in by_turn), "finished")
