"""Helpers the records tests share (a module of its own: conftest is not imported by tests)."""

from __future__ import annotations

from pathlib import Path

from chatbot.engine import Conversation
from chatbot.simulate import typed_answer


def answer_as(conversation: Conversation, findings: dict, count: int | None = None, recorder=None) -> None:
    """Answer as a patient with `findings` would, `count` questions or to the end, telling `recorder`."""
    flow = conversation.flow
    while not conversation.finished and (count is None or count > 0):
        conversation.answer(typed_answer(conversation.current.question, findings, flow))
        if recorder is not None:
            recorder.answered(conversation)
        if count is not None:
            count -= 1


ROOT = Path(__file__).resolve().parents[2]
