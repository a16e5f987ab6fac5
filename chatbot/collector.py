"""The garbage collector around the UI's start (paused while it starts, then told what stays),
and around reading a large file (`paused`).

Starting the UI makes a great many objects (Textual, the widgets, the flow) and frees
almost none, so collections during start-up are wasted work: with the collector paused
the first frame is drawn about 10 ms sooner. Once the UI is up those objects live as
long as the program, so they are set aside (`gc.freeze`) where collections no longer
walk them: a full collection that did took up to 20 ms, more than a frame.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


def pause_for_start_up() -> None:
    """No collections until `started` (or the program ends)."""
    gc.disable()


def started() -> None:
    """Everything made so far stays: set it aside, and collect what comes from now on."""
    gc.freeze()
    gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """No collections inside, then as before: for work that makes tens of thousands of objects and
    frees none (reading a file of 5,000 patients: a fifth of its time went to collections)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
