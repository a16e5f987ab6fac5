"""Textual's Linux driver with a bounded input path, and a terminal that goes away taken as gone.

Input: the reader thread splits what the terminal sends with `chatbot.terminal.scanner` (a paste,
bracketed or typed, is one `events.Paste` of bounded length, found without Textual's slow parser),
parses the rest with Textual's parser, and puts what it made in an `Inbox`. The app's loop takes a
few (`ROUND`) at a time and takes more only once the app has handled those, so keys that come
faster than the app can handle them wait in the inbox, bounded, instead of in the app's queue; past
the bound they are dropped and the app is told (`InputDropped`). The remains of an escape sequence
Textual does not know are dropped too (`TerminalParser`): they were never keys a person pressed.

A lost terminal: the end of input, an I/O error reading it, or a write to it that fails. Textual
would read the end of input again and again at full speed, and its writer thread dies at the first
failed write, after which the app blocks for good on the writer's full queue. Here the reader stops,
every write after is dropped, the process's standard streams are pointed at /dev/null (so that
nothing written at exit fails or blocks) and the app is told (`TerminalLost`), once.

The private Textual parts this relies on are listed, with why, in `chatbot.terminal.private_textual`.
"""

from __future__ import annotations

import asyncio
import os
import re
import selectors
from codecs import getincrementaldecoder
from time import monotonic
from typing import Callable, Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.keys import Keys
from textual.message import Message

from chatbot.terminal.inbox import Inbox
from chatbot.terminal.scanner import Pasted, Scanner

READ_SIZE = 65536
ROUND = 8
"""Inputs handed to the app at once; the next ones wait until it has handled these."""
ROUND_WAIT = 0.5
"""Seconds to wait at most for the app to handle a round before handing on the next anyway."""
PARSED_AT_ONCE = 256
"""Characters parsed before the inbox is looked at again: a flood costs no more than it can keep."""
_BEFORE_ESCAPE = re.compile("(?=\x1b)")
INPUT = (events.Key, events.MouseEvent, events.Paste)
"""What a person does, which a flood may drop; the terminal's replies about itself are never dropped."""


class TerminalLost(Message):
    """The terminal is gone (`why`: "end of input", or the error): nothing can be shown or read."""

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why


class InputDropped(Message):
    """`count` inputs came faster than the app could take them and were dropped."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class Handed(Message):
    """Follows each round of input into the app's queue: when the app gets here, it has handled them."""

    def __init__(self) -> None:
        super().__init__()
        self.done = asyncio.Event()


_NOT_REISSUED = object()


class TerminalParser(XTermParser):
    """Textual's terminal parser, except that what is left of an escape sequence it does not know is
    never handed on as keys (`ESC[2J` would be "[", "2", "J": a choice ticked, and a kiosk that guessed
    at such remains itself swallowed a typed "[" and the key after it). Textual hands those remains on
    from one place, the only one that names `alt`: there an alt chord (ESC then a key, as terminals
    without the keyboard protocol send it) is kept and the rest are dropped."""

    def feed(self, data: str) -> Iterable[Message]:
        return (event for event in super().feed(data) if not _ignored(event))

    def tick(self) -> Iterable[Message]:
        return (event for event in super().tick() if not _ignored(event))

    def _sequence_to_key_events(self, sequence: str, alt=_NOT_REISSUED):
        if alt is _NOT_REISSUED:
            yield from super()._sequence_to_key_events(sequence)
            return
        for key in super()._sequence_to_key_events(sequence, alt=alt):
            yield key if key.key.startswith("alt+") else events.Key(Keys.Ignore, key.character)


def _parts(text: str, most: int = PARSED_AT_ONCE) -> Iterable[str]:
    """`text` (whole escape sequences and characters) in parts of about `most` characters, each cut
    before an ESC or between plain characters, so that no part ends inside a sequence."""
    for run in _BEFORE_ESCAPE.split(text):
        for start in range(0, len(run), most):
            yield run[start:start + most]


def _ignored(event: Message) -> bool:
    return isinstance(event, events.Key) and event.key == Keys.Ignore


