"""Each witness of a review as a replay script that expects the new behaviour (docs/replay.md).

One file per class, `NN-kind-level-to-level.yaml`: the new version's witness answers
(each step names its question, so a script that drifts fails where it drifts) and
where it must end: the new outcome, its level and the rules that held. The script
names the new flow when it is a file (relative to the script, as the format wants);
a new version read from git is named only in the script's comment, so such scripts
replay on `chatbot replay --flow FILE`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from chatbot.review.report import ChangedClass, Review


def write_scripts(review: Review, folder: Path) -> list[Path]:
    """Write every class's script into `folder` (made if needed); the files written, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    digits = max(2, len(str(len(review.classes))))  # the files sort in the review's order
    for changed in review.classes:
        if changed.after.ending.outcome is None:
            continue  # the new version goes round a loop: nothing to expect (`chatbot check` says where)
        path = folder / f"{changed.number:0{digits}d}-{_slug(changed)}.yaml"
        path.write_text(script(review, changed, folder), encoding="utf-8")
        written.append(path)
    return written


def script(review: Review, changed: ChangedClass, folder: Path) -> str:
    """The replay script of one class, as text."""
    after = changed.after
    rules = f"{', '.join(changed.before.ending.rules) or 'no rule'} → {', '.join(after.ending.rules) or 'no rule'}"
    data: dict = {"name": f"{changed.kind} {changed.number}: {changed.title}, {changed.outcomes} ({rules})"}
    if review.new.file is not None:
        data["flow"] = os.path.relpath(review.new.file.resolve(), folder.resolve())
    data["steps"] = [{"question": step.question, "answer": step.typed} for step in after.steps]
    data["expect"] = {"level": after.ending.level, "outcome": after.ending.outcome,
                      "reasons": list(after.ending.rules)}
    header = [f"# chatbot diff {review.old.given} → {review.new.given}: class {changed.number}, {changed.kind}.",
              f"# A person with: {changed.statement}.",
              f"# Before: {changed.before.ending.outcome} ({changed.before.ending.level}; "
              f"{', '.join(changed.before.ending.rules) or 'no rule'}). This script expects the new behaviour."]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)
    return "\n".join(_comment(line) for line in header) + "\n" + body


def _comment(line: str) -> str:
    """A comment line kept to one line (a statement can be long: it is cut, not wrapped)."""
    return line if len(line) <= 400 else line[:397] + "..."


def _slug(changed: ChangedClass) -> str:
    words = f"{changed.kind} {changed.before.ending.level} to {changed.after.ending.level}"
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
