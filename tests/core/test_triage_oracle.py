"""Tests of the triage oracle itself, so it can be trusted to judge the flow."""

from __future__ import annotations

import pathlib
import re
from collections import Counter

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from tests.helpers.strategies import RAISABLE_FINDINGS, profiles, with_one_more
from tests.helpers.triage_oracle import FINDINGS, IMPLIES, LEVELS, WINDOWS, consistent, parse_temperature_c, triage

PATIENT_DIR = pathlib.Path(__file__).parents[1] / "patients"
PATIENT_FILES = ("examples.yaml", "more.yaml")


def load_patients(name: str) -> list[dict]:
    return yaml.safe_load((PATIENT_DIR / name).read_text(encoding="utf-8"))["patients"]


ALL_PATIENTS = [p for name in PATIENT_FILES for p in load_patients(name)]
MORE_PATIENTS = load_patients("more.yaml")
PREFIX_LEVEL = {"E": "emergency", "U": "urgent", "R": "routine"}


@pytest.mark.parametrize("patient", ALL_PATIENTS, ids=[p["id"] for p in ALL_PATIENTS])
def test_patient_gets_expected_level(patient):
    assert consistent(patient["findings"]), "profile breaks an `implies`"
    level, fired = triage(patient["findings"])
    assert level == patient["expected"], fired
    assert PREFIX_LEVEL[patient["id"].lstrip("X")[0]] == patient["expected"]


def test_patient_ids_unique_and_well_formed():
    ids = [p["id"] for p in ALL_PATIENTS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"X?[EUR]\d\d", i) for i in ids)
    assert all(set(p) == {"id", "story", "findings", "expected"} for p in ALL_PATIENTS)


def test_more_patients_cover_every_rule_twice():
    """Each rule must decide at least two patients (urgent rules count only when they win)."""
    counts = Counter(rule for p in MORE_PATIENTS for rule in triage(p["findings"])[1])
    rules = [f"E{i}" for i in range(1, 17)] + [f"U{i}" for i in range(1, 17)]
    assert {r: counts[r] for r in rules if counts[r] < 2} == {}
    assert len(MORE_PATIENTS) >= 80
    assert sum(p["expected"] == "routine" for p in MORE_PATIENTS) >= 20


@pytest.mark.parametrize(
    "typed, celsius",
    [
        (None, None),
        (38, 38.0),
        (37.9, 37.9),
        (35.95, 36.0),
        (37.75, 37.8),
        ("38.4", 38.4),
        ("38,4 °C", 38.4),
        ("37.9C", 37.9),
        ("37,9 c", 37.9),
        ("100.4 F", 38.0),
        ("100.4", 38.0),
        (100.4, 38.0),
        ("100.3 F", 37.9),
        ("101°F", 38.3),
        ("99.9 F", 37.7),
        ("96.7F", 35.9),
        ("96.8 °F", 36.0),
        ("86 F", 30.0),
        ("113F", 45.0),
        (30, 30.0),
        (45, 45.0),
    ],
)
def test_parse_temperature_c(typed, celsius):
    assert parse_temperature_c(typed) == celsius


@pytest.mark.parametrize(
    "typed", ["", "hot", "29.9", 45.1, "50", 120, "38.4 K", "100 C", "85 F", True, "38..4"]
)
def test_parse_temperature_rejects_typing_errors(typed):
    """Principle 5: a value outside 30–45 °C is a typing error, never a guess."""
    with pytest.raises(ValueError):
        parse_temperature_c(typed)


def test_unknown_finding_is_an_error():
    with pytest.raises(KeyError):
        triage({"fevr_feeling": True})


def test_vocabulary():
    assert set(FINDINGS.values()) == {"boolean", "boolean_or_unknown", "temperature"}
    assert set(IMPLIES) | set(IMPLIES.values()) <= set(FINDINGS)


def test_rules_named_in_the_spec():
    """Spot checks of readings that are easy to get wrong."""
    assert triage({})[0] == "routine"  # unknown count alone is not a symptom
    assert triage({"chills_shaking": True}) == ("emergency", ["E2"])  # unknown = low
    assert triage({"known_low_white_count": False, "temperature": 38.0}) == ("urgent", ["U1"])
    assert triage({"known_low_white_count": True, "temperature": "100.4 F"}) == ("emergency", ["E1"])
    assert triage({"known_low_white_count": True, "temperature": 37.9}) == ("urgent", ["U2"])
    assert triage({"known_low_white_count": True, "fever_feeling": True}) == ("urgent", ["U3"])
    assert triage({"known_low_white_count": True, "fever_feeling": True,
                   "temperature": 35.9}) == ("emergency", ["E3"])
    assert triage({"symptoms_new_or_worse": True})[0] == "routine"
    assert triage({"known_low_white_count": False, "fatigue": True,
                   "symptoms_new_or_worse": True}) == ("urgent", ["U15"])


