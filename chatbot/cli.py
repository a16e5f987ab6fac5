"""The `chatbot` command: the Textual UI by default, headless commands by name.

The command line ends here: the UI gets typed options (`chatbot.options.UIOptions`,
`chatbot.kiosk.rules.KioskOptions`) and a flow, never the parsed arguments.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from chatbot.catalog import LANGUAGE_CHOICES, SOURCE
from chatbot.collector import pause_for_start_up, started
from chatbot.flow.problems import FlowError
from chatbot.options import UIOptions, default_place
from chatbot.redaction import redact_tracebacks

if TYPE_CHECKING:
    from chatbot.flow.model import Flow
    from chatbot.kiosk.rules import KioskOptions
    from chatbot.records.recorder import Recorder


def main(argv: list[str] | None = None) -> int:
    """Run `chatbot` with `argv`; the exit status: 0 fine, 1 a check or replay failed, 2 a bad flow or option."""
    argv = sys.argv[1:] if argv is None else list(argv)
    redact_tracebacks()
    try:
        if not argv:
            # Plain `chatbot`, as a person starts it: every option at its default. Nothing to parse,
            # so neither argparse nor the parser is built before the first frame.
            return open_ui(UIOptions())
        from chatbot.commands.arguments import kiosk_options, parse, ui_options

        args = parse(argv)
        if args.command is not None:
            from chatbot.commands.said import choose

            choose(args)
            with ReaderMayLeave():
                return args.run(args)
        return open_ui(ui_options(args), kiosk_options(args) if args.kiosk else None)
    except FlowError as error:
        from chatbot.catalog import plural
        from chatbot.commands.said import complain, language

        for problem in error.problems:
            print(problem.said(language()), file=sys.stderr)
        count = sum(1 for p in error.problems if p.severity == "error")
        complain(plural("{count} problem found", "{count} problems found").count(count))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # what printing could not write: nothing more is said, at exit either
        ReaderMayLeave.silence(sys.stdout)
        return 0


class ReaderMayLeave:
    """A command's standard output while it runs, whose reader may leave early (`chatbot records list |
    head -1`): once the pipe is closed, what is printed after is dropped quietly and the command
    finishes its work (a replay still writes its JUnit file and exits with its own status). Nothing
    says "Broken pipe", at exit either."""

    def __init__(self) -> None:
        self.stream = sys.stdout
        self.closed = False

    def __enter__(self) -> ReaderMayLeave:
        sys.stdout = self  # print() only needs write() and flush()
        return self

    def __exit__(self, *exc) -> None:
        self.flush()  # before the interpreter's own flush at exit, which would say "Broken pipe"
        sys.stdout = self.stream

    def write(self, text: str) -> int:
        if not self.closed:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._closed()
        return len(text)

    def flush(self) -> None:
        if not self.closed:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._closed()

    def _closed(self) -> None:
        self.closed = True
        self.silence(self.stream)

    @staticmethod
    def silence(stream) -> None:
        """Point `stream`'s file at /dev/null: what it still holds goes nowhere, quietly."""
        try:
            descriptor = stream.fileno()
        except (AttributeError, OSError, ValueError):  # a stream with no file (a test's capture)
            return
        nothing = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(nothing, descriptor)
        finally:
            os.close(nothing)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def open_ui(options: UIOptions, kiosk: KioskOptions | None = None, flow: Flow | None = None) -> int:
    """The conversation in the terminal (a kiosk when `kiosk` is given), its start unslowed by the
    garbage collector (`chatbot.collector`); on `flow` when it is already loaded (a warm pool's kiosk)."""
    pause_for_start_up()
    recorder = None
    status = 2
    try:
        from chatbot.flowfile.cache import load_flow_cached

        flow = flow or load_flow_cached(options.flow)
        recorder = open_recorder(options, kiosk is not None)
        if recorder is False:
            return status
        # Textual writes frames from a thread: let it take the GIL from a busy main thread within
        # 1 ms instead of 5, so that a frame reaches the terminal as soon as it is drawn.
        sys.setswitchinterval(0.001)
        if kiosk is not None:
            from chatbot.kiosk.supervisor import run_kiosk

            status = run_kiosk(flow, options, kiosk, recorder)
        else:
            from chatbot.tui import run_app  # Textual only loads when a screen is drawn

            status = run_app(flow, options, recorder)
    finally:
        if recorder and not close_recorder(recorder, options.language) and status == 0:
            status = RECORDS_LOST  # the answers are in a file, not the records: say so to whoever started it
        started()
    return status


def open_recorder(options: UIOptions, kiosk: bool) -> RecorderLater | None | bool:
    """The recorder of the session records for the UI (None with `--no-record`); False, after
    saying why in one line, when the database URL given is wrong. It is made when first used,
    after the first frame, and opens the database from a worker (`SymptomCheckerApp.begin_recording`)."""
    if not options.record_sessions:
        return None
    if options.database or os.environ.get(DATABASE_ENV):  # a URL given: a wrong one stops here
        from chatbot.records.url import RecordsError, parse_database_url

        try:
            parse_database_url(options.database)
        except RecordsError as error:
            from chatbot.commands.said import error_said

            print(f"chatbot: {error_said(error)}", file=sys.stderr)
            return False
    return RecorderLater(options.database, options.place or default_place("kiosk" if kiosk else "terminal"))


class RecorderLater:
    """A `Recorder`, made when first used: its imports (and the data folder's) are not on the way to
    the first frame of plain `chatbot`. Everything else is the recorder's own."""

    def __init__(self, database: str | None, place: str) -> None:
        self.database = database
        self.place = place
        self._recorder: Recorder | None = None

    @property
    def made(self) -> Recorder:
        if self._recorder is None:
            from chatbot.records.recorder import Recorder

            self._recorder = Recorder(self.database, place=self.place)
        return self._recorder

    def __getattr__(self, name: str):
        return getattr(self.made, name)

    def close(self):
        return self._recorder.close() if self._recorder is not None else None

    def left_behind(self, kept, language: str = SOURCE):
        return self._recorder.left_behind(kept, language) if self._recorder is not None else None


def quiet_records_log() -> None:
    """The records' own log lines stay off the terminal at exit: the command says the same, once, in its
    own words (where the answers went and how to import them)."""
    import logging

    records = logging.getLogger("chatbot.records")
    if not any(isinstance(handler, logging.NullHandler) for handler in records.handlers):
        records.addHandler(logging.NullHandler())


DATABASE_ENV = "CHATBOT_DATABASE"
"""`chatbot.records.url.DATABASE_ENV`, read here without importing the records before the first frame
(the default database cannot be wrong: it is only looked at when a URL is given)."""

RECORDS_LOST = 1
"""The exit status when the session records could not be written at exit (the answers went to a file)."""


def close_recorder(recorder: RecorderLater, spoken: str | None = None) -> bool:
    """End the open session; say where answers the database did not take were saved, if any, in the
    `spoken` language (else the commands'). True when everything is in the database."""
    quiet_records_log()
    from chatbot.commands.said import language

    saved = recorder.close()
    words = recorder.left_behind(saved, spoken if spoken in LANGUAGE_CHOICES else language())
    if words is not None:
        print(f"chatbot: {words}", file=sys.stderr)
    return words is None
