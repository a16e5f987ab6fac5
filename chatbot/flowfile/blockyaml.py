"""YAML as a dumper writes it (block mappings and lists, one scalar a line), read in plain Python at
several times libyaml's speed; `NotPlain` for anything else.

A file of 20,000 simulated patients is a list of small mappings written by `yaml.dump` or kin: keys
that are names, plain scalars (a long one folded over more lines), `'quoted'` ones, `[]` and `{}`.
libyaml reads it into a node tree, one Python object a node with its marks, which then is built
into data: about 40 us a patient, as long as simulating it. This reader builds the same data straight
from the lines. It reads only what it is sure to read as YAML does (the scalars' types by PyYAML's
own resolver and constructor), and refuses everything else: comments, anchors and aliases, tags,
flow collections but `[]` and `{}`, block scalars, double quotes with escapes, quotes over lines,
a key not a name, a duplicate key, an empty line inside a scalar, and any character Python does not
call printable (tabs, and the line breaks YAML has and `str.split("\\n")` not, among them). What it
refuses is read the usual way, which also says where a problem is. tests/core/test_blockyaml.py holds
it to libyaml on the files it was made for and on thousands of mangled ones.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from chatbot.flowfile.source import MAX_DEPTH, STR_TAG


class NotPlain(Exception):
    """The text holds something this reader does not read (it may still be YAML)."""


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,200}):(?: +|$)")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar begins with none of these (`-x` aside)


def read_block_yaml(text: str) -> Any:
    """The data of `text`, a mapping at the margin, as `yaml.safe_load` gives it; `NotPlain` where this
    reader is not sure to read it so (or it is no YAML at all)."""
    reader = _Reader(text)
    if "#" in text or not "".join(reader.lines).isprintable():
        raise NotPlain  # a comment; a tab, a control character, a line break YAML has and Python's split not
    if reader.content is None or reader.indent != 0:
        raise NotPlain
    data = reader.mapping(0, 1)
    if reader.content is not None:
        raise NotPlain
    return data


def _entry(content: str) -> bool:
    """The line is an entry of a list: `- ` or `-` alone."""
    return content[:2] == "- " or content == "-"


class _Reader:
    """The lines of a text, one at a time: `indent` and `content` are the current line's (after a `- `
    that began it, the rest of it), `content` None at the end."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.next = 0  # the line after the current one
        self.indent, self.content = 0, None
        self.blank_before = False  # an empty line came before the current one
        self.scalars: dict[str, Any] = {}  # each plain scalar's value, worked out once
        self.names: set[str] = set()  # the keys met, each a string
        self.resolve = yaml.resolver.Resolver().resolve
        self.constructor = yaml.constructor.SafeConstructor()
        self.advance()

    def advance(self) -> None:
        """On to the next line that is not empty."""
        lines, number = self.lines, self.next
        if number < len(lines):  # the next line, most often
            line = lines[number]
            content = line.lstrip(" ")
            if content:
                self.next, self.indent, self.blank_before = number + 1, len(line) - len(content), False
                self.content = content.rstrip(" ") if content[-1] == " " else content
                return
        for number in range(number, len(lines)):
            line = lines[number]
            content = line.lstrip(" ")
            if content:
                self.next = number + 1
                self.indent, self.content, self.blank_before = len(line) - len(content), content.rstrip(" "), True
                return
        self.next, self.content = len(lines), None

    def block(self, indent: int, depth: int, in_mapping: bool) -> Any:
        """The value under a key or `-` with nothing after it on its line (deeper lines, or a list at the
        key's own indent), at the current line; None when there is none."""
        content = self.content
        if content is None:
            return None
        if self.indent > indent:
            return self.sequence(self.indent, depth) if _entry(content) else self.mapping(self.indent, depth)
        if in_mapping and self.indent == indent and _entry(content):
            return self.sequence(indent, depth)
        return None  # an empty value: null, as YAML reads it

    def mapping(self, indent: int, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise NotPlain
        data: dict[str, Any] = {}
        names = self.names
        while (content := self.content) is not None and self.indent >= indent:
            if self.indent > indent:
                raise NotPlain  # deeper than the keys and not a key's value
            match = _KEY.match(content)
            if match is None:
                raise NotPlain
            key = match.group(1)
            if key in data:
                raise NotPlain  # a duplicate
            if key not in names:
                if type(self.value(key)) is not str:
                    raise NotPlain  # `true:` and kin
                names.add(key)
            rest = content[match.end():]
            if rest:
                data[key] = self.scalar(rest, indent)
            else:
                self.advance()
                data[key] = self.block(indent, depth + 1, True)
        return data

    def sequence(self, indent: int, depth: int) -> list[Any]:
        if depth > MAX_DEPTH:
            raise NotPlain
        data: list[Any] = []
        while self.content is not None and self.indent >= indent:
            content = self.content
            if self.indent > indent:
                raise NotPlain
            if not _entry(content):
                break  # a key of the mapping this list is a value of (at the key's indent)
            rest = content[1:].lstrip(" ")
            if not rest:
                self.advance()
                data.append(self.block(indent, depth + 1, False))
            elif _KEY.match(rest):  # a mapping that begins on the list's line
                self.indent, self.content = self.indent + len(content) - len(rest), rest
                data.append(self.mapping(self.indent, depth + 1))
            elif _entry(rest):
                raise NotPlain  # a list in a list on one line: not written here
            else:
                data.append(self.scalar(rest, indent))
        return data

    def scalar(self, text: str, indent: int) -> Any:
        """The scalar `text` that ends the current line, with the lines that carry it on (deeper than `indent`)."""
        first = text[0]
        if first == "'":
            match = _SINGLE.fullmatch(text)
            if match is None:
                raise NotPlain  # quotes over lines, or something after them
            self.advance()
            self.alone(indent)
            return match.group(1).replace("''", "'")
        if first == '"':
            match = _DOUBLE.fullmatch(text)
            if match is None:
                raise NotPlain
            self.advance()
            self.alone(indent)
            return match.group(1)
        if text in ("[]", "{}"):
            self.advance()
            self.alone(indent)
            return [] if text == "[]" else {}
        value = self.scalars.get(text, self)  # (a text kept there begins a plain scalar)
        if value is self:
            self.plain(text)
        self.advance()
        if self.content is not None and self.indent > indent:  # folded over more lines: one space each
            words = [text]
            while self.content is not None and self.indent > indent:
                if self.blank_before:
                    raise NotPlain  # an empty line in a scalar is a line break: not read here
                if ": " in self.content or self.content[-1] == ":":  # (any other character may begin it)
                    raise NotPlain
                words.append(self.content)
                self.advance()
            return self.value(" ".join(words))
        return self.value(text) if value is self else value

    def alone(self, indent: int) -> None:
        if self.content is not None and self.indent > indent:
            raise NotPlain  # a line after a scalar that cannot go on

    @staticmethod
    def plain(text: str) -> None:
        """`text` begins a plain scalar, read alike by every YAML reader."""
        if (text[0] in _INDICATORS and (text[0] != "-" or text[1:2] in ("", " "))) or ": " in text or text[-1] == ":":
            raise NotPlain

    def value(self, text: str) -> Any:
        """A plain scalar's value: the text, or what YAML reads it as (`true`, `38.2`, `null`, a date)."""
        value = self.scalars.get(text, self)
        if value is self:
            tag = self.resolve(yaml.ScalarNode, text, (True, False))
            if tag == STR_TAG:
                value = text
            else:
                try:
                    value = self.constructor.construct_object(yaml.ScalarNode(tag, text), deep=True)
                except Exception:  # noqa: BLE001 - `2026-02-30` and kin: the usual reader says where
                    raise NotPlain from None
                finally:
                    self.constructor.constructed_objects.clear()
            self.scalars[text] = value
        return value
