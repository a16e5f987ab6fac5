"""Simulated patients: profiles of findings, or timelines, that answer the dialogue as a person would.

A simulated patient types its answers ("yes", "not sure", "100.4 F", "2, 5"; in Spanish
"sí", "no lo sé", "38,6") and the engine reads them like any other, so a simulation also
tests answer reading. A profile answers each question with the finding behind it; a
timeline (`chatbot.replay.timeline`) answers each question literally, by the window its
words say, and is also judged against the level the rules give for its findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import yaml

from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.engine import WELCOME, Conversation, DialogueMachine, dialogue_machine
from chatbot.flow.answers import Answer, Unreadable, read_answer
from chatbot.flow.model import LEVELS, Flow, Question, level_rank
from chatbot.flow.problems import FlowError, Problem, did_you_mean
from chatbot.flowfile.blockyaml import NotPlain, read_block_yaml
from chatbot.flowfile.shape import STRING, AnyValue, Field, ListOf, MapOf, OneOf, Record
from chatbot.flowfile.source import MAX_DEPTH, STR_TAG, compose_yaml, read_yaml
from chatbot.flow.triage import triage
from chatbot.replay.timeline import WORDS, Timeline, hours_ago, read_event

if TYPE_CHECKING:
    from chatbot.records.recorder import Recorder

PATIENTS_FILE = Record({
    "patients": Field(ListOf(Record({
        "id": Field(STRING, required=True),
        "story": Field(STRING),
        "findings": Field(MapOf(AnyValue(allow_empty=True))),
        "timeline": Field(ListOf(AnyValue())),
        "last_check": Field(AnyValue()),
        "language": Field(STRING),
        "expected": Field(OneOf(LEVELS)),
    }), min_items=1), required=True),
})
MAX_STEPS = 500


@dataclass(frozen=True)
class Patient:
    id: str
    findings: dict[str, Any]
    expected: str | None = None
    story: str = ""
    located: tuple[int, int] | Callable[[], tuple[int, int]] = field(default=(1, 1), compare=False)
    """Its line and column, or how to find them (a file read without positions): `at`."""
    file: str = ""
    timeline: Timeline | None = None  # a patient told as what happened when, answering literally
    language: str | None = None  # the language it answers in (the flow's first by default)

    @property
    def at(self) -> tuple[int, int]:
        """Its line and column in its file, looked up only now if it was read without positions."""
        located = self.located
        return located if isinstance(located, tuple) else located()


@dataclass(frozen=True)
class Simulation:
    """What happened to one patient."""

    patient: Patient
    level: str
    outcome: str
    asked: list[str] = field(default_factory=list)
    rules_level: str | None = None  # a timeline's: the rules' level for the findings it implies

    @property
    def agrees(self) -> bool:
        """The expected level, if any; and a timeline never below its rules' level (above it only where a
        question asks over a wider window than its finding's, which may raise a level, never lower it)."""
        return self.patient.expected in (None, self.level) and (
            self.rules_level is None or level_rank(self.level) >= level_rank(self.rules_level))


def read_patients(path: str | Path, flow: Flow) -> list[Patient]:
    """The patients of a file of any size (the cap on a flow file is not for them: a tester's boundary
    patients run to tens of thousands), checked against the flow's findings; `FlowError` lists every problem.

    Read first with no positions (straight from its lines where it is written as a dumper writes it:
    `chatbot.flowfile.blockyaml`; else libyaml's node tree, built into data without a mark kept); a file
    that has any problem, or anything that reader would read otherwise (an alias, a duplicate key, a key not
    a name), is read again with every position, for the same patients or messages at `path:line:col`.
    A patient's own position is looked up only when it is needed (`Patient.where`)."""
    fast = _read_fast(path, flow)
    return fast if fast is not None else _read_positioned(path, flow)


def _read_positioned(path: str | Path, flow: Flow) -> list[Patient]:
    source = read_yaml(path, max_bytes=None)
    problems: list[Problem] = []

    def report(where: tuple, message: str, key: bool = False) -> None:
        problems.append(source.problem(where, message, key=key))

    patients = _patients(source.data, flow, report, lambda index: source.where(("patients", index)),
                         source.file, None)
    if problems:
        raise FlowError(problems)
    return patients


class _Refused(Exception):
    """The fast reader met something only the positioned reader says (or reads) right."""


