"""The loader checks shape, then meaning, and reports every problem at once, positioned.

Each file in tests/bad_flows/ breaks the tiny flow in one way and lists, in its
`# expect:` header lines, the exact messages `chatbot check` must print.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.flowfile.loader import bundled_flow_path, load_flow
from chatbot.flow.problems import FlowError

HERE = Path(__file__).parents[1]  # tests/
BAD_FLOWS = sorted((HERE / "bad_flows").glob("*.yaml"))


def expected_messages(path: Path) -> list[str]:
    prefix = "# expect: "
    return [line[len(prefix):] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(prefix)]


@pytest.mark.parametrize("path", BAD_FLOWS, ids=[p.stem for p in BAD_FLOWS])
def test_bad_flow_reports_exactly_its_problems(path):
    with pytest.raises(FlowError) as raised:
        load_flow(path)
    shown = [str(problem).split(":", 1)[1] for problem in raised.value.problems]
    assert shown == expected_messages(path)
    assert all(str(problem).startswith(str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd())
                                       else str(path)) for problem in raised.value.problems)


def test_every_bad_flow_states_what_it_expects():
    assert len(BAD_FLOWS) >= 15
    assert all(expected_messages(path) for path in BAD_FLOWS)


def test_tiny_flow_loads():
    flow = load_flow(HERE / "tiny_flow.yaml")
    assert flow.start == "fever"
    assert [q for q in flow.questions] == ["fever", "temp"]
    assert flow.outcomes["call"].level == "emergency"


def test_bundled_flow_loads_with_every_finding_asked_somewhere():
    flow = load_flow()
    asked = {name for question in flow.questions.values() for name in question.findings()}
    assert asked == set(flow.findings) - set(flow.derived)
    assert flow.derived == {"tmax": ("temperature", "temperature_highest")}  # worked out, never asked
    assert {rule.id for rule in flow.rules} == {f"E{i}" for i in range(1, 17)} | {f"U{i}" for i in range(1, 17)}
    assert bundled_flow_path().name == "symptoms.yaml"


def test_missing_file_is_a_problem_not_a_traceback(tmp_path):
    with pytest.raises(FlowError) as raised:
        load_flow(tmp_path / "nowhere.yaml")
    assert "cannot read file" in str(raised.value)


def test_a_plain_string_text_is_in_the_first_language(tmp_path):
    flow = load_flow(HERE / "tiny_flow.yaml")
    assert flow.questions["fever"].text.get("en") == "Do you feel feverish?"
    assert flow.questions["fever"].text.get("es") == "Do you feel feverish?"  # falls back, never blank


def test_a_flow_whose_conditions_have_run_still_pickles_and_reads_the_same():
    """A condition keeps the closure it is run by; the flow cache pickles flows, which leaves the
    closure out (it cannot be pickled) and builds it again on use."""
    import pickle

    flow = load_flow()
    profiles = [flow.default_findings(), {name: True for name in flow.findings}]
    before = [[rule.when.holds(findings) for rule in flow.rules] for findings in profiles]
    again = pickle.loads(pickle.dumps(flow))
    assert [[rule.when.holds(findings) for rule in again.rules] for findings in profiles] == before
    assert any(any(row) for row in before) and not all(all(row) for row in before)
