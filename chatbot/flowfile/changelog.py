"""A flow's change log (`changes:`): each version's change, who made and reviewed it, and the lower
levels a reviewer accepted (docs/change-review.md). Read after the shape check, every problem at its line.

An accepted change names its persons by a *profile*: per finding, the answers accepted, written as
a condition tests them (`yes`, `[yes, unknown]`, `not_measured`, `{at_least: 38.0, below: 40.0}`, or a
list of these for a temperature). A profile may name a finding the flow no longer has (a change can
lower the level of persons the older version asked about): its answers are read by their form.
"""

from __future__ import annotations

from chatbot.catalog import message

import datetime
from typing import Any, Callable

from chatbot.flow.kinds import FindingType
from chatbot.flow.model import Acceptance, ChangeRecord, Finding, Position, level_rank

Report = Callable[..., None]
Where = Callable[..., Position]
ANSWERS = {"unknown": None, "not sure": None}


def read_changes(data: Any, findings: dict[str, Finding], version: int, report: Report,
                 where: Where) -> tuple[ChangeRecord, ...]:
    """The change log of a flow's data (the shape already checked), oldest first."""
    if not isinstance(data, list):
        return ()
    records: list[ChangeRecord] = []
    for index, item in enumerate(data):
        path = ("changes", index)
        if not isinstance(item, dict) or not isinstance(item.get("version"), int) or isinstance(item.get("version"), bool):
            continue
        if records and item["version"] <= records[-1].version:
            report(path + ("version",), message("version {item} comes after version {version}: the change log lists versions in order, oldest first").fill(item=item['version'], version=records[-1].version))
        accepts = tuple(acceptance for number, entry in enumerate(item.get("accepts") or [])
                        if isinstance(entry, dict)
                        for acceptance in [_acceptance(entry, findings, path + ("accepts", number), report, where)]
                        if acceptance is not None)
        records.append(ChangeRecord(item["version"], _date(item.get("date")), str(item.get("author", "")),
                                    str(item.get("reason", "")),
                                    item.get("reviewer") if isinstance(item.get("reviewer"), str) else None,
                                    accepts, where(path)))
    if records and records[-1].version != version:
        report(("changes", len(data) - 1, "version"),
               message("the last change is version {version}, but the flow is version {version2}: a new version gets its entry in the change log (and the flow's `version:` goes up with it)").fill(version=records[-1].version, version2=version))
    return tuple(records)


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _acceptance(entry: dict, findings: dict[str, Finding], path: tuple, report: Report,
                where: Where) -> Acceptance | None:
    profile = entry.get("profile")
    if not isinstance(profile, dict) or not isinstance(entry.get("from"), str) or not isinstance(entry.get("to"), str):
        return None
    values: dict[str, tuple] = {}
    for name, value in profile.items():
        finding = findings.get(name)
        read = read_profile_value(finding.type if finding else None, value)
        if read is None:
            report(path + ("profile", name), _expected(finding, name, value))
            continue
        values[str(name)] = read
    if level_rank(entry["to"]) >= level_rank(entry["from"]):
        report(path + ("to",), message("'{entry}' to '{entry2}' is not a lower level: only a lower level needs accepting").fill(entry=entry['from'], entry2=entry['to']))
    return Acceptance(entry["from"], entry["to"], values, str(entry.get("why", "")), where(path))


def read_profile_value(kind: str | None, value: Any) -> tuple | None:
    """A profile's answers to one finding, as values (a temperature: None or (at_least, below)); None if
    they cannot be read. `kind` is the finding's type (None: a finding this flow does not have)."""
    items = value if isinstance(value, list) else [value]
    if not items:
        return None
    read: list[Any] = []
    for item in items:
        if isinstance(item, bool) and kind != FindingType.TEMPERATURE:
            read.append(item)
        elif isinstance(item, str) and item in ANSWERS and kind in (FindingType.BOOLEAN_OR_UNKNOWN, None):
            read.append(None)
        elif item == "not_measured" and kind in (FindingType.TEMPERATURE, None):
            read.append(None)
        elif item == "measured" and kind in (FindingType.TEMPERATURE, None):
            read.append((None, None))
        elif isinstance(item, dict) and item and set(item) <= {"at_least", "below"} \
                and kind in (FindingType.TEMPERATURE, None) \
                and all(isinstance(bound, (int, float)) and not isinstance(bound, bool) for bound in item.values()):
            read.append((item.get("at_least"), item.get("below")))
        else:
            return None
    return tuple(read)


def _expected(finding: Finding | None, name: str, value: Any) -> str:
    if finding is None:
        return (message("'{name}': answers are yes, no, unknown, not_measured, measured or {at_least: 38.0, below: 40.0}, not {value}").fill(name=name, value=repr(value)))
    forms = {FindingType.BOOLEAN: "yes or no (or a list of them)",
             FindingType.BOOLEAN_OR_UNKNOWN: "yes, no or unknown (or a list of them)",
             FindingType.TEMPERATURE: "not_measured, measured, {at_least: 38.0, below: 40.0}, or a list of them"}
    return message("'{name}' is {type}: its answers are {forms}, not {value}").fill(name=name, type=finding.type, forms=forms[finding.type], value=repr(value))
