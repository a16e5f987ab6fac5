"""Every accepted spelling of a temperature lands on the same side of every rule threshold.

Principle 5: convert to °C, round to 0.1, then compare. A spelling (°C or °F,
comma or point, degree sign or none, spaces, full-width digits) must never move a
reading across a threshold of the rules, where a fever becomes an emergency.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings, strategies as st

from chatbot.flow.answers import read_answer
from chatbot.flow.conditions import TemperatureIn
from chatbot.flowfile.loader import load_flow

FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@pytest.fixture(scope="module")
def flow():
    return load_flow()


def thresholds(flow) -> list[float]:
    """Every temperature bound the rules of the flow compare against."""
    bounds = {bound for rule in flow.rules for node in rule.when.walk() if isinstance(node, TemperatureIn)
              for bound in (node.at_least, node.below) if bound is not None}
    return sorted(bounds)


def test_the_rules_have_the_thresholds_of_revision_3(flow):
    """35.0 (E15) and 40.0 (E16) join 36.0, 37.5, 37.8 and 38.0 (revision 3)."""
    assert thresholds(flow) == [35.0, 36.0, 37.5, 37.8, 38.0, 40.0]


def rounded_celsius(number: Decimal, unit: str) -> Decimal:
    celsius = number if unit == "C" else (number - 32) * 5 / 9
    return celsius.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def spellings(number: Decimal, unit: str) -> list[str]:
    """The ways people type one reading."""
    plain = f"{number}"
    comma = plain.replace(".", ",")
    forms = [f"{plain} {unit}", f"{plain}{unit}", f"{plain} °{unit}", f"{comma} °{unit}", f"{comma}{unit.lower()}",
             f" {plain}  {unit} ", f"{plain} degrees {unit}", plain.translate(FULL_WIDTH) + ("℃" if unit == "C" else "℉")]
    if unit == "C" and Decimal(30) <= number <= Decimal(45) or unit == "F" and Decimal(86) <= number <= Decimal(113):
        forms += [plain, comma]  # without a unit, the range says which scale
    return forms


# Readings in tenths (°C) and tenths or hundredths (°F) near every threshold, and anywhere in range.
celsius_values = st.one_of(st.integers(340, 410), st.integers(300, 450)).map(lambda n: Decimal(n) / 10)
fahrenheit_values = st.one_of(st.integers(9400, 10500), st.integers(8600, 11300)).map(lambda n: Decimal(n) / 100)


@settings(max_examples=300, deadline=None)
@given(reading=st.one_of(celsius_values.map(lambda v: (v, "C")), fahrenheit_values.map(lambda v: (v, "F"))))
def test_every_spelling_lands_on_the_same_side_of_every_threshold(flow, reading):
    number, unit = reading
    expected = rounded_celsius(number, unit)
    questions = (flow.questions["temperature"], flow.questions["temperature_highest"])
    for typed, question in itertools.product(spellings(number, unit), questions):
        value = read_answer(question, typed).value
        for threshold in thresholds(flow):
            assert (value >= threshold) == (expected >= Decimal(str(threshold))), (typed, value, threshold)
