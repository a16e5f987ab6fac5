"""Who says a screen's words: this machine's sound device, a `chatbot serve` tab, or nobody.

Every speaker takes `say(speech)` and `stop()` and returns at once: a new `say` stops what was
being said (a new screen never talks over the last), and nothing waits on a frame.

- `Speaker`: espeak-ng on this machine, run from a thread of its own (starting a process is not
  the UI's work). With `to_folder`, each speech is written there as a numbered WAV instead of
  played (for tests, and machines without a sound device).
- `BrowserSpeaker`: hands the SSML to `send` (the kiosk's web driver), and `chatbot serve`
  renders it and plays it in that tab only.
- `NoSpeaker`: espeak-ng is not installed; the UI says so and everything else works.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from pathlib import Path
from typing import Callable

from chatbot.speech import espeak
from chatbot.speech.speech import Speech, ssml

log = logging.getLogger("chatbot.speech")

STOP_GRACE = 1.0
"""Seconds espeak-ng has to end after SIGTERM before SIGKILL."""


class NoSpeaker:
    """Speech is not installed: nothing is said (`available` is False, and the UI says why)."""

    available = False
    speaking = False

    def say(self, speech: Speech) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class BrowserSpeaker:
    """A `chatbot serve` tab: the words go to the server by `send` (a meta message on the tab's own
    pipe), which renders them with espeak-ng and plays them in that tab."""

    available = True
    speaking = False

    def __init__(self, send: Callable[[dict], None]) -> None:
        self.send = send

    def say(self, speech: Speech) -> None:
        if speech:
            self.send({"type": "speak", "language": speech.language, "ssml": ssml(speech)})

    def stop(self) -> None:
        self.send({"type": "speak_stop"})

    def close(self) -> None:
        pass


class Speaker:
    """espeak-ng on this machine's sound device, one speech at a time, from its own thread."""

    available = True

    def __init__(self, program: str | None = None, *, to_folder: str | Path | None = None) -> None:
        self.program = program or espeak.find() or espeak.PROGRAM
        self.to_folder = Path(to_folder) if to_folder is not None else None
        self.said = 0
        """How many speeches were started (or written, `to_folder`)."""
        self._changed = threading.Condition()
        self._wanted: Speech | None = None
        self._pending = False
        self._closing = False
        self._process: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None

    @property
    def speaking(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    def say(self, speech: Speech) -> None:
        """Say `speech` (stopping what is being said); returns at once."""
        self._ask(speech if speech else None)

    def stop(self) -> None:
        self._ask(None)

    def close(self) -> None:
        """Stop, and end the thread."""
        with self._changed:
            self._closing = True
            self._changed.notify()
        if self._thread is not None:  # a WAV being written is finished first
            self._thread.join(timeout=STOP_GRACE * 3 + (espeak.RENDER_WITHIN if self.to_folder else 0))

    def _ask(self, speech: Speech | None) -> None:
        with self._changed:
            if self._closing:
                return
            self._wanted, self._pending = speech, True
            self._changed.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._closing:
                    self._changed.wait()
                wanted, closing = self._wanted, self._closing
                self._pending = False
            self._end_current()
            if closing:
                return
            if wanted is not None:
                try:
                    self._start(wanted)
                except (OSError, espeak.SpeechUnavailable) as error:
                    log.warning("speech: %s", error)

    def _start(self, speech: Speech) -> None:
        self.said += 1
        if self.to_folder is not None:
            espeak.render_wav(speech, self.to_folder / f"{self.said:04d}-{speech.language}.wav", self.program)
            return
        process = subprocess.Popen(espeak.command(self.program, speech.language), stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._process = process
        try:
            process.stdin.write(ssml(speech).encode("utf-8"))
            process.stdin.close()
        except OSError:  # it ended already (no sound device): said in the log when it is reaped
            pass

    def _end_current(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        elif process.returncode != 0:
            log.warning("speech: %s could not play (exit status %s)", espeak.PROGRAM, process.returncode)


def speaker_for(*, served: bool, send: Callable[[dict], None] | None = None,
                to_folder: str | Path | None = None) -> Speaker | BrowserSpeaker | NoSpeaker:
    """The speaker for a UI: the browser tab's when `served`, else this machine's; NoSpeaker when
    espeak-ng is not installed (a served tab's server runs on this same machine)."""
    program = espeak.find()
    if program is None:
        return NoSpeaker()
    if served and send is not None:
        return BrowserSpeaker(send)
    return Speaker(program, to_folder=to_folder)
