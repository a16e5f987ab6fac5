"""Kiosk mode: the same app, made unescapable, self-clearing and crash-proof for a waiting room.

`KioskApp(flow, kiosk=KioskOptions(...))` is `SymptomCheckerApp` with:

- a welcome screen first (`welcome`: #welcome-title, #welcome-text, #welcome-disclaimer,
  #language-en, #language-es, #start), and no Quit, Summary or save. Its first frame is drawn alone:
  the conversation is composed (and laid out) under it afterwards, at the person's first move or
  `COMPOSE_AFTER` seconds later (`compose_conversation`); a Start pressed before asks once it is;
- every key but printable characters and the keys to move and edit swallowed before any
  binding sees it (`chatbot.kiosk.rules.allowed_key`): ctrl+c, ctrl+q, ctrl+z, ctrl+\\, ctrl+d,
  ctrl+p, Escape and the function keys do nothing (but Escape in a question's text field, where
  the bottom row names it: it goes back, since `b` is a letter there). Textual's own quit, suspend and command
  palette actions do nothing either, and SIGINT, SIGQUIT and SIGTSTP are ignored, so the
  keys do nothing harmful even when TEXTUAL_ALLOW_SIGNALS makes the terminal send signals;
- staff leave by pressing F12 three times within 2 seconds, then typing the staff PIN
  (`staff-pin`: #staff-pin-input, #staff-pin-message, #staff-pin-leave, #staff-pin-cancel).
  A wrong PIN makes the next try wait 1, 2, 4 ... seconds; the dialog closes by itself
  after `pin_timeout` seconds untouched;
- after `idle_timeout` seconds with no key, click or tap, "Are you still there?"
  (`still-there`: #still-there-countdown, #still-there-continue) for `idle_warning`
  seconds; any input goes on, and at zero everything of the person is wiped. On the
  outcome screens a large "Done" (#done, key d) wipes at once. Wiping means a new
  conversation, every screen replaced by new ones, and the welcome again;
- with `staffed`, the person is already at the clinic: an emergency says first and largest
  "Tell the staff at the desk now" (#tell-desk), then the outcome's `at_clinic` words (call the
  number if nobody comes within a minute; what to tell the staff), and an urgent ending says
  first to tell the staff at the desk before leaving; and every screen of the person's has "Ask for
  help" (#help, #welcome-help, #identify-help; the h key), which puts the request on the nurse
  station's queue at once (`Recorder.help_requested`: an event with the session, which the store keeps
  on the session's row; on the welcome it begins the session, so the desk sees which kiosk asks) and
  says so once it is in the records, or, when the records cannot be reached, that it will reach the
  desk when they can and to go to the desk meanwhile (WCAG 3.2.6);
- with `identify` ("ticket" or "name_dob"), who the person is, for the desk: asked once, right
  after the first answer (`identify`: #identify-ticket, or #identify-name and #identify-born,
  #identify-send, #identify-skip), or, when the first answer ended in an emergency, below its
  instructions (#identify-form). It goes to the records (`Recorder.identified`), and off the
  screen at once;
- an unexpected error is logged (session id, type, our code's frames; never answers) and
  the kiosk starts again at the welcome (`chatbot.kiosk.supervisor` when the app itself
  broke); `max_crashes` errors within `crash_window` seconds stop it with exit status 70
  and a calm message.

Every time it reads comes from `clock` (monotonic by default): tests pass their own and
move it. Textual's public API throughout, but for the hooks listed, with why, in
`chatbot.kiosk.private_textual`.
"""

from __future__ import annotations

import asyncio
import math
from time import monotonic
from pathlib import Path
from typing import Callable

from textual import events
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input

from chatbot.kiosk import log as kiosk_log
from chatbot.kiosk import private_textual
from chatbot.engine import Conversation
from chatbot.kiosk.rules import (CALM_STOP, CRASH_EXIT, CrashWindow, KioskOptions, StaffSequence,
                                 allowed_key, pin_delay, screen_gone)
