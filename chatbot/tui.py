"""The Textual UI: draws the engine's steps and sends it the person's answers, nothing more.

`SymptomCheckerApp(flow, emergency_number=, language=, summary_dir=, theme=)` is the one
entry point for people, tests, the kiosk and the replay driver. `theme` is "default"
(calm colours) or "high-contrast" (black, white and yellow, touch-sized buttons).
Kiosk mode is the same app made unescapable and self-clearing: `KioskApp(flow,
kiosk=KioskOptions(...))` in `chatbot.kiosk.app` (`chatbot --kiosk`), with its
own screens `welcome`, `still-there` and `staff-pin`, and #done on the outcome screens.

Set `recorder` (a `chatbot.records.recorder.Recorder`, writer only) and every answer, step
back and restart is kept (in its local outbox) before the next step is drawn; the database is
written by the recorder's own thread, never this one. The session begins after the first frame,
the database opens in a worker, and while it cannot be written a calm notice says so once
(`records_problem`), and again when it can.

Drive it like a person (keys, clicks: `answer_keys(typed)` gives the keys for an
answer) or through its methods: `answer(typed)`, `go_back()`, `start_over()` (no
confirmation), `request_restart()`, `show_summary()`, `save_summary()`,
`set_language(code)`. Read what it shows from `state` (a `ViewState`), never by
scraping the screen; the engine's own view is `conversation`.

Stable ids. Screens: `conversation`, `outcome` (class emergency, urgent or
routine), `summary`, `confirm`. Conversation: #progress, #chat, #question, #confirm
(a "Did you mean …?" about the last answer, answered with #yes-no), #error,
#yes-no (#answer-yes, #answer-no, #answer-unsure), #choices (#choice-1..,
#choice-typed, #choice-send), #temperature (#temperature-input, #temperature-send,
#temperature-understood, #temperature-not-measured). Every screen: #nav (#done,
#back, #restart, #summary, #record, #quit; `NAV` and `OUTCOME_NAV` choose which).
Outcomes: #outcome-title,
#emergency-digits, #say-line, #reasons, #why, #guidance (#guidance-topics,
#guidance-scroll holding #guidance-text). Summary: #summary-text, #summary-save, #summary-close,
#summary-saved. Confirm: #confirm-yes, #confirm-no.

Keys: y / n / u answer yes, no, not sure (in Spanish also s and n, and 1 / 2 / 3 as shown); 1-9 pick or
tick a choice; Enter sends; b or Escape goes back; r starts again (after a confirmation); q quits
(mid-conversation, after a confirmation). With `tester` only (`chatbot --tester`): s shows the summary
(and saves it there), w saves the session as a replay script (`save_script`); on a patient's screen
nothing of a nurse's or a tester's is shown or reachable.
"""

from __future__ import annotations

import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from textual import events
from textual.binding import Binding
from textual.errors import NoWidget
from textual.reactive import Reactive
from textual.screen import Screen
from textual.theme import Theme

from chatbot.flow.kinds import QuestionKind
from chatbot.collector import started
from chatbot.engine import Conversation, Prompt, Result, Step, Turn
from chatbot.flow.model import Flow
from chatbot.flow.text import printable
from chatbot.options import UIOptions
from chatbot.stopping import PLAIN, StopSignals, named
from chatbot.terminal import parsed_styles
from chatbot.terminal.app import TerminalApp
from chatbot.widgets.button import Button
from chatbot.widgets.controls import TEMPERATURE_MAX_LENGTH, Answered, drawn
from chatbot.widgets.field import MOST_READ
from chatbot.widgets.typeahead import FOCUS_KEYS
from chatbot.screens.conversation import ConversationScreen
from chatbot.screens.leftovers import TAP, WORD_ENDS, Answering, Leftovers

if TYPE_CHECKING:
    from chatbot.records.recorder import Recorder

