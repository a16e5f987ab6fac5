"""`chatbot simulate PATIENTS.yaml`: run simulated patients through the flow.

A patient is a profile of findings or a timeline (`chatbot.replay.timeline`); a timeline
answers literally and must also reach the level the rules give for its findings.
"""

from __future__ import annotations

import argparse
import json
import sys

from chatbot import collector
from chatbot.commands.arguments import add_database_argument, finish_recording, recorder_for
from chatbot.flowfile.loader import load_flow
from chatbot.flow.model import LEVELS
from chatbot.replay.patients import read_patients, simulate

NAME = "simulate"
HELP = "run simulated patients through the flow and compare with their expected level"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("patients", metavar="PATIENTS.yaml", help="a file of simulated patients")
    parser.add_argument("--json", action="store_true", help="one JSON object per patient and line")
    add_database_argument(parser)  # each patient a session in the records: for demos and load tests


def run(args: argparse.Namespace) -> int:
    flow = load_flow(args.flow or args.global_flow)
    # Reading the patients and simulating them make no cycles: a collection would only walk the
    # patients read, again and again (a fifth of the time). Kept in the records, collected as usual.
    with collector.paused():
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
    disagreements = []
    for patient in patients:
        result = simulate(flow, patient, recorder)
        if args.json:
            line = {"id": patient.id, "level": result.level, "outcome": result.outcome, "asked": result.asked}
            if result.rules_level is not None:
                line["rules_level"] = result.rules_level
            print(json.dumps(line))
        else:
            verdict = "" if patient.expected is None and result.rules_level is None else (
                "  ok" if result.agrees else f"  DIFFERS: {_expected(result)}")
            if result.agrees and result.rules_level not in (None, result.level):  # a wider question raised it
                verdict += f" (the rules give {result.rules_level}: a question asks over a wider window)"
            asked = f"{len(result.asked):>2} question{'s' if len(result.asked) != 1 else ''}"
            print(f"{patient.id:<10} {result.level:<9}  {result.outcome:<22} "
                  + (f"{asked:<12}{verdict}" if verdict else asked))
        if not result.agrees:
            disagreements.append(result)
    if not args.json:
        print(_summary_line(patients, disagreements))
    if disagreements:
        print(f"{len(disagreements)} of {len(patients)} patients disagree with their expected level:",
              file=sys.stderr)
        for result in disagreements:
            line, col = result.patient.at
            print(f"  {result.patient.file}:{line}:{col}: {result.patient.id}: {_expected(result)}, got "
                  f"{result.level} ({result.outcome})", file=sys.stderr)
        return 1
    return 0


def _expected(result) -> str:
    """What the patient should have reached: its `expected`, and for a timeline the rules' level."""
    parts = []
    if result.patient.expected not in (None, result.level):
        parts.append(f"expected {result.patient.expected}")
    if result.rules_level is not None and LEVELS.index(result.rules_level) > LEVELS.index(result.level):
        parts.append(f"the rules give {result.rules_level} for its timeline")
    return "; ".join(parts)


def _summary_line(patients, disagreements) -> str:
    """The last line says how it went, so a tester need not count the lines above."""
    count = len(patients)
    checked = sum(1 for patient in patients if patient.expected is not None or patient.timeline is not None)
    plural = "s" if count != 1 else ""
    if disagreements:
        return f"{count} patient{plural}: {len(disagreements)} of {checked} with an expected level disagree"
    if checked:
        return f"{count} patient{plural}: all {checked} with an expected level agree"
    return f"{count} patient{plural} simulated"
