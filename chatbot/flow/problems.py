"""Problems found in a file, reported all at once as `path:line:col: message`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, at the line and column where it is (1-based)."""

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message}"


class FlowError(Exception):
    """Raised with every problem of a file, so that none has to be found twice."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: object, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when a misspelt name is close to a known one."""
    if not isinstance(name, str):
        return ""
    from difflib import get_close_matches  # only once a name is wrong: never on the way to the first frame

    names = [candidate for candidate in candidates if isinstance(candidate, str)]  # a key may be a number or yes/no
    close = get_close_matches(name, names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
