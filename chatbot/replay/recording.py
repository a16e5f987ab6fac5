"""Recording: a conversation, as a replay script a tester can keep and replay forever.

A tester clicks through the UI once; its record key (or `chatbot --record FILE`)
saves the conversation with `script_text`. The script holds each question's id
with its words as a comment, the answer exactly as it was typed, the findings it
recorded, and where the conversation ended and for which reasons, so that `chatbot replay FILE` fails the day the flow stops
going there. Answers that were undone with back are not in it: it replays the
conversation as it finally stood.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import yaml

from chatbot.engine import WELCOME, Conversation
from chatbot.flow.kinds import FindingType
from chatbot.flowfile.loader import bundled_flow_path
from chatbot.privatefile import write_private

COMMENT_WIDTH = 72

# Characters PyYAML accepts in a file as they are; the rest are written as escapes.
_PRINTABLE = re.compile("[\x20-\x7E\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_BARE_WORDS = {"yes", "no"}
_BARE_NUMBER = re.compile(r"\d{1,3}(\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def script_text(conversation: Conversation, name: str = "Recorded conversation",
                flow_path: str | Path | None = None, script_path: str | Path | None = None) -> str:
    """The conversation so far as replay-script YAML (docs/replay.md).

    `flow_path` is written as the script's `flow:` (leave it None for the bundled
    flow); when `script_path` says where the script will be saved, the flow is
    written relative to it, as replay reads it.
    """
    flow, language = conversation.flow, conversation.language
    lines = ["# Recorded from a conversation. Replay it with: chatbot replay THIS_FILE",
             f"name: {yaml_string(name)}"]
    if flow_path is not None:
        lines.append(f"flow: {yaml_string(_relative(flow_path, script_path))}")
    if language != flow.languages[0]:
        lines.append(f"language: {yaml_string(language)}")
    lines.append("steps:" if conversation.transcript else "steps: []")
    for turn in conversation.transcript:
        lines.append(f"  - question: {turn.question.id}  # {_comment(turn.question.text.get(language))}")
        lines.append(f"    answer: {yaml_answer(turn.typed)}")
        if turn.confirmed is not None:  # words that fit a choice in part, then yes to "Did you mean …?"
            lines.append("    confirm: yes")
            lines.append(f"  - question: {turn.question.id}")
            lines.append(f"    answer: {yaml_answer(turn.confirmed)}")
        if turn.findings:
            lines.append(f"    findings: {_findings(flow, turn.findings)}")
    lines.append("expect:")
    if conversation.finished:
        result = conversation.result()
        lines += [f"  level: {result.level}", f"  outcome: {result.outcome.id}",
                  f"  reasons: [{', '.join(rule.id for rule in result.reasons)}]"]
    else:
        asking = flow.start if conversation.state == WELCOME else conversation.state
        lines.append(f"  question: {asking}")
    return "\n".join(lines) + "\n"


def _findings(flow, findings: dict) -> str:
    """What an answer recorded, as a step's `findings:`, so the replay checks it as a hand-written script would."""
    def value(name: str, value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if value is None:
            return "not measured" if flow.findings[name].type == FindingType.TEMPERATURE else "unknown"
        return f"{value:.1f}" if isinstance(value, float) else yaml_string(str(value))
    return "{" + ", ".join(f"{name}: {value(name, found)}" for name, found in findings.items()) + "}"


def session_script(conversation: Conversation, script_path: str | Path, when: datetime | None = None) -> str:
    """The script a tester's session is saved as (the UI's record key, `chatbot --record FILE`).

    Named for when it was recorded; its `flow:` is written relative to where it is
    saved, unless the flow is the bundled one (which replay uses by default).
    """
    flow_file = Path(conversation.flow.file)
    bundled = flow_file.resolve() == bundled_flow_path().resolve()
    name = f"Recorded conversation, {(when or datetime.now()):%Y-%m-%d %H:%M}"
    return script_text(conversation, name=name, flow_path=None if bundled else flow_file, script_path=script_path)


def script_filename(when: datetime | None = None) -> str:
    return f"conversation-{(when or datetime.now()):%Y%m%d-%H%M%S}.yaml"


def new_script_path(directory: str | Path, when: datetime | None = None) -> Path:
    """A file name for a new script in `directory` that no file has yet."""
    directory = Path(directory)
    stem = script_filename(when)[:-len(".yaml")]
    for attempt in range(1, 100):
        path = directory / (f"{stem}.yaml" if attempt == 1 else f"{stem}-{attempt}.yaml")
        if not path.exists():
            return path
    raise FileExistsError(f"too many scripts named {stem}*.yaml in {directory}")


def save_new_script(text: str, path: str | Path) -> Path:
    """Write a script to `path`, a file that must not exist yet (never over another one), owner-only and whole."""
    return write_private(path, text, exclusive=True)


def write_script(text: str, path: str | Path) -> Path:
    """Write a script to `path`, replacing what was there; owner-only, and a reader never sees half a file."""
    return write_private(path, text)


def yaml_string(text: str) -> str:
    """`text` as a YAML scalar read back as exactly this string: plain when that is safe, else quoted."""
    return text if _reads_back(text) is text else _double_quoted(text)


def yaml_answer(text: str) -> str:
    """An answer as a YAML scalar that replay reads back as exactly `text`.

    Replay takes a plain `yes`, `No` or `37.5` as the words typed, though YAML reads
    a boolean or a number, so those stay plain too; anything unsafe is quoted.
    """
    read = _reads_back(text)
    if read is text or (isinstance(read, bool) and text.casefold() in _BARE_WORDS) or (
            isinstance(read, (int, float)) and not isinstance(read, bool) and _BARE_NUMBER.fullmatch(text)):
        return text
    return _double_quoted(text)


def _reads_back(text: str):
    """What YAML reads from `text` written plain as a value (`text` itself when it is the same string)."""
    if not text or text != text.strip() or not all(_PRINTABLE.fullmatch(char) for char in text):
        return None
    try:
        value = yaml.safe_load(f"value: {text}\n")
    except yaml.YAMLError:
        return None
    if not isinstance(value, dict) or list(value) != ["value"]:
        return None
    read = value["value"]
    return text if isinstance(read, str) and read == text else read


def _double_quoted(text: str) -> str:
    escaped = []
    for char in text:
        if char in '\\"':
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif _PRINTABLE.fullmatch(char):
            escaped.append(char)
        else:
            code = ord(char)
            escaped.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                           else f"\\U{code:08x}")
    return '"' + "".join(escaped) + '"'


def _comment(text: str) -> str:
    """A question's words on one line, short enough for a comment."""
    line = " ".join(_CONTROL.sub(" ", text).split())
    return line if len(line) <= COMMENT_WIDTH else line[:COMMENT_WIDTH - 1].rstrip() + "…"


def _relative(flow_path: str | Path, script_path: str | Path | None) -> str:
    if script_path is None:
        return str(flow_path)
    folder = Path(script_path).resolve().parent
    try:
        return Path(os.path.relpath(Path(flow_path).resolve(), folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return str(Path(flow_path).resolve())
