"""Independent oracle for the BMF triage rules (the clinic's triage-rules.md, revision 3).

Written straight from the rule tables, with no knowledge of the dialogue engine,
so tests can check that the flow's outcome equals what the rules give. Stdlib
only, and the vocabulary is copied in rather than read, so the oracle has no
run-time dependency on ../shared or on yaml.
"""

from __future__ import annotations

import re
from decimal import Decimal, ROUND_HALF_UP

# Finding vocabulary and types (findings.yaml).
FINDINGS: dict[str, str] = {
    "known_low_white_count": "boolean_or_unknown",
    "fever_feeling": "boolean",
    "temperature": "temperature",
    "temperature_highest": "temperature",
    "took_fever_reducer": "boolean",
    "chills_shaking": "boolean",
    "stiff_neck": "boolean",
    "infection_signs": "boolean",
    "bleeding_now": "boolean",
    "bleeding_wont_stop_10min": "boolean",
    "blood_in_vomit": "boolean",
    "black_or_bloody_stool": "boolean",
    "blood_in_urine": "boolean",
    "coughing_blood": "boolean",
    "heavy_period": "boolean",
    "nosebleed_or_gum_bleeding": "boolean",
    "new_bruising": "boolean",
    "petechiae": "boolean",
    "head_injury": "boolean",
    "severe_headache_or_vision_change": "boolean",
    "confusion_or_drowsy": "boolean",
    "fatigue": "boolean",
    "fatigue_worse_than_usual": "boolean",
    "short_of_breath": "boolean",
    "short_of_breath_at_rest": "boolean",
    "chest_pain": "boolean",
    "fainting_or_dizzy": "boolean",
    "fast_heartbeat": "boolean",
    "symptoms_new_or_worse": "boolean",
}

# `implies` (findings.yaml): the key can only be present when the value is. Revision 3:
# blood in the vomit, black stools and coughing blood look back 3 days and no longer
# imply the last day's bleeding.
IMPLIES: dict[str, str] = {
    "bleeding_wont_stop_10min": "bleeding_now",
    "blood_in_urine": "bleeding_now",
    "heavy_period": "bleeding_now",
    "nosebleed_or_gum_bleeding": "bleeding_now",
    "fatigue_worse_than_usual": "fatigue",
    "short_of_breath_at_rest": "short_of_breath",
}

# `window` (findings.yaml, revision 3): how far back each finding looks.
WINDOWS: dict[str, str] = {
    "known_low_white_count": "current",
    "fever_feeling": "24h",
    "temperature": "latest",
    "temperature_highest": "24h",
    "took_fever_reducer": "6h",
    "chills_shaking": "24h",
    "stiff_neck": "now",
    "infection_signs": "now",
    "bleeding_now": "24h",
    "bleeding_wont_stop_10min": "24h",
    "blood_in_vomit": "3d",
    "black_or_bloody_stool": "3d",
    "blood_in_urine": "24h",
    "coughing_blood": "3d",
    "heavy_period": "24h",
    "nosebleed_or_gum_bleeding": "24h",
    "new_bruising": "7d",
    "petechiae": "7d",
    "head_injury": "since_last_check",
    "severe_headache_or_vision_change": "24h",
    "confusion_or_drowsy": "24h",
    "fatigue": "7d",
    "fatigue_worse_than_usual": "7d",
    "short_of_breath": "3d",
    "short_of_breath_at_rest": "24h",
    "chest_pain": "24h",
    "fainting_or_dizzy": "24h",
    "fast_heartbeat": "24h",
    "symptoms_new_or_worse": "7d",
}

# U15: "all boolean findings but known_low_white_count, took_fever_reducer and
# symptoms_new_or_worse" (known_low_white_count is not of type boolean anyway).
SYMPTOM_FINDINGS: tuple[str, ...] = tuple(
    k for k, t in FINDINGS.items()
    if t == "boolean" and k not in ("took_fever_reducer", "symptoms_new_or_worse")
)

LEVELS = ("routine", "urgent", "emergency")  # lowest to highest

_TEMP_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[°º]?\s*([CF])?\s*$", re.IGNORECASE)
_C_RANGE = (Decimal(30), Decimal(45))
_F_RANGE = (Decimal(86), Decimal(113))
_TENTH = Decimal("0.1")


