"""What the nurse station's tests share: a finished session written as a kiosk writes it."""

from __future__ import annotations

from recordtools import kiosk_session  # noqa: F401 - the station tests take it from here

EMERGENCY = {"known_low_white_count": True, "fever_feeling": True, "temperature": 38.6}
ROUTINE = {"known_low_white_count": True}
URGENT = {"fever_feeling": True, "temperature": 37.0}