CALM = Theme(
    name="calm",
    primary="#5FA8D3",
    secondary="#8CC7A1",
    accent="#A5D8DD",
    warning="#F2B33D",
    error="#E05A5A",
    success="#6BBF8A",
    foreground="#E9EEF2",
    background="#15212B",
    surface="#1C2B37",
    panel="#243847",
    dark=True,
)
# Kiosk mode's default: black, white and yellow only, every text at least 15:1 on its background.
HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFE000",
    secondary="#FFFFFF",
    accent="#FFE000",
    warning="#FFE000",
    error="#FFE000",
    success="#FFFFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#262626",
    dark=True,
)
THEMES = {theme.name: theme for theme in (CALM, HIGH_CONTRAST)}
THEME_NAMES = {"default": CALM.name, "high-contrast": HIGH_CONTRAST.name}
"""What `--theme` accepts, and the theme each means."""
STYLE_SHEET = Path(__file__).with_name("tui.tcss")
HIGH_CONTRAST_STYLES = Path(__file__).with_name("high-contrast.tcss")  # large, touch-sized controls
STARTED_AFTER = 0.5  # seconds: the first frame is out and every kind of control mounted (`chatbot.collector`)


class ViewState(NamedTuple):
    """What the app shows right now, read from its widgets (for tests and the replay driver)."""

    screen: str
    """The id of the screen on top: conversation, outcome, summary or confirm."""
    question_id: str | None
    """The question waiting for an answer on the conversation screen, or None when finished."""
    question_kind: str | None
    choices: tuple[str, ...]
    """The labels of the answer controls shown: buttons or numbered choices."""
    selected: tuple[int, ...]
    """The numbers (1-based) of the choices ticked, for a multiple choice."""
    answers: tuple[tuple[str, str], ...]
    """(question id, answer as shown) for every answer in the chat, oldest first."""
    error: str | None
    """Why the last answer was not taken, as shown."""
    confirm: str | None
    """A "Did you mean …?" about the last answer, as shown (answered yes or no), or None."""
    outcome_level: str | None
    """emergency, urgent or routine once an outcome screen is shown."""
    outcome_id: str | None
    language: str


