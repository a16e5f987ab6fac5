"""The nurse station's app: signs staff in, keeps the queue live, opens, reviews and amends sessions.

Live: a watcher (`chatbot.records.watch`: LISTEN/NOTIFY on PostgreSQL, `PRAGMA
data_version` on SQLite; the app never asks which) says which sessions changed, and
only those rows are read again and updated in place. The queue holds today's sessions
and every unreviewed one (`desk.Window`); older ones come a page at a time (`m`). A new
emergency rings the terminal bell once and stays highlighted until someone opens it. A
person asking for help at a staffed kiosk (its "Ask for help", kept on the session's row)
rings once too, and is named above the queue, which kiosk and how long ago, until a nurse
presses `a` (`review.answer_help`: an event with who answered).

Never out of reach, never waiting: every call to the store runs on the station's
database thread (`desk.DatabaseThread`), so a database that is away, locked or hung
never freezes the screen; a lost database is said calmly, the watcher reconnects with
back-off, and when it is back everything shown is read again: what happened meanwhile
appears on its own.

Time comes from `clock` (monotonic: the idle lock) and `wallclock` (aware datetimes:
claims, reviews, PIN waits), both injected by tests. `row_shown` keeps, for each session,
`time.monotonic()` at the first frame after its row last changed, and `row_status` the status
the row had then (the bench reads them).
"""

from __future__ import annotations

import asyncio
import time
import webbrowser
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from time import monotonic
from typing import Any, Callable, Iterable

from textual import events, on
from textual.binding import Binding
from textual.message import Message

from chatbot.flow.model import Flow
from chatbot.fhir.check import FhirError
from chatbot.nurse.amending import Rerun, accepts, later_questions, rerun, unchanged
from chatbot.nurse.desk import OLDER_PAGE, UNREVIEWED_MOST, DatabaseThread, Window, day_start
from chatbot.nurse.handover import page, save_private, sbar
from chatbot.nurse.options import NurseOptions
from chatbot.nurse.queue import asking_for_help, queue_order, unopened_emergencies
from chatbot.nurse.reading import read_session
from chatbot.nurse.screens import AmendScreen, QueueScreen, SessionScreen, SignInScreen
from chatbot.nurse.signin import sign_in
from chatbot.nurse.words import say
from chatbot.printable import printable, printable_json
from chatbot.records.backends import open_reader, watcher_for
from chatbot.records.model import StoredSession, now
from chatbot.records.review import AmendError, StaleSession, amend, answer_help, claim, release, review
from chatbot.records.staff import NOT_KEPT, list_staff, resume, sign_out
from chatbot.records.store import SessionNotFound
from chatbot.records.url import RecordsError
from chatbot.records.watch import Back, Lost, Notice
from chatbot.stopping import PLAIN, StopSignals, named
from chatbot.terminal.app import TerminalApp
from chatbot.widgets.typeahead import FOCUS_KEYS

ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)
SLOW = 2.0  # seconds a call to the store may take before the station says it is waiting


@dataclass
class RecordsNotice(Message):
    """The watcher's word: sessions changed, the store is lost, or it is back."""

    notice: Notice


