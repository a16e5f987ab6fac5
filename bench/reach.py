"""The keys that reach a temperature question on the bundled flow, for the benches that time a digit
typed there (`latency.py`, `press_cpu.py`)."""

from __future__ import annotations

from chatbot.engine import Conversation
from chatbot.flow.kinds import QuestionKind


def keys_to_temperature(flow) -> tuple[list[tuple[bytes, str]], object]:
    """From the second question on: the keys (each with the text its frame shows) that reach a
    temperature question, found by trying answers on the engine; and that question."""
    keys_for = {QuestionKind.YES_NO: ("n", "y"), QuestionKind.YES_NO_UNSURE: ("n", "y", "u")}
    words = {"y": "yes", "n": "no", "u": "not sure"}
    first = flow.questions[flow.start]
    start = [(str(len(first.options)), "\r")]  # "None of these", sent
    paths = [start]
    while paths:
        path = paths.pop(0)
        conversation = Conversation(flow, "en")
        conversation.start()
        for typed in path:
            conversation.answer(typed[0] if typed[0].isdigit() else words[typed[0]])
        question = conversation.question
        if question is None or len(path) > 12:
            continue
        if question.kind == QuestionKind.TEMPERATURE:
            keys = []
            replay = Conversation(flow, "en")
            replay.start()
            replay.answer(path[0][0])
            for typed in path[1:]:
                replay.answer(words[typed[0]] if typed[0] in words else typed[0])
                keys.append(("".join(typed).encode(), replay.question.text.get("en")[:40]))
            return keys, question
        if question.kind in keys_for:
            paths += [path + [(key,)] for key in keys_for[question.kind]]
    raise RuntimeError("no temperature question is reached by yes, no and not sure")
