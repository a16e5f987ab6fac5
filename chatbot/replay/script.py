"""The script format (docs/replay.md): reading replay scripts, every problem at its line.

A script reads like the conversation: the answers as a person types them, the
question each one answers, what the conversation has recorded so far, and where
it must end. Shared openings (`use:`) keep scripts short. Mistakes in a script
(a misspelt field, an unknown question or finding, a level that is not one) are
found before anything runs, and reported together as `path:line:col: message`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from chatbot.flow.kinds import FindingType
from chatbot.flow.answers import Unreadable, read_temperature
from chatbot.flowfile.loader import load_flow
from chatbot.flow.model import LEVELS, Flow
from chatbot.flow.problems import FlowError, Problem, did_you_mean
from chatbot.flowfile.shape import BOOLEAN, STRING, AnyValue, Either, Field, ListOf, MapOf, OneOf, Record, Scalar
from chatbot.flowfile.source import Source, parse_yaml
from chatbot.summary import value_in_words

ACTIONS = ("back", "restart")
SUFFIXES = (".yaml", ".yml")
NOT_MEASURED = {"not measured", "not_measured"}
UNKNOWN = {"unknown", "not sure"}

ANSWER = Scalar("an answer", (str, bool, int, float))
STEP_RECORD = Record({
    "answer": Field(ANSWER),
    "back": Field(BOOLEAN),
    "restart": Field(BOOLEAN),
    "use": Field(STRING),
    "question": Field(STRING),
    "findings": Field(MapOf(AnyValue(allow_empty=True))),
    "reprompt": Field(Scalar("yes, or words of the message", (bool, str))),
    "confirm": Field(Scalar("yes, or words of the question", (bool, str))),
}, "a step")
STEP_FIELDS = set(STEP_RECORD.fields)
STEP = Either(((dict, STEP_RECORD), (str, ANSWER), (int, ANSWER), (float, ANSWER)),
              "an answer, back, restart, or a mapping such as {question: feverish, answer: yes}")
IDS = Either(((str, STRING), (list, ListOf(STRING))), "a name or a list of names")
EXPECT = Record({
    "level": Field(OneOf(LEVELS)),
    "outcome": Field(STRING),
    "question": Field(STRING),
    "reasons": Field(IDS),
    "findings": Field(MapOf(AnyValue(allow_empty=True))),
    "not_asked": Field(IDS),
    "says": Field(IDS),
}, "what to expect")
SCRIPT = Record({
    "name": Field(STRING, required=True),
    "flow": Field(STRING),
    "language": Field(STRING),
    "use": Field(STRING),
    "steps": Field(ListOf(STEP)),
    "expect": Field(EXPECT, required=True),
}, "a script")
SUITE = Record({
    "flow": Field(STRING),
    "language": Field(STRING),
    "scripts": Field(ListOf(SCRIPT, min_items=1), required=True),
})
OPENING = Record({
    "opening": Field(STRING, required=True),
    "steps": Field(ListOf(STEP, min_items=1), required=True),
})
SHAPES = {"script": SCRIPT, "suite": SUITE, "opening": OPENING}

# The text of a YAML plain scalar, to recover `Yes` or `37.90` exactly as the tester wrote them.
_PLAIN = re.compile(r"[^\s,\[\]{}#]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, order=True)
class Where:
    """A place in a script file, 1-based, as `file:line:col`."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class QuestionRef:
    """A question named by its id, or by words its text contains."""

    written: str
    id: str | None = None

    def matches(self, question_id: str | None, question_text: str) -> bool:
        if self.id is not None:
            return question_id == self.id
        return question_id is not None and words(self.written) in words(question_text)

    def __str__(self) -> str:
        return f"the question {self.id}" if self.id else f'a question with the words "{self.written}"'


@dataclass(frozen=True)
class FindingCheck:
    """`name` must have this value: yes/no (True/False), unknown or not measured (None), or °C."""

    name: str
    value: Any
    type: str
    at: Where

    def holds(self, findings: Mapping[str, Any]) -> bool:
        actual = findings.get(self.name)
        if isinstance(self.value, float):
            return (isinstance(actual, (int, float)) and not isinstance(actual, bool)
                    and round(actual, 1) == round(self.value, 1))
        return actual is self.value

    def shown(self, value: Any = ...) -> str:
        return value_in_words(self.value if value is ... else value, self.type)


