"""What the amend form needs to know, in plain Python: what an answer may be, which questions may
still come, and whether a re-run changed anything at all.

- `accepts(question, language)`: what the answer field takes, in the station's words ("yes, no or
  not sure"; a choice's numbers with their labels; a temperature or "not measured").
- `later_questions(flow, start, answered)`: the questions a re-run may still ask once it needs
  `start`, in the flow's order, so that the form shows them together, each with its own field.
- `unchanged(answers, run)`: the re-run gives every question the very answer the session has: an
  amendment that changes nothing, which the station refuses (it would count as a review).
"""

from __future__ import annotations

from typing import Any, Iterable

from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Flow, Question
from chatbot.nurse.words import say
from chatbot.records.review import Rerun

LABEL_MOST = 24
"""A choice's label is shortened to this many characters on the line that says what a field takes."""


def accepts(question: Question, language: str) -> str:
    """What an answer to `question` may be, in `language`: the line under the answer field."""
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = "; ".join(f"{number} {_short(option.label.get(language))}"
                            for number, option in enumerate(question.options, 1))
        return say("accepts_many" if kind == QuestionKind.MULTIPLE_CHOICE else "accepts_one", language,
                   options=options)
    return say(f"accepts_{kind.value}", language)


def _short(label: str, most: int = LABEL_MOST) -> str:
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


def later_questions(flow: Flow, start: str, answered: Iterable[str]) -> list[Question]:
    """`start` and every question the flow can go on to from it (through routes too), not yet
    `answered`, in the order the flow file lists them."""
    known = set(answered)
    seen: set[str] = set()
    waiting = [start]
    while waiting:
        node = waiting.pop()
        if node in seen:
            continue
        seen.add(node)
        step = flow.questions.get(node) or flow.routes.get(node)
        if step is not None:
            waiting.extend(transition.goto for transition in step.next)
    return [question for question_id, question in flow.questions.items()
            if question_id in seen and question_id not in known]


def _plain(value: Any) -> Any:
    """An answer's value as the records keep it (a choice's numbers as a list)."""
    return list(value) if isinstance(value, tuple) else value


def unchanged(answers: list[dict[str, Any]], run: Rerun) -> bool:
    """True when the re-run (finished) answers the same questions with the same values as `answers`
    (the session's kept answers): a different way of typing the same answer changes nothing."""
    kept = [(answer["question_id"], answer["value"]) for answer in answers]
    again = [(turn.question.id, _plain(turn.value)) for turn in run.conversation.transcript]
    return run.result is not None and kept == again
