"""Problems found in a file, reported all at once as `path:line:col: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from chatbot.catalog import Message, message


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, at the line and column where it is (1-based)."""

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"
    words: Any = field(default=None, compare=False, repr=False)
    """The message from the catalog (a `Message`, or `Joined` parts), to be said in a person's
    language (`said`); `message` is always its English, what tests, JSON and the order read."""

    def __post_init__(self) -> None:
        if not isinstance(self.message, str):  # words from the catalog: keep them, and their English
            object.__setattr__(self, "words", self.message)
            object.__setattr__(self, "message", str(self.message))

    def __str__(self) -> str:
        return self.said("en")

    def said(self, language: str) -> str:
        """`path:line:col: [severity: ]message`, the message in `language` (the place, the severity and
        a proof's kind code stay as they are: programs and editors read them)."""
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        text = self.message if self.words is None else self.words.get(language)
        return f"{self.file}:{self.line}:{self.col}: {prefix}{text}"


class FlowError(Exception):
    """Raised with every problem of a file, so that none has to be found twice."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: object, candidates: Iterable[str]) -> Message | str:
    """A ` (did you mean 'x'?)` suffix when a misspelt name is close to a known one."""
    if not isinstance(name, str):
        return ""
    from difflib import get_close_matches  # only once a name is wrong: never on the way to the first frame

    names = [candidate for candidate in candidates if isinstance(candidate, str)]  # a key may be a number or yes/no
    close = get_close_matches(name, names, n=1, cutoff=0.6)
    return DID_YOU_MEAN.fill(name=close[0]) if close else ""


DID_YOU_MEAN = message(" (did you mean '{name}'?)")
