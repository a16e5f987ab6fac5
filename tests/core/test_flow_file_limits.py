"""No flow file can hang, exhaust memory or crash `chatbot check` (issue 14, point 1).

Each hostile file ends, within seconds, in positioned problems and exit 2: alias
bombs, nesting hundreds of levels deep, tagged scalars that cannot be read, and a
late question sent back to an early one (which once made the path exploration grow
without end). A fuzz test breaks the bundled flow at random, as text and as a tree,
and every break must end cleanly; bench/fuzz_flows.py is the long run.
"""

from __future__ import annotations

import random
import re
import signal
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from chatbot.cli import main
from chatbot.flowfile.source import read_yaml
from tests.helpers.flow_fuzz import BUNDLED_TEXT, check_text, dump, fresh_data, mutate_text, mutate_tree

SECONDS = 10  # each case: "within a few seconds" of CPU; the alarm (wall time) is three times that


def alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def nested(opening: str, closing: str, depth: int) -> str:
    return "flow: " + opening * depth + "x" + closing * depth + "\n"


def sent_back() -> str:
    data = yaml.safe_load(BUNDLED_TEXT)
    data["questions"]["new_or_worse"]["next"] = "white_count"
    return dump(data)


HOSTILE = [
    pytest.param(alias_bomb(7), "aliases (*name) repeat more than", id="alias bomb"),
    pytest.param(alias_bomb(9), "aliases (*name) repeat more than", id="alias bomb, two levels more"),
    pytest.param(nested("[", "]", 400), "nested too deep", id="lists 400 deep"),
    pytest.param(nested("{a: ", "}", 400), "nested too deep", id="mappings 400 deep"),
    pytest.param(nested("{not: ", "}", 400), "nested too deep", id="not conditions 400 deep"),
    pytest.param(nested("[", "]", 100_000), "nested too deep", id="lists beyond the parser's own limit"),
    pytest.param("flow: !!int 0xz\n", "cannot read value", id="!!int 0xz"),
    pytest.param("flow: !!float x\n", "cannot read value", id="!!float x"),
    pytest.param("flow: !!timestamp 2001-13-45\n", "cannot read value", id="!!timestamp 2001-13-45"),
    pytest.param('flow: !!int ""\n', "cannot read value", id='!!int ""'),
    pytest.param("? !!int 0xz\n: x\n", "a key must be a plain name", id="an unreadable key"),
    pytest.param(sent_back(), "never-ends", id="a late question sent back to an early one"),
]


@pytest.mark.parametrize("text, message", HOSTILE)
def test_a_hostile_flow_ends_in_positioned_problems_and_exit_2(text, message, tmp_path, capsys):
    """Refused where it is read (or, for the loop, reported at the transition), never hanging or crashing."""
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.process_time()  # CPU, not wall: a loaded machine must not fail a fast reader
    signal.alarm(SECONDS * 3)  # a hang fails the test instead of the run
    try:
        status = main(["check", str(path)])
    finally:
        signal.alarm(0)
    assert time.process_time() - started < SECONDS
    out, err = capsys.readouterr()
    assert status == 2 and "Traceback" not in out + err
    lines = [line for line in (out + err).splitlines() if message in line]
    assert lines and all(re.match(rf"{re.escape(str(path))}:\d+:\d+: ", line) for line in lines), out + err


def test_the_loop_is_reported_at_the_transition_that_goes_back(tmp_path, capsys):
    """`never-ends` stands at the edited `next`, so the clinician sees which edit made the loop."""
    path = tmp_path / "loop.yaml"
    path.write_text(sent_back(), encoding="utf-8")
    line, col = read_yaml(path).where(("questions", "new_or_worse", "next"))
    assert main(["check", str(path)]) == 2
    assert f"{path}:{line}:{col}: never-ends: " in capsys.readouterr().out


def test_aliases_within_the_budget_still_read(tmp_path):
    """A dumped flow shares small lists through aliases; those are fine (the large-flow benchmark needs them)."""
    path = tmp_path / "shared.yaml"
    path.write_text("a: &x [1, 2]\nb: *x\n", encoding="utf-8")
    assert read_yaml(path).data == {"a": [1, 2], "b": [1, 2]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2 ** 32 - 1), as_tree=st.booleans(), edits=st.integers(1, 3))
def test_a_randomly_broken_flow_ends_cleanly(seed, as_tree, edits):
    """Text- and tree-level breaks of the bundled flow: each ends in a verdict or positioned problems."""
    rng = random.Random(seed)
    if as_tree:
        data = fresh_data()
        for _ in range(edits):
            data = mutate_tree(data, rng)
        text = dump(data)
    else:
        text = BUNDLED_TEXT
        for _ in range(edits):
            text = mutate_text(text, rng)
    outcome, detail = check_text(text, seconds=SECONDS)
    assert outcome not in ("traceback", "hang"), detail


def test_the_size_cap_is_for_flows_not_for_simulated_patients(tmp_path, capsys):
    """A tester's boundary patients run past the 4 MB a flow may be: `chatbot simulate` reads them all;
    a flow that large is still refused, in one positioned line."""
    from chatbot.flowfile.source import MAX_BYTES

    story = "a long story, " * 2000
    patients = tmp_path / "boundary.yaml"
    patients.write_text("patients:\n" + "".join(
        f"  - id: boundary-{number}\n    story: {story}\n    findings: {{fever_feeling: true, temperature: 38.{number % 10}}}\n"
        for number in range(160)))
    assert patients.stat().st_size > MAX_BYTES
    assert main(["simulate", str(patients)]) == 0
    assert capsys.readouterr().out.endswith("160 patients simulated\n")
    big_flow = tmp_path / "flow.yaml"
    big_flow.write_text("# padding\n" * (MAX_BYTES // 10 + 1))
    assert main(["check", str(big_flow)]) == 2
    assert "too large to read" in capsys.readouterr().err