from chatbot.kiosk.signals import ignore_stop_signals, restore_signals, signal_name
from chatbot.flow.model import Flow
from chatbot.kiosk.staff_pin import count_try, forget_tries, load_pin, verify_and_upgrade
from chatbot.tui import SymptomCheckerApp
from chatbot.screens.conversation import ConversationScreen
from chatbot.kiosk.screens import (STAFF_CHECKING, STAFF_LOCKED, STAFF_NO_PIN, STAFF_WAIT, STAFF_WRONG, STYLES,
                                   IdentifyForm, IdentifyScreen, StaffPinScreen, StillThereScreen, WelcomeScreen)

NEVER = frozenset({"quit", "help_quit", "suspend_process", "command_palette", "change_theme", "screenshot",
                   "record", "summary"})
"""Actions a kiosk never runs: staff leave with the key sequence and the PIN, and a kiosk keeps and
shows nothing of the last person (no summary, no replay script)."""
HELP_SENT_WITHIN = 3.0
"""Seconds "Ask for help" waits for its request to be in the records before it says it will be later."""
MOST_IDLE_FACTOR = 8
""""More time" doubles a person's quiet time up to this many times the kiosk's (16 minutes by default)."""
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)
"""What counts as a person being there: a key, a click or tap, scrolling, a paste (not mouse moves)."""
COMPOSE_AFTER = 5.0
"""Seconds after the welcome is shown when the conversation is composed under it (`KioskApp.compose_conversation`),
unless someone moves the mouse, touches or types sooner: off the way to the welcome's first frame (a third of a
served tab's work to it), and off that of the other tabs of a burst, drawing their own welcomes meanwhile (with
3 s, 50 tabs opened at once on 2 cores still composed theirs inside the burst). A tab is opened long before its
first person, and after each person the conversation is composed at once, under the next one's welcome."""


def _never(self, *_) -> None:
    """A driver's suspend or resume handler, for a kiosk: it never leaves the screen."""


def _leaving_when_input_ends(driver_class: type) -> type:
    """A web driver whose app leaves when the server's pipe ends without a "quit" (the server died)."""

    def run_input_thread(self) -> None:
        try:
            driver_class.run_input_thread(self)
        finally:
            stopping = getattr(self, "exit_event", None)
            if stopping is None or not stopping.is_set():
                self._app.post_message(private_textual.exit_app_message())

    return type(f"Kiosk{driver_class.__name__}", (driver_class,), {"run_input_thread": run_input_thread})


