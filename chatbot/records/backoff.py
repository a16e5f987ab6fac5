"""How long to wait before trying a lost database again: a little longer each time, up to a ceiling.

Short at first (a restart, a replaced file, a moment's lock are over quickly) and never
longer than `most` seconds, so that whoever waits (a kiosk's answers, a station's queue)
is back within a second or so of the database. A little jitter keeps many kiosks from
trying all at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    first: float = 0.1
    most: float = 1.0
    jitter: float = 0.1  # each wait is up to this fraction shorter
    tries: int = field(default=0, init=False)

    def next(self) -> float:
        """The seconds to wait before the next try."""
        wait = min(self.most, self.first * 2 ** min(self.tries, 30))
        self.tries += 1
        return wait * (1 - self.jitter * random.random())

    def reset(self) -> None:
        self.tries = 0