@dataclass(frozen=True)
class Action:
    """One thing the person does: answer (as typed), go back, or restart; and what to check."""

    kind: str
    at: Where
    typed: str | None = None
    question: QuestionRef | None = None
    findings: tuple[FindingCheck, ...] = ()
    reprompt: bool | str = False
    via: tuple[Where, ...] = ()
    confirm: bool | str = False
    """The answer must be met with "Did you mean …?" (yes, or words of that question)."""

    def describe(self) -> str:
        return f'answer "{self.typed}"' if self.kind == "answer" else self.kind


@dataclass(frozen=True)
class Expect:
    """Where the conversation must be when the steps are done."""

    at: Where
    level: str | None = None
    outcome: str | None = None
    question: QuestionRef | None = None
    reasons: tuple[str, ...] | None = None
    findings: tuple[FindingCheck, ...] = ()
    not_asked: tuple[tuple[str, Where], ...] = ()
    says: tuple[str, ...] = ()
    where: Mapping[str, Where] = field(default_factory=dict, compare=False, hash=False)

    def at_field(self, name: str) -> Where:
        return self.where.get(name, self.at)


@dataclass(frozen=True, eq=False)
class Script:
    """A scripted conversation, checked against its flow and ready to replay."""

    name: str
    at: Where
    flow: Flow
    language: str
    steps: tuple[Action, ...]
    expect: Expect
    flow_file: str = ""  # the flow's path as the tester gave it ("" for the bundled flow)

    @property
    def file(self) -> str:
        return self.at.file


def words(text: str) -> str:
    """Text compared as words: case and runs of spaces do not matter."""
    return _SPACES.sub(" ", text.strip().casefold())


def script_files(paths: Iterable[str | Path], problems: set[Problem] | None = None) -> list[Path]:
    """The YAML files of `paths`, folders searched recursively, in a stable order."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(found for found in path.rglob("*") if found.suffix in SUFFIXES and found.is_file()
                                and not any(part.startswith(".") for part in found.relative_to(path).parts)))
        elif path.is_file():
            files.append(path)
        elif problems is not None:
            problems.add(Problem(str(given), 1, 1, "no such script file or folder"))
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def as_given(path: str | Path) -> str:
    """A path as the tester typed it, tidied but never resolved: a link keeps its own name."""
    path = Path(os.path.normpath(path))
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def display(path: Path) -> str:
    """A path as a person wrote it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class _Parsed:
    """A script, suite or opening file, parsed and shape-checked once."""

    path: Path
    source: Source | None
    lines: list[str]
    kind: str
    problems: list[Problem]