class NurseApp(TerminalApp):
    TITLE = "Nurse station"
    ENABLE_COMMAND_PALETTE = False  # nothing may be reached without signing in
    BINDINGS = [Binding("ctrl+l", "lock", "lock", show=False), Binding("m", "more", "more", show=False), *FOCUS_KEYS]

    def __init__(self, options: NurseOptions, flow: Flow, *, clock: Callable[[], float] = monotonic,
                 wallclock: Callable[[], datetime] = now) -> None:
        super().__init__()
        self.options = options
        self.language = options.language
        self.flow = flow
        self.clock = clock
        self.wallclock = wallclock
        self.reader = open_reader(options.database)  # RecordsError: the command says it in one line
        self.database = DatabaseThread()
        self.window = Window(day_start(wallclock()))
        self.staff: str | None = None
        self.last_input = clock()
        self.session: StoredSession | None = None
        self.rerun: Rerun | None = None
        self.previewed: tuple[str, str, dict[str, str]] | None = None  # what the form held at the last preview
        self.rung: set[str] = set()
        self.help_rung: set[tuple] = set()  # the help requests rung for: (session, first asked)
        self.alerting: set[str] = set()
        self.opened: set[str] = set()  # sessions opened at this station: an emergency alerts until then
        self.queue_screen = QueueScreen(self.language)
        self.session_screen: SessionScreen | None = None
        self.refreshed = 0  # how many times rows were read (the bench and tests watch it)
        self.older_page = OLDER_PAGE  # older sessions read at a time (`m`)
        self.full_reads = 0  # ... of which everything shown was read again
        self.rows_read = 0  # session rows read in all
        self.row_shown: dict[str, float] = {}
        self.row_status: dict[str, str] = {}  # the status each row had in that frame
        self.records_lost: str | None = None  # the watcher's problem while the store is lost
        self._reading_all = False  # a full read is on its way
        self._again = False  # ... and another was asked for meanwhile
        self._watcher = None

    # -- the store, on its own thread ----------------------------------------------------------

    async def call(self, what: Callable[..., Any], *args: Any) -> Any:
        """`what(*args)` on the database thread; the screen says so if the store is slow to answer. (Only
        from a worker: one waiting on a hung database is cancelled when the station closes.)"""
        future = self.database.submit(what, *args)
        slow = self.set_timer(SLOW, lambda: None if future.done() else self._note(say("records_slow", self.language)))
        try:
            return await asyncio.wrap_future(future)
        finally:
            slow.stop()

    def work(self, job, name: str) -> None:
        """`job` (a coroutine that calls the store) as a worker of the station's."""
        self.run_worker(job, name=name, group="records", exit_on_error=False)

    def _note(self, text: str) -> None:
        self.queue_screen.note(text)
        if isinstance(self.screen, SessionScreen):
            self.screen.note(text)

    # -- start, live queue ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.queue_screen)
        self.push_screen(SignInScreen(self.language, ""))
        self.work(self._staff_note(), "staff note")
        self.work(self.read_all(), "queue")
        self._watcher = watcher_for(self.reader.url, lambda notice: self.post_message(RecordsNotice(notice)),
                                    every=self.options.poll_every).start()
        self.set_interval(self.options.lock_check_every, self.look_at_idle_clock, name="idle lock")
        self.set_interval(30.0, self._tick, name="waiting times")

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        session, staff = self.session, self.staff
        if session is not None and staff is not None:
            self.database.submit(release, self.reader, session.id)
            done = self.database.submit(sign_out, self.reader, self.wallclock())
            try:
                done.result(timeout=1.0)  # a hung database does not hold the station's exit
            except Exception:
                pass
        self.database.submit(self.reader.close)
        self.database.stop()

    async def _staff_note(self) -> None:
        try:
            note = "" if await self.call(list_staff, self.reader) else say("no_staff", self.language)
        except RecordsError as error:
            note = say("store_problem", self.language, problem=error)
        if note and isinstance(self.screen, SignInScreen):
            self.screen.say(note)

    @on(RecordsNotice)
    def _records_notice(self, message: RecordsNotice) -> None:
        notice = message.notice
        if isinstance(notice, Lost):
            self.records_lost = notice.problem
            self._note(say("records_lost", self.language))
        elif isinstance(notice, Back):
            self.records_lost = None
            self._note(say("records_back", self.language))
        elif notice.ids is None:
            self.work(self.read_all(), "queue")
        elif notice.sessions is not None:  # read already, on the watcher's connection
            self.rows_read += len(notice.sessions)
            changed = self.window.merge(notice.ids, notice.sessions)
            if changed:
                self.show_queue(changed)
        else:
            self.work(self.read_rows(notice.ids), "rows")

    async def read_all(self) -> None:
        """Read everything the queue shows again (at start, at midnight, when the store is back)."""
        if self._reading_all:
            self._again = True
            return
        self._reading_all = True
        try:
            while True:
                self._again = False
                at = self.wallclock()
                since = day_start(at)
                try:
                    sessions = await self.call(self.reader.queue, since, UNREVIEWED_MOST)
                except RecordsError as error:
                    self._note(say("store_problem", self.language, problem=error))
                    return
                if since != self.window.since:  # a new day: the pages start again from it
                    self.window.since, self.window.paged_to, self.window.more = since, None, True
                self.window.replace(sessions)
                self.refreshed += 1
                self.full_reads += 1
                self.rows_read += len(sessions)
                self.show_queue(None)
                if not self._again:
                    return
        finally:
            self._reading_all = False

    async def read_rows(self, ids: Iterable[str]) -> None:
        """Read only the rows of these sessions, and show what changed."""
        ids = list(ids)
        try:
            sessions = await self.call(self.reader.sessions_by_ids, ids)
        except RecordsError as error:
            self._note(say("store_problem", self.language, problem=error))
            return
        changed = self.window.merge(ids, sessions)
        self.refreshed += 1
        self.rows_read += len(sessions)
        if changed:
            self.show_queue(changed)

    def show_queue(self, changed: set[str] | None) -> None:
        """Hand the queue to its screen; ring for a new emergency; note when the rows are on screen."""
        at = self.wallclock()
        entries = queue_order(self.window.entries(), at)
        self.alerting = unopened_emergencies(entries, at, self.opened)
        rang = bool(self.alerting - self.rung)
        if rang:
            self.bell()
            self._note(say("new_emergency", self.language))
        elif not self.alerting and self.queue_screen.noted == say("new_emergency", self.language):
            self.queue_screen.note("")  # every emergency opened: the alarm's words go with its highlight
        self.rung |= self.alerting
        asking = {(entry.id, entry.help_asked_at) for entry in asking_for_help(entries)}
        if asking - self.help_rung and not rang:
            self.bell()  # once for each new request (not for asking again), and not twice with an emergency's
        self.help_rung |= asking
        self.queue_screen.show(entries, at, self.staff, self.alerting)
        drawn = set(changed) if changed is not None else {entry.id for entry in entries}
        self.call_after_refresh(self._rows_shown, drawn)

    @on(QueueScreen.RowsDrawn)
    def _more_rows(self, message: QueueScreen.RowsDrawn) -> None:
        self.call_after_refresh(self._rows_shown, message.ids)

    def _rows_shown(self, ids: set[str]) -> None:
        shown = time.monotonic()
        for id_ in ids - self.queue_screen.pending:  # a row still to come is not shown yet
            session = self.window.sessions.get(id_) or self.window.older.get(id_)
            if session is not None:
                self.row_shown[id_] = shown
                self.row_status[id_] = session.status

    def refresh_queue(self) -> None:
        """Show the queue again as it is (the waiting times move on); nothing is read."""
        self.show_queue(set())

    def _tick(self) -> None:
        if day_start(self.wallclock()) != self.window.since:
            self.work(self.read_all(), "queue")  # a new day
        else:
            self.refresh_queue()

    def action_more(self) -> None:
        """The next page of older sessions (after today's and the unreviewed)."""
        if self.staff is not None and isinstance(self.screen, QueueScreen):
            self.work(self._more(), "older")

    async def _more(self) -> None:
        if not self.window.more:
            self._note(say("no_older", self.language))
            return
        oldest = self.window.oldest()
        try:
            sessions = await self.call(self.reader.sessions_before, oldest[0], oldest[1], self.older_page)
        except RecordsError as error:
            self._note(say("store_problem", self.language, problem=error))
            return
        self.rows_read += len(sessions)
        self.window.add_older(sessions, self.older_page)
        self._note(say("older", self.language, count=len(self.window.older)))
        self.show_queue({session.id for session in sessions})

    # -- a request for help ------------------------------------------------------------------------

    @on(QueueScreen.AnswerHelp)
    def _answer_help(self, message: QueueScreen.AnswerHelp) -> None:
        if self.staff is not None:
            self.work(self._answering_help(message.session_id), "help answered")

    async def _answering_help(self, session_id: str) -> None:
        """Mark the request answered as the signed-in nurse; its row, read again, leaves the lines above the
        queue here at once (other stations see it by their watcher)."""
        session = self.window.sessions.get(session_id) or self.window.older.get(session_id)
        place = session.place.removeprefix("kiosk:") if session is not None else session_id[:8]
        try:
            answered = await self.call(answer_help, self.reader, session_id, self.wallclock())
        except RecordsError as error:
            self._note(say("store_problem", self.language, problem=error))
            return
        self._note(say("help_answered", self.language, place=printable(place), name=self.staff or "")
                   if answered else say("help_already", self.language))
        await self.read_rows([session_id])

    # -- signing in, the idle lock --------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self.last_input = self.clock()
        await super().on_event(event)

    @on(SignInScreen.Submitted)
    def _sign_in(self, message: SignInScreen.Submitted) -> None:
        self.work(self._signing_in(message), "sign in")

    async def _signing_in(self, message: SignInScreen.Submitted) -> None:
        screen = self.screen
        if not isinstance(screen, SignInScreen):
            return
        screen.say(say("checking", self.language))
        try:
            # scrypt takes a while: not on the UI's time. Its own reader: the station's thread is not
            # held by a PIN.
            verdict = await asyncio.to_thread(self._check_pin, message.name, message.pin, self.wallclock())
        except RecordsError as error:
            screen.say(say("store_problem", self.language, problem=error))
            return
        if verdict.name is None:
            if verdict.locked:
                screen.say(say("locked_pin", self.language))
            else:
                screen.wait("wrong_pin" if verdict.tried else "wait_pin", verdict.wait)
            return
        try:  # the station's own connection takes up the sign-in: its writes are done as this nurse
            if await self.call(resume, self.reader, verdict.token, self.wallclock()) is None:
                raise RecordsError(NOT_KEPT)
        except RecordsError as error:
            screen.say(say("store_problem", self.language, problem=error))
            return
        self.staff = verdict.name
        self.last_input = self.clock()
        self.pop_screen()
        self.refresh_queue()

    def _check_pin(self, name: str, pin: str, at: datetime):
        with open_reader(self.reader.url) as reader:
            return sign_in(reader, name, pin, at)

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
        self.database.submit(sign_out, self.reader, self.wallclock())
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.push_screen(SignInScreen(self.language, ""))
        self.work(self._staff_note(), "staff note")
        self.refresh_queue()

    # -- a session --------------------------------------------------------------------------------

    def _release(self) -> None:
        """Lift this nurse's claim (on the database thread; nothing waits for it)."""
        self.database.submit(release, self.reader, self.session.id)
        self.session = None
        self.rerun = None

    def _reading(self):
        return read_session(self.session, self.flow, self.language, self.wallclock())

    def _open(self, session_id: str, at: datetime) -> StoredSession:
        claim(self.reader, session_id, at)
        return self.reader.get_session(session_id)

    @on(QueueScreen.Open)
    def open_session(self, message: QueueScreen.Open) -> None:
        if self.staff is not None:
            self.work(self._open_session(message), "open")

    async def _open_session(self, message: QueueScreen.Open) -> None:
        staff = self.staff
        try:
            session = await self.call(self._open, message.session_id, self.wallclock())
        except SessionNotFound:
            self.queue_screen.note(say("gone", self.language))
            return
        except RecordsError as error:
            self.queue_screen.note(say("store_problem", self.language, problem=error))
            return
        self.call_next(self._present, session, staff)  # on the app's own turn, as a key's handler would

    def _present(self, session: StoredSession, staff: str | None) -> None:
        if self.staff != staff or not isinstance(self.screen, QueueScreen):
            if self.staff == staff:  # the same nurse, elsewhere meanwhile (after a lock: signed out)
                self.database.submit(release, self.reader, session.id)
            return
        self.session = session
        self.opened.add(session.id)  # an emergency opened here alerts no more
        if self.window.merge([session.id], [session]):  # as read after the claim: in review, no longer ringing
            self.show_queue({session.id})
        reading = self._reading()
        if self.session_screen is None:  # built once, then only handed each session: one frame to open
            self.session_screen = SessionScreen(reading, self.language)
            self.install_screen(self.session_screen, name="session")
        else:
            self.session_screen.show(reading)
            self.session_screen.note("")
        self.push_screen("session")

    async def _reload(self, note: str) -> None:
        """Read the open session again (the newer version), show it and say `note`."""
        if self.session is None:
            return
        try:
            self.session = await self.call(self.reader.get_session, self.session.id)
        except RecordsError as error:  # purged meanwhile, or the store is away: back to the queue
            self.session = None
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.queue_screen.note(say("gone", self.language) if isinstance(error, SessionNotFound)
                                   else say("store_problem", self.language, problem=error))
            return
        screen = self.session_screen
        if screen is not None and screen in self.screen_stack:
            screen.show(self._reading())
            screen.note(note)

    @on(SessionScreen.Act)
    def act(self, message: SessionScreen.Act) -> None:
        if self.session is not None and self.staff is not None:
            self.work(self._act(message), "act")

    async def _act(self, message: SessionScreen.Act) -> None:
        language = self.language
        screen = self.screen
        try:
            if message.what == "close":
                self._release()
                self.pop_screen()
            elif message.what == "review":
                await self.call(review, self.reader, self.session, self.wallclock())
                await self._reload(say("marked_reviewed", language))
            elif message.what == "amend":
                if self.session.status != "finished":
                    screen.note(say("not_amendable", language))
                    return
                self.rerun = None
                self.call_next(self.push_screen, self._amend_form())
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
            await self._reload(say("stale", language))
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
            answered = [answer.question_id for answer in self.session.kept_answers] + list(more)
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
        self.work(self._save_amendment(message), "amend")

    async def _save_amendment(self, message: AmendScreen.Save) -> None:
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
        run = self.rerun
        if unchanged(self.session.kept_answers, run):
            screen.show_preview(say("nothing_changed", language))
            return
        if not message.reason.strip():
            screen.show_preview(say("give_reason", language))
            return
        old_level = self.session.level
        try:
            await self.call(amend, self.reader, self.session, run.conversation, run.question_id, message.reason,
                            self.wallclock())
        except StaleSession:
            await self._reload(say("stale", language))
            self._close_amend()
            return
        except RecordsError as error:
            screen.show_preview(say("store_problem", language, problem=error))
            return
        new_level = run.result.level
        self.rerun = None
        await self._reload(say("amended", language, old=say(old_level, language) if old_level else "-",
                               new=say(new_level, language)))
        self._close_amend()

    def _close_amend(self) -> None:
        """The amend form goes once the session below it shows what was saved."""
        if isinstance(self.screen, AmendScreen):
            self.pop_screen()


def run_station(options: NurseOptions, flow: Flow) -> int:
    """`chatbot nurse`: the station until the nurse quits, the machine stops it (SIGTERM, SIGHUP) or its
    terminal goes away; a session open at the end is released for the others."""
    app = NurseApp(options, flow)
    with StopSignals(named(PLAIN)) as stops:
        app.stop_signals = stops
        app.run()
    return 0
