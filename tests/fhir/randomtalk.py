"""Random conversations on any flow, kept by a real Recorder: what the equivalence test replays.

Each conversation picks a language, then at each question an answer of the question's
kind as a person would type it in that language (yes, no, not sure; option numbers or
a label; a temperature in °C or °F, often on a threshold the flow tests, or "not
measured"), now and then an answer that cannot be read, a step back (also from an
ending), a restart, or walking away before the end. Nothing here is special to the
bundled flow: thresholds come from the flow's own conditions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from chatbot.engine import Conversation
from chatbot.flow.conditions import TemperatureIn
from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Flow, Question
from chatbot.flow.triage import triage
from chatbot.records.recorder import Recorder

WORDS = {
    "en": {True: ["yes", "y", "Yes", "yeah"], False: ["no", "n", "nope"], None: ["not sure", "don't know", "?"],
           "unmeasured": ["not measured", "no thermometer"]},
    "es": {True: ["sí", "si", "claro"], False: ["no", "para nada"], None: ["no sé", "no estoy seguro"],
           "unmeasured": ["no me la he medido", "sin termómetro"]},
}
UNREADABLE = ["", "maybe later", "blue", "37 and 39"]


@dataclass
class Expected:
    """What the engine did, at the moment the session's record was left."""

    asked: list[str]
    offered: list[str]  # the asked questions, then what a form offers next (see `expected`)
    level: str  # the rules' level on the findings so far (the ending's level, when finished)
    outcome: str | None
    findings: dict


def thresholds(flow: Flow) -> list[float]:
    """Every temperature a condition of the flow tests, and a tenth of a degree either side."""
    bounds = set()
    for condition in [*(rule.when for rule in flow.rules),
                      *(t.condition for state in (*flow.questions.values(), *flow.routes.values())
                        for t in state.next if t.condition is not None)]:
        for node in condition.walk():
            if isinstance(node, TemperatureIn):
                bounds.update(bound for bound in (node.at_least, node.below) if bound is not None)
    return sorted({round(bound + delta, 1) for bound in bounds for delta in (-0.1, 0.0, 0.1)})


def answer_for(question: Question, language: str, rng: random.Random, near: list[float], yes: float = 0.5) -> str:
    """An answer a person might type; `yes` is how likely a sign is said to be there."""
    words = WORDS.get(language, WORDS["en"])
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        return rng.choice(words[rng.random() < yes])
    if kind == QuestionKind.YES_NO_UNSURE:
        return rng.choice(words[rng.choice((True, False, None))])
    if kind == QuestionKind.TEMPERATURE:
        roll = rng.random()
        if roll < 0.2:
            return rng.choice(words["unmeasured"] + [question.not_measured.get(language)])
        celsius = rng.choice(near) if roll < 0.6 else round(rng.uniform(34.0, 41.5), 1)
        if rng.random() > yes:
            celsius = round(rng.uniform(36.0, 37.4), 1)
        if rng.random() < 0.3:
            return f"{celsius * 9 / 5 + 32:.1f} F"
        return rng.choice([f"{celsius:.1f}", f"{celsius:.1f} °C".replace(".", ","), f"{celsius:.1f}C"])
    options = question.options
    if rng.random() < 0.2:
        return options[rng.randrange(len(options))].label.get(language)
    if kind == QuestionKind.SINGLE_CHOICE:
        return str(rng.randrange(len(options)) + 1)
    plain = [number for number, option in enumerate(options, 1) if not option.none]
    nones = [number for number, option in enumerate(options, 1) if option.none]
    if nones and rng.random() > yes:
        return str(nones[0])
    chosen = rng.sample(plain, 1 if rng.random() < 0.6 else rng.randint(1, min(3, len(plain))))
    return ", ".join(map(str, sorted(chosen)))


def expected(conversation: Conversation) -> Expected:
    """The engine's asked questions, level and ending, and what a form offers next.

    A form offers the question being asked; when it is a temperature, which a form's
    person may leave empty for "not measured", also what the engine asks after "not
    measured" (found by answering so, then going back).
    """
    flow, language = conversation.flow, conversation.language
    offered = [*conversation.asked]
    outcome = conversation.result().outcome.id if conversation.finished else None
    steps = 0
    while (question := conversation.question) is not None:
        offered.append(question.id)
        if question.kind != QuestionKind.TEMPERATURE:
            break
        assert conversation.take(question.not_measured.get(language)) is None
        steps += 1
        if conversation.finished:
            outcome = conversation.result().outcome.id
    for _ in range(steps):
        conversation.back()
    level = conversation.result().level if conversation.finished else triage(flow.rules, conversation.findings).level
    return Expected(list(conversation.asked), offered, level, outcome, dict(conversation.findings))


def wander(flow: Flow, database: str, rng: random.Random, tmp) -> dict[str, Expected]:
    """One random conversation (maybe restarted) kept in `database`; each session id → what the engine did.

    The recorder writes through its outbox (in `tmp`) to the store on this thread (`background=False`): the same
    writes, and none left waiting for a delivery thread that a busy machine did not run within `close`'s wait."""
    language = rng.choice(flow.languages)
    near = thresholds(flow)
    recorder = Recorder(database, place="replay", outbox_dir=tmp, unsaved_dir=tmp, background=False)
    conversation = Conversation(flow, language)
    conversation.start()
    recorder.begin(conversation)
    sessions: dict[str, Expected] = {}
    leave_after = rng.randint(1, 20) if rng.random() < 0.2 else None
    yes = rng.choice((0.0, 0.05, 0.15, 0.3, 0.5))  # some people have nothing to report, some much
    for step in range(80):
        if conversation.finished:
            if conversation.can_go_back and rng.random() < 0.15:
                conversation.back()
                recorder.went_back(conversation)
                continue
            break
        if leave_after is not None and step >= leave_after:
            break
        roll = rng.random()
        if roll < 0.1 and conversation.can_go_back:
            conversation.back()
            recorder.went_back(conversation)
        elif roll < 0.11:
            sessions[recorder.session_id] = expected(conversation)
            conversation.restart()
            recorder.restarted(conversation)
        elif roll < 0.14:
            conversation.answer(rng.choice(UNREADABLE))
        else:
            conversation.answer(answer_for(conversation.question, language, rng, near, yes))
            recorder.answered(conversation)
    sessions[recorder.session_id] = expected(conversation)
    assert recorder.close() is None
    return sessions