class ScriptReader:
    """Reads script files into `Script`s, checked against their flow.

    Every problem of every file is collected and raised together as a `FlowError`.
    Openings are parsed once however many scripts use them. `default_flow` is the
    flow of scripts that name none (the bundled flow when it is None).
    """

    def __init__(self, default_flow: str | Path | None = None):
        self.default_flow = default_flow
        self._parsed: dict[Path, _Parsed] = {}

    def read(self, paths: Iterable[str | Path]) -> list[Script]:
        """The scripts in these files and folders (openings are not scripts), or `FlowError`."""
        scripts, problems = self.read_each(paths)
        if problems:
            raise FlowError(problems)
        return scripts

    def read_each(self, paths: Iterable[str | Path]) -> tuple[list[Script], list[Problem]]:
        """The scripts that read cleanly, and every problem of those that did not.

        A script with a problem is left out, not the others: one broken file does not
        keep a tester from seeing how the rest went.
        """
        problems: set[Problem] = set()
        scripts: list[Script] = []
        for path in script_files(paths, problems):
            mine: set[Problem] = set()
            parsed = self._parse(path, mine)
            found = self._scripts_of(parsed, mine)
            if not parsed.problems:
                scripts.extend(found)
            problems |= mine
        return scripts, sorted(problems)

    # -- files -----------------------------------------------------------------------

    def _parse(self, path: Path, problems: set[Problem]) -> _Parsed:
        resolved = path.resolve()
        parsed = self._parsed.get(resolved)
        if parsed is None:
            parsed = self._parsed[resolved] = self._parse_file(resolved, display(path))
        problems.update(parsed.problems)
        return parsed

    @staticmethod
    def _parse_file(path: Path, shown: str) -> _Parsed:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            return _Parsed(path, None, [], "", [Problem(shown, 1, 1, f"cannot read file: {reason}")])
        try:
            source = parse_yaml(text, shown)
        except FlowError as error:
            return _Parsed(path, None, [], "", list(error.problems))
        data = source.data
        if not isinstance(data, dict):
            message = ("the file is empty: a script starts with 'name:'" if data is None else
                       "a script is a mapping with name, steps and expect (see docs/replay.md)")
            return _Parsed(path, None, [], "", [source.problem((), message)])
        kind = "opening" if "opening" in data else "suite" if "scripts" in data else "script"
        problems: list[Problem] = []
        SHAPES[kind].check(data, (), lambda where, message, key=False: problems.append(
            source.problem(where, message, key=key)))
        return _Parsed(path, source, text.splitlines(), kind, problems)

    def _scripts_of(self, parsed: _Parsed, problems: set[Problem]) -> list[Script]:
        if parsed.source is None or parsed.kind == "opening":
            return []
        data = parsed.source.data
        if parsed.kind == "suite":
            items = [(("scripts", index), item) for index, item in enumerate(_list(data.get("scripts")))
                     if isinstance(item, dict)]
        else:
            items = [((), data)]
        scripts, names = [], {}
        for path, item in items:
            if not isinstance(item.get("name"), str):
                continue
            where = _where(parsed, path + ("name",), key=True)
            if item["name"] in names:
                problems.add(parsed.source.problem(path + ("name",), f"another script in this file is called "
                                                   f"'{item['name']}' (line {names[item['name']]})"))
            names.setdefault(item["name"], where.line)
            flow_key = path + ("flow",) if "flow" in item else ("flow",)
            own: set[Problem] = set()  # this script's problems: it alone is left out for them
            flow, given = self._flow(parsed, _get(data, flow_key), flow_key, own)
            script = None if flow is None else _ScriptBuilder(self, parsed, flow, own).build(path, item, where)
            problems |= own
            if script is not None and not own:
                scripts.append(replace(script, flow_file=given))
        return scripts

    def _flow(self, parsed: _Parsed, value: Any, path: tuple, problems: set[Problem]) -> tuple[Flow | None, str]:
        """The script's flow, and its path as the tester gave it (by `flow:` or `--flow`)."""
        if isinstance(value, str):
            target = parsed.path.parent / value
            if not target.is_file():
                problems.add(parsed.source.problem(path, f"no flow file '{value}' (looked for {display(target)})"))
                return None, ""
            given = as_given(Path(parsed.source.file).parent / value)
        else:
            target = self.default_flow
            given = "" if target is None else as_given(target)
        try:
            return load_flow(target), given
        except FlowError as error:
            problems.update(error.problems)
            return None, ""


def _where(parsed: _Parsed, path: tuple, key: bool = False) -> Where:
    return Where(parsed.source.file, *parsed.source.where(path, key=key))


