"""`chatbot.flowfile.blockyaml` reads a file as libyaml and the plain data builder do, or refuses it: the
same data, to the type of each scalar, on the files it was made for and on thousands of mangled ones."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest
import yaml

from chatbot.flowfile.blockyaml import NotPlain, read_block_yaml
from chatbot.flowfile.source import compose_yaml
from chatbot.replay.patients import _Plain, _Refused

HERE = Path(__file__).parents[1]  # tests/


def _as_before(text: str):
    """What the patients' reader made of `text` before: libyaml's node tree built into plain data; or why not."""
    try:
        root = compose_yaml(text)
    except (yaml.YAMLError, RecursionError):
        return "not YAML"
    try:
        return _Plain(yaml.SafeLoader("")).node(root, 1) if root is not None else None
    except (_Refused, RecursionError):
        return "refused"


def _same(mine, theirs) -> bool:
    """Equal, and of the same types all the way down (1 is not True, 1.0 not 1, the keys in the same order)."""
    if type(mine) is not type(theirs):
        return False
    if isinstance(mine, dict):
        return list(mine) == list(theirs) and all(_same(mine[key], theirs[key]) for key in mine)
    if isinstance(mine, list):
        return len(mine) == len(theirs) and all(_same(a, b) for a, b in zip(mine, theirs))
    return mine == theirs


READ = [
    ("patients:\n- id: P1\n  expected: urgent\n", {"patients": [{"id": "P1", "expected": "urgent"}]}),
    ("a:\n  b: true\n  c: 38.2\n  d: 100.4 F\n  e: ~\n  f:\n  g: no\n  h: 0x1F\n  i: 1:20\n",
     {"a": {"b": True, "c": 38.2, "d": "100.4 F", "e": None, "f": None, "g": False, "h": 31, "i": 80}}),
    ("a: a long story\n  over two lines, 'quoted' and \"double\"\n  - and a dash: no\n", None),  # `: ` on a later line
    ("a: a long story\n  over two lines, 'quoted' and \"double\"\n  - and a dash\n",
     {"a": "a long story over two lines, 'quoted' and \"double\" - and a dash"}),
    ("a: 'it''s: fine'\nb: \"plain: too\"\nc: []\nd: {}\n", {"a": "it's: fine", "b": "plain: too", "c": [], "d": {}}),
    ("a:\n- at: -5h\n  finding: x\n-   at: 0\n    temperature: 37.1\nb: 1\n",
     {"a": [{"at": "-5h", "finding": "x"}, {"at": 0, "temperature": 37.1}], "b": 1}),
    ("a:\n  - x\n  - 2026-12-07\n  -\n  - -1\n", {"a": ["x", datetime.date(2026, 12, 7), None, -1]}),
    ("a: b\n\n\nc: d   \n", {"a": "b", "c": "d"}),
    ("a: Sí, ¿y el niño? 38,6 °C\n", {"a": "Sí, ¿y el niño? 38,6 °C"}),
]

REFUSED = [
    "",  # no mapping
    "- a\n",  # a list at the margin
    "  a: b\n",  # not at the margin
    "a: b  # a comment\n",
    "# a comment\na: b\n",
    "a: &x b\nc: *x\n",  # an anchor and an alias
    "a: !!str 1\n",  # a tag
    "a: |\n  text\n",  # a block scalar
    "a: {b: c}\n",  # a flow mapping
    "a: [b]\n",
    "a: 'over\n  lines'\n",  # quotes over lines
    "a: \"escaped \\n\"\n",
    "a: b\na: c\n",  # a duplicate key
    "true: b\n",  # a key not a string
    "'a': b\n",  # a key quoted
    "a b: c\n",  # a key not a name
    "a:\tb\n",  # a tab
    "a: b\r\nc: d\r\n",  # carriage returns
    "a: b\u2028c\n",  # a line break to YAML, not to Python's split
    "a: b\x85c\n",
    "a: b\x07\n",  # a control character
    "a: b\n c: d\n",  # deeper than the keys and not a value
    "a: story\n\n  after an empty line\n",  # an empty line inside a plain scalar
    "a: b\n---\nc: d\n",  # two documents
    "a: 2026-02-30\n",  # a date that is not
    "a: - b\n",
    "a:\n- - b\n",  # a list in a list on one line
]


@pytest.mark.parametrize("text, data", READ)
def test_what_it_reads_is_what_libyaml_reads(text, data):
    if data is None:
        with pytest.raises(NotPlain):
            read_block_yaml(text)
        assert _as_before(text) == "not YAML"
        return
    assert _same(read_block_yaml(text), data) and _same(data, _as_before(text))


@pytest.mark.parametrize("text", REFUSED)
def test_what_it_is_not_sure_of_it_refuses(text):
    with pytest.raises(NotPlain):
        read_block_yaml(text)


class _Full(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # every patient written out, as a generated file would be
        return True


def _dumped(count: int) -> str:
    known = [patient for file in sorted((HERE / "patients").glob("*.yaml")) + sorted((HERE / "timelines").glob("*.yaml"))
             for patient in yaml.safe_load(file.read_text(encoding="utf-8"))["patients"]]
    patients = [{**known[index % len(known)], "id": f"P{index:05d}"} for index in range(count)]
    return yaml.dump({"patients": patients}, Dumper=_Full, allow_unicode=True, sort_keys=False)


def test_a_dumped_patients_file_reads_as_libyaml_reads_it():
    text = _dumped(400)
    assert _same(read_block_yaml(text), _as_before(text))


PIECES = ["- ", "-", ": ", ":", " ", "  ", "\n", "\n  ", "\n    ", "'", "''", '"', "#", "&a", "*a", "!!str ", "[]", "{}",
          "[", "{", "true", "null", "~", "1", "0x1F", "1:20", "2026-12-07", "2026-02-30", "-5h", "yes", "on", "a b",
          "\t", "\r", "\u2028", "\x85", "\ufeff", "é", "|", ">", "?", "%", "@", "`", ",", "---", "...", "<<", "=", "\\",
          "\x00", "1e3", ".inf", "-.5", "+1", "0o17", "1_000"]


def test_mangled_files_read_as_libyaml_reads_them_or_are_refused():
    """Pieces of YAML's syntax put in, characters taken out, lines moved in or out: whatever it reads, it reads
    as before (and it reads a good share of them)."""
    rng = random.Random(24)
    dumped = _dumped(30)
    bases = [dumped[start:start + 1500] for start in range(0, len(dumped) - 1500, 700)]
    bases = [base[:base.rindex("\n- ")] + "\n" for base in bases if base.startswith("patients:")] + \
        ["patients:\n" + base[base.index("\n- ") + 1:base.rindex("\n- ")] + "\n" for base in bases]
    read = 0
    for _ in range(3000):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if (change := rng.random()) < 0.5:
                text = text[:at] + rng.choice(PIECES) + text[at:]
            elif change < 0.8:
                text = text[:at] + text[at + rng.randint(1, 5):]
            else:
                lines = text.split("\n")
                moved = rng.randrange(len(lines))
                lines[moved] = " " * rng.randint(0, 6) + lines[moved].lstrip(" ")
                text = "\n".join(lines)
        try:
            mine = read_block_yaml(text)
        except NotPlain:
            continue
        assert _same(mine, _as_before(text)), text
        read += 1
    assert read > 300
