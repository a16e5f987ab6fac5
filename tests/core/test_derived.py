"""A derived finding (Tmax: the highest of the latest reading and the highest of the last day)
is never asked, read from its sources by every condition, worked out by the engine, and split
by the proof at every threshold on each source."""

from __future__ import annotations

import itertools

import pytest

from chatbot.flow.conditions import TemperatureIn
from chatbot.flowfile.loader import load_flow
from chatbot.proof.answer_classes import answer_space
from chatbot.proof.terms import compile_condition, holds

FLOW = load_flow()
READINGS = (None, 34.9, 35.0, 35.9, 36.0, 37.4, 37.5, 37.7, 37.8, 37.9, 38.0, 39.9, 40.0, 40.2)
TMAX_TESTS = sorted({(node.at_least, node.below) for rule in FLOW.rules for node in rule.when.walk()
                     if isinstance(node, TemperatureIn) and node.finding == "tmax"}, key=str)


def test_tmax_is_declared_as_the_highest_of_the_two_readings():
    assert FLOW.findings["tmax"].highest_of == ("temperature", "temperature_highest")
    assert TMAX_TESTS == [(37.5, None), (37.8, 38.0), (38.0, None), (40.0, None)]


@pytest.mark.parametrize("latest, highest", list(itertools.product(READINGS, READINGS)))
def test_a_tmax_condition_reads_the_highest_measured_and_the_proof_reads_it_the_same(latest, highest):
    findings = {"temperature": latest, "temperature_highest": highest}
    measured = [value for value in (latest, highest) if value is not None]
    tmax = max(measured) if measured else None
    for rule in FLOW.rules:
        for node in rule.when.walk():
            if isinstance(node, TemperatureIn) and node.finding == "tmax":
                expected = tmax is not None and (node.at_least is None or tmax >= node.at_least) and (
                    node.below is None or tmax < node.below)
                assert node.holds(findings) is expected
                assert holds(compile_condition(node), findings) is expected  # the proof's term, over the sources


def test_the_proof_splits_both_readings_at_every_threshold():
    shown = {qid: {answer.shown for answer in classes} for qid, classes in answer_space(FLOW).items()}
    assert {"below 35.0 °C", "35.0 to 35.9 °C", "37.8 to 37.9 °C", "40.0 °C or more"} <= shown["temperature"]
    assert {"below 37.5 °C", "37.5 to 37.7 °C", "37.8 to 37.9 °C", "38.0 to 39.9 °C", "40.0 °C or more"} <= shown[
        "temperature_highest"]
    assert shown["temperature_earlier"] == shown["temperature_highest"]