class _ScriptBuilder:
    """Gives the data of one script its meaning on one flow, reporting what does not fit."""

    def __init__(self, reader: ScriptReader, parsed: _Parsed, flow: Flow, problems: set[Problem]):
        self.reader = reader
        self.parsed = parsed
        self.flow = flow
        self.problems = problems

    def build(self, path: tuple, item: dict, where: Where) -> Script | None:
        data = self.parsed.source.data
        language_key = path + ("language",) if "language" in item else ("language",)
        language = _get(data, language_key)
        if isinstance(language, str) and language not in self.flow.languages:
            self.report(self.parsed, language_key, f"the flow has no language '{language}' "
                        f"(it has {', '.join(self.flow.languages)})")
        language = language if isinstance(language, str) else self.flow.languages[0]
        steps: list[Action] = []
        stack = (self.parsed.path,)
        if isinstance(item.get("use"), str):
            steps += self.use(self.parsed, path + ("use",), item["use"], stack, ())
        steps += self.steps(self.parsed, path + ("steps",), stack, ())
        expect = self.expect(path + ("expect",), item.get("expect"))
        if expect is None:
            return None
        return Script(item["name"], where, self.flow, language, tuple(steps), expect)

    def report(self, parsed: _Parsed, path: tuple, message: str, key: bool = False) -> None:
        self.problems.add(parsed.source.problem(path, message, key=key))

    # -- steps -----------------------------------------------------------------------

    def steps(self, parsed: _Parsed, path: tuple, stack: tuple, via: tuple) -> list[Action]:
        steps: list[Action] = []
        for index, item in enumerate(_list(_get(parsed.source.data, path))):
            where = path + (index,)
            at = _where(parsed, where)
            if isinstance(item, str) and item in ACTIONS:
                steps.append(Action(item, at, via=via))
            elif isinstance(item, (str, bool, int, float)):
                steps.append(Action("answer", at, self.typed(parsed, where, item), via=via))
            elif isinstance(item, dict):
                steps += self.step(parsed, where, item, at, stack, via)
        return steps

    def step(self, parsed: _Parsed, where: tuple, item: dict, at: Where, stack: tuple, via: tuple) -> list[Action]:
        doing = [key for key in ("answer", *ACTIONS, "use") if key in item]
        if not doing and set(item) - STEP_FIELDS:
            return []  # a misspelt field is reported already, with the one it meant
        if len(doing) != 1:
            self.report(parsed, where, "a step needs an 'answer' (or back, restart or use)" if not doing else
                        f"a step does one thing, not {' and '.join(doing)}")
            return []
        kind = doing[0]
        if kind == "use":
            for other in (key for key in item if key != "use"):
                self.report(parsed, where + (other,), f"a 'use' step takes no '{other}': put it on the step "
                            "before or after", key=True)
            value = item["use"]
            return self.use(parsed, where + ("use",), value, stack, via) if isinstance(value, str) else []
        typed = None
        if kind in ACTIONS:
            if item[kind] is False:
                self.report(parsed, where + (kind,), f"'{kind}: no' does nothing: leave the step out")
            for check in ("reprompt", "confirm"):
                if check in item:
                    self.report(parsed, where + (check,), f"only an answer is {'asked again' if check == 'reprompt' else 'confirmed'}, "
                                f"not '{kind}'", key=True)
        else:
            value = item["answer"]
            if value is None:
                self.report(parsed, where + ("answer",), 'the answer is empty (to send an empty answer, '
                            'write answer: "")', key=True)
                return []
            if not isinstance(value, (str, bool, int, float)):
                return []
            typed = self.typed(parsed, where + ("answer",), value)
        question = self.question(parsed, where + ("question",), item["question"]) if "question" in item else None
        findings = self.findings(parsed, where + ("findings",), item.get("findings"))
        reprompt = item.get("reprompt", False)
        if reprompt is None:
            reprompt = True
        elif isinstance(reprompt, str) and not reprompt.strip():
            self.report(parsed, where + ("reprompt",), "give words of the message, or yes")
        confirm = item.get("confirm", False)
        if confirm is None:
            confirm = True
        elif isinstance(confirm, str) and not confirm.strip():
            self.report(parsed, where + ("confirm",), "give words of the question, or yes")
        if confirm is not False and reprompt not in (False, None):
            self.report(parsed, where + ("confirm",), "an answer is either asked again or confirmed, not both",
                        key=True)
        return [Action(kind, at, typed, question, findings, reprompt if isinstance(reprompt, (bool, str)) else False,
                       via, confirm if isinstance(confirm, (bool, str)) else False)]

    def use(self, parsed: _Parsed, path: tuple, value: str, stack: tuple, via: tuple) -> list[Action]:
        """The steps of an opening, in place of the `use` that names it."""
        target = parsed.path.parent / value
        if not target.is_file():
            siblings = [str(Path(value).parent / p.name) for p in target.parent.glob("*.y*ml")] \
                if target.parent.is_dir() else []
            self.report(parsed, path, f"no file '{value}' to use" + did_you_mean(value, siblings))
            return []
        opening = self.reader._parse(target, self.problems)
        if opening.source is None:
            return []
        if opening.path in stack:
            self.report(parsed, path, f"'{value}' uses itself, in a circle")
            return []
        if opening.kind != "opening":
            self.report(parsed, path, f"'{value}' is a script, not an opening: an opening has "
                                      "'opening:' and 'steps:' only")
            return []
        return self.steps(opening, ("steps",), stack + (opening.path,),
                          via + (_where(parsed, path),))

    @staticmethod
    def typed(parsed: _Parsed, path: tuple, value: Any) -> str:
        """An answer as typed: YAML reads `yes` as true and `37.90` as 37.9; the tester meant the text."""
        if isinstance(value, str):
            return value
        line, col = parsed.source.where(path)
        if 0 < line <= len(parsed.lines):
            match = _PLAIN.match(parsed.lines[line - 1], col - 1)
            if match and _same(yaml.safe_load(match.group()), value):
                return match.group()
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)

    # -- what is checked -------------------------------------------------------------

    def question(self, parsed: _Parsed, path: tuple, value: Any) -> QuestionRef | None:
        if not isinstance(value, str) or not value.strip():
            if value is None:
                self.report(parsed, path, "name the question: its id, or words of its text")
            return None
        if value in self.flow.questions:
            return QuestionRef(value, value)
        wanted = words(value)
        if any(wanted in words(text) for question in self.flow.questions.values()
               for text in question.text.by_language.values()):
            return QuestionRef(value)
        self.report(parsed, path, f"'{value}' is not a question id, nor words of any question's text"
                    + did_you_mean(value, self.flow.questions))
        return None

    def findings(self, parsed: _Parsed, path: tuple, data: Any) -> tuple[FindingCheck, ...]:
        checks = []
        for name, value in (data.items() if isinstance(data, dict) else ()):
            where = path + (name,)
            finding = self.flow.findings.get(name)
            if finding is None:
                self.report(parsed, where, f"unknown finding '{name}'" + did_you_mean(name, self.flow.findings),
                            key=True)
                continue
            try:
                checks.append(FindingCheck(name, finding_value(finding.type, value), finding.type,
                                           _where(parsed, where, key=True)))
            except ValueError as error:
                self.report(parsed, where, f"'{name}' {error}")
        return tuple(checks)

    def expect(self, path: tuple, data: Any) -> Expect | None:
        if not isinstance(data, dict):
            return None
        parsed, flow = self.parsed, self.flow
        at = _where(parsed, path, key=True)
        where = {key: _where(parsed, path + (key,)) for key in data}
        level = data.get("level") if data.get("level") in LEVELS else None
        outcome = data.get("outcome") if isinstance(data.get("outcome"), str) else None
        if outcome is not None and outcome not in flow.outcomes:
            self.report(parsed, path + ("outcome",), f"unknown outcome '{outcome}'"
                        + did_you_mean(outcome, flow.outcomes))
        elif outcome is not None and level is not None and flow.outcomes[outcome].level != level:
            self.report(parsed, path + ("level",), f"the outcome '{outcome}' is {flow.outcomes[outcome].level}, "
                                                   f"not {level}")
        question = self.question(parsed, path + ("question",), data["question"]) if "question" in data else None
        if "question" in data and ("level" in data or "outcome" in data):
            self.report(parsed, path + ("question",), "a conversation still asking a question has no level "
                                                      "or outcome yet", key=True)
        if not {"level", "outcome", "question"} & set(data) and not set(data) - set(EXPECT.fields):
            self.report(parsed, path, "say where the conversation ends: a level, an outcome, or the question "
                                      "it stops at", key=True)
        reasons = None
        if "reasons" in data:
            rule_ids = [rule.id for rule in flow.rules]
            reasons = tuple(self.names(path + ("reasons",), data["reasons"], rule_ids, "rule"))
        not_asked = tuple((name, _where(parsed, where_))
                          for name, where_ in self.names(path + ("not_asked",), data.get("not_asked"),
                                                         flow.questions, "question", positions=True))
        says = data.get("says", ())
        says = tuple(x for x in ([says] if isinstance(says, str) else says) if isinstance(x, str))
        return Expect(at, level, outcome if outcome in flow.outcomes else None, question, reasons,
                      self.findings(parsed, path + ("findings",), data.get("findings")), not_asked, says, where)

    def names(self, path: tuple, value: Any, known: Iterable[str], what: str, positions: bool = False) -> list:
        """Known names from a name or a list of names; each unknown one reported where it is."""
        items = [(value, path)] if isinstance(value, str) else [
            (item, path + (index,)) for index, item in enumerate(_list(value)) if isinstance(item, str)]
        known = list(known)
        found = []
        for name, where in items:
            if name in known:
                found.append((name, where) if positions else name)
            else:
                self.report(self.parsed, where, f"unknown {what} '{name}'" + did_you_mean(name, known))
        return found


def finding_value(kind: str, value: Any) -> Any:
    """A finding's expected value as the engine records it, or `ValueError` saying what it may be."""
    if kind == FindingType.BOOLEAN:
        if isinstance(value, bool):
            return value
        raise ValueError(f"is yes or no, not {_describe(value)}")
    if kind == FindingType.BOOLEAN_OR_UNKNOWN:
        if isinstance(value, bool):
            return value
        if value is None or isinstance(value, str) and words(value) in UNKNOWN:
            return None
        raise ValueError(f"is yes, no or unknown, not {_describe(value)}")
    if value is None or isinstance(value, str) and words(value) in NOT_MEASURED:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 30 <= value <= 45:
            return float(value)
        raise ValueError(f"is a body temperature in °C (30 to 45), not {_describe(value)}")
    if isinstance(value, str):
        try:
            return read_temperature(words(value))[0]
        except Unreadable:
            pass
    raise ValueError(f'is a temperature such as 38.0 or "100.4 F", or not measured, not {_describe(value)}')


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"'{value}'"


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []

