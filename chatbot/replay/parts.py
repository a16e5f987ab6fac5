"""A large patients file simulated in parts, one process a core: each reads and runs its own patients.

The file is cut where a patient begins (a line `- ` at the margin, under a first line `patients:`):
there, and only there, the rest of the file reads as a file of its own once `patients:` is put back
before it. Such a line can also stand inside a quoted scalar or a flow collection left open across
lines; the part cut before it then ends inside it, which no YAML reader takes, so that part refuses.

The cuts fall at about even shares of the characters (`str.find`, no pattern over the whole file), so
each part has about as much to read and simulate. Each part is read with no positions and simulated in a process forked after the imports and the flow
(its pages shared); its lines come back in order, as one text through a pipe. Anything the ordinary way would say otherwise, or
say more of (a part the fast reader refuses, a patient id in two parts, a patient that disagrees with
its expected level, any error), gives None: the caller then reads and simulates the whole file the
ordinary way, which says it as it always did, with every position.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from chatbot.flow.model import Flow
from chatbot.replay.patients import Patient, Simulation, read_without_positions, simulate

HEAD = "patients:\n"
ENTRY = "\n- "  # a patient begins on the next line
MIN_PATIENTS = 1000  # fewer are simulated sooner than a process is forked and its answer read


@dataclass(frozen=True)
class Share:
    """What one part gave: its lines in order (as one text: sent whole through the pipe), its patients' ids, how
    many had a level to agree with."""

    lines: str
    ids: list[str]
    checked: int


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def cut(text: str, count: int) -> list[str] | None:
    """`text` in `count` parts of about as many characters each (so about as much to read and simulate), each
    a patients file; None if it has too few patients or does not begin with `patients:` at the margin."""
    if not text.startswith(HEAD) or text.count(ENTRY, len(HEAD) - 1) < max(MIN_PATIENTS, count):
        return None
    bounds = [0]
    for number in range(1, count):  # at the first patient that begins past its share of the characters
        entry = text.find(ENTRY, max(len(text) * number // count - 1, bounds[-1] or len(HEAD)))
        if entry < 0:
            return None
        bounds.append(entry + 1)
    bounds.append(len(text))
    return [text[:bounds[1]]] + [HEAD + text[begin:end] for begin, end in zip(bounds[1:-1], bounds[2:])]


def simulate_in_parts(path: str | Path, flow: Flow, line: Callable[[Patient, Simulation], str],
                      workers: int | None = None) -> tuple[list[Share], int] | None:
    """The file's shares (each patient's `line`, in the file's order) and how many patients, simulated in
    `workers` processes (one a core by default); None where the whole file must go the ordinary way."""
    workers = cores() if workers is None else workers
    if workers < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return None  # a thread would not be in the forked process: nothing here is sure to be safe
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    parts = cut(text, workers)
    if parts is None:
        return None
    sys.stdout.flush(), sys.stderr.flush()  # nothing written twice, by a child too
    children = [_fork(lambda part=part: _share(part, path, flow, line)) for part in parts[1:]]
    try:
        mine = _share(parts[0], path, flow, line)
    except Exception:  # noqa: BLE001 - the ordinary way says what went wrong (its children still waited for)
        mine = None
    shares = [mine] + [_answer(child) for child in children]
    if any(share is None for share in shares):
        return None
    count = sum(len(share.ids) for share in shares)
    if len({pid for share in shares for pid in share.ids}) != count:
        return None  # an id in two parts: the positioned reader says where
    return shares, count


def _share(part: str, path: str | Path, flow: Flow, line: Callable[[Patient, Simulation], str]) -> Share | None:
    patients = read_without_positions(part, path, flow)
    if patients is None:
        return None
    lines, checked = [], 0
    for patient in patients:
        result = simulate(flow, patient)
        if not result.agrees:
            return None  # said with its position, by the ordinary way
        checked += patient.expected is not None or patient.timeline is not None
        lines.append(line(patient, result))
    return Share("\n".join(lines), [patient.id for patient in patients], checked)


def _fork(work: Callable[[], Share | None]) -> tuple[int, int]:
    """A child process doing `work`, its answer written to a pipe: (its pid, the pipe's end to read)."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its coverage is not gathered)
        status = 1
        try:
            os.close(reading)
            try:
                answer = work()
            except Exception:  # noqa: BLE001 - the ordinary way says what went wrong
                answer = None
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)  # no exit handlers of the parent's, no buffers flushed twice
    os.close(writing)
    return pid, reading


def _answer(child: tuple[int, int]) -> Share | None:
    pid, reading = child
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a child that died writing: the ordinary way instead
        return None
