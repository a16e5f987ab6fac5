"""Broken flow files, made from the bundled flow, and what `chatbot check` makes of them.

Shared by the fuzz test (tests/core/test_flow_file_limits.py, a small budget in CI)
and the long run (bench/fuzz_flows.py). A mutation is text-level (a slice cut, a
line repeated or moved, YAML punctuation dropped in) or tree-level (a subtree
replaced by another value, a `goto` sent to another state, a list nested deep, a key renamed
to what YAML reads as a number or yes/no).
`check_text` runs the real loader and proof on one text and says how it ended.
"""

from __future__ import annotations

import copy
import random
import signal
import traceback
from pathlib import Path
from typing import Any

import yaml

from chatbot.flow.problems import FlowError
from chatbot.flowfile.loader import FlowLoader, bundled_flow_path
from chatbot.flowfile.source import parse_yaml
from chatbot.proof.analysis import analyse

BUNDLED_TEXT = bundled_flow_path().read_text(encoding="utf-8")
BUNDLED_DATA = yaml.safe_load(BUNDLED_TEXT)
PUNCTUATION = ["&a ", "*a", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "? ", "- ", "[", "]", "{", "}",
               ": ", "\n  ", "\t", "'", '"', "|", ">", "#", "%YAML 1.1\n", "---\n", "\u2028", "\x00", "0xz", "~"]
VALUES: list[Any] = [None, "", 0, -1, 1.5, True, [], {}, "x", ["x"], {"x": 1}, {"not": {"not": "fever"}},
                     "9" * 50, "{unknown}", {"if": "fever", "goto": "start"}]


def mutate_text(text: str, rng: random.Random) -> str:
    """One text-level edit of `text`."""
    lines = text.split("\n")
    kind = rng.randrange(5)
    if kind == 0:  # cut a slice
        start = rng.randrange(len(text))
        return text[:start] + text[start + rng.randrange(1, 400):]
    if kind == 1:  # repeat a line
        index = rng.randrange(len(lines))
        return "\n".join(lines[:index] + [lines[index]] * rng.randrange(2, 4) + lines[index:])
    if kind == 2:  # move a line
        line = lines.pop(rng.randrange(len(lines)))
        lines.insert(rng.randrange(len(lines) + 1), line)
        return "\n".join(lines)
    if kind == 3:  # drop in punctuation
        at = rng.randrange(len(text))
        return text[:at] + rng.choice(PUNCTUATION) + text[at:]
    return text[:rng.randrange(len(text))]  # a file cut short


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, path + (index,))
    return found


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def mutate_tree(data: Any, rng: random.Random) -> Any:
    """One tree-level edit of `data`, in place (start from `fresh_data()`)."""
    paths = _paths(data)
    kind = rng.randrange(5) if isinstance(data, dict) and len(paths) > 1 else 0
    gotos = [p for p in paths if p and p[-1] in ("goto", "next") and isinstance(_get(data, p), str)]
    if kind == 1 and not gotos:
        kind = 0
    if kind == 0:  # replace a subtree
        return _set(data, rng.choice(paths), copy.deepcopy(rng.choice(VALUES)))
    if kind == 1:  # send a transition somewhere else (often back: a loop)
        states = [_get(data, p) for p in gotos] + [p[1] for p in paths if len(p) == 2 and isinstance(p[1], str)]
        return _set(data, rng.choice(gotos), rng.choice(states))
    if kind == 2:  # nest a value deep
        value: Any = "fever"
        for _ in range(rng.randrange(20, 60)):  # beyond the reader's limit; deeper would break yaml.dump
            value = rng.choice([[value], {"not": value}, {"all": [value]}])
        return _set(data, rng.choice(paths[1:]), value)
    if kind == 3:  # a name YAML reads as a number, yes/no or nothing (`1:`, `true:`, `~:`)
        path = rng.choice([p for p in paths if p and isinstance(p[-1], str)])
        parent = _get(data, path[:-1])
        renamed = rng.choice([1, 2.5, True, False, None])
        items = [(renamed if key == path[-1] else key, value) for key, value in parent.items()]
        parent.clear()
        parent.update(items)
        return data
    path = rng.choice([p for p in paths if p])  # delete a key or an item
    parent = _get(data, path[:-1])
    del parent[path[-1]]
    return data


def fresh_data() -> Any:
    """A copy of the bundled flow's data to break."""
    return copy.deepcopy(BUNDLED_DATA)


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


class Hang(Exception):
    """`check_text` ran past its time."""


def _alarm(signum, frame):
    raise Hang


def check_text(text: str, display: str = "fuzz.yaml", seconds: int = 10) -> tuple[str, str]:
    """How `chatbot check` ends on `text`: ("proved"|"issues"|"clean error", detail), or
    ("traceback"|"hang", detail). The time limit is an alarm: main thread only."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        flow = FlowLoader(parse_yaml(text, display)).load()
        analysis = analyse(flow)
    except Hang:
        return "hang", text[:200]
    except FlowError as error:
        bad = [p for p in error.problems if p.file != display or p.line < 1 or p.col < 1 or not p.message]
        if not error.problems or bad:
            return "traceback", f"unpositioned problems: {error.problems}"
        return "clean error", str(error.problems[0])
    except Exception:  # noqa: BLE001 - what the fuzzer looks for
        return "traceback", traceback.format_exc()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return ("proved" if not analysis.errors else "issues"), analysis.summary()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
