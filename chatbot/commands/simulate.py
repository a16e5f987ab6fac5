"""`chatbot simulate PATIENTS.yaml`: run simulated patients through the flow.

A patient is a profile of findings or a timeline (`chatbot.replay.timeline`); a timeline
answers literally and must also reach the level the rules give for its findings.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial

from chatbot import collector
from chatbot.catalog import message, plural
from chatbot.commands.said import complain, said
from chatbot.commands.arguments import add_database_argument, database_given, finish_recording, recorder_for
from chatbot.flowfile.loader import load_flow
from chatbot.flow.model import LEVELS
from chatbot.replay.parts import simulate_in_parts
from chatbot.replay.patients import read_patients, simulate

NAME = "simulate"
HELP = message("run simulated patients through the flow and compare with their expected level")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("patients", metavar="PATIENTS.yaml", help=message("a file of simulated patients"))
    parser.add_argument("--json", action="store_true", help=message("one JSON object per patient and line"))
    add_database_argument(parser)  # each patient a session in the records: for demos and load tests


def run(args: argparse.Namespace) -> int:
    flow = load_flow(args.flow or args.global_flow)
    # Reading the patients and simulating them make no cycles: a collection would only walk the
    # patients read, again and again (a fifth of the time). Kept in the records, collected as usual.
    with collector.paused():
        if database_given(args) is None:  # a large file in parts, one process a core, when it says the same
            in_parts = simulate_in_parts(args.patients, flow, partial(_line, args, {}))
            if in_parts is not None:
                shares, count = in_parts
                lines = [share.lines for share in shares]
                if not args.json:
                    lines.append(_summary_line(count, sum(share.checked for share in shares), []))
                sys.stdout.write("\n".join(lines) + "\n")
                sys.stdout.flush()
                return 0
        patients = read_patients(args.patients, flow)
        recorder = recorder_for(args, "simulate")
        if recorder is None:
            return _simulate_all(args, flow, patients, None)
    status = 2
    try:
        status = _simulate_all(args, flow, patients, recorder)
    finally:
        status = max(status, finish_recording(recorder, "simulate"))
    return status


def _simulate_all(args: argparse.Namespace, flow, patients, recorder) -> int:
    lines: list[str] = []  # written at once (also when a patient cannot be simulated): a print each is a tenth of the time
    try:
        return _simulate_each(args, flow, patients, recorder, lines)
    finally:
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
            sys.stdout.flush()


def _simulate_each(args: argparse.Namespace, flow, patients, recorder, lines: list[str]) -> int:
    disagreements, line = [], partial(_line, args, {})
    for patient in patients:
        result = simulate(flow, patient, recorder)
        lines.append(line(patient, result))
        if not result.agrees:
            disagreements.append(result)
    if not args.json:
        checked = sum(1 for patient in patients if patient.expected is not None or patient.timeline is not None)
        lines.append(_summary_line(len(patients), checked, disagreements))
    if disagreements:
        sys.stdout.write("\n".join(lines) + "\n")  # before the complaints, as when each line was printed
        sys.stdout.flush()
        lines.clear()
        complain(plural("{count} of {total} patients disagree with their expected level:",
                        "{count} of {total} patients disagree with their expected level:").count(len(disagreements)),
                 total=len(patients))
        for result in disagreements:
            line, col = result.patient.at
            complain(message("  {where}: {patient}: {expected}, got {level} ({outcome})"),
                     where=f"{result.patient.file}:{line}:{col}", patient=result.patient.id,
                     expected=_expected(result), level=result.level, outcome=result.outcome)
        return 1
    return 0


WIDER = message(" (the rules give {level}: a question asks over a wider window)")
QUESTIONS = plural("{count} question", "{count} questions")
PATIENTS = plural("{count} patient", "{count} patients")


def _expected(result) -> str:
    """What the patient should have reached: its `expected`, and for a timeline the rules' level."""
    parts = []
    if result.patient.expected not in (None, result.level):
        parts.append(said(message("expected {level}"), level=result.patient.expected))
    if result.rules_level is not None and LEVELS.index(result.rules_level) > LEVELS.index(result.level):
        parts.append(said(message("the rules give {level} for its timeline"), level=result.rules_level))
    return "; ".join(parts)


def _line(args: argparse.Namespace, questions: dict[int, str], patient, result) -> str:
    """The patient's line: its level, outcome, how many questions, and whether it agrees; or a JSON object.
    `questions` keeps "7 questions" and kin for the run: said once each, not once a patient."""
    if args.json:
        line = {"id": patient.id, "level": result.level, "outcome": result.outcome, "asked": result.asked}
        if result.rules_level is not None:
            line["rules_level"] = result.rules_level
        return json.dumps(line)
    verdict = "" if patient.expected is None and result.rules_level is None else (
        "  ok" if result.agrees else f"  DIFFERS: {_expected(result)}")  # marks, as replay's
    if result.agrees and result.rules_level not in (None, result.level):  # a wider question raised it
        verdict += said(WIDER, level=result.rules_level)
    count = len(result.asked)
    asked = questions.get(count)
    if asked is None:
        asked = questions[count] = (" " if count < 10 else "") + said(QUESTIONS.count(count))
    return (f"{patient.id:<10} {result.level:<9}  {result.outcome:<22} "
            + (f"{asked:<12}{verdict}" if verdict else asked))


def _summary_line(count: int, checked: int, disagreements) -> str:
    """The last line says how it went, so a tester need not count the lines above."""
    patients_ = PATIENTS.count(count)
    if disagreements:
        return said(plural("{patients}: {count} of {checked} with an expected level disagree",
                           "{patients}: {count} of {checked} with an expected level disagree").count(len(disagreements)),
                    patients=patients_, checked=checked)
    if checked:
        return said(plural("{patients}: all {count} with an expected level agree",
                           "{patients}: all {count} with an expected level agree").count(checked), patients=patients_)
    return said(plural("{count} patient simulated", "{count} patients simulated").count(count))