def _read_fast(path: str | Path, flow: Flow) -> list[Patient] | None:
    """The patients read with no positions, or None: read them with positions instead."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # the positioned reader says why
    return read_without_positions(text, path, flow)


def read_without_positions(text: str, path: str | Path, flow: Flow) -> list[Patient] | None:
    """The patients of `text` (the file at `path`, or a part of it: `chatbot.replay.parts`) read with no
    positions, or None where the positioned reader must read the file: it says or reads something otherwise."""
    def refuse(where: tuple, message: str, key: bool = False) -> None:
        raise _Refused

    try:
        data = _data(text)
        PATIENTS_FILE.check(data, (), refuse)
        return _patients(data, flow, refuse, None, str(path), _Places(path))
    except (_Refused, RecursionError, yaml.YAMLError):
        return None


def _data(text: str) -> Any:
    """The data of `text`: read straight from its lines where it is written as a dumper writes (`blockyaml`,
    several times faster), else from libyaml's node tree; `_Refused` where the positioned reader must read it."""
    try:
        return read_block_yaml(text)
    except NotPlain:
        pass
    if "&" in text:  # anchors, so aliases: the positioned reader counts what they repeat
        raise _Refused
    constructor = yaml.SafeLoader("")
    try:
        root = compose_yaml(text)
        return _Plain(constructor).node(root, 1) if root is not None else None
    finally:  # a loader refers to itself: left so, it and every node it built wait for a collection
        constructor.dispose()
        constructor.constructed_objects.clear()


class _Plain:
    """A YAML node tree as plain data, as `read_yaml` builds it but keeping no position; `_Refused` where
    it would report a problem (a duplicate key, a key not a name, a value it cannot read, too deep)."""

    def __init__(self, constructor):
        self.constructor = constructor
        self.scalars: dict[tuple[str, str], Any] = {}  # each scalar not a string built once: `true`, 38.2

    def node(self, node: yaml.Node, depth: int) -> Any:
        if node.tag == STR_TAG and type(node) is yaml.ScalarNode:
            return node.value
        if isinstance(node, yaml.MappingNode):
            if depth > MAX_DEPTH:
                raise _Refused
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag != STR_TAG or type(key_node) is not yaml.ScalarNode or key_node.value in result:
                    raise _Refused
                result[key_node.value] = self.node(value_node, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if depth > MAX_DEPTH:
                raise _Refused
            return [self.node(item, depth + 1) for item in node.value]
        scalar = type(node) is yaml.ScalarNode
        if scalar and (node.tag, node.value) in self.scalars:
            return self.scalars[node.tag, node.value]  # a scalar's value is a bool, number, date…: never changed
        try:
            value = self.constructor.construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - !!int 0xz and kin: the positioned reader says where
            raise _Refused from None
        if scalar:
            self.scalars[node.tag, node.value] = value
        return value


class _Places:
    """Where each patient of a file read without positions stands, read again only when asked."""

    def __init__(self, path: str | Path):
        self.path, self._marks = path, None

    def __call__(self, index: int) -> tuple[int, int]:
        if self._marks is None:
            self._marks = read_yaml(self.path, max_bytes=None)
        return self._marks.where(("patients", index))


def _patients(data: Any, flow: Flow, report, where, file: str, places: _Places | None) -> list[Patient]:
    """Each patient of the file's data, every problem given to `report`."""
    patients, seen = [], {}
    data = data if isinstance(data, dict) else {}
    for index, item in enumerate(data.get("patients") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)):
            continue
        pid = str(item["id"])
        if pid in seen:
            report(("patients", index, "id"), f"patient '{pid}' is already defined at line {seen[pid]}")
        seen[pid] = where(index)[0] if where is not None else index
        language = item.get("language")
        if language is not None and language not in flow.languages:
            report(("patients", index, "language"), f"the flow speaks {', '.join(flow.languages)}, not '{language}'")
            language = None
        timeline = _timeline(item, ("patients", index), flow, report)
        findings = item.get("findings") or {}
        for name, value in (findings.items() if isinstance(findings, dict) else ()):
            where_ = ("patients", index, "findings", name)
            finding = flow.findings.get(name)
            if finding is None:
                report(where_, f"unknown finding '{name}'" + did_you_mean(name, flow.findings), key=True)
            elif finding.type == FindingType.BOOLEAN and not isinstance(value, bool):
                report(where_, f"'{name}' must be true or false")
            elif finding.type == FindingType.BOOLEAN_OR_UNKNOWN and value not in (True, False, None):
                report(where_, f"'{name}' must be true, false or null (unknown)")
            elif finding.type == FindingType.TEMPERATURE and (isinstance(value, bool) or
                                                     not isinstance(value, (int, float, str, type(None)))):
                report(where_, f"'{name}' must be a temperature such as 38.2 or \"100.4 F\"")
        patients.append(Patient(pid, findings if isinstance(findings, dict) else {}, item.get("expected"),
                                str(item.get("story", "")), where(index) if where is not None else partial(places, index),
                                file, timeline, language))
    return patients


def _timeline(item: dict, where: tuple, flow: Flow, report) -> Timeline | None:
    """The patient's timeline, each wrong event reported at its line; None for a profile of findings."""
    if "timeline" not in item:
        if "last_check" in item:
            report(where + ("last_check",), "'last_check' belongs to a timeline", key=True)
        return None
    if "findings" in item:
        report(where + ("findings",), "a patient is a profile of findings or a timeline, not both", key=True)
    events = []
    for number, data in enumerate(item.get("timeline") or []):
        try:
            events.append(read_event(data, flow))
        except ValueError as problem:
            report(where + ("timeline", number), str(problem))
    last_check = float("-inf")
    if "last_check" in item:
        try:
            last_check = hours_ago(item["last_check"])
        except ValueError as problem:
            report(where + ("last_check",), str(problem))
    return Timeline(tuple(events), last_check)


_UNSAID = object()


def typed_answer(question: Question, findings: dict[str, Any], flow: Flow, language: str = "en") -> str:
    """What this patient types to `question`, read from its findings (in `language`'s words)."""
    if question.kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE):
        value = findings.get(question.finding, _UNSAID)
        if value is _UNSAID:  # its default worked out only now: most questions' findings are given
            value = flow.findings[question.finding].default()
        if language != "en" and language in WORDS:
            return WORDS[language][value if question.kind == QuestionKind.YES_NO_UNSURE else value is True]
        return "yes" if value is True else "no" if value is False or question.kind == QuestionKind.YES_NO else "not sure"
    if question.kind == QuestionKind.TEMPERATURE:
        value = findings.get(question.finding)
        if language != "en" and language in WORDS:
            return WORDS[language]["not measured"] if value is None else str(value).replace(".", ",")
        return "not measured" if value is None else str(value)
    numbers = [str(i) for i, option in enumerate(question.options, 1)
               if option.finding and findings.get(option.finding) is True]
    if question.kind == QuestionKind.SINGLE_CHOICE and numbers:
        return numbers[0]
    if numbers:
        return ", ".join(numbers)
    nones = [str(i) for i, option in enumerate(question.options, 1) if option.none]
    return nones[0] if nones else "1"


class AnswerMemo:
    """`read_answer`, once per question and words typed: simulated patients type the same few answers.

    An answer read is data no one changes, except one that waits for its "Did you mean …?" (the reply is
    stored in it): that one is read anew each time. An unreadable answer is not kept either.
    """

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], Answer] = {}

    def __call__(self, question: Question, typed: str) -> Answer:
        key = (question.id, typed)
        answer = self._answers.get(key)
        if answer is None:
            answer = read_answer(question, typed)
            if answer.confirm is None:
                self._answers[key] = answer
        return answer


@lru_cache(maxsize=8)
def answer_memo(flow: Flow) -> AnswerMemo:
    """The flow's memo of answers read, kept for all its simulations."""
    return AnswerMemo()


def simulate(flow: Flow, patient: Patient, recorder: Recorder | None = None, *,
             machine: DialogueMachine | None = None) -> Simulation:
    """Run one patient through the flow to its outcome, kept as a session by `recorder` if given (on
    `machine`: the flow's shared one unless another is compared with it). With neither, a conversation's
    transcript and history are not kept: each answer is a step of the flow's machine read off its table."""
    language = patient.language or flow.languages[0]
    if recorder is None and machine is None:
        return _simulate_on_table(flow, patient, language)
    conversation = Conversation(flow, language, machine=machine, read=answer_memo(flow))
    conversation.start()
    if recorder is not None:
        recorder.begin(conversation)
    findings, timeline = patient.findings, patient.timeline
    for _ in range(MAX_STEPS):
        question = conversation.question
        if question is None:
            rules = triage(flow.rules, timeline.findings(flow)).level if timeline is not None else None
            return Simulation(patient, flow.outcomes[conversation.state].level, conversation.state, conversation.asked,
                              rules)
        if timeline is not None:
            typed = timeline.answer(question, flow, language)
        else:
            typed = typed_answer(question, findings, flow, language)
        error = conversation.take(typed)
        if recorder is not None:
            recorder.answered(conversation)
        if error is not None:
            raise _not_accepted(patient, typed, question, error)
    raise _never_ended(patient)


