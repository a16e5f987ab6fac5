"""The shape of data files, declared once and checked with a position for every problem.

A tiny schema language: enough to say which fields a mapping has, which are
required, and what type each value is, and to suggest the field a typo meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from chatbot.catalog import message, plural
from chatbot.flow.problems import did_you_mean
from chatbot.flow.text import SOURCE_SUFFIX

Report = Callable[..., None]  # report(path, message, key=False)

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")  # en, es, pt-BR


class Spec:
    """Checks one value; calls `report(path, message)` for each problem."""

    def check(self, value: Any, path: tuple, report: Report) -> None:  # pragma: no cover
        raise NotImplementedError


@dataclass
class Scalar(Spec):
    name: str
    types: tuple[type, ...]

    def check(self, value, path, report):
        if isinstance(value, bool) and bool not in self.types or not isinstance(value, self.types):
            report(path, message("{label} must be {name}, not {describe}").fill(label=label(path), name=self.name, describe=_describe(value)))


class DateSpec(Spec):
    """A calendar date, written 2026-11-30 (YAML reads it as a date; quoted, it is a string)."""

    name = "a date such as 2026-11-30"

    def check(self, value, path, report):
        import datetime

        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                datetime.date.fromisoformat(value)
                return
            except ValueError:
                pass
        report(path, message("{label} must be {name}, not {describe}").fill(label=label(path), name=self.name, describe=_describe(value)))


@dataclass
class OneOf(Spec):
    values: tuple[str, ...]

    @property
    def name(self) -> str:
        return "one of " + ", ".join(self.values)

    def check(self, value, path, report):
        if value not in self.values:
            report(path, message("{label} must be one of {values}, not {describe}{did_you_mean}").fill(label=label(path), values=', '.join(self.values), describe=_describe(value), did_you_mean=did_you_mean(value, self.values)))


class TextSpec(Spec):
    """A patient-facing text: a string, or a mapping from language code to string."""

    name = "a text (a string, or a mapping from language to string)"

    def check(self, value, path, report):
        if isinstance(value, str):
            return
        if isinstance(value, dict) and value:
            for code, text in value.items():
                if isinstance(code, str) and code.endswith(SOURCE_SUFFIX) and LANGUAGE.fullmatch(code[:-5]):
                    if not isinstance(text, str) or not re.fullmatch(r"[0-9a-f]{8}", text):
                        report(path + (code,), message("'{code}' must be the 8 hex digits of the English it was translated from, in quotes (\"1a2b3c4d\"), not {describe}").fill(code=code, describe=_describe(text)))
                elif not isinstance(code, str) or not LANGUAGE.fullmatch(code):
                    report(path + (code,), message("'{code}' is not a language code like en or es").fill(code=code), key=True)
                elif not isinstance(text, str):
                    report(path + (code,), message("{label} in '{code}' must be a string, not {describe}").fill(label=label(path), code=code, describe=_describe(text)))
            return
        report(path, message("{label} must be {name}, not {describe}").fill(label=label(path), name=self.name, describe=_describe(value)))


@dataclass
class AnyValue(Spec):
    """Checked later, by the reader that gives it meaning (conditions, findings)."""

    allow_empty: bool = False
    name = "a value"

    def check(self, value, path, report):
        if value is None and not self.allow_empty:
            report(path, message("{label} is empty").fill(label=label(path)))


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 0

    @property
    def name(self) -> str:
        return "a list"

    def check(self, value, path, report):
        if not isinstance(value, list):
            report(path, message("{label} must be a list, not {describe}").fill(label=label(path), describe=_describe(value)))
            return
        if len(value) < self.min_items:
            report(path, plural("{label} needs at least {count} item", "{label} needs at least {count} items").count(self.min_items).fill(
                label=label(path)))
        for index, item in enumerate(value):
            self.item.check(item, path + (index,), report)


@dataclass
class MapOf(Spec):
    """A mapping from names the author chooses (question ids, finding keys) to values."""

    value: Spec
    min_items: int = 0

    name = "a mapping"

    def check(self, value, path, report):
        if not isinstance(value, dict):
            report(path, message("{label} must be a mapping, not {describe}").fill(label=label(path), describe=_describe(value)))
            return
        if len(value) < self.min_items:
            report(path, plural("{label} needs at least {count} entry", "{label} needs at least {count} entries").count(self.min_items).fill(
                label=label(path)))
        for key, item in value.items():
            if not isinstance(key, str):
                report(path + (key,), message("this name is read as {describe}, not as a name: a name is letters, digits and _, starting with a letter").fill(describe=_describe(key)), key=True)
            elif not NAME.match(key):
                report(path + (key,), message("'{key}' is not a valid name (letters, digits and _, starting with a letter)").fill(key=key), key=True)
            self.value.check(item, path + (key,), report)


@dataclass
class Field:
    spec: Spec
    required: bool = False


@dataclass
class Record(Spec):
    """A mapping with known fields."""

    fields: Mapping[str, Field]
    name: str = "a mapping"

    def check(self, value, path, report):
        if not isinstance(value, dict):
            report(path, message("{label} must be a mapping, not {describe}").fill(label=label(path), describe=_describe(value)))
            return
        for key, item in value.items():
            field = self.fields.get(key)
            if field is None:
                report(path + (key,), message("unknown field '{key}' in {label}").fill(key=key, label=label(path)) + did_you_mean(key, self.fields), key=True)
            elif item is None and field.required:
                report(path + (key,), message("{label} is empty").fill(label=label(path + (key,))))
            elif item is not None:
                field.spec.check(item, path + (key,), report)
        for key, field in self.fields.items():
            if field.required and key not in value:
                hint = f" ({field.spec.name})" if isinstance(field.spec, OneOf) else ""
                report(path, message("{label} is missing the field '{key}'{hint}").fill(label=label(path), key=key, hint=hint), key=True)


@dataclass
class Either(Spec):
    """One of several shapes, told apart by the Python type of the value."""

    choices: tuple[tuple[type, Spec], ...]
    name: str = "a value"

    def check(self, value, path, report):
        for kind, spec in self.choices:
            if isinstance(value, kind):
                spec.check(value, path, report)
                return
        report(path, message("{label} must be {name}, not {describe}").fill(label=label(path), name=self.name, describe=_describe(value)))


def label(path: tuple) -> str:
    """A readable name for a place in the file: questions.fever.next[0]."""
    if not path:
        return message("the file")
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{text}'"


def _describe(value: Any) -> str:
    if value is None:
        return message("nothing")
    if isinstance(value, bool):
        return message("yes/no")
    if isinstance(value, dict):
        return message("a mapping")
    if isinstance(value, list):
        return message("a list")
    if isinstance(value, (int, float)):
        return message("the number {value}").fill(value=value)
    return f"'{value}'"


STRING = Scalar("a string", (str,))
NUMBER = Scalar("a number", (int, float))
INTEGER = Scalar("a whole number", (int,))
BOOLEAN = Scalar("yes or no", (bool,))
TEXT = TextSpec()
CONDITION = AnyValue()
DATE = DateSpec()
