"""The record keeps what the engine accepted, and nothing it did not: an answer a question cannot read is
asked again, never stored as if it were something else (issue 21 item 5).

A formula typed at the temperature question once read as "not measured" and went into the
CSV export raw. The engine now asks again; and whatever the engine does, the recorder stores
each accepted answer exactly as the transcript has it (typed, shown, value, findings).
"""

from __future__ import annotations

import pytest

from chatbot.engine import Conversation
from chatbot.records.backends import open_reader
from chatbot.records.recorder import Recorder
from chatbot.records.transcript import json_value
from chatbot.replay.patients import typed_answer

HOSTILE = ['=HYPERLINK("//e.vil","not measured")', '=HYPERLINK("//e.vil","38.5")', "@SUM(1+1)", "+38.5+cmd|' /C calc'!A0",
           "-cmd|' /C calc'!A0", "\t=1+1"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_formula_at_the_temperature_question_is_asked_again_and_never_stored(database, flow, typed):
    findings = {"known_low_white_count": True, "fever_feeling": True}
    recorder = Recorder(database, place="kiosk:k1")
    conversation = Conversation(flow, "en")
    conversation.start()
    session_id = recorder.begin(conversation)
    while conversation.question.kind != "temperature":
        conversation.answer(typed_answer(conversation.question, findings, flow))
        recorder.answered(conversation)
    asked = conversation.question.id
    conversation.answer(typed)
    recorder.answered(conversation)
    assert conversation.question is not None and conversation.question.id == asked  # asked again
    conversation.answer("38.6")
    recorder.answered(conversation)
    assert recorder.close() is None
    with open_reader(database) as reader:
        stored = reader.get_session(session_id).answers
    turns = conversation.transcript
    assert [(a.question_id, a.typed, a.shown, a.value, a.findings) for a in stored] == [
        (t.question.id, t.typed, t.shown or "", json_value(t.value), {k: json_value(v) for k, v in t.findings.items()})
        for t in turns]
    assert typed not in [answer.typed for answer in stored]
