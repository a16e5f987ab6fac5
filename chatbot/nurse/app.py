"""The nurse station's app: signs staff in, keeps the queue live, opens, reviews and amends sessions.

Live: on PostgreSQL a worker thread LISTENs on its own connection and posts
`SessionsChanged` at each NOTIFY; on SQLite a timer asks `PRAGMA data_version` every
`poll_every` seconds. Either way the queue is read again and updated in place. A new
emergency rings the terminal bell once and stays highlighted until someone opens it.

Time comes from `clock` (monotonic: the idle lock) and `wallclock` (aware datetimes:
claims, reviews, PIN waits), both injected by tests.
"""

from __future__ import annotations

import asyncio
import webbrowser
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from time import monotonic
from typing import Callable

from textual import events, on, work
from textual.binding import Binding
from textual.message import Message

from chatbot.flow.model import Flow
from chatbot.fhir.check import FhirError
from chatbot.nurse.amending import accepts, later_questions, unchanged
from chatbot.nurse.handover import page, save_private, sbar
from chatbot.nurse.options import NurseOptions
from chatbot.nurse.queue import asking_for_help, helped_first, queue_order, unopened_emergencies
from chatbot.nurse.reading import read_session
from chatbot.nurse.screens import AmendScreen, QueueScreen, SessionScreen, SignInScreen
from chatbot.nurse.signin import sign_in
from chatbot.nurse.words import say
from chatbot.printable import printable, printable_json
from chatbot.records.backends import open_reader
from chatbot.records.review import AmendError, Rerun, StaleSession, amend, claim, queue, release, rerun, review
from chatbot.records.staff import list_staff
from chatbot.records.store import SessionNotFound, StoredSession, now
from chatbot.records.tables import Tables
from chatbot.records.url import RecordsError
from chatbot.stopping import PLAIN, StopSignals, named
from chatbot.terminal.app import TerminalApp
from chatbot.widgets.typeahead import FOCUS_KEYS

ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


@dataclass
class SessionsChanged(Message):
    """Another process changed a session (its id; "" when not known)."""

    session_id: str = ""


