"""Kiosk mode's rules, kept apart from the screen: which keys a person may use, the staff key
sequence, the waits after a wrong PIN, and how many crashes are too many.

The Textual side (`chatbot.kiosk.app`) applies them; keeping them here makes them
plain functions to test, and keeps them readable without knowing Textual.

Staff leave the kiosk by pressing F12 three times within two seconds, then typing the
PIN set with `chatbot set-staff-pin`. F12 is a plain key in every terminal, in tmux and
in a browser terminal, unlike ctrl+shift chords, which most terminals cannot send.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import date

DEFAULT_IDLE_TIMEOUT = 120.0
DEFAULT_IDLE_WARNING = 30.0  # WCAG 2.2.1 asks for at least 20 seconds to say "I'm still here"
WCAG_LEAST_WARNING = 20.0

STAFF_KEY = "f12"
STAFF_PRESSES = 3
STAFF_WITHIN = 2.0  # seconds from the first of the presses to the last

CRASH_EXIT = 70  # sysexits EX_SOFTWARE: the kiosk stopped after repeated failures
CALM_STOP = ("The symptom checker has stopped after repeated problems.\n"
             "Please ask a member of staff for help.")

# Keys a person needs besides printable characters: to answer, move between controls and edit
# the temperature. Everything else (ctrl+c, ctrl+q, ctrl+z, ctrl+\, ctrl+d, ctrl+p, Escape, the
# function keys, alt and super chords) is swallowed before any binding sees it.
ALLOWED_KEYS = frozenset({
    "enter", "tab", "shift+tab", "space", "backspace", "delete",
    "up", "down", "left", "right", "home", "end", "pageup", "pagedown",
})
MODIFIERS = ("ctrl+", "alt+", "super+", "meta+", "hyper+")

IDENTIFY_KINDS = ("none", "ticket", "name_dob")


@dataclass(frozen=True)
class KioskOptions:
    """How a kiosk behaves; every time is in seconds (tests use fractions of one)."""

    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    """No key, click or tap for this long: ask "Are you still there?"."""
    idle_warning: float = DEFAULT_IDLE_WARNING
    """How long that question waits before everything of the person is wiped."""
    pin_timeout: float = 30.0
    """The staff PIN dialog goes back to the kiosk after this long untouched."""
    pin_delay: float = 1.0
    """The wait after a first wrong PIN; it doubles with each further one."""
    pin_delay_most: float = 60.0
    staff_key: str = STAFF_KEY
    staff_presses: int = STAFF_PRESSES
    staff_within: float = STAFF_WITHIN
    max_crashes: int = 3
    """This many unexpected errors within `crash_window` stop the kiosk (exit status CRASH_EXIT)."""
    crash_window: float = 600.0
    staffed: bool = False
    """Staff sit at a desk nearby: an emergency says first "Tell the staff at the desk now"."""
    identify: str = "none"
    """What the kiosk asks so that the desk can match the person: "ticket" (the number on the check-in
    ticket), "name_dob" (first name and date of birth) or "none"."""

    def __post_init__(self) -> None:
        for name in ("idle_timeout", "idle_warning", "pin_timeout", "staff_within", "crash_window"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be more than 0 seconds")
        if self.max_crashes < 1 or self.staff_presses < 1:
            raise ValueError("max_crashes and staff_presses must be at least 1")
        if self.identify not in IDENTIFY_KINDS:
            raise ValueError(f"identify must be one of {', '.join(IDENTIFY_KINDS)}")

    @property
    def tick(self) -> float:
        """How often the idle clock is looked at: often enough for the shortest time and for a
        countdown that never skips a second, which costs nothing at 4 times a second."""
        return min(max(min(self.idle_timeout, self.idle_warning, self.pin_timeout) / 6, 0.02), 0.25)


def allowed_key(key: str, character: str | None) -> bool:
    """True for the keys a kiosk lets through: printable characters and the keys to move and edit."""
    if key in ALLOWED_KEYS:
        return True
    if key.startswith(MODIFIERS):
        return False
    return character is not None and len(character) == 1 and character.isprintable()


class StaffSequence:
    """Spots the staff key pressed `presses` times within `within` seconds, no other key between."""

    def __init__(self, key: str = STAFF_KEY, presses: int = STAFF_PRESSES, within: float = STAFF_WITHIN):
        self.key, self.presses, self.within = key, presses, within
        self._times: deque[float] = deque()

    def press(self, key: str, now: float) -> bool:
        """Note a key pressed at `now`; True when it completes the sequence (which then starts over)."""
        if key != self.key:
            self._times.clear()
            return False
        self._times.append(now)
        while now - self._times[0] > self.within:
            self._times.popleft()
        if len(self._times) >= self.presses:
            self._times.clear()
            return True
        return False

    def reset(self) -> None:
        self._times.clear()


def pin_delay(failures: int, first: float = 1.0, most: float = 60.0) -> float:
    """Seconds to wait before the next PIN may be tried: none at first, then 1, 2, 4 ... up to `most`."""
    if failures <= 0:
        return 0.0
    return min(first * 2 ** (failures - 1), most)


class CrashWindow:
    """Counts unexpected errors within a sliding window of time, across restarts of the app."""

    def __init__(self, limit: int = 3, window: float = 600.0):
        self.limit, self.window = limit, window
        self._times: deque[float] = deque()

    def record(self, now: float) -> int:
        """Note an error at `now`; how many fell within the window, this one included."""
        self._times.append(now)
        while now - self._times[0] > self.window:
            self._times.popleft()
        return len(self._times)

    @property
    def count(self) -> int:
        return len(self._times)

    @property
    def too_many(self) -> bool:
        return len(self._times) >= self.limit


def screen_gone(error: BaseException) -> bool:
    """The error says the screen went away (a `chatbot serve` tab's server or pipe, or the terminal):
    the kiosk leaves, calmly; it is not a crash to start again from."""
    return isinstance(error, (BrokenPipeError, ConnectionResetError, EOFError))


# -- what the desk matches a person by (`KioskOptions.identify`) ------------------------------

TICKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,11}$")
BORN_FORMATS = (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
                re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"))  # or month first: `read_born`
NAME_LONGEST = 40


class NotReadable(ValueError):
    """What was typed cannot be kept; `field` says which: "ticket", "name" or "born"."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class AmbiguousDate(NotReadable):
    """A date of birth typed with slashes that is a real day read either way (03/02/1980: 3 February or
    2 March): `dates` holds both, day first then month first, for the person to choose."""

    def __init__(self, dates: tuple[date, date]) -> None:
        super().__init__("born")
        self.dates = dates


def read_born(text: str, today: date | None = None) -> date:
    """A date of birth typed as YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY: a real day, not after today, not
    before 1900. With slashes, the reading that is a real day is taken (12/25/1950 is 25 December);
    when both are, and differ, `AmbiguousDate` names both."""
    typed = text.strip()
    last = today or date.today()

    def day(year: str, month: str, number: str) -> date | None:
        try:
            born = date(int(year), int(month), int(number))
        except ValueError:
            return None
        return born if date(1900, 1, 1) <= born <= last else None

    found = BORN_FORMATS[0].match(typed)
    if found:
        born = day(found["y"], found["m"], found["d"])
        if born is not None:
            return born
        raise NotReadable("born")
    found = BORN_FORMATS[1].match(typed)
    if found:
        readings = [born for born in (day(found["y"], found["m"], found["d"]), day(found["y"], found["d"], found["m"]))
                    if born is not None]
        if len(set(readings)) == 2:
            raise AmbiguousDate((readings[0], readings[1]))
        if readings:
            return readings[0]
    raise NotReadable("born")


def read_identification(kind: str, *, ticket: str = "", name: str = "", born: str = "",
                        today: date | None = None) -> dict:
    """What the person typed, as the session records keep it (`SessionWriter.identify`); NotReadable
    naming the first field that cannot be kept."""
    if kind == "ticket":
        value = " ".join(ticket.split()).upper()
        if not TICKET.match(value):
            raise NotReadable("ticket")
        return {"kind": "ticket", "value": value}
    if kind == "name_dob":
        first = " ".join(name.split())
        if not first or len(first) > NAME_LONGEST or not first.isprintable():
            raise NotReadable("name")
        return {"kind": "name_dob", "name": first, "born": read_born(born, today).isoformat()}
    raise ValueError(f"nothing to read for identify={kind!r}")
