"""The bundled flow reaches the rules' level for every patient a person could be.

The judge is tests/helpers/triage_oracle.py, written straight from triage-rules.md and
independent of both the flow's routing and its rules table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from chatbot.flowfile.loader import load_flow
from chatbot.replay.patients import Patient, read_patients, simulate
from chatbot.flow.triage import triage as flow_triage
from tests.helpers.strategies import RAISABLE_FINDINGS, profiles, with_one_more
from tests.helpers.triage_oracle import LEVELS, normalise, triage

FLOW = load_flow()
PATIENT_FILES = sorted((Path(__file__).parents[1] / "patients").glob("*.yaml"))
PATIENTS = [p for path in PATIENT_FILES for p in read_patients(path, FLOW)]


def level_of(findings: dict) -> str:
    return simulate(FLOW, Patient("random", findings)).level


@pytest.mark.parametrize("patient", PATIENTS, ids=[p.id for p in PATIENTS])
def test_every_simulated_patient_gets_the_expected_level(patient):
    assert patient.expected is not None
    assert simulate(FLOW, patient).level == patient.expected


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_random_profiles_get_the_rules_level(profile):
    assert level_of(profile) == triage(profile)[0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_one_more_yes_never_lowers_the_level(profile):
    before = LEVELS.index(level_of(profile))
    for key in RAISABLE_FINDINGS:
        assert LEVELS.index(level_of(with_one_more(profile, key))) >= before, key


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_the_flow_rules_table_agrees_with_the_independent_oracle(profile):
    verdict = flow_triage(FLOW.rules, normalise(profile))
    level, rule_ids = triage(profile)
    assert verdict.level == level
    assert [rule.id for rule in verdict.rules] == rule_ids


def test_an_emergency_ends_the_dialogue_before_unrelated_questions():
    result = simulate(FLOW, Patient("head", {"severe_headache_or_vision_change": True, "new_bruising": True}))
    assert result.level == "emergency"
    assert "bruising" not in result.asked
