"""`chatbot graph`: the flow as a Mermaid or Graphviz diagram for clinical review."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.cli import main
from chatbot.flowfile.diagram import LEVEL_COLOURS, dot, mermaid, transition_label
from chatbot.flowfile.loader import load_flow

HERE = Path(__file__).parents[1]  # tests/
SKIPS = HERE / "flows" / "skips.yaml"


@pytest.fixture(scope="module")
def flow():
    return load_flow()


def every_transition(flow):
    for sid, state in (*flow.questions.items(), *flow.routes.items()):
        for index, transition in enumerate(state.next):
            yield sid, transition.goto, transition_label(state.next, index)


def test_mermaid_is_a_state_diagram_from_the_start(flow):
    text = mermaid(flow)
    lines = text.splitlines()
    assert lines[:4] == ["---", flow.name, "---", "stateDiagram-v2"]
    assert f"  [*] --> {flow.start}" in lines


@pytest.mark.parametrize("level", ["emergency", "urgent", "routine"])
def test_mermaid_colours_outcomes_by_level(flow, level):
    text = mermaid(flow)
    fill, border = LEVEL_COLOURS[level]
    assert f"classDef s_{level} fill:{fill},stroke:{border}" in text
    for oid, outcome in flow.outcomes.items():
        if outcome.level == level:
            assert f"  Class {oid} s_{level}" in text
            assert f'  state "{oid} ({level})" as {oid}' in text


def test_mermaid_labels_every_transition_with_its_condition(flow):
    lines = mermaid(flow).splitlines()
    for source, goto, label in every_transition(flow):
        edge = next(line for line in lines if line.startswith(f"  {source} --> {goto}: "))
        assert label.replace("<", "below") in edge
    assert any(line.endswith(": 3. urgent_signs") for line in lines)
    assert "    measured_fever = tmax ≥ 38.0" in lines  # named conditions are spelled out
    assert "    tmax = the highest of temperature, temperature_highest" in lines  # and a derived finding


def test_dot_is_a_digraph_with_coloured_outcomes_and_labelled_edges(flow):
    text = dot(flow)
    assert text.startswith(f'digraph "{flow.name}" {{') and text.rstrip().endswith("}")
    for oid, outcome in flow.outcomes.items():
        fill, border = LEVEL_COLOURS[outcome.level]
        assert re.search(rf'^  "{oid}" \[label="{oid} \({outcome.level}\)", fillcolor="{fill}", '
                         rf'color="{border}"', text, re.M)
    for source, goto, label in every_transition(flow):
        assert f'  "{source}" -> "{goto}" [label="{label}"];' in text
    assert '"decide" [label="decide (route)"' in text and "shape=diamond" in text


def test_text_that_would_break_the_syntax_is_made_safe(tmp_path):
    data = SKIPS.read_text(encoding="utf-8").replace("text: Chills today?", 'text: "Chills today {\\"shaking\\"}; #1?"')
    path = tmp_path / "flow.yaml"
    path.write_text(data, encoding="utf-8")
    flow = load_flow(path)
    assert 'state "chills: Chills today (\'shaking\'), 1?" as chills' in mermaid(flow)
    assert '"chills" [label="chills: Chills today {\\"shaking\\"}; #1?"' in dot(flow)


def test_mermaid_needs_neither_graphviz_nor_pygraphviz():
    code = ("import sys\nsys.modules['graphviz'] = sys.modules['pygraphviz'] = None\n"
            "from chatbot.flowfile.loader import load_flow\nfrom chatbot.flowfile.diagram import mermaid\n"
            "print(mermaid(load_flow()).splitlines()[3])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stateDiagram-v2"


@pytest.mark.parametrize("fmt, first", [("mermaid", "---"), ("dot", 'digraph "skips" {')])
def test_graph_command_prints_the_diagram(fmt, first, capsys):
    assert main(["graph", str(SKIPS), "--format", fmt]) == 0
    assert capsys.readouterr().out.splitlines()[0] == first


def test_graph_command_writes_a_file(tmp_path, capsys):
    out = tmp_path / "flow.mmd"
    assert main(["graph", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[3] == "stateDiagram-v2"
    assert capsys.readouterr().out.startswith(f"{out}: mermaid diagram of ")


def test_graph_command_refuses_a_broken_flow(capsys):
    assert main(["graph", str(HERE / "bad_flows" / "undefined_state.yaml")]) == 2
    assert capsys.readouterr().err.rstrip().endswith("found")
