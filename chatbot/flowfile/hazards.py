"""The hazard log (`flows/hazards.yaml`): how the flow could harm a person, what it concerns, and how
that is kept from happening (docs/change-review.md).

Each hazard has an id, the `hazard` in words, the triage `rules` and `outcomes` it
concerns, and its `mitigation`. The log is read like a flow: shape first, then
meaning against the flow it sits beside (every rule and outcome it names must be
the flow's), every problem at once as `path:line:col: message`. `chatbot diff`
links each rule of its release note to the hazards that name it (or one of the
outcomes of its changes); `chatbot check` reads the log beside the flow it checks.
"""

from __future__ import annotations

from chatbot.catalog import message

from pathlib import Path
from typing import Iterable, NamedTuple

from chatbot.flow.model import Flow, Position
from chatbot.flow.problems import FlowError, Problem, did_you_mean
from chatbot.flowfile.shape import STRING, Field, ListOf, MapOf, Record
from chatbot.flowfile.source import read_yaml

FILE_NAME = "hazards.yaml"

HAZARD_LOG = Record({
    "hazards": Field(MapOf(Record({
        "hazard": Field(STRING, required=True),
        "cause": Field(STRING),
        "rules": Field(ListOf(STRING)),
        "outcomes": Field(ListOf(STRING)),
        "mitigation": Field(STRING, required=True),
    }, "a hazard"), min_items=1), required=True),
})


class Hazard(NamedTuple):
    id: str
    hazard: str
    mitigation: str
    rules: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    cause: str = ""
    at: Position = (1, 1)


class HazardLog(NamedTuple):
    file: str
    hazards: tuple[Hazard, ...]

    def touching(self, rules: Iterable[str] = (), outcomes: Iterable[str] = ()) -> list[Hazard]:
        """The hazards that name one of these rules or outcomes, in the log's order."""
        rules, outcomes = set(rules), set(outcomes)
        return [hazard for hazard in self.hazards if rules & set(hazard.rules) or outcomes & set(hazard.outcomes)]


def beside(flow_file: str | Path) -> Path | None:
    """The hazard log next to a flow file, if there is one."""
    path = Path(flow_file).parent / FILE_NAME
    return path if path.is_file() else None


def load_hazards(path: str | Path, flow: Flow) -> HazardLog:
    """The hazard log at `path`, checked against `flow`, or `FlowError` with every problem."""
    source = read_yaml(path, _shown(Path(path)))
    problems: list[Problem] = []

    def report(where: tuple, message: str, key: bool = False) -> None:
        problems.append(source.problem(where, message, key=key))

    if source.data is None:
        raise FlowError([source.problem((), message("the file is empty: a hazard log starts with 'hazards:'"))])
    HAZARD_LOG.check(source.data, (), report)
    hazards = []
    data = source.data if isinstance(source.data, dict) else {}
    entries = data.get("hazards") if isinstance(data.get("hazards"), dict) else {}
    rule_ids = [rule.id for rule in flow.rules]
    for hid, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        path_ = ("hazards", hid)
        rules = _names(entry.get("rules"))
        outcomes = _names(entry.get("outcomes"))
        for index, rule in enumerate(rules):
            if rule not in rule_ids:
                report(path_ + ("rules", index), message("unknown rule '{rule}'").fill(rule=rule) + did_you_mean(rule, rule_ids))
        for index, outcome in enumerate(outcomes):
            if outcome not in flow.outcomes:
                report(path_ + ("outcomes", index), message("unknown outcome '{outcome}'").fill(outcome=outcome) + did_you_mean(outcome, flow.outcomes))
        if not rules and not outcomes and "rules" not in entry and "outcomes" not in entry:
            report(path_, message("hazard '{hid}' names no rule and no outcome: say what it concerns").fill(hid=hid), key=True)
        hazards.append(Hazard(str(hid), str(entry.get("hazard", "")), str(entry.get("mitigation", "")),
                              tuple(rules), tuple(outcomes), str(entry.get("cause", "")),
                              source.where(path_, key=True)))
    if problems:
        raise FlowError(problems)
    return HazardLog(source.file, tuple(hazards))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _names(value) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