class SymptomCheckerApp(TerminalApp):
    """The symptom checker: a conversation, then an outcome screen and a summary for the nurse."""

    CSS_PATH = STYLE_SHEET  # absolute: subclasses may live elsewhere
    TITLE = "Symptom checker"
    ENABLE_COMMAND_PALETTE = False  # nothing but the conversation: no theme or quit menu for a patient
    BINDINGS = [*FOCUS_KEYS,  # keys typed behind a Tab go where it moved the focus (`chatbot.widgets.typeahead`)
                Binding("l", "listen", "Listen", show=False)]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # a screen's class: roomier controls when tall
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]  # narrower than 60 (a phone): rows of buttons stack
    NAV = ("back", "restart", "quit", "listen")
    """The buttons at the bottom of every screen: a patient's. A kiosk leaves out "quit" and overrides
    `action_quit`. The s and w keys (the nurse's summary, a replay script) work only where "summary" and
    "record" are in `NAV`: with `tester`. Listen (the l key) reads the screen aloud."""
    OUTCOME_NAV = NAV
    """The buttons at the bottom of an outcome screen (a kiosk adds a large "done")."""
    TESTER_NAV = ("back", "restart", "summary", "record", "quit", "listen")
    """`NAV` and `OUTCOME_NAV` for a tester (`chatbot --tester`, `--record`, `replay --tui`)."""
    record_to: Path | None = None
    """`chatbot --record FILE`: the session is written there as a replay script at each outcome and on exit."""
    speak_new_screens = False
    """`--speak`: every new screen (and question) is read aloud by itself, as if Listen were pressed."""
    SCREEN_STYLES: tuple[Path, ...] = ()
    """Style sheets of screens shown later, read with the app's own: a screen's `CSS_PATH` read only when
    it is first pushed makes Textual parse every style again then (a kiosk's welcome, its first frame)."""
    # The theme from the very first style sheet: setting `theme` later parses every style again.
    theme: Reactive[str] = Reactive(CALM.name)

    def __init__(self, flow: Flow, *, emergency_number: str | None = None, language: str | None = None,
                 summary_dir: str | Path | None = None, theme: str = "default", tester: bool = False) -> None:
        if tester:  # before the screens are built: their bottom rows are drawn from it
            self.NAV = self.OUTCOME_NAV = self.TESTER_NAV
        theme = THEME_NAMES.get(theme, theme)
        if theme not in THEMES:
            raise ValueError(f"no theme called {theme!r}: choose {' or '.join(THEME_NAMES)}")
        self._pushed: weakref.WeakKeyDictionary[Screen, frozenset[str]] = weakref.WeakKeyDictionary()
        """Screens pushed and not yet resumed, with their classes then (`update_styles`)."""
        sheets = [STYLE_SHEET, *([HIGH_CONTRAST_STYLES] if theme == HIGH_CONTRAST.name else []), *self.SCREEN_STYLES]
        super().__init__(css_path=sheets if len(sheets) > 1 else None)
        self.flow = flow
        self.emergency_number = printable(emergency_number or flow.emergency_number, 32)
        self.conversation = Conversation(flow, language)
        self.summary_dir = Path(summary_dir) if summary_dir is not None else Path.cwd()
        self.conversation_screen = ConversationScreen(flow, self.conversation.language, id="conversation")
        self.conversation_screen.when_ready = self._first_question
        self.leftovers = Leftovers()
        for known in THEMES.values():
            self.register_theme(known)
        if theme != CALM.name:  # before the first style sheet is built, and without Textual's watcher,
            self.set_reactive(SymptomCheckerApp.theme, theme)  # which would parse every style again once running
            self.stylesheet.set_variables(self.get_css_variables())
            self.set_class(True, f"-theme-{theme}", update=False)
            self.set_class(THEMES[theme].dark, "-dark-mode", update=False)
            self.set_class(not THEMES[theme].dark, "-light-mode", update=False)
        parsed_styles.use(self)  # a warm pool's kiosk: the rules its fork server parsed

    def _first_question(self) -> None:
        self._draw(self.conversation.start())
        if self.recorder is not None:  # after the first frame: hashlib and the database are not on its way
            self.call_after_refresh(self.begin_recording)

    def on_mount(self) -> None:
        if not self.is_headless:  # a terminal run (tests run many apps in one process: nothing to set aside)
            self.set_timer(STARTED_AFTER, started)
        self.screen_change_signal.subscribe(self, lambda screen: self.screen_shown())

    def stop_for_signal(self, number: int) -> None:
        """The machine asks this app to stop (SIGTERM, SIGHUP): the session kept as stopped, then leave
        (the terminal restored; the caller closes the session records)."""
        self.stop_keeping_the_session()

    def terminal_lost(self, why: str) -> None:
        """The terminal went away: the session kept as stopped, as for a signal."""
        self.stop_keeping_the_session()

    def stop_keeping_the_session(self) -> None:
        if not self.leaving:
            self._keep(lambda recorder: recorder.stopped(), begin=False)
        self.exit(return_code=0)

    def get_theme(self, theme_name: str) -> Theme | None:
        """Our themes are known before `App.__init__` builds the first style sheet."""
        return THEMES.get(theme_name) or super().get_theme(theme_name)

    @property
    def current_theme(self) -> Theme:
        """Textual's, found straight away for our themes: it is asked for at every line drawn."""
        return THEMES.get(self.theme) or super().current_theme

    def update_styles(self, node, animate: bool = True) -> None:
        """A node's styles worked out again (a focus moved, a class changed), never animated: no style
        here has a transition, and Textual's animated path builds every style twice over to find
        none (at each focus change, a tenth of an answer's time).

        A screen just pushed is not styled again as a whole when Textual resumes it (`push_screen`): each
        of its widgets was styled as it was mounted, and nothing they are matched by changed since."""
        if self._pushed.pop(node, None) == node.classes and not animate:
            return
        super().update_styles(node, animate=False)

    @property
    def language(self) -> str:
        return self.conversation.language

    def get_default_screen(self) -> ConversationScreen:
        """The conversation, as a screen pushed (`push_screen`): its size classes set, styled once."""
        self._pushed[self.size_classes(self.conversation_screen)] = self.conversation_screen.classes
        return self.conversation_screen

    def push_screen(self, screen, *args, **kwargs):
        """Textual's, the screen given its size classes first (`size_classes`), and not styled again as a
        whole when it is first shown (`update_styles`)."""
        if isinstance(screen, Screen) and not screen.is_mounted:
            self.size_classes(screen)
            if not screen.CSS and all(self.stylesheet.has_source(str(path)) for path in screen.css_path):
                self._pushed[screen] = screen.classes  # (new styles of its own restyle everything: Textual's way)
        return super().push_screen(screen, *args, **kwargs)

    def size_classes(self, screen: Screen) -> Screen:
        """A new screen's breakpoint classes for the app's size (-narrow, -tall ...), set before its widgets
        are styled: Textual sets them at the screen's first resize, and then styles every widget again."""
        if screen.is_mounted:
            return screen
        width, height = self.size
        for dimension, own, apps in ((width, screen.HORIZONTAL_BREAKPOINTS, self.HORIZONTAL_BREAKPOINTS),
                                     (height, screen.VERTICAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS)):
            breakpoints = apps if own is None else own
            chosen = next((name for at, name in sorted(breakpoints or (), reverse=True) if dimension >= at), None)
            for _, name in breakpoints or ():
                screen.set_class(name == chosen, name, update=False)
        return screen

    # -- the API: what a person (or a driver) can do -------------------------------------

    def answer(self, typed: str) -> Step:
        """Answer the current question with `typed`, as if typed or clicked."""
        if self.conversation.finished:
            return self.conversation.current
        step = self.conversation.answer(printable(typed[:MOST_READ], None))  # more is too long anyway
        self._keep(lambda recorder: recorder.answered(self.conversation))  # committed before it is drawn
        self._draw(step)
        if self.record_to is not None and isinstance(step, Result):
            self.keep_recording()  # `--record FILE`: kept at each outcome, and again on exit
        return step

    def answer_keys(self, typed: str) -> list[str] | None:
        """The keys a person would press to give `typed` to the current question, or None.

        For a replay through the screen: the engine reads `typed` first, and the keys
        are those of the controls for what it understood ("Yes" -> y, "2, 5" -> 2 5
        Enter, "100.4 F" -> the characters, then Enter; yes or no to a "Did you mean
        …?" -> y or n). None when the engine cannot read it, or no key reaches it (a
        tenth choice, words of a choice that must be confirmed): type them into the
        field, or answer with `answer` instead.
        """
        from chatbot.flow.answers import Unreadable, read_answer, read_confirmation

        step = self.conversation.current
        if not isinstance(step, Prompt):
            return None
        if step.confirm is not None:  # "Did you mean …?": y or n; other words are a new answer, typed
            reply = read_confirmation(printable(typed, None))
            return None if reply is None else ["y" if reply else "n"]
        question = step.question
        try:
            understood = read_answer(question, printable(typed[:MOST_READ], None))
        except Unreadable:
            return None
        if understood.confirm is not None:  # words of a choice, typed into its field
            return None
        if question.kind in (QuestionKind.YES_NO, QuestionKind.YES_NO_UNSURE):
            return [{True: "y", False: "n", None: "u"}[understood.value]]
        if question.kind == QuestionKind.TEMPERATURE:
            return ["ctrl+u", *printable(typed, TEMPERATURE_MAX_LENGTH), "enter"]  # ctrl+u empties the field
        wanted = {index + 1 for index in understood.value}
        if max(wanted, default=0) > 9:
            return None
        if question.kind == QuestionKind.SINGLE_CHOICE:
            return [str(number) for number in sorted(wanted)]
        ticked = set(self.state.selected)  # untick what should not be, then tick what should
        return [str(number) for number in (*sorted(ticked - wanted), *sorted(wanted - ticked))] + ["enter"]

    def go_back(self) -> Step:
        """Undo the last answer and ask that question again, the old answer ready to change."""
        conversation = self.conversation
        previous = conversation.transcript[-1] if conversation.can_go_back and not conversation.confirming else None
        step = conversation.back()
        self._keep(lambda recorder: recorder.went_back(self.conversation))
        return self._draw(step, previous)

    def start_over(self) -> Step:
        """Forget every answer and ask the first question again, without asking first.

        Nothing of the last person stays on screen: ticks and typed text go too.
        """
        self.conversation_screen.forget()
        step = self.conversation.restart()
        self._keep(lambda recorder: recorder.restarted(self.conversation))  # the old one kept, as abandoned
        return self._draw(step)

    def request_restart(self) -> None:
        """Ask the person to confirm, then start again."""
        from chatbot.screens.dialogs import ConfirmRestart

        if isinstance(self.screen, ConfirmRestart) or self.leaving:  # `q` and `r` together: just leave
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.start_over()

        self.push_screen(ConfirmRestart(self.language), confirmed)

    def summary_text(self) -> str:
        from chatbot.summary import nurse_summary  # a tester's, or at an ending: not on the way to the first frame

        return nurse_summary(self.conversation, emergency_number=self.emergency_number)

    def show_summary(self) -> None:
        from chatbot.screens.dialogs import SummaryScreen

        if not isinstance(self.screen, SummaryScreen) and not self.leaving:  # `q` and `s` together: just leave
            self.push_screen(SummaryScreen(self.summary_text(), self.language))

    def save_summary(self, text: str | None = None) -> Path:
        """Write the summary to a new text file in `summary_dir`; its path."""
        from chatbot.summary import save_summary

        return save_summary(text if text is not None else self.summary_text(), self.summary_dir)

    def set_language(self, language: str) -> None:
        """Speak `language` from now on; what was already answered keeps its words."""
        self.conversation.language = language
        self.conversation_screen.redraw(language, self.conversation.transcript)
        if self.conversation.finished:
            self._draw(self.conversation.current)

    @property
    def state(self) -> ViewState:
        screen = self.conversation_screen
        controls = screen.controls
        top = self.screen
        outcome = getattr(top, "result", None) or next(
            (s.result for s in reversed(self.screen_stack) if isinstance(getattr(s, "result", None), Result)),
            None)
        return ViewState(
            screen=top.id or type(top).__name__,
            question_id=screen.question_id,
            question_kind=screen.prompt.question.kind if screen.prompt else None,
            choices=controls.labels if controls is not None else (),
            selected=getattr(controls, "selected", ()) if screen.prompt else (),
            answers=screen.chat.answers,  # (held from the start: a kiosk composes it after its welcome)
            error=screen.error,
            confirm=screen.confirming,
            outcome_level=outcome.level if outcome else None,
            outcome_id=outcome.outcome.id if outcome else None,
            language=self.language,
        )

    # -- the person's input: what is left of an answer is not the next one's ---------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseUp)) and not event.is_forwarded and self._left_over(event):
            return  # "no" + Enter: the o and the Enter are not for the next question (`chatbot.screens.leftovers`)
        await super().on_event(event)

    def _left_over(self, event: events.Key | events.MouseUp) -> bool:
        """Whether `event` is left over from the last input that answered (or pressed a button on the
        screens before and after the questions: Start, the outcome's), or part of typing that answers
        nothing; note it if it answers itself."""
        conversation = self.conversation_screen
        if isinstance(event, events.Key):
            key, character, where = event.key, event.character, None
            if self.screen is conversation:
                answering = conversation.answering_key(key)
            else:
                answering = (Answering.by_key(key, typing=False) if key in WORD_ENDS and isinstance(self.focused, Button)
                             else None)
        else:
            key, character, where = TAP, None, (event.x, event.y)
            try:
                widget, _ = self.get_widget_at(event.x, event.y)
            except NoWidget:
                return False
            if self.screen is conversation:
                if not conversation.on_controls(widget):
                    return False  # a tap on the chat, Back or Listen neither counts nor ends anything
                answering = conversation.answering_tap(widget, where)
            else:
                pressed = isinstance(widget, Button) or isinstance(widget.parent, Button)
                answering = Answering.by_tap(where) if pressed else None
                if answering is None:
                    return False
        if self.leftovers.swallows(event.time, key, character, where):
            return True
        if self._stray(event, answering is not None):
            return True  # "maybe" + Enter at a yes/no question is not Yes (`chatbot.screens.strays`)
        if answering is not None:
            self.leftovers.answered(event.time, answering)
        return False

    def _stray(self, event: events.Key | events.MouseUp, answers: bool) -> bool:
        conversation = self.conversation_screen
        if self.screen is not conversation:
            return False
        if isinstance(event, events.MouseUp):
            conversation.strays.forget()  # a tap is the person's choice
            return False
        return conversation.stray_key(event.time, event.key, event.character, answers)

    # -- what the screens post, and actions bound to keys and buttons ----------------------------

    def on_answered(self, message: Answered) -> None:
        """A screen's controls say what the person answered (attributes down, messages up)."""
        self.answer(message.typed)

    def action_back(self) -> None:
        self.go_back()

    def action_restart(self) -> None:
        self.request_restart()

    async def action_quit(self) -> None:
        """Mid-conversation, ask first, as starting again does; with nothing to lose, quit."""
        from chatbot.screens.dialogs import ConfirmRestart
        from chatbot.widgets import words

        if not self.conversation.transcript or self.conversation.finished:
            self.exit()
        elif not isinstance(self.screen, ConfirmRestart):
            self.push_screen(ConfirmRestart(self.language, words.CONFIRM_QUIT, words.CONFIRM_QUIT_YES),
                             lambda yes: self.exit() if yes else None)

    def action_summary(self) -> None:
        self.show_summary()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The nurse's summary (s) and the replay script (w) only for a tester: on a patient's screen the keys
        do nothing of theirs (in Spanish, s answers Sí)."""
        if action in ("summary", "record") and action not in self.NAV:
            return False
        return super().check_action(action, parameters)

    def notify(self, message, *args, **kwargs) -> None:
        """One notice at a time, the newest: a stack of them would reach down over the question's controls
        (WCAG 2.4.11; tests/a11y/test_focus_not_obscured.py)."""
        self.clear_notifications()
        super().notify(message, *args, **kwargs)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Never: nothing shown here may open a browser on this machine."""

    # -- reading the screen aloud (chatbot.speech) -----------------------------------------------

    _speaker = None
    _speech_due = False

    @property
    def speaker(self):
        """Who reads the screen aloud, made when first needed (espeak-ng is looked for then)."""
        if self._speaker is None:
            self._speaker = self.make_speaker()
        return self._speaker

    @speaker.setter
    def speaker(self, speaker) -> None:
        """Another speaker (`chatbot.speech.speaker`: one that writes WAV files, a browser tab's)."""
        self._speaker = speaker

    def make_speaker(self):
        """This machine's espeak-ng (`chatbot.speech.speaker`), or NoSpeaker when it is not installed."""
        from chatbot.speech.speaker import speaker_for

        return speaker_for(served=False)

    def action_listen(self) -> None:
        """The Listen key and button: read the screen on top aloud, from its start (what was being
        said stops); say on the screen when speech is not installed."""
        from chatbot.widgets import words

        if not self.speaker.available:
            self.say_aside(words.SPEECH_MISSING.get(self.language), 8)  # on an ending: its quiet line
            return
        self.speak_screen()

    def speak_screen(self) -> None:
        """Say what the screen on top shows (`chatbot.widgets.spoken`), off the UI's thread."""
        from chatbot.widgets.spoken import spoken

        self.speaker.say(spoken(self.screen, self.language))

    def screen_shown(self) -> None:
        """A new screen or question is drawn: what was being said stops, and with `--speak` the new one
        is said, once it is drawn (the words are read from its widgets after the frame)."""
        if not self._speech_due and (self.speak_new_screens or self._speaker is not None):
            self._speech_due = True
            # two frames: the first lays the screen out, and what fits its size (the bottom row in one
            # or two rows) is settled in the second; the words are read from the screen as it stays
            self.call_after_refresh(self.call_after_refresh, self._speak_shown)

    def _speak_shown(self, tries: int = 10) -> None:
        screen = self.screen
        if not drawn(screen) and tries:  # pushed, not yet composed or drawn: its words come a frame later
            self.call_after_refresh(self._speak_shown, tries - 1)
            return
        self._speech_due = False
        if self.speak_new_screens and self.speaks_by_itself(screen) and self.speaker.available:
            self.speak_screen()
        elif self._speaker is not None:
            self._speaker.stop()

    def speaks_by_itself(self, screen) -> bool:
        """With `--speak`: which screens are said as soon as they are shown (all here; a kiosk keeps
        quiet at its welcome, where nobody may be)."""
        return True

    # -- the session records (chatbot.records) --------------------------------------------------

    recorder: Recorder | None = None
    """Keeps every answer in the session records as it is given (None with `--no-record`). It only
    ever writes: nothing here can read a session back."""
    records_problem: str | None = None
    """The recorder's last problem, as noticed here (the notice is shown once per problem)."""
    _records_look = None
    RECORDS_LOOK_EVERY = 0.5
    """Seconds between looks at the recorder's problem (its own thread finds and ends them)."""

    def begin_recording(self) -> None:
        """A new session in the records for the conversation on screen (unless an answer came first
        and began it), and the database opened in a worker thread, so that the first answer does not
        wait for it."""
        if self.recorder is None:
            return
        self._keep(lambda recorder: None)
        self.run_worker(self._open_records, thread=True, name="records: open", exit_on_error=False)
        if self._records_look is None:
            self._records_look = self.set_interval(self.RECORDS_LOOK_EVERY, self._records_checked,
                                                   name="records: look")

    def _open_records(self) -> None:
        self.recorder.open()
        self.call_from_thread(self._records_checked)

    _recording = False
    """This app's conversation has begun a session in the records (a recorder may serve many apps:
    `replay --tui` and the kiosk's supervisor make one after another)."""

    def _keep(self, write: Callable[[Recorder], object], *, begin: bool = True) -> None:
        """Tell the recorder (which keeps the writes in its outbox before it returns, and writes the
        database on its own thread), then show any change in its problem. The session begins first if
        it has not (`begin`)."""
        if self.recorder is None:
            return
        if begin and not self._recording:
            self._recording = True
            self.recorder.begin(self.conversation)
        write(self.recorder)
        self._records_checked()

    def _records_checked(self) -> None:
        """Show a calm notice when the records cannot be written, and again when they can; on an ending, in
        its quiet line instead (a notice would lie over its first words for seconds)."""
        from chatbot.widgets import words

        problem = self.recorder.problem if self.recorder is not None else None
        if problem == self.records_problem:
            return
        before, self.records_problem = self.records_problem, problem
        self.records_problem_changed(problem)
        if problem is not None and before is not None:
            return  # said once per outage
        said, seconds = (words.RECORDS_AWAY, 8) if problem is not None else (words.RECORDS_BACK, 4)
        self.say_aside(said.get(self.language), seconds)

    def say_aside(self, text: str, seconds: float) -> None:
        """A line about the machine or the desk, not the person's answers (the records, a help request): a
        notice for `seconds`, or on an ending its own quiet line, so that its words (call 911, tell the
        desk) stay uncovered."""
        quietly = getattr(self.screen, "say_quietly", None)  # an ending (`OutcomeScreen`, loaded with the first)
        if quietly is not None:
            quietly(text)
        else:
            self.notify(text, timeout=seconds, markup=False)

    def records_problem_changed(self, problem: str | None) -> None:
        """The log's line: the problem (one line, no password, no answer), or that it is over."""
        self.log.warning(f"records: {problem}" if problem else "records: written again; nothing was lost")

    # -- recording the session as a replay script (docs/replay.md) -------------------------------

    script_saved_to: Path | None = None
    recording_problem: str | None = None
    """Why the session could not be saved as a script the last time, shown on exit by `run_app`."""

    def save_script(self) -> Path:
        """Save the conversation so far as a replay script: to `record_to`, else to a new file here."""
        from chatbot.replay.recording import new_script_path, save_new_script, session_script, write_script

        if self.record_to is not None:
            path = write_script(session_script(self.conversation, self.record_to), self.record_to)
        else:
            path = new_script_path(Path.cwd())
            save_new_script(session_script(self.conversation, path), path)
        self.script_saved_to, self.recording_problem = path, None
        return path

    def keep_recording(self) -> Path | None:
        """Save the script and tell the person where it went (or why it could not be saved)."""
        from chatbot.widgets import words

        try:
            path = self.save_script()
        except OSError as error:
            where = self.record_to or Path.cwd()
            self.recording_problem = words.SCRIPT_NOT_SAVED.fill(
                reason=f"{error.strerror or error} ({where})").get(self.language)
            self.notify(self.recording_problem, severity="error", markup=False)
            return None
        self.notify(words.SCRIPT_SAVED.fill(path=str(path)).get(self.language), markup=False)
        return path

    def action_record(self) -> None:
        """The w key: keep the session as a replay script (a tester's: `check_action`)."""
        self.keep_recording()

    def on_unmount(self) -> None:
        if self.record_to is not None:
            self.keep_recording()  # an unfinished session is kept too
        if self._speaker is not None:
            self._speaker.close()

    # -- drawing ----------------------------------------------------------------------------

    def _draw(self, step: Step, previous: Turn | None = None) -> Step:
        screen = self.conversation_screen
        while self.screen is not screen and len(self.screen_stack) > 1:  # a kiosk keeps a screen below
            self.pop_screen()
        if isinstance(step, Prompt):
            screen.show_prompt(step, self.conversation.transcript, previous)
        else:
            from chatbot.screens.outcome import outcome_screen

            screen.show_result(step, self.conversation.transcript)
            outcome = outcome_screen(step, self.flow, emergency_number=self.emergency_number, language=self.language)
            self.dress_outcome(outcome)
            self.clear_notifications()  # an ending's first words (call 911, tell the desk) come uncovered
            self.push_screen(outcome)
        self.screen_shown()
        return step

    def dress_outcome(self, screen) -> None:
        """Set what an outcome screen shows besides the result (`first`, `below`) before it is drawn:
        nothing here; a kiosk adds its own."""


def run_app(flow: Flow, options: UIOptions | None = None, recorder: Recorder | None = None) -> int:
    """`chatbot` with no command: the conversation on `flow`, kept by `recorder` (closed by the
    caller); the exit status."""
    options = options or UIOptions()
    app = SymptomCheckerApp(flow, emergency_number=options.emergency_number, language=options.language,
                            summary_dir=options.summary_dir, theme=options.theme or "default",
                            tester=options.tester or options.record is not None)
    app.record_to = options.record
    app.recorder = recorder
    app.speak_new_screens = options.speak
    parsed_styles.from_disk(app)  # the styles the last run parsed: not parsed again before the first frame
    with StopSignals(named(PLAIN)) as stops:  # the caller then closes the recorder: nothing waiting is lost
        app.stop_signals = stops
        app.run()
    parsed_styles.to_disk(app)
    if app.recording_problem:
        print(app.recording_problem, file=sys.stderr)
    return app.return_code or 0