class TerminalOutput:
    """The terminal's output for Textual's writer thread: a write that fails means the terminal is
    gone (`lost` is told, once), and every write after it is dropped instead of raised."""

    def __init__(self, file, lost: Callable[[str], None]) -> None:
        self._file = file
        self._lost = lost
        self.gone = False

    def write(self, text: str) -> None:
        if not self.gone:
            try:
                self._file.write(text)
            except (OSError, ValueError) as error:
                self._fail(error)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError) as error:
                self._fail(error)

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return True

    def _fail(self, error: Exception) -> None:
        self.gone = True
        self._lost(f"writing to the terminal failed: {error}")


class TerminalDriver(LinuxDriver):
    """Textual's Linux driver with bounded input and a lost terminal noticed (see the module's docstring)."""

    def __init__(self, app, **options) -> None:
        super().__init__(app, **options)
        self.inbox: Inbox = Inbox(self._wake)
        self._file = TerminalOutput(self._file, self._lose)
        self._terminal_fds = [fd for fd in (0, 1, 2) if os.isatty(fd)]
        self._waiting: asyncio.Event | None = None
        self._delivering: asyncio.Task | None = None
        self._gone = False

    # -- the app's side: rounds of input ----------------------------------------------------------

    def start_application_mode(self) -> None:
        self.inbox.reopen()
        self._waiting = asyncio.Event()
        self._delivering = asyncio.get_running_loop().create_task(self._deliver(), name="terminal input")
        super().start_application_mode()

    def disable_input(self) -> None:
        super().disable_input()
        if self._delivering is not None:
            self._delivering.cancel()
            self._delivering = None

    def send_message(self, message: Message) -> None:
        """What the reader parsed goes to the inbox; the app's loop takes it from there."""
        self.inbox.put(message, droppable=isinstance(message, INPUT))

    def _wake(self) -> None:
        waiting = self._waiting
        if waiting is not None:
            try:
                self._loop.call_soon_threadsafe(waiting.set)
            except RuntimeError:  # the loop has closed: the app is gone
                pass

    async def _deliver(self) -> None:
        """Hand the app what waits, a round at a time, each once the app has handled the last."""
        app = self._app
        while True:
            await self._waiting.wait()
            self._waiting.clear()
            while True:
                items, dropped = self.inbox.take(ROUND)
                if dropped:
                    app.post_message(InputDropped(dropped))
                if not items:
                    break
                for item in items:
                    app.post_message(item)
                handed = Handed()
                if not app.post_message(handed):  # the app is closing: nothing more is for it
                    self.inbox.close()
                    return
                try:
                    await asyncio.wait_for(handed.done.wait(), ROUND_WAIT)
                except asyncio.TimeoutError:
                    pass

    # -- the reader's side ------------------------------------------------------------------------

    def run_input_thread(self) -> None:
        """Read the terminal until the app stops or the terminal is lost (never spinning on it)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        scanner = Scanner()
        parser = TerminalParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        try:
            while not self.exit_event.is_set():
                wait = scanner.wait
                try:
                    ready = selector.select(0.1 if wait is None else wait)
                except OSError as error:  # the terminal's descriptor itself is gone
                    self._lose(f"reading the terminal failed: {error}")
                    return
                if ready:
                    try:
                        data = os.read(self.fileno, READ_SIZE)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError as error:
                        self._lose(f"reading the terminal failed: {error}")
                        return
                    if not data:
                        self._lose("end of input")
                        return
                    pieces = scanner.feed(decode(data), monotonic())
                else:
                    pieces = scanner.flush(monotonic())
                self._hand_on(pieces, parser)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()

    def _hand_on(self, pieces, parser: TerminalParser) -> None:
        for piece in pieces:
            if isinstance(piece, Pasted):
                self.process_message(events.Paste(piece.text))
                continue
            for part in _parts(piece):
                if self.inbox.full:
                    self.inbox.drop()  # a flood: the rest is not even parsed (parts are whole sequences)
                    break
                for event in parser.feed(part):
                    self.process_message(event)

    # -- a lost terminal --------------------------------------------------------------------------

    def _lose(self, why: str) -> None:
        """Once: stop taking input, drop what waits, let nothing written later fail, tell the app."""
        if self._gone:
            return
        self._gone = True
        self._file.gone = True
        self.inbox.close()
        try:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in self._terminal_fds:
                os.dup2(null, fd)
            os.close(null)
        except OSError:
            pass
        try:
            self._app.post_message(TerminalLost(why))
        except RuntimeError:  # the app's loop has closed: it is ending anyway
            pass
