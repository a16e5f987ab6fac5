"""Random timelines, and the findings a timeline implies, read with the oracle's windows.

Independent of the flow: the windows and implications are the oracle's copies of the
clinic's findings list (`tests.helpers.triage_oracle`), so a flow whose questions ask
over a narrower window than a finding's own cannot agree with them.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.helpers.triage_oracle import FINDINGS, IMPLIES, WINDOWS, parse_temperature_c

HOURS = {"now": 0, "6h": 6, "24h": 24, "3d": 72, "7d": 168}
# Times near every window's edge, in hours before now.
TIMES = (0, -0.5, -3, -5.9, -6.1, -12, -23.9, -24.1, -47, -71.9, -72.1, -100, -167.9, -168.1, -300)
READINGS = (30.0, 34.9, 35.0, 35.9, 36.0, 36.8, 37.4, 37.5, 37.7, 37.8, 37.9, 38.0, 38.1, 39.9, 40.0, 40.2)
SIGNS = tuple(name for name, kind in FINDINGS.items() if kind == "boolean")
LAST_CHECKS = (None, -200, -400)


def hours(value: float) -> str:
    return "0" if value == 0 else f"{value:g}h"


@st.composite
def timelines(draw) -> dict:
    """A patient told as a timeline, as a patients file writes it."""
    signs = st.sampled_from(SIGNS)
    events = []
    count = draw(st.sampled_from((None, True, False, "unknown")))
    if count is not None:
        events.append({"finding": "known_low_white_count", "value": count})
    for _ in range(draw(st.integers(0, 5))):
        when = draw(st.sampled_from(TIMES))
        key = draw(st.sampled_from(("at", "since")))
        events.append({key: hours(when), "finding": draw(signs)})
    for when in draw(st.lists(st.sampled_from(TIMES), max_size=3, unique=True)):
        events.append({"at": hours(when), "temperature": draw(st.sampled_from(READINGS))})
    patient = {"id": "random", "timeline": events}
    last_check = draw(st.sampled_from(LAST_CHECKS))
    if last_check is not None:
        patient["last_check"] = hours(last_check)
    return patient


def _hours_ago(text: str) -> float:
    return 0.0 if text == "0" else float(text.rstrip("h"))


def _implied_by(name: str) -> set[str]:
    """`name` and every finding it implies."""
    chain = {name}
    while name in IMPLIES:
        name = IMPLIES[name]
        chain.add(name)
    return chain


def implied_findings(patient: dict, wider: dict[str, str] | None = None) -> dict:
    """The findings the timeline implies, each through its own window (findings.yaml), or through a
    `wider` one where a question asks over more than its finding looks back at."""
    windows = {**WINDOWS, **(wider or {})}
    last_check = _hours_ago(patient["last_check"]) if "last_check" in patient else float("-inf")
    signs, readings, count = [], [], None
    for event in patient["timeline"]:
        if "temperature" in event:
            readings.append((_hours_ago(event["at"]), parse_temperature_c(event["temperature"])))
        elif event["finding"] == "known_low_white_count":
            count = {True: True, False: False, "unknown": None}[event["value"]]
        else:
            end = 0.0 if "since" in event else _hours_ago(event["at"])
            signs.append((end, event["finding"]))
    findings: dict = {"known_low_white_count": count}
    for name in (n for n, kind in FINDINGS.items() if kind == "boolean"):
        window = windows[name]
        start = last_check if window == "since_last_check" else -HOURS[window]
        findings[name] = any(end >= start and name in _implied_by(sign) for end, sign in signs)
    readings.sort(key=lambda reading: reading[0])
    latest = readings[-1][1] if readings else None
    day = [value for when, value in readings if when >= -HOURS["24h"]]
    findings["temperature"] = latest
    findings["temperature_highest"] = max(day) if day and latest is not None and max(day) > latest else None
    return findings