def parse_temperature_c(value) -> float | None:
    """Return a typed temperature in °C rounded to 0.1, or None if not measured.

    Numbers and unit-less strings are °C, unless in 86–113 which is °F. Rounding
    is decimal ROUND_HALF_UP on the typed digits, so 100.4 F is exactly 38.0.
    Anything else, or a result outside 30–45 °C, is a typing error (principle 5:
    ask again, never guess) and raises ValueError.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a temperature: {value!r}")
    if isinstance(value, (int, float)):
        number, unit = Decimal(str(value)), None
    elif isinstance(value, str):
        m = _TEMP_RE.match(value)
        if not m:
            raise ValueError(f"not a temperature: {value!r}")
        number, unit = Decimal(m.group(1).replace(",", ".")), (m.group(2) or "").upper() or None
    else:
        raise ValueError(f"not a temperature: {value!r}")
    if unit is None:
        unit = "F" if _F_RANGE[0] <= number <= _F_RANGE[1] else "C"
    celsius = (number - 32) * 5 / 9 if unit == "F" else number
    celsius = celsius.quantize(_TENTH, rounding=ROUND_HALF_UP)
    if not _C_RANGE[0] <= celsius <= _C_RANGE[1]:
        raise ValueError(f"temperature out of range 30–45 °C: {value!r}")
    return float(celsius)


def normalise(findings: dict) -> dict:
    """Return a complete profile: every key present, defaults filled in.

    Unlisted boolean = False; unlisted or None boolean_or_unknown = None
    (unknown); temperature as °C float or None. Unknown keys and non-bool
    answers raise, so a typo in a patient file cannot silently mean "no".
    """
    unknown = set(findings) - set(FINDINGS)
    if unknown:
        raise KeyError(f"unknown findings: {sorted(unknown)}")
    out: dict = {}
    for key, kind in FINDINGS.items():
        value = findings.get(key)
        if kind == "temperature":
            out[key] = parse_temperature_c(value)
        elif kind == "boolean_or_unknown":
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"{key} must be true, false or null: {value!r}")
            out[key] = value
        else:
            if key in findings and not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false: {value!r}")
            out[key] = bool(value)
    return out


def consistent(findings: dict) -> bool:
    """True if every finding that implies another is only true with it."""
    f = normalise(findings)
    return all(f[implied] for key, implied in IMPLIES.items() if f[key])


def _rules(f: dict) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The two rule tables, in table order, evaluated on a normalised profile."""
    T = f["temperature"]  # the latest reading: the low-temperature rules
    readings = [t for t in (T, f["temperature_highest"]) if t is not None]
    Tmax = max(readings) if readings else None  # the highest of the last day: the fever rules
    low_wbc = f["known_low_white_count"] is not False  # yes or unknown (principle 1)
    fever = Tmax is not None and Tmax >= 38.0
    emergency = [
        ("E1", fever and low_wbc),
        ("E2", f["chills_shaking"] and low_wbc),
        ("E3", T is not None and T < 36.0 and low_wbc
               and (f["infection_signs"] or f["fever_feeling"] or f["chills_shaking"])),
        ("E4", f["bleeding_wont_stop_10min"]),
        ("E5", f["blood_in_vomit"]),
        ("E6", f["black_or_bloody_stool"]),
        ("E7", f["coughing_blood"]),
        ("E8", f["severe_headache_or_vision_change"]),
        ("E9", f["confusion_or_drowsy"]),
        ("E10", f["chest_pain"]),
        ("E11", f["short_of_breath_at_rest"]),
        ("E12", f["fainting_or_dizzy"]
                and (f["fast_heartbeat"] or f["short_of_breath"] or f["bleeding_now"])),
        ("E13", fever and f["stiff_neck"]),
        ("E14", f["head_injury"]),
        # Revision 3: hypothermia, and a very high fever, at any white count.
        ("E15", T is not None and T < 35.0),
        ("E16", Tmax is not None and Tmax >= 40.0),
    ]
    urgent = [
        # "fever (white count not low)": with a low count it is E1 anyway, so the
        # bracket only says why; written as in the table.
        ("U1", fever and not low_wbc),
        ("U2", Tmax is not None and 37.8 <= Tmax < 38.0 and low_wbc),
        # Revision 2: feeling feverish with a low count, at any temperature (also none).
        ("U3", f["fever_feeling"] and low_wbc),
        ("U4", f["chills_shaking"]),
        ("U5", f["infection_signs"]),
        ("U6", f["bleeding_now"] or f["nosebleed_or_gum_bleeding"]),
        ("U7", f["blood_in_urine"]),
        ("U8", f["heavy_period"]),
        ("U9", f["new_bruising"] or f["petechiae"]),
        ("U10", f["fatigue_worse_than_usual"]),
        ("U11", f["short_of_breath"] and f["symptoms_new_or_worse"]),
        ("U12", f["fainting_or_dizzy"]),
        ("U13", f["fast_heartbeat"]),
        ("U14", f["took_fever_reducer"] and low_wbc and (f["fever_feeling"] or (Tmax is not None and Tmax >= 37.5))),
        ("U15", f["symptoms_new_or_worse"] and any(f[k] for k in SYMPTOM_FINDINGS)),
        # Revision 2: a low temperature can be the only sign of sepsis; revision 3: at any count.
        ("U16", T is not None and T < 36.0),
    ]
    return emergency, urgent


def triage(findings: dict) -> tuple[str, list[str]]:
    """Return (level, ids of the rules that fire at that level), in table order.

    Only the winning level's rules are returned: urgent rules apply only when no
    emergency rule fires ("no emergency rule, and any one of these"), and a
    routine result has no rules.
    """
    emergency, urgent = _rules(normalise(findings))
    fired = [rid for rid, hit in emergency if hit]
    if fired:
        return "emergency", fired
    fired = [rid for rid, hit in urgent if hit]
    if fired:
        return "urgent", fired
    return "routine", []
