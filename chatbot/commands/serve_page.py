"""What `chatbot serve` adds to textual-serve's page, for people who cannot read the screen.

- `terminal_script()`: textual-serve's script with two small changes, made once when first served
  and checked (`ScriptNotPatched` names what no longer matches, and the server then serves the
  script as it is): xterm.js starts in `screenReaderMode` (its rows are a list a screen reader
  reads, and what changes is announced), and every message the server sends the page is also
  handed to the page's own script as a `kiosk-message` event (the speech to play, the language).
- `TabPage`: one tab's messages from its kiosk (`chatbot.kiosk.app.KioskApp.tell_page`): its
  speech rendered here with espeak-ng and kept under a random name only that tab's page is told
  (a tab only ever hears its own kiosk; a new screen's speech replaces the last), and the page's
  language and title when the person changes language (WCAG 3.1.1).

Imported only when `chatbot serve` runs.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Awaitable, Callable

from chatbot.speech import espeak

SCRIPT_PATCHES = (
    ("screenReaderMode", re.compile(r"new (\w+)\.Terminal\(\{"), r"new \1.Terminal({screenReaderMode:!0,"),
    ("kiosk-message", re.compile(r"(const (\w+)=JSON\.parse\((\w+)\.data\),(\w+)=\2\[0\],(\w+)=\2\[1\];)"),
     r'\1window.dispatchEvent(new CustomEvent("kiosk-message",{detail:[\4,\5]}));'),
)
"""(what it gives, where in textual-serve's minified script, the change): each must match once."""
PAGE_MESSAGES = frozenset({"speak", "speak_stop", "language"})
"""The meta messages a tab's kiosk sends its page; textual-serve's own are left to it."""
MOST_SSML = 64 * 1024
"""The longest speech a kiosk may ask for (a screen's is a few kilobytes)."""


class ScriptNotPatched(Exception):
    """textual-serve's script changed: a change no longer applies (its name says which)."""


def patched_script(original: str) -> str:
    """`original` with every change of `SCRIPT_PATCHES`, or ScriptNotPatched."""
    for name, pattern, replacement in SCRIPT_PATCHES:
        original, count = pattern.subn(replacement, original)
        if count != 1:
            raise ScriptNotPatched(f"textual-serve's script: {name} matched {count} times, not once")
    return original


@lru_cache(maxsize=1)
def terminal_script(static: str) -> tuple[bytes, str | None]:
    """The page's script from textual-serve's `static` folder, patched; and None, or why it is not."""
    original = (Path(static) / "js" / "textual.js").read_text(encoding="utf-8")
    try:
        return patched_script(original).encode("utf-8"), None
    except ScriptNotPatched as problem:
        return original.encode("utf-8"), str(problem)


class TabPage:
    """What one tab's kiosk tells its page (see the module's docstring); `send` writes a message (JSON)
    to that tab's websocket."""

    def __init__(self, titles: dict[str, str], send: Callable[[str], Awaitable[object]],
                 speech_path: str = "/speech") -> None:
        self.titles = titles
        self.send = send
        self.token = secrets.token_urlsafe(18)
        """The tab's own name for its speech: told only to its page, over its own websocket."""
        self.speech_path = speech_path
        self.serial = 0
        self.wav: bytes | None = None
        self._rendering: asyncio.Task | None = None

    def audio(self, serial: str) -> bytes | None:
        """The speech named `serial`, if it is still the newest."""
        return self.wav if serial == str(self.serial) and self.wav is not None else None

    async def handle(self, meta: dict) -> None:
        """A meta message from the kiosk, for its page. Returns at once: the kiosk's screen, which comes
        on the same pipe, never waits for a speech to render."""
        kind = meta.get("type")
        if kind == "language":
            language = meta.get("language")
            if language in self.titles:
                await self.send(json.dumps(["language", {"language": language, "title": self.titles[language]}]))
        elif kind == "speak_stop":
            self.stop()
            await self.send(json.dumps(["speak_stop", None]))
        elif kind == "speak":
            ssml, language = meta.get("ssml"), meta.get("language")
            if isinstance(ssml, str) and len(ssml) <= MOST_SSML and language in self.titles:
                self.stop()
                self._rendering = asyncio.ensure_future(self._speak(ssml, language, self.serial))

    async def _speak(self, ssml: str, language: str, serial: int) -> None:
        try:
            wav = await render(ssml, language)
        except espeak.SpeechUnavailable:
            return
        if serial == self.serial:  # no newer screen came meanwhile
            self.wav = wav
            await self.send(json.dumps(["speak", {"url": f"{self.speech_path}/{self.token}/{serial}.wav"}]))

    def stop(self) -> None:
        """Nothing of the last speech is played or fetched any more."""
        self.serial += 1
        self.wav = None
        if self._rendering is not None and not self._rendering.done():
            self._rendering.cancel()


async def render(ssml: str, language: str) -> bytes:
    """SSML rendered to a WAV by espeak-ng, in a process of its own (the server's loop never waits)."""
    program = espeak.find()
    if program is None:
        raise espeak.SpeechUnavailable(f"{espeak.PROGRAM} is not installed")
    process = await asyncio.create_subprocess_exec(
        *espeak.command(program, language, to="-"), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        out, _ = await asyncio.wait_for(process.communicate(ssml.encode("utf-8")), espeak.RENDER_WITHIN)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise espeak.SpeechUnavailable(f"{espeak.PROGRAM} failed (exit status {process.returncode})")
    return espeak.whole_wav(out)
