"""`chatbot diff` claims only what the engine bears out, and misses nothing random persons find.

For each mutant of the bundled flow (tests/helpers/flow_mutants.py: thresholds,
targets, conditions, implies, outcome levels, questions added, removed and moved),
every class the review claims is replayed on both versions through the real engine,
and a few hundred random persons are run through both as simulated patients: each
whose outcome differs must be a member of a claimed class with those outcomes.
`bench/diff.py --claims` runs the same with thousands of persons per mutant, and
random mutants besides.
"""

from __future__ import annotations

import random

import pytest

from chatbot.review.report import review
from chatbot.review.revisions import read_version
from tests.helpers.flow_mutants import MUTANTS, UNCHANGED, check_claims, mutant, random_persons
from tests.core.test_analysis import write_flow

PERSONS = 200


@pytest.fixture(scope="module")
def base():
    return read_version(None)


@pytest.mark.parametrize("name", list(MUTANTS))
def test_every_claim_replays_and_random_persons_find_no_missed_change(name, base, tmp_path):
    path = write_flow(tmp_path, mutant(name))
    changed = read_version(str(path))
    result = review(base, changed)
    persons = random_persons((base.flow, changed.flow), PERSONS, random.Random(name))
    claims = check_claims(result, persons)
    assert claims.problems == []
    assert bool(result.classes) == (name not in UNCHANGED)


def test_the_random_persons_find_changes_the_claims_then_cover(base, tmp_path):
    """Not vacuous: random persons do reach the changed classes, and each is covered."""
    path = write_flow(tmp_path, mutant("unknown white count no longer counts as low (condition)"))
    changed = read_version(str(path))
    result = review(base, changed)
    claims = check_claims(result, random_persons((base.flow, changed.flow), 2 * PERSONS, random.Random(7)))
    assert claims.changed > 10 and claims.problems == []
    kinds = {c.kind for c in result.classes}
    assert "down-triage" in kinds and "up-triage" not in kinds  # (and emergencies that now end at another)
