"""The flow as a diagram for clinical review: Mermaid or Graphviz DOT text.

Questions are boxes, routes (states that ask nothing) are marked as such, and
outcomes are coloured by level: red emergency, amber urgent, green routine. Each
transition is labelled with its number in the list (the first that holds is
taken) and its condition; named conditions are spelled out in notes.

Mermaid comes from `transitions`' own diagram support
(`transitions.extensions.GraphMachine` with `graph_engine="mermaid"`), which
needs no other package. Its Graphviz backends need the `graphviz` or
`pygraphviz` packages and the Graphviz programs, which this project does not
depend on, so the DOT text is written here instead (it is plain text; render it
with `dot -Tsvg` wherever Graphviz is installed).
"""

from __future__ import annotations

import logging
from typing import Iterable

from chatbot.flow.model import Flow, Transition

FORMATS = ("mermaid", "dot")
LEVEL_COLOURS = {  # fill, border
    "emergency": ("#f8d7da", "#b00020"),
    "urgent": ("#ffe5b4", "#b35c00"),
    "routine": ("#d9f2d9", "#2e7d32"),
}
QUESTION_COLOURS = ("#ffffff", "#333333")
ROUTE_COLOURS = ("#eeeeee", "#777777")


def render(flow: Flow, fmt: str = "mermaid") -> str:
    """The diagram of `flow` in `fmt` ("mermaid" or "dot")."""
    if fmt == "mermaid":
        return mermaid(flow)
    if fmt == "dot":
        return dot(flow)
    raise ValueError(f"unknown format {fmt!r}: choose {' or '.join(FORMATS)}")


# -- what the diagram says, whatever its format --------------------------------------------


def state_label(flow: Flow, name: str) -> str:
    """A state's id with what it is: its level for an outcome, its question for a question."""
    if name in flow.outcomes:
        return f"{name} ({flow.outcomes[name].level})"
    if name in flow.routes:
        return f"{name} (route)"
    question = flow.questions[name]
    return f"{name}: {question.text.get(flow.languages[0])}"


def transition_label(transitions: tuple[Transition, ...], index: int) -> str:
    """"2. fever_feeling and low_count", or "otherwise" for the last plain goto of a list."""
    transition = transitions[index]
    if transition.condition is None:
        return "always" if len(transitions) == 1 else f"{index + 1}. otherwise"
    return f"{index + 1}. {describe(transition.condition)}"


def describe(condition) -> str:
    """A condition as readable text (named conditions by name)."""
    text = str(condition)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def named_conditions(flow: Flow) -> list[tuple[str, str, str]]:
    """(state, name, definition) for each named condition, at the first state whose transitions use it;
    and for each derived finding (Tmax), what it is worked out from."""
    from chatbot.flow.conditions import Named  # the tree classes, for walking transitions

    notes, seen = [], set()
    for sid, state in (*flow.questions.items(), *flow.routes.items()):
        for transition in state.next:
            if transition.condition is None:
                continue
            for node in transition.condition.walk():
                if isinstance(node, Named) and node.name not in seen and node.target is not None:
                    seen.add(node.name)
                    notes.append((sid, node.name, describe(node.target)))
                elif getattr(node, "of", ()) and node.finding not in seen:
                    seen.add(node.finding)
                    notes.append((sid, node.finding, f"the highest of {', '.join(node.of)}"))
    return notes


def _edges(flow: Flow) -> Iterable[tuple[str, str, str]]:
    for sid, state in (*flow.questions.items(), *flow.routes.items()):
        for index, transition in enumerate(state.next):
            yield sid, transition.goto, transition_label(state.next, index)


def _kind(flow: Flow, name: str) -> str:
    if name in flow.outcomes:
        return flow.outcomes[name].level
    return "route" if name in flow.routes else "question"


# -- Mermaid, through transitions ----------------------------------------------------------------


def mermaid(flow: Flow) -> str:
    """A Mermaid state diagram, drawn by `transitions`' mermaid backend."""
    logging.getLogger("transitions").setLevel(logging.ERROR)
    from transitions import State
    from transitions.extensions import GraphMachine

    class LabelledState(State):
        def __init__(self, *args, label: str | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.label = label

    styles = {name: {"fillcolor": fill, "stroke": border, "color": "#000000"}
              for name, (fill, border) in {**LEVEL_COLOURS, "question": QUESTION_COLOURS,
                                           "route": ROUTE_COLOURS}.items()}

    class FlowDiagram(GraphMachine):
        state_cls = LabelledState
        style_attributes = {**GraphMachine.style_attributes, "node": styles}

    class Model:
        pass

    names = [*flow.questions, *flow.routes, *flow.outcomes]
    machine = FlowDiagram(
        model=Model(), states=[{"name": n, "label": _mermaid_text(state_label(flow, n))} for n in names],
        initial=flow.start, auto_transitions=False, graph_engine="mermaid", title=_mermaid_text(flow.name))
    for source, goto, label in _edges(flow):
        machine.add_transition("next", source, goto, label=_mermaid_text(label))
    graph = machine.graph_cls(machine)
    for name in names:
        graph.set_node_style(name, _kind(flow, name))
    lines = graph.get_graph().source.splitlines()
    lines += [f"  {name} --> [*]" for name in flow.outcomes]
    notes: dict[str, list[str]] = {}
    for sid, name, definition in named_conditions(flow):
        notes.setdefault(sid, []).append(f"    {_mermaid_text(f'{name} = {definition}')}")
    for sid, text in notes.items():
        lines += [f"  note right of {sid}", *text, "  end note"]
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    """Text Mermaid will not read as syntax: no quotes, semicolons, braces, comments or angle brackets."""
    for old, new in (('"', "'"), (";", ","), ("{", "("), ("}", ")"), ("#", ""), ("%%", "%"), ("<", "below"),
                     (">", "above"), ("\n", " ")):
        text = text.replace(old, new)
    return text


# -- Graphviz DOT, written here ----------------------------------------------------------------


def dot(flow: Flow) -> str:
    """A Graphviz digraph."""
    lines = [f"digraph {_dot_id(flow.name or 'flow')} {{",
             "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];',
             '  "<start>" [shape=circle, label="", width=0.2, style=filled, fillcolor="#000000"];',
             f'  "<start>" -> {_dot_id(flow.start)};']
    for name in (*flow.questions, *flow.routes, *flow.outcomes):
        kind = _kind(flow, name)
        fill, border = LEVEL_COLOURS.get(kind) or (ROUTE_COLOURS if kind == "route" else QUESTION_COLOURS)
        extra = ", shape=diamond" if kind == "route" else ", penwidth=2" if name in flow.outcomes else ""
        lines.append(f"  {_dot_id(name)} [label={_dot_string(state_label(flow, name))}, "
                     f'fillcolor="{fill}", color="{border}"{extra}];')
    for source, goto, label in _edges(flow):
        lines.append(f"  {_dot_id(source)} -> {_dot_id(goto)} [label={_dot_string(label)}];")
    notes = named_conditions(flow)
    if notes:
        legend = "\\l".join(_dot_escape(f"{name} = {definition}") for _, name, definition in notes) + "\\l"
        lines.append(f'  "<conditions>" [shape=note, style=filled, fillcolor="#fffbe6", label="{legend}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _dot_string(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def _dot_id(name: str) -> str:
    return _dot_string(name)