@pytest.mark.parametrize("findings, expected", [
    # U3: feeling feverish with a low or unknown count, at any temperature.
    ({"fever_feeling": True, "temperature": 37.0}, ("urgent", ["U3"])),
    ({"known_low_white_count": False, "fever_feeling": True, "temperature": 37.0}, ("routine", [])),
    # U14: a fever reducer with a low or unknown count and a feverish feeling or 37.5 °C or more.
    ({"known_low_white_count": True, "took_fever_reducer": True, "temperature": 37.5}, ("urgent", ["U14"])),
    ({"known_low_white_count": True, "took_fever_reducer": True, "temperature": "99.5 F"}, ("urgent", ["U14"])),
    ({"known_low_white_count": True, "took_fever_reducer": True, "temperature": 37.4}, ("routine", [])),
    ({"known_low_white_count": True, "took_fever_reducer": True}, ("routine", [])),
    ({"known_low_white_count": True, "took_fever_reducer": True, "fever_feeling": True},
     ("urgent", ["U3", "U14"])),
    # U16: below 36.0 °C with a low or unknown count, even with nothing else.
    ({"temperature": 35.9}, ("urgent", ["U16"])),
    ({"known_low_white_count": True, "temperature": 36.0}, ("routine", [])),
], ids=["U3-normal-reading", "U3-count-not-low", "U14-37.5", "U14-99.5F", "U14-37.4", "U14-no-reading",
        "U14-with-U3", "U16-unknown-count", "U16-36.0"])
def test_revision_2(findings, expected):
    """Revision 2 of the rules: U3 at any temperature, U14 from 37.5 °C, new U16."""
    assert triage(findings) == expected


@pytest.mark.parametrize("findings, expected", [
    # U16 at any white count; E15 below 35.0 °C and E16 from 40.0 °C at any count.
    ({"known_low_white_count": False, "temperature": 35.9}, ("urgent", ["U16"])),
    ({"known_low_white_count": False, "temperature": 35.0}, ("urgent", ["U16"])),
    ({"known_low_white_count": False, "temperature": 34.9}, ("emergency", ["E15"])),
    ({"known_low_white_count": False, "temperature": 30.0}, ("emergency", ["E15"])),
    ({"known_low_white_count": False, "temperature": 39.9}, ("urgent", ["U1"])),
    ({"known_low_white_count": False, "temperature": "104 F"}, ("emergency", ["E16"])),
    # Tmax: the fever rules read the higher of the latest and the highest of the last day ...
    ({"known_low_white_count": True, "temperature": 37.2, "temperature_highest": 38.6}, ("emergency", ["E1"])),
    ({"temperature_highest": 38.0}, ("emergency", ["E1"])),
    ({"known_low_white_count": False, "temperature": 37.0, "temperature_highest": 40.0}, ("emergency", ["E16"])),
    ({"known_low_white_count": True, "temperature": 37.0, "temperature_highest": 37.8}, ("urgent", ["U2"])),
    ({"known_low_white_count": True, "took_fever_reducer": True, "temperature": 36.8,
      "temperature_highest": 37.5}, ("urgent", ["U14"])),
    ({"known_low_white_count": False, "stiff_neck": True, "temperature": 37.0, "temperature_highest": 38.0},
     ("emergency", ["E13"])),
    # ... the low-temperature rules read only the latest.
    ({"known_low_white_count": False, "temperature": 35.6, "temperature_highest": 36.9}, ("urgent", ["U16"])),
    ({"known_low_white_count": True, "fever_feeling": True, "temperature": 35.6, "temperature_highest": 36.9},
     ("emergency", ["E3"])),
    ({"known_low_white_count": False, "temperature": 36.9, "temperature_highest": 34.0}, ("routine", [])),
    # black stools, blood in the vomit and coughing blood no longer imply the last day's bleeding
    ({"known_low_white_count": False, "black_or_bloody_stool": True}, ("emergency", ["E6"])),
], ids=["U16-normal-count", "U16-35.0", "E15-34.9", "E15-30.0", "U1-39.9", "E16-104F", "E1-on-Tmax",
        "E1-highest-only", "E16-on-Tmax", "U2-on-Tmax", "U14-on-Tmax", "E13-on-Tmax", "U16-on-latest",
        "E3-on-latest", "low-highest-ignored", "E6-alone"])
def test_revision_3(findings, expected):
    """Revision 3: U16 at any count, E15, E16, and Tmax for the fever rules."""
    assert consistent(findings)
    assert triage(findings) == expected


def test_the_windows_are_those_of_the_findings_list():
    assert set(WINDOWS) == set(FINDINGS)
    assert WINDOWS["fever_feeling"] == WINDOWS["fainting_or_dizzy"] == WINDOWS["fast_heartbeat"] == "24h"
    assert WINDOWS["blood_in_vomit"] == WINDOWS["black_or_bloody_stool"] == WINDOWS["coughing_blood"] == "3d"


@settings(max_examples=500)
@given(profile=profiles(), key=st.sampled_from(RAISABLE_FINDINGS))
def test_monotonic(profile, key):
    """Principle 3: one more "yes" never lowers the level."""
    raised = with_one_more(profile, key)
    assert consistent(profile) and consistent(raised)
    before, after = triage(profile)[0], triage(raised)[0]
    assert LEVELS.index(after) >= LEVELS.index(before), (before, after, triage(raised))
