"""espeak-ng, the offline speech synthesiser: where it is, the voice for a language, and a `Speech`
rendered to WAV (a file, or bytes for `chatbot serve`).

It is a Debian package (`apt-get install espeak-ng`), not a Python one: without it, `find()` is
None and the UI says that speech is not installed. It is run directly (no shell), the SSML on
its standard input, so nothing in the words is ever an option or a command.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from chatbot.speech.speech import Speech, ssml

PROGRAM = "espeak-ng"
VOICES = {"en": "en", "es": "es"}
"""espeak-ng's voice for each language the flow speaks (`espeak-ng --voices=es` lists them)."""
WORDS_PER_MINUTE = 150
"""A little slower than espeak-ng's 175: many who listen are older, unwell or read little."""
RENDER_WITHIN = 30.0
"""Seconds a screen's speech may take to render before it is given up."""


class SpeechUnavailable(Exception):
    """espeak-ng is not installed, or could not say this (the message says which)."""


def find() -> str | None:
    """The espeak-ng program on PATH, or None."""
    return shutil.which(PROGRAM)


def voice(language: str) -> str:
    return VOICES.get(language, VOICES["en"])


def command(program: str, language: str, *, to: str | None = None) -> list[str]:
    """espeak-ng reading SSML from its standard input in `language`'s voice: played on the sound
    device, or `to` a WAV file ("-" for standard output)."""
    words = [program, "-m", "-v", voice(language), "-s", str(WORDS_PER_MINUTE)]
    if to == "-":
        words.append("--stdout")
    elif to is not None:
        words += ["-w", to]
    return words


def _run(speech: Speech, program: str | None, to: str) -> bytes:
    program = program or find()
    if program is None:
        raise SpeechUnavailable(f"{PROGRAM} is not installed")
    try:
        done = subprocess.run(command(program, speech.language, to=to), input=ssml(speech).encode("utf-8"),
                              capture_output=True, timeout=RENDER_WITHIN, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SpeechUnavailable(f"{PROGRAM} failed: {error}") from None
    if done.returncode != 0:
        raise SpeechUnavailable(f"{PROGRAM} failed: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return done.stdout


def render_wav(speech: Speech, path: str | Path, program: str | None = None) -> Path:
    """Write `speech` to a WAV file at `path`; SpeechUnavailable when espeak-ng is missing or fails."""
    _run(speech, program, str(path))
    return Path(path)


def wav_bytes(speech: Speech, program: str | None = None) -> bytes:
    """`speech` as the bytes of a WAV file, its sizes filled in."""
    return whole_wav(_run(speech, program, "-"))


def whole_wav(data: bytes) -> bytes:
    """A WAV from espeak-ng's standard output, whose header cannot know the sizes when it is written:
    the RIFF and data sizes filled in, so that every browser plays it to the end."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechUnavailable(f"{PROGRAM} did not write a WAV")
    data = bytearray(data)
    data[4:8] = (len(data) - 8).to_bytes(4, "little")
    at = data.find(b"data", 12)
    if at >= 0:
        data[at + 4:at + 8] = (len(data) - at - 8).to_bytes(4, "little")
    return bytes(data)
