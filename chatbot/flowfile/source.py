"""YAML loaded with the line and column of every node, and duplicate keys refused.

PyYAML silently keeps the last of two equal keys and forgets where values were;
a flow file needs both: a clinician's duplicate is a mistake, and every problem
must point at its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chatbot.flow.problems import FlowError, Problem

Path_ = tuple  # a key path into the data: ("questions", "fever", "next", 0)


@dataclass
class Source:
    """Parsed YAML data plus where each value (and each mapping key) stands."""

    file: str
    data: Any
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest parent that exists."""
        path = tuple(path)
        while True:
            marks = self.key_marks if key else self.value_marks
            if path in marks:
                return marks[path]
            if key and path in self.value_marks:
                return self.value_marks[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path_, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, message, severity)


def read_yaml(path: str | Path, display: str | None = None) -> Source:
    """Read a YAML file into a `Source`, raising `FlowError` for any syntax problem."""
    display = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise FlowError([Problem(display, 1, 1, f"cannot read file: {reason}")]) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> Source:
    """Parse YAML text into a `Source`, raising `FlowError` for syntax problems."""
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = error.problem or error.context or "invalid YAML"
        raise FlowError([Problem(display, line, col, f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as error:
        raise FlowError([Problem(display, 1, 1, f"YAML syntax error: {error}")]) from None
    source = Source(display, None)
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    source.data = _build(root, (), source, problems, constructor) if root is not None else None
    if problems:
        raise FlowError(problems)
    return source


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree, by libyaml when present (8x faster: the UI starts sooner).

    A file libyaml refuses is read again by PyYAML, whose messages the problems quote.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


STR_TAG = "tag:yaml.org,2002:str"


def _build(node: yaml.Node, path: Path_, source: Source, problems: list[Problem], constructor) -> Any:
    """Turn a node into plain data, recording every position on the way."""
    source.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag == STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value  # most values: a string is what was written (the constructor's slow way to the same)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            try:
                key = key_node.value if key_node.tag == STR_TAG and isinstance(key_node, yaml.ScalarNode) else (
                    constructor.construct_object(key_node, deep=True))
                hash(key)
            except (yaml.YAMLError, TypeError):
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Problem(source.file, line, col, "a key must be a plain name"))
                continue
            key_path = path + (key,)
            if key in result:
                first = source.key_marks[key_path]
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Problem(source.file, line, col,
                                        f"duplicate key '{key}' (first defined at line {first[0]})"))
                continue
            source.key_marks[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, key_path, source, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (index,), source, problems, constructor)
                for index, item in enumerate(node.value)]
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        line, col = source.value_marks[path]
        problems.append(Problem(source.file, line, col, f"cannot read value: {getattr(error, 'problem', error)}"))
        return None
