"""Simulated patients: profiles of findings that answer the dialogue as a person would.

A simulated patient types its answers ("yes", "not sure", "100.4 F", "2, 5") and
the engine reads them like any other, so a simulation also tests answer reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.engine import Conversation
from chatbot.flow.model import LEVELS, Flow, Question
from chatbot.flow.problems import FlowError, Problem, did_you_mean
from chatbot.flowfile.shape import STRING, AnyValue, Field, ListOf, MapOf, OneOf, Record
from chatbot.flowfile.source import read_yaml

if TYPE_CHECKING:
    from chatbot.records.recorder import Recorder

PATIENTS_FILE = Record({
    "patients": Field(ListOf(Record({
        "id": Field(STRING, required=True),
        "story": Field(STRING),
        "findings": Field(MapOf(AnyValue(allow_empty=True))),
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
    at: tuple[int, int] = (1, 1)
    file: str = ""


@dataclass(frozen=True)
class Simulation:
    """What happened to one patient."""

    patient: Patient
    level: str
    outcome: str
    asked: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.patient.expected in (None, self.level)


def read_patients(path: str | Path, flow: Flow) -> list[Patient]:
    """The patients of a file of any size (the cap on a flow file is not for them: a tester's boundary
    patients run to tens of thousands), checked against the flow's findings; `FlowError` lists every problem."""
    source = read_yaml(path, max_bytes=None)
    problems: list[Problem] = []

    def report(where: tuple, message: str, key: bool = False) -> None:
        problems.append(source.problem(where, message, key=key))

    PATIENTS_FILE.check(source.data, (), report)
    patients, seen = [], {}
    data = source.data if isinstance(source.data, dict) else {}
    for index, item in enumerate(data.get("patients") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)):
            continue
        pid = str(item["id"])
        if pid in seen:
            report(("patients", index, "id"), f"patient '{pid}' is already defined at line {seen[pid]}")
        seen[pid] = source.where(("patients", index))[0]
        findings = item.get("findings") or {}
        for name, value in (findings.items() if isinstance(findings, dict) else ()):
            where = ("patients", index, "findings", name)
            finding = flow.findings.get(name)
            if finding is None:
                report(where, f"unknown finding '{name}'" + did_you_mean(name, flow.findings), key=True)
            elif finding.type == FindingType.BOOLEAN and not isinstance(value, bool):
                report(where, f"'{name}' must be true or false")
            elif finding.type == FindingType.BOOLEAN_OR_UNKNOWN and value not in (True, False, None):
                report(where, f"'{name}' must be true, false or null (unknown)")
            elif finding.type == FindingType.TEMPERATURE and (isinstance(value, bool) or
                                                     not isinstance(value, (int, float, str, type(None)))):
                report(where, f"'{name}' must be a temperature such as 38.2 or \"100.4 F\"")
        patients.append(Patient(pid, findings if isinstance(findings, dict) else {}, item.get("expected"),
                                str(item.get("story", "")), source.where(("patients", index)), source.file))
    if problems:
        raise FlowError(problems)
    return patients


def typed_answer(question: Question, findings: dict[str, Any], flow: Flow) -> str:
    """What this patient types to `question`, read from its findings."""
    if question.kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE):
        value = findings.get(question.finding, flow.findings[question.finding].default())
        return "yes" if value is True else "no" if value is False or question.kind == QuestionKind.YES_NO else "not sure"
    if question.kind == QuestionKind.TEMPERATURE:
        value = findings.get(question.finding)
        return "not measured" if value is None else str(value)
    numbers = [str(i) for i, option in enumerate(question.options, 1)
               if option.finding and findings.get(option.finding) is True]
    if question.kind == QuestionKind.SINGLE_CHOICE and numbers:
        return numbers[0]
    if numbers:
        return ", ".join(numbers)
    nones = [str(i) for i, option in enumerate(question.options, 1) if option.none]
    return nones[0] if nones else "1"


def simulate(flow: Flow, patient: Patient, recorder: Recorder | None = None) -> Simulation:
    """Run one patient through the flow to its outcome, kept as a session by `recorder` if given."""
    conversation = Conversation(flow)
    conversation.start()
    if recorder is not None:
        recorder.begin(conversation)
    findings = patient.findings
    for _ in range(MAX_STEPS):
        question = conversation.question
        if question is None:
            return Simulation(patient, flow.outcomes[conversation.state].level, conversation.state, conversation.asked)
        typed = typed_answer(question, findings, flow)
        error = conversation.take(typed)
        if recorder is not None:
            recorder.answered(conversation)
        if error is not None:
            raise FlowError([Problem(patient.file, *patient.at,
                                     f"patient '{patient.id}': the answer '{typed}' to '{question.id}' "
                                     f"was not accepted: {error.get('en')}")])
    raise FlowError([Problem(patient.file, *patient.at,
                             f"patient '{patient.id}': the dialogue did not end after {MAX_STEPS} answers")])
