"""Hypothesis strategies for random, consistent patient profiles.

Temperatures are drawn to land on the rule thresholds (35.0, 36.0, 37.5, 37.8, 38.0, 40.0) often,
in both °C and °F spellings, because that is where triage mistakes hide.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.helpers.triage_oracle import FINDINGS, IMPLIES

BOOLEAN_FINDINGS = tuple(k for k, t in FINDINGS.items() if t == "boolean")
# Findings that can be turned "yes" one at a time (monotonicity tests).
RAISABLE_FINDINGS = BOOLEAN_FINDINGS + ("known_low_white_count",)

_ABSENT = object()

THRESHOLD_TEMPERATURES = (34.9, 35.0, 35.9, 36.0, 37.4, 37.5, 37.7, 37.8, 37.9, 38.0, 38.1, 38, 36, 39.9, 40.0)
TEMPERATURE_STRINGS = (
    "100.4 F", "100.3 F", "99.9 F", "96.7F", "96.8 °F", "101°F", "100,2 F", "104 F", "103.9 F", "94.9 F",
    "38,0 °C", "37,9 °C", "38,4 °C", "37.9C", "35.9 C", "38.0", "37.8", "36", "34,9", "40,0 °C",
)

temperatures = st.one_of(
    st.none(),
    st.sampled_from(THRESHOLD_TEMPERATURES),
    st.sampled_from(TEMPERATURE_STRINGS),
    st.floats(min_value=30.0, max_value=45.0),
    st.decimals(min_value=30, max_value=45, places=1).map(str),
    st.decimals(min_value=86, max_value=113, places=1).map(lambda d: f"{d} F"),
)


def with_implied(profile: dict) -> dict:
    """Return a copy where every implied finding of a true finding is true too."""
    out = dict(profile)
    for key, implied in IMPLIES.items():
        if out.get(key) is True:
            out[implied] = True
    return out


def with_one_more(profile: dict, key: str) -> dict:
    """Return a copy with `key` answered yes (and what it implies), for monotonicity."""
    return with_implied({**profile, key: True})


@st.composite
def profiles(draw) -> dict:
    """A random consistent profile: each finding yes, no, or absent (its default)."""
    profile: dict = {}
    for key in BOOLEAN_FINDINGS:
        value = draw(st.sampled_from((True, False, _ABSENT)))
        if value is not _ABSENT:
            profile[key] = value
    wbc = draw(st.sampled_from((True, False, None, _ABSENT)))
    if wbc is not _ABSENT:
        profile["known_low_white_count"] = wbc
    for key in ("temperature", "temperature_highest"):
        temperature = draw(st.one_of(st.just(_ABSENT), temperatures))
        if temperature is not _ABSENT:
            profile[key] = temperature
    return with_implied(profile)