class NurseApp(TerminalApp):
    TITLE = "Nurse station"
    ENABLE_COMMAND_PALETTE = False  # nothing may be reached without signing in
    BINDINGS = [Binding("ctrl+l", "lock", "lock", show=False), *FOCUS_KEYS]

    def __init__(self, options: NurseOptions, flow: Flow, *, clock: Callable[[], float] = monotonic,
                 wallclock: Callable[[], datetime] = now) -> None:
        super().__init__()
        self.options = options
        self.language = options.language
        self.flow = flow
        self.clock = clock
        self.wallclock = wallclock
        self.reader = open_reader(options.database)  # RecordsError: the command says it in one line
        self.tables = Tables(self.reader)
        self.staff: str | None = None
        self.last_input = clock()
        self.session: StoredSession | None = None
        self.rerun: Rerun | None = None
        self.previewed: tuple[str, str, dict[str, str]] | None = None  # what the form held at the last preview
        self.rung: set[str] = set()
        self.rung_for_help: set[tuple[str, datetime | None]] = set()
        self.alerting: set[str] = set()
        self.opened: set[str] = set()  # sessions opened at this station: an emergency alerts until then
        self.answered_help: dict[str, datetime | None] = {}  # the last request for help seen when each was opened here
        self.helping: set[str] = set()  # sessions whose person asks for staff now (`asking_for_help`)
        self.queue_screen = QueueScreen(self.language)
        self.session_screen: SessionScreen | None = None
        self.refreshed = 0  # how many times the queue was read (the bench and tests watch it)
        self._data_version: int | None = None
        self._stopping = False

    # -- start, live queue ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.queue_screen)
        self.refresh_queue()
        self.push_screen(self._sign_in_screen())
        if self.tables.postgres:
            self.listen()
        else:
            self._data_version = self.tables.data_version()
            self.set_interval(self.options.poll_every, self._poll, name="records change check")
        self.set_interval(self.options.lock_check_every, self.look_at_idle_clock, name="idle lock")
        self.set_interval(30.0, self.refresh_queue, name="waiting times")

    def on_unmount(self) -> None:
        self._stopping = True
        if self.session is not None and self.staff is not None:
            self._release()
        self.reader.close()

    def _sign_in_screen(self) -> SignInScreen:
        try:
            note = "" if list_staff(self.tables) else say("no_staff", self.language)
        except RecordsError as error:
            note = say("store_problem", self.language, problem=error)
        return SignInScreen(self.language, note)

    def _poll(self) -> None:
        try:
            version = self.tables.data_version()
        except RecordsError:
            return
        if version != self._data_version:
            self._data_version = version
            self.refresh_queue()

    @work(thread=True, exclusive=True, group="listen", exit_on_error=False)
    def listen(self) -> None:
        """PostgreSQL: a message to the app at each NOTIFY of a changed session."""
        try:
            for session_id in self.tables.changes(lambda: self._stopping):
                self.post_message(SessionsChanged(session_id))
        except RecordsError as error:
            if not self._stopping:
                self.call_from_thread(self.queue_screen.note, say("store_problem", self.language, problem=error))

    @on(SessionsChanged)
    def _changed(self) -> None:
        self.refresh_queue()

    def refresh_queue(self) -> None:
        """Read the queue again and hand it to its screen; ring for a new emergency."""
        at = self.wallclock()
        try:
            entries = queue(self.tables)
        except RecordsError as error:
            self.queue_screen.note(say("store_problem", self.language, problem=error))
            return
        self.refreshed += 1
        self.alerting = unopened_emergencies(entries, at, self.opened)
        helping = asking_for_help(entries, at, self.answered_help)
        entries = helped_first(queue_order(entries, at), helping)
        if self.alerting - self.rung:
            self.bell()
            self.queue_screen.note(say("new_emergency", self.language))
        rung_for_help = {(entry.id, entry.help_requested_at) for entry in entries if entry.id in helping}
        if rung_for_help - self.rung_for_help:  # a new request (or a new one from the same person): ring again
            self.bell()
            newest = max((entry for entry in entries if entry.id in helping), key=lambda entry: entry.help_requested_at)
            self.queue_screen.note(say("new_help", self.language, place=printable(newest.place.removeprefix("kiosk:"), 40)))
        self.rung |= self.alerting
        self.rung_for_help |= rung_for_help
        self.helping = helping
        self.queue_screen.show(entries, at, self.staff, self.alerting, helping)

    # -- signing in, the idle lock --------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self.last_input = self.clock()
        await super().on_event(event)

    @on(SignInScreen.Submitted)
    async def _sign_in(self, message: SignInScreen.Submitted) -> None:
        screen = self.screen
        if not isinstance(screen, SignInScreen):
            return
        screen.say(say("checking", self.language))
        try:
            # scrypt takes a while: not on the UI's time. Its own reader: sqlite3/psycopg connections
            # are not shared between threads at once.
            verdict = await asyncio.to_thread(self._check_pin, message.name, message.pin, self.wallclock())
        except RecordsError as error:
            screen.say(say("store_problem", self.language, problem=error))
            return
        if verdict.name is None:
            screen.wait("wrong_pin" if verdict.tried else "wait_pin", verdict.wait)
            return
        self.staff = verdict.name
        self.last_input = self.clock()
        self.pop_screen()
        self.refresh_queue()

    def _check_pin(self, name: str, pin: str, at: datetime):
        reader = open_reader(self.reader.url)
        try:
            return sign_in(Tables(reader), name, pin, at)
        finally:
            reader.close()

    def look_at_idle_clock(self) -> None:
        if self.staff is not None and self.clock() - self.last_input >= self.options.idle_lock:
            self.action_lock()

    def action_lock(self) -> None:
        """Back to the queue, behind the sign-in: nothing of a session stays on the screen."""
        if self.staff is None:
            return
        if self.session is not None:
            self._release()
        self.staff = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.push_screen(self._sign_in_screen())
        self.refresh_queue()

    # -- a session --------------------------------------------------------------------------------

    def _release(self) -> None:
        try:
            release(self.tables, self.session.id, self.staff)
        except RecordsError:
            pass
        self.session = None
        self.rerun = None

    def _reading(self):
        return read_session(self.session, self.flow, self.language, self.wallclock())

    @on(QueueScreen.Open)
    def open_session(self, message: QueueScreen.Open) -> None:
        if self.staff is None:
            return
        try:
            claim(self.tables, message.session_id, self.staff, self.wallclock())
            self.session = self.reader.get_session(message.session_id)
            self.opened.add(message.session_id)
            self.answered_help[message.session_id] = next(  # the kiosk's own time: no two clocks compared
                (entry.help_requested_at for entry in self.queue_screen.entries if entry.id == message.session_id), None)
        except SessionNotFound:
            self.queue_screen.note(say("gone", self.language))
            return
        except RecordsError as error:
            self.queue_screen.note(say("store_problem", self.language, problem=error))
            return
        reading = self._reading()
        if self.session_screen is None:  # built once, then only handed each session: one frame to open
            self.session_screen = SessionScreen(reading, self.language)
            self.install_screen(self.session_screen, name="session")
        else:
            self.session_screen.show(reading)
            self.session_screen.note("")
        self.push_screen("session")
        self.refresh_queue()

    def _reload(self, note: str) -> None:
        """Read the open session again (the newer version), show it and say `note`."""
        try:
            self.session = self.reader.get_session(self.session.id)
        except RecordsError as error:  # purged meanwhile, or the store is away: back to the queue
            self.session = None
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.queue_screen.note(say("gone", self.language) if isinstance(error, SessionNotFound)
                                   else say("store_problem", self.language, problem=error))
            self.refresh_queue()
            return
        screen = self.screen if isinstance(self.screen, SessionScreen) else None
        if screen is not None:
            screen.show(self._reading())
            screen.note(note)
        self.refresh_queue()

    @on(SessionScreen.Act)
    def act(self, message: SessionScreen.Act) -> None:
        if self.session is None or self.staff is None:
            return
        language = self.language
        screen = self.screen
        try:
            if message.what == "close":
                self._release()
                self.pop_screen()
                self.refresh_queue()
            elif message.what == "review":
                review(self.tables, self.session, self.staff, self.wallclock())
                self._reload(say("marked_reviewed", language))
            elif message.what == "amend":
                if self.session.status != "finished":
                    screen.note(say("not_amendable", language))
                    return
                self.rerun = None
                self.push_screen(self._amend_form())
            elif message.what == "handover":
                text = sbar(self._reading(), language)
                self.copy_to_clipboard(text)
                path = self._save("handover", "txt", text)
                screen.note(say("copied", language, path=path))
            elif message.what == "fhir":
                from chatbot.fhir import bundle_for  # the FHIR models load only when a Bundle is made
                from chatbot.fhir.files import json_text

                path = self._save("session", "fhir.json",
                                  printable_json(json_text(bundle_for(self.session, self.flow))))
                screen.note(say("fhir_saved", language, path=path))
            elif message.what in ("page", "open_page"):
                path = self._save("session", "html", page(self._reading(), language))
                screen.note(say("saved_to", language, path=path))
                if message.what == "open_page":
                    webbrowser.open(path.resolve().as_uri())
        except StaleSession:
            self._reload(say("stale", language))
        except OSError as error:
            screen.note(say("cannot_save", language, problem=error.strerror or error))
        except RecordsError as error:
            screen.note(say("store_problem", language, problem=error))
        except FhirError as error:
            screen.note(say("cannot_save", language, problem=error))

    def _save(self, kind: str, suffix: str, text: str) -> Path:
        stamp = self.wallclock().astimezone().strftime("%Y%m%d-%H%M%S")
        folder = self.options.save_dir or Path.cwd()
        return save_private(folder, f"{kind}-{self.session.id[:8]}-{stamp}.{suffix}", text)

    # -- amending ---------------------------------------------------------------------------------

    def _level(self, level: str | None, outcome: str) -> str:
        return f"{say(level, self.language) if level else '-'} ({outcome})"

    def _amend_form(self) -> AmendScreen:
        language = self.language
        lines = [line for line in self._reading().transcript if not line.withdrawn]
        takes = {question_id: say("accepts_line", language, what=accepts(question, language))
                 for question_id, question in self.flow.questions.items()}
        return AmendScreen(lines, language, takes)

    def _rerun(self, screen: AmendScreen, question_id: str, typed: str, more: dict[str, str]) -> Rerun | None:
        """The flow re-run with what the form holds, kept as `self.rerun`; None, said on the form, when
        it cannot be read or needs more answers (listed on the form, the next one with the cursor)."""
        language = self.language
        self.rerun = None
        try:
            run = rerun(self.flow, self.session, question_id, typed, more)
        except AmendError as error:
            screen.show_preview(error.words.get(language) if error.words else say("not_amendable", language))
            return None
        if run.needs is not None:
            answered = [answer["question_id"] for answer in self.session.kept_answers] + list(more)
            later = later_questions(self.flow, run.needs.id, [id_ for id_ in answered if id_ != run.needs.id])
            screen.ask_more([(question.id, question.text.get(language)) for question in later], run.needs.id)
            screen.show_preview(say("still_needed", language, question=run.needs.text.get(language)))
            return None
        self.rerun = run
        self.previewed = (question_id, typed, dict(more))
        return run

    @on(AmendScreen.Preview)
    def preview(self, message: AmendScreen.Preview) -> None:
        screen = self.screen
        run = self._rerun(screen, message.question_id, message.typed, message.more)
        if run is not None:
            screen.show_preview(self._compared(run))

    def _compared(self, run: Rerun) -> str:
        """The preview's words: the level before and after, or that nothing would change; and the
        answers typed to questions this re-run does not ask (they are not saved)."""
        language = self.language
        if unchanged(self.session.kept_answers, run):
            text = say("nothing_changed", language)
        else:
            result = run.result
            old = self._reading()
            new = result.outcome.title.fill(emergency_number=self.flow.emergency_number).get(language)
            text = say("old_new", language, old=self._level(old.level, old.outcome),
                       new=self._level(result.level, new))
        asked = {turn.question.id for turn in run.conversation.transcript}
        unasked = [self.flow.questions[id_].text.get(language) for id_ in self.previewed[2]
                   if id_ not in asked and id_ in self.flow.questions]
        if unasked:
            text += "\n" + say("not_asked", language, questions="; ".join(unasked))
        return text

    @on(AmendScreen.Save)
    def save_amendment(self, message: AmendScreen.Save) -> None:
        screen = self.screen
        language = self.language
        typed = (message.question_id, message.typed, dict(message.more))
        if self.rerun is None or self.previewed != typed:  # what is typed now was not previewed: preview it
            run = self._rerun(screen, *typed) if message.question_id else None
            if run is not None:
                screen.show_preview(self._compared(run) + "\n" + say("check_then_save", language))
            elif not message.question_id:
                screen.show_preview(say("question", language) + "?")
            return
        if unchanged(self.session.kept_answers, self.rerun):
            screen.show_preview(say("nothing_changed", language))
            return
        if not message.reason.strip():
            screen.show_preview(say("give_reason", language))
            return
        old_level = self.session.level
        try:
            amend(self.tables, self.session, self.rerun, message.reason, self.staff, self.wallclock())
        except StaleSession:
            self.pop_screen()
            self._reload(say("stale", language))
            return
        except RecordsError as error:
            screen.show_preview(say("store_problem", language, problem=error))
            return
        new_level = self.rerun.result.level
        self.rerun = None
        self.pop_screen()
        self._reload(say("amended", language, old=say(old_level, language) if old_level else "-",
                         new=say(new_level, language)))


def run_station(options: NurseOptions, flow: Flow) -> int:
    """`chatbot nurse`: the station until the nurse quits, the machine stops it (SIGTERM, SIGHUP) or its
    terminal goes away; a session open at the end is released for the others."""
    app = NurseApp(options, flow)
    with StopSignals(named(PLAIN)) as stops:
        app.stop_signals = stops
        app.run()
    return 0