def _not_accepted(patient: Patient, typed: str, question: Question, error) -> FlowError:
    return FlowError([Problem(patient.file, *patient.at, f"patient '{patient.id}': the answer '{typed}' to "
                                                         f"'{question.id}' was not accepted: {error.get('en')}")])


def _never_ended(patient: Patient) -> FlowError:
    return FlowError([Problem(patient.file, *patient.at,
                              f"patient '{patient.id}': the dialogue did not end after {MAX_STEPS} answers")])


def _simulate_on_table(flow: Flow, patient: Patient, language: str) -> Simulation:
    """`simulate` with no session kept: the same answers read the same way, the same steps
    (`DialogueMachine.step`, held to the machine by tests), the same refusals."""
    machine = dialogue_machine(flow)
    step, questions = machine.step, flow.questions
    findings, timeline = dict(machine.default_findings), patient.timeline
    if timeline is None:
        reply, given = replies(flow, language), patient.findings
    else:
        read = answer_memo(flow)
    state = machine.table[WELCOME][0][1]  # `begin`
    asked: list[str] = []
    for _ in range(MAX_STEPS):
        question = questions.get(state)
        if question is None:
            rules = triage(flow.rules, timeline.findings(flow)).level if timeline is not None else None
            return Simulation(patient, flow.outcomes[state].level, state, asked, rules)
        if timeline is None:
            try:
                typed, answer = reply(question, given)
            except Unreadable as unreadable:
                typed = typed_answer(question, given, flow, language)
                raise _not_accepted(patient, typed, question, unreadable.message) from None
        else:
            typed = timeline.answer(question, flow, language)
            try:
                answer = read(question, typed)
            except Unreadable as unreadable:
                raise _not_accepted(patient, typed, question, unreadable.message) from None
        if answer.confirm is not None:
            raise _not_accepted(patient, typed, question, answer.confirm)
        asked.append(question.id)
        state = step(state, findings, answer)
    raise _never_ended(patient)


class Replies:
    """What a profile of findings types to each question (`typed_answer`) and how it reads, worked out once per
    question and what of the findings that question's answer says: simulated patients give the same few."""

    def __init__(self, flow: Flow, language: str, read: Callable[[Question, str], Answer]):
        self.flow, self.language, self.read = flow, language, read
        self._kept: dict[str, tuple[Callable[[dict[str, Any]], Any], dict[Any, tuple[str, Answer]]]] = {}

    def __call__(self, question: Question, findings: dict[str, Any]) -> tuple[str, Answer]:
        """The words typed and the answer read; `Unreadable` where they do not read."""
        key, kept = self._kept.get(question.id) or self._keep(question)
        try:
            said = key(findings)
            reply = kept.get(said)
        except TypeError:  # a value no key holds (a list where a temperature goes): read as it comes
            said = reply = None
        if reply is None:
            typed = typed_answer(question, findings, self.flow, self.language)
            reply = (typed, self.read(question, typed))  # (`Unreadable` as it comes)
            if said is not None and reply[1].confirm is None:
                kept[said] = reply
        return reply

    def _keep(self, question: Question) -> tuple[Callable[[dict[str, Any]], Any], dict]:
        """The question's key, what of the findings `typed_answer` reads for it (each value with its type: 1 is
        not True to it), and its replies kept by it."""
        if question.kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE, QuestionKind.TEMPERATURE):
            finding = question.finding

            def key(findings: dict[str, Any]) -> Any:
                value = findings.get(finding, _UNSAID)
                return value.__class__, value
        else:
            options = tuple(option.finding for option in question.options if option.finding)

            def key(findings: dict[str, Any]) -> Any:
                return tuple([findings.get(option) is True for option in options])
        kept = self._kept[question.id] = (key, {})
        return kept


@lru_cache(maxsize=16)
def replies(flow: Flow, language: str) -> Replies:
    """The flow's replies in `language`, kept for all its simulations (answers read through `answer_memo`)."""
    return Replies(flow, language, answer_memo(flow))