class KioskApp(SymptomCheckerApp):
    """The symptom checker for an unattended kiosk (see the module's docstring)."""

    BINDINGS = [Binding("h", "help", "Ask for help", show=False)]  # (only at a staffed kiosk: `check_action`)
    SCREEN_STYLES = (STYLES, *(Path(__file__).resolve().parents[1] / "screens" / name
                               for name in ("outcome.tcss", "dialogs.tcss")))
    """The welcome's, the outcomes' and the dialogs' styles, parsed with the app's (`SymptomCheckerApp`)."""
    NAV = ("back", "restart", "listen")
    OUTCOME_NAV = ("done", "back", "restart", "listen")
    HELP_AGAIN_AFTER = 30.0
    """Seconds within which "Ask for help" again only says again that the staff were told."""

    def __init__(self, flow: Flow, *, kiosk: KioskOptions | None = None, crashes: CrashWindow | None = None,
                 emergency_number: str | None = None, language: str | None = None,
                 theme: str = "high-contrast", clock: Callable[[], float] = monotonic) -> None:
        super().__init__(flow, emergency_number=emergency_number, language=language, theme=theme)
        self.clock = clock
        """Every time the kiosk reads (idle, PIN waits, staff keys, crashes), in seconds: tests advance their own."""
        self.leaving = False
        """`exit` was called: this app is ending, and its idle clock stops."""
        self.kiosk = kiosk or KioskOptions()
        if self.kiosk.staffed:  # "Ask for help" on every screen (WCAG 3.2.6)
            self.NAV = (*self.NAV[:-1], "help", self.NAV[-1])
            self.OUTCOME_NAV = (*self.OUTCOME_NAV[:-1], "help", self.OUTCOME_NAV[-1])
        self.help_asked_at: float | None = None
        """When this person last asked for help (`action_help`); None after the wipe."""
        self.help_told: str | None = None
        """What this person was last told of their request: "sending" (not yet in the records), "sent", or
        "waiting" (for the records to come back: told again once it is in); None after the wipe."""
        self.crashes = crashes or CrashWindow(self.kiosk.max_crashes, self.kiosk.crash_window)
        self.default_language = self.conversation.language
        self.conversation_screen.when_ready = self._conversation_ready  # the conversation starts at "Start"
        self._conversation_mounted = False
        """The conversation screen is mounted (composed under the welcome): Start asks at once."""
        self._start_waiting = False
        """Start was pressed before the conversation was mounted: it asks as soon as it is."""
        self._compose_due = True
        """The conversation is not composed yet (`compose_conversation`): the person's first move does it."""
        self._composed_in: str | None = None
        self.conversation.start()
        self.session = kiosk_log.new_session_id()
        self.staff = StaffSequence(self.kiosk.staff_key, self.kiosk.staff_presses, self.kiosk.staff_within)
        self.last_input = self.clock()
        self.touched = False
        """Someone did something since the last wipe."""
        self.warning_deadline: float | None = None
        self.idle_allowed = self.kiosk.idle_timeout
        """This person's quiet time before "Are you still there?": doubled by each "More time" (WCAG
        2.2.1), up to `MOST_IDLE_FACTOR` times the kiosk's; back to the kiosk's at the wipe."""
        self.wiping = False
        self.restart_wanted = False
        """Set when an error broke the app beyond repair here: the supervisor starts a new one."""
        self.identify_asked = False
        """This person was asked who they are (`kiosk.identify`): only once per session."""
        self.pin_failures = 0
        self.pin_locked_until = 0.0
        self._checking_pin = False
        self._wipe_again = False
        self._guarded = False
        self._own_task: asyncio.Task | None = None
        self._signals: dict[int, object] = {}

    def get_driver_class(self):
        """The usual driver, except that a terminal's suspend (ctrl+z, SIGTSTP) does nothing, and that a
        `chatbot serve` tab whose server went away (its input ended) leaves instead of running on alone."""
        driver_class = super().get_driver_class()
        if all(hasattr(driver_class, hook) for hook in private_textual.SUSPEND_HOOKS):
            return type(f"Kiosk{driver_class.__name__}", (driver_class,),
                        dict.fromkeys(private_textual.SUSPEND_HOOKS, _never))
        if all(hasattr(driver_class, hook) for hook in private_textual.WEB_HOOKS):
            return _leaving_when_input_ends(driver_class)
        return driver_class

    def get_default_screen(self) -> Screen:
        """A blank screen below the person's screens, so that a wipe can replace all of them."""
        return self.size_classes(Screen(id="kiosk"))  # (set at its first resize, they would style it again)

    def on_mount(self) -> None:
        self.set_class(self.kiosk.staffed, "-staffed")  # its rows of buttons have room for "Ask for help"
        self._own_task = asyncio.current_task()
        if not self.is_headless:
            self._signals = ignore_stop_signals()
        self.push_screen(WelcomeScreen(self.flow, self.language, help=self.kiosk.staffed))
        self.set_timer(COMPOSE_AFTER, self.compose_conversation, name="kiosk: the conversation, composed")
        self._idle_tick()
        kiosk_log.write(self.session, "kiosk started")
        self._guarded = True

    def on_unmount(self) -> None:
        restore_signals(self._signals)

    # -- the person's input: noted, filtered, and the staff sequence spotted --------------

    async def on_event(self, event: events.Event) -> None:
        if self._compose_due and isinstance(event, (*ACTIVITY, events.MouseMove)):
            self.compose_conversation()  # someone is there: Start is near
        if isinstance(event, ACTIVITY) and not getattr(event, "is_forwarded", False):
            if self.wiping:
                return  # nothing reaches the screens being replaced
            now = self.clock()
            self.last_input = now
            self.touched = True
            is_key = isinstance(event, events.Key)
            if is_key and self.staff.press(event.key, now):
                self.open_staff_dialog()
                return
            if isinstance(self.screen, StillThereScreen):
                if isinstance(event, (events.MouseDown, events.MouseUp)):
                    pass  # the screen answers at the click, which lands on it and on nothing below
                elif is_key and event.key == "l":
                    self.action_listen()  # heard, not answered: the count starts again
                    return
                elif is_key and event.key == "h" and self.kiosk.staffed:
                    self.still_here()  # there, and asking for help: the desk is told as from any screen
                    self.action_help()
                    return
                else:
                    self.still_here(more=is_key and event.key == StillThereScreen.MORE_KEY)
                    return
            if is_key and not (allowed_key(event.key, event.character) or self._back_from_field(event.key)):
                return
        await super().on_event(event)

    def _back_from_field(self, key: str) -> bool:
        """Escape in a question's text field (the temperature) goes back, as the bottom row says there:
        `b` is a letter in a field. Anywhere else Escape does nothing."""
        return key == "escape" and self.screen is self.conversation_screen and isinstance(self.focused, Input)

    # -- what a kiosk does instead of leaving ------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's ways out, and the summary and the script, are switched off (`NEVER`)."""
        if action in NEVER or (action == "help" and not self.kiosk.staffed):
            return False
        return super().check_action(action, parameters)

    async def _on_exit_app(self) -> None:
        """Textual's own way out, taken when the browser of a `chatbot serve` tab went away (the server
        says "quit", or its pipe closed): this app is leaving, not broken. Whatever fails after this is
        part of the leaving (an idle tick with its screens gone), never a crash to restart from."""
        self.leaving = True
        await super()._on_exit_app()

    def stop_for_signal(self, number: int) -> None:
        """The machine stops the kiosk (SIGTERM, SIGHUP ...): the person's session kept as stopped, every
        screen of theirs taken down, and the app ends with status 0 (the supervisor restores the terminal)."""
        self._stop(f"stopped by {signal_name(number)}")

    def terminal_lost(self, why: str) -> None:
        """The terminal went away (a cable, a closed window, a dropped connection): as for a signal, the
        session kept as stopped, and the kiosk ends (nothing is left to show a next person anything)."""
        self._stop(f"the terminal went away ({why})")

    def _stop(self, why: str) -> None:
        if self.leaving:
            return
        self.restart_wanted = False
        kiosk_log.write(self.session, why)
        try:
            self._keep(lambda recorder: recorder.stopped(), begin=False)
        finally:
            self.leaving = True  # the idle clock stops; no screen opens any more
            self.run_worker(self._take_down_and_exit(), name="kiosk stop", exit_on_error=False)

    async def _take_down_and_exit(self) -> None:
        try:
            while len(self.screen_stack) > 1:  # down to the blank screen: nothing of the person is drawn
                await self.pop_screen()
        finally:
            self.exit(return_code=0)

    # -- reading aloud -------------------------------------------------------------------------

    def make_speaker(self):
        """A `chatbot serve` tab's speech plays in its browser tab (the server renders it, `serve_server`);
        a kiosk's own on its sound device."""
        from chatbot.speech.speaker import speaker_for

        return speaker_for(served=self.is_web, send=self.tell_page)

    def tell_page(self, meta: dict) -> None:
        """A message to the `chatbot serve` page of this tab (speech, the page's language); nothing in a
        terminal."""
        driver = private_textual.driver_of(self)
        if self.is_web and driver is not None and hasattr(driver, "write_meta"):
            driver.write_meta(meta)

    def speaks_by_itself(self, screen) -> bool:
        """With `--speak`, every screen of the person's is said as it comes; the welcome (nobody may be
        there), the staff's PIN and the blank screen below are not."""
        return not isinstance(screen, (WelcomeScreen, StaffPinScreen)) and screen.id != "kiosk"

    def action_listen(self) -> None:
        """Listen; on "Are you still there?" the count starts again too (someone is there, listening)."""
        top = self.screen
        if isinstance(top, StillThereScreen):
            self.warning_deadline = self.clock() + self.kiosk.idle_warning
            top.show_remaining(self.kiosk.idle_warning)
        super().action_listen()

    def action_help(self) -> None:
        """A staffed kiosk's "Ask for help" (WCAG 3.2.6): the request goes on the nurse station's queue (a
        `help_requested` event with the session, beginning it when nothing was answered yet), and the person
        is told so once it is in the records (or that it will be, and to go to the desk, while they cannot
        be reached). Asked again within `HELP_AGAIN_AFTER` seconds, nothing more is sent: the desk has it."""
        from chatbot.widgets import words

        if not self.kiosk.staffed:
            return
        if self.recorder is None:  # no records: nobody can be told; where to go
            self.say_aside(words.HELP_WHERE.get(self.language), 15)
            return
        now = self.clock()
        if self.help_asked_at is not None and now - self.help_asked_at < self.HELP_AGAIN_AFTER:
            self.say_help_told(again=True)
            return
        self.help_asked_at = now
        self._keep(lambda recorder: recorder.help_requested())
        if self.recorder.problem is not None:
            self.say_help_told()
            return
        self.help_told = "sending"
        self.say_help_told()
        self.run_worker(self._help_delivered, thread=True, name="records: help", group="help", exclusive=True,
                        exit_on_error=False)

    def _help_delivered(self) -> None:
        """Off the UI's thread: wait a little for the request to be in the records, then say what happened."""
        self.recorder.wait(HELP_SENT_WITHIN)
        self.call_from_thread(self.say_help_told, settle=True)

    def say_help_told(self, again: bool = False, settle: bool = False) -> None:
        """Say where the request is: on its way (while `_help_delivered` waits; `settle`: it is done), at
        the desk (`again`: there already), or waiting for the records to come back (and to go to the desk
        meanwhile)."""
        from chatbot.widgets import words

        recorder = self.recorder
        if recorder is None or self.help_asked_at is None:
            return  # wiped meanwhile: the next person hears nothing of it
        if self.help_told != "sending" or settle:  # while on its way, asking again changes nothing
            told = recorder.problem is None and recorder.unwritten == 0
            self.help_told = "sent" if told else "waiting"
        said = {"sending": words.HELP_SENDING, "waiting": words.HELP_AWAY,
                "sent": words.HELP_SENT_AGAIN if again else words.HELP_SENT}[self.help_told]
        self.say_aside(said.get(self.language), 15)  # on an ending, in its quiet line

    def on_still_there_screen_still_here(self, message: StillThereScreen.StillHere) -> None:
        self.still_here(more=message.more)

    def action_done(self) -> None:
        """The person has read their outcome: wipe everything at once, for the next person."""
        if self.conversation.finished:
            self.wipe()

    def still_here(self, more: bool = False) -> None:
        """The person answered "Are you still there?": carry on where they were; with `more`, with twice
        the quiet time before the question comes again (and say how long that is)."""
        self.last_input = self.clock()
        self.warning_deadline = None
        if more and self.more_time() is not None:
            from chatbot.kiosk.screens import duration
            from chatbot.widgets import words

            self.idle_allowed = self.more_time()
            self.notify(words.MORE_TIME_GIVEN.fill(time=duration(self.idle_allowed, self.language))
                        .get(self.language), timeout=8, markup=False)
        if isinstance(self.screen, StillThereScreen):
            self.screen.dismiss()

    def more_time(self) -> float | None:
        """The quiet time "More time" gives this person: twice what they have, or None at the most."""
        most = self.kiosk.idle_timeout * MOST_IDLE_FACTOR
        return min(self.idle_allowed * 2, most) if self.idle_allowed < most else None

    def dress_outcome(self, screen) -> None:
        """A staffed kiosk's emergency says first, and largest, to tell the staff at the desk, in the words
        for someone already at the clinic, and its urgent ending to tell the desk before leaving; an
        emergency that ended the dialogue before anyone was asked who they are offers it below the
        instructions."""
        if self.kiosk.staffed and screen.level == "urgent":
            from textual.content import Content
            from chatbot.widgets import words

            screen.first = Content(words.TELL_DESK_BEFORE_LEAVING.get(self.language))
        if screen.level != "emergency":
            return
        if self.kiosk.staffed:
            from textual.content import Content
            from chatbot.widgets import words

            screen.first = Content(words.TELL_DESK.get(self.language))
            screen.at_clinic = True
        if self.kiosk.identify != "none" and not self.identify_asked:
            self.identify_asked = True
            screen.below = IdentifyForm(self.kiosk.identify, self.language, id="identify-form")

    # -- who the person is, for the desk ------------------------------------------------------

    def answer(self, typed: str):
        """Answer, then, once the first answer is in and the dialogue goes on, ask who the person is."""
        step = super().answer(typed)
        if (self.kiosk.identify != "none" and not self.identify_asked and self.conversation.transcript
                and not self.conversation.finished):
            self.identify_asked = True
            self.push_screen(IdentifyScreen(self.kiosk.identify, self.language, help=self.kiosk.staffed))
        return step

    def start_over(self):
        self.identify_asked = False  # a new session of its own: asked again after its first answer
        return super().start_over()

    def on_identify_form_given(self, message: IdentifyForm.Given) -> None:
        """Kept with the session (None, a skip, keeps nothing: the desk sees "not identified")."""
        identification = message.identification
        if identification is not None:
            self._keep(lambda recorder: recorder.identified(identification))
        if isinstance(self.screen, IdentifyScreen):
            self.screen.dismiss()
        elif hasattr(self.screen, "focus_start"):  # the form on an emergency: its fields are gone, so is focus
            self.screen.focus_start()

    def _draw(self, step, previous=None):
        self.last_input = self.clock()  # an answer, a step back or the start: someone is there
        return super()._draw(step, previous)

    # -- the welcome --------------------------------------------------------------------------

    def start_session(self) -> None:
        """Leave the welcome and ask the first question."""
        if not isinstance(self.screen, WelcomeScreen):
            return
        if self._conversation_mounted:
            self._draw(self.conversation.current)
        else:  # a very quick tap: ask as soon as the screen below is ready
            self._start_waiting = True
            self.compose_conversation()
        self.begin_recording()

    def compose_conversation(self) -> None:
        """Compose the conversation screen under the welcome, not shown (Start then asks at once), unless it
        is there already: `COMPOSE_AFTER` seconds after the welcome is shown, at the person's first move, or
        at a Start pressed before. The welcome's first frame never waits for it."""
        self._compose_due = False
        screen = self.conversation_screen
        stack = self.screen_stack
        welcome = next((each for each in stack if isinstance(each, WelcomeScreen)), None)
        if welcome is None or screen in stack or screen.is_running or self.wiping or self.leaving:
            return
        self.size_classes(screen)  # as `push_screen` (`SymptomCheckerApp`) does for a screen on top
        if not screen.CSS and all(self.stylesheet.has_source(str(path)) for path in screen.css_path):
            self._pushed[screen] = screen.classes
        self._composed_in = screen.language
        private_textual.mount_under(self, screen, welcome)

    def _conversation_ready(self) -> None:
        """The conversation screen is mounted (its `when_ready`): in the language chosen meanwhile, and asking
        at once when Start was pressed before."""
        self._conversation_mounted = True
        if self._composed_in is not None and self._composed_in != self.language:
            super().set_language(self.language)
        if self._start_waiting:
            self._start_waiting = False
            self._draw(self.conversation.current)
        else:
            self.call_later(self._lay_out_conversation)

    def _lay_out_conversation(self) -> None:
        """The conversation laid out under the welcome, once mounted: Start has nothing left to lay out."""
        screen = self.conversation_screen
        if screen.is_mounted and screen is not self.screen and screen in self.screen_stack:
            private_textual.lay_out(screen, self.size)

    def begin_recording(self) -> None:
        """A new session in the records for this person; the kiosk log names its id (never an answer)."""
        super().begin_recording()
        if self.recorder is not None and self.recorder.session_id is not None:
            kiosk_log.write(self.session, f"recording as {self.recorder.session_id}")

    def records_problem_changed(self, problem: str | None) -> None:
        super().records_problem_changed(problem)
        if problem is None and self.help_told == "waiting":  # after the records' own notice: the newest shows
            self.call_later(self.say_help_told)
        kiosk_log.write(self.session, f"records: {problem}; answers kept until they can be written"
                        if problem else "records: written again; nothing was lost")

    def set_language(self, language: str) -> None:
        self.tell_page({"type": "language", "language": language})  # the page's lang and title follow
        if self._conversation_mounted:
            super().set_language(language)
        else:
            self.conversation.language = self.conversation_screen.language = language
        for screen in self.screen_stack:
            if isinstance(screen, WelcomeScreen):
                screen.show(language)

    # -- staff ----------------------------------------------------------------------------------

    def open_staff_dialog(self) -> None:
        if isinstance(self.screen, StaffPinScreen) or self._still_leaving("staff-pin"):
            return
        if isinstance(self.screen, StillThereScreen):
            self.still_here()
        self.push_screen(StaffPinScreen(load_pin() is not None))

    async def try_staff_pin(self, pin: str) -> str | None:
        """Check a PIN typed in the staff dialog: leave (None) or say why not."""
        stored = load_pin()
        if stored is None:
            return STAFF_NO_PIN.get(self.language)
        if self._checking_pin:
            return STAFF_CHECKING.get(self.language)
        # checked and counted in one step, under a lock every kiosk process on the machine takes: kept across
        # restarts and serve's tabs, and tries at once get one guess per wait
        gate = count_try(self.clock(), lambda failures: pin_delay(failures, self.kiosk.pin_delay,
                                                                  self.kiosk.pin_delay_most),
                         self.kiosk.pin_delay_most)
        self.pin_failures, self.pin_locked_until = gate.failures, gate.until
        if not gate.tried:
            return (STAFF_LOCKED if gate.locked else STAFF_WAIT.fill(seconds=math.ceil(gate.wait))).get(self.language)
        self._checking_pin = True
        try:
            right = await asyncio.to_thread(verify_and_upgrade, pin, stored)  # scrypt: not on the UI's time
        finally:
            self._checking_pin = False
        if right:
            forget_tries()
            kiosk_log.write(self.session, "staff left kiosk mode")
            self.exit(return_code=0)
            return None
        kiosk_log.write(self.session, f"staff PIN refused ({self.pin_failures} so far)")
        if gate.locked:
            return STAFF_LOCKED.get(self.language)
        return STAFF_WRONG.fill(seconds=math.ceil(gate.wait)).get(self.language)

    # -- idle -----------------------------------------------------------------------------------

    def _idle_tick(self) -> None:
        """Look at the idle clock, then again in `kiosk.tick` seconds (read each time: tests change it)."""
        try:
            self.look_at_idle_clock()
        finally:
            if not self.leaving:
                self.set_timer(self.kiosk.tick, self._idle_tick, name="kiosk idle clock")

    def look_at_idle_clock(self) -> None:
        """Ask, wipe, or close the staff dialog, as the idle clock says (every `kiosk.tick` seconds)."""
        if self.wiping or self.leaving or not self.screen_stack:  # leaving, or no screens: shutting down
            return
        now = self.clock()
        idle = now - self.last_input
        top = self.screen
        if isinstance(top, StaffPinScreen):
            if idle >= self.kiosk.pin_timeout:
                top.dismiss()
            return
        if isinstance(top, StillThereScreen):
            remaining = (self.warning_deadline or now) - now
            if remaining <= 0:
                self.wipe()
            else:
                top.show_remaining(remaining)
            return
        if idle < (self.idle_allowed if not isinstance(top, WelcomeScreen) else self.kiosk.idle_timeout):
            return
        if isinstance(top, WelcomeScreen) or top.id == "kiosk":
            if self.touched:
                self.wipe()  # a language chosen, nothing more: the welcome as new
            else:
                self.last_input = now
            return
        if self._still_leaving("still-there"):
            return  # the last warning is still being taken down: ask at the next tick
        self.warning_deadline = now + self.kiosk.idle_warning
        self.push_screen(StillThereScreen(self.language, self.kiosk.idle_warning, more=self.more_time()))

    def _still_leaving(self, screen_id: str) -> bool:
        """A screen of this id was closed but is not gone yet (a new one cannot take its id)."""
        try:
            self.get_child_by_id(screen_id)
        except NoMatches:
            return False
        return True

    # -- wiping ---------------------------------------------------------------------------------

    def wipe(self) -> None:
        """Forget the person: a new conversation, new screens, the welcome. Runs in the background."""
        if self.wiping:
            self._wipe_again = True  # an error while wiping: once more when this one is done
            return
        self.wiping = True
        self.run_worker(self._wipe(), name="kiosk wipe", exit_on_error=False)

    async def _wipe(self) -> None:
        try:
            self._wipe_again = True
            while self._wipe_again:
                self._wipe_again = False
                await self._replace_everything()
        except Exception as error:  # the screens cannot be rebuilt here: start a new app
            self._crashed(error, here=False)
        finally:
            self.wiping = False
            self.touched = False
            self.warning_deadline = None
            self.idle_allowed = self.kiosk.idle_timeout
            self.help_asked_at = None
            self.help_told = None
            self.last_input = self.clock()
            self.staff.reset()

    async def _replace_everything(self) -> None:
        self._keep(lambda recorder: recorder.wiped(), begin=False)  # the screen forgets; the record does not
        self._recording = False  # the next person begins a session of their own
        self.identify_asked = False
        self.session = kiosk_log.new_session_id()
        self.conversation = Conversation(self.flow, self.default_language)
        self.conversation.start()
        while len(self.screen_stack) > 1:  # each gone before the next, and before new ones take their ids
            await self.pop_screen()
        self.conversation_screen = ConversationScreen(self.flow, self.language, id="conversation")
        self.conversation_screen.when_ready = self._conversation_ready
        self._conversation_mounted = self._start_waiting = self._compose_due = False
        self._composed_in = None
        below = self.push_screen(self.conversation_screen)  # mounted under the welcome, never shown empty
        await self.push_screen(WelcomeScreen(self.flow, self.language, help=self.kiosk.staffed))
        await below
        self.tell_page({"type": "language", "language": self.language})

    # -- errors ---------------------------------------------------------------------------------

    async def _dispatch_message(self, message) -> None:
        """Once running, an error in the app's own handlers restarts the kiosk instead of ending it."""
        if not self._guarded:
            return await super()._dispatch_message(message)
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            self._crashed(error, here=True)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for an unexpected error: never its traceback screen at a kiosk.

        An error in a screen's or a widget's handler (its message loop stops) is mended
        here by replacing every screen; one in the app's own loop ends this app, and
        the supervisor (`chatbot.kiosk.supervisor`) starts a new one.
        """
        self._crashed(error, here=self._own_task is not None and asyncio.current_task() is not self._own_task)

    def _crashed(self, error: BaseException, *, here: bool) -> None:
        if self.leaving:
            return  # this app is already ending: later errors only follow from the first
        if screen_gone(error):
            kiosk_log.write(self.session, "the screen went away: leaving")
            self.restart_wanted = False
            self.exit(return_code=0)
            return
        count = self.crashes.record(self.clock())
        kiosk_log.log_crash(self.session, error, count, self.crashes.limit)
        if self.crashes.too_many:
            self.restart_wanted = False
            self.exit(return_code=CRASH_EXIT, message=CALM_STOP)
        elif here and self.is_running:
            self.wipe()
        else:
            self.restart_wanted = True
            self.exit(return_code=CRASH_EXIT)
