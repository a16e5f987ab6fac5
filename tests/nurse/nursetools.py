"""What the nurse station's tests share: a finished session written as a kiosk writes it."""

from __future__ import annotations

from chatbot.engine import Conversation
from chatbot.records.recorder import Recorder

from recordtools import answer_as

EMERGENCY = {"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6}
ROUTINE = {"known_low_white_count": True}
URGENT = {"fever_feeling": True, "temperature": 37.0}


def kiosk_session(database: str, flow, findings: dict, language: str = "en", count: int | None = None,
                  place: str = "kiosk:k1") -> str:
    """A session recorded by a kiosk with `findings` (finished unless `count` stops it); its id."""
    recorder = Recorder(database, place=place)
    conversation = Conversation(flow, language)
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, findings, count, recorder)
    if count is not None:
        recorder.wiped()
    assert recorder.close() is None
    return session_id

