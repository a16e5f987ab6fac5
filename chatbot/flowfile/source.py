"""YAML loaded with the line and column of every node, and duplicate keys refused.

PyYAML silently keeps the last of two equal keys and forgets where values were;
a flow file needs both: a clinician's duplicate is a mistake, and every problem
must point at its line.

Whatever the text, reading it ends in data or in positioned problems, soon and in
bounded memory: aliases (`*name`) may repeat at most `ALIAS_BUDGET` values in
all (a few lines of nested aliases expand to gigabytes), nesting deeper than `MAX_DEPTH` is refused with its own
message, a file larger than `MAX_BYTES` is not read, and a tagged scalar that
cannot be read (`!!int 0xz`) is a problem at its line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chatbot.catalog import message
from chatbot import collector
from chatbot.flow.problems import FlowError, Problem

Path_ = tuple  # a key path into the data: ("questions", "fever", "next", 0)

MAX_DEPTH = 50  # lists and mappings inside each other; a flow needs about a dozen
MAX_BYTES = 4 * 1024 * 1024  # the bundled flow is about 60 kB
ALIAS_BUDGET = 10_000  # values repeated by aliases, in all (a dumped flow shares a few small lists)
ALIAS = message("aliases (*name) repeat more than {budget} values: write the values out in full").fill(budget=ALIAS_BUDGET)


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


def read_yaml(path: str | Path, display: str | None = None, max_bytes: int | None = MAX_BYTES) -> Source:
    """Read a YAML file into a `Source`, raising `FlowError` for any syntax problem. A file larger than
    `max_bytes` (a flow's cap; None: no cap, for data files such as simulated patients) is not read."""
    display = display or str(path)
    try:
        size = Path(path).stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise FlowError([Problem(display, 1, 1, message("the file is too large to read ({size} bytes; at most {max_bytes})").fill(size=size, max_bytes=max_bytes))])
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise FlowError([Problem(display, 1, 1, message("cannot read file: {reason}").fill(reason=reason))]) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> Source:
    """Parse YAML text into a `Source`, raising `FlowError` for syntax problems."""
    with collector.paused():  # tens of thousands of nodes, none of them garbage
        return _parse(text, display)


def _parse(text: str, display: str) -> Source:
    try:
        root = compose_yaml(text)
    except RecursionError:
        line, col = _too_deep(text)
        raise FlowError([Problem(display, line, col, _DEEP)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or error.context or "invalid YAML"
        raise FlowError([Problem(display, line, col, message("YAML syntax error: {reason}").fill(reason=reason))]) from None
    except yaml.YAMLError as error:
        raise FlowError([Problem(display, 1, 1, message("YAML syntax error: {error}").fill(error=error))]) from None
    except Exception as error:  # noqa: BLE001 - a reader's surprise is still the file's problem
        raise FlowError([Problem(display, 1, 1, message("YAML syntax error: {error}").fill(error=error))]) from None
    source = Source(display, None)
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    try:
        source.data = _Builder(source, problems, constructor).build(root) if root is not None else None
    except _AliasFound:
        raise FlowError([Problem(display, *_first_alias(text), ALIAS)]) from None
    if problems:
        raise FlowError(problems)
    return source


_DEEP = message("nested too deep: at most {depth} levels of lists and mappings inside each other").fill(depth=MAX_DEPTH)


class _AliasFound(Exception):
    """Aliases have repeated more values than `ALIAS_BUDGET`."""


def _first_alias(text: str) -> tuple[int, int]:
    """Line and column of the first alias in `text` (the events stream: no expansion, no recursion)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
    except yaml.YAMLError:
        pass
    return (1, 1)


def _too_deep(text: str) -> tuple[int, int]:
    """Line and column where `text` first nests deeper than `MAX_DEPTH`."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return (1, 1)


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML node tree, by libyaml when present (8x faster: the UI starts sooner).

    A file libyaml refuses is read again by PyYAML, whose messages the problems quote.
    """
    if _FastLoader is not None:
        try:
            return yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


MEMO_LENGTH = 40  # scalars this short repeat ("true", "id", "findings"): each is resolved once


if hasattr(yaml, "CSafeLoader"):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """libyaml's loader, with the tag of each short plain scalar worked out once (a tenth of its time)."""

        def __init__(self, stream) -> None:
            super().__init__(stream)
            self._tags: dict[tuple, str] = {}

        def resolve(self, kind, value, implicit):
            key = (kind, value, implicit)
            tag = self._tags.get(key)  # looked up first: most are there
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if value is None or len(value) <= MEMO_LENGTH:
                    self._tags[key] = tag
            return tag
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None


STR_TAG = "tag:yaml.org,2002:str"


class _Builder:
    """Turns a node tree into plain data, recording every position on the way.

    A node met twice is an alias: what it repeats counts against `ALIAS_BUDGET`.
    Nesting deeper than `MAX_DEPTH` is reported once, at the first node too deep, and not read.
    """

    def __init__(self, source: Source, problems: list[Problem], constructor):
        self.source, self.problems, self.constructor = source, problems, constructor
        self.seen: set[int] = set()
        self.too_deep = False
        self.repeated = 0

    def build(self, root: yaml.Node) -> Any:
        return self.node(root, (), 1, False)

    def at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def node(self, node: yaml.Node, path: Path_, depth: int, repeating: bool) -> Any:
        source, problems = self.source, self.problems
        source.value_marks[path] = self.at(node)
        if repeating:
            self.repeated += 1
            if self.repeated > ALIAS_BUDGET:
                raise _AliasFound
        if node.tag == STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # most values: a string is what was written (the constructor's slow way to the same)
        repeating = repeating or id(node) in self.seen
        self.seen.add(id(node))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and depth > MAX_DEPTH:
            if not self.too_deep:
                self.too_deep = True
                problems.append(Problem(source.file, *self.at(node), _DEEP))
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node, repeating)
                if key is None:
                    continue
                key_path = path + (key,)
                if key in result:
                    first = source.key_marks[key_path]
                    problems.append(Problem(source.file, *self.at(key_node),
                                            message("duplicate key '{key}' (first defined at line {first})").fill(key=key, first=first[0])))
                    continue
                source.key_marks[key_path] = self.at(key_node)
                result[key] = self.node(value_node, key_path, depth + 1, repeating)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.node(item, path + (index,), depth + 1, repeating) for index, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as error:  # noqa: BLE001 - !!int 0xz, !!timestamp 2001-13-45: ValueError and kin
            problems.append(Problem(source.file, *self.at(node),
                                    message("cannot read value: {value}").fill(value=getattr(error, 'problem', None) or error)))
            return None

    def key(self, key_node: yaml.Node, repeating: bool) -> Any:
        """A mapping key as written, or None (reported) when it is not a plain name."""
        if key_node.tag == STR_TAG and isinstance(key_node, yaml.ScalarNode):
            return key_node.value
        key = None
        if isinstance(key_node, yaml.ScalarNode):
            try:
                key = self.constructor.construct_object(key_node, deep=True)
                hash(key)
            except Exception:  # noqa: BLE001 - an unreadable or unhashable key is reported below
                key = None
        if key is None:
            self.problems.append(Problem(self.source.file, *self.at(key_node), message("a key must be a plain name")))
        return key
