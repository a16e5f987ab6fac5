"""The outcome screens: emergency (red), urgent (amber), routine (the guidance), each saying why."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from chatbot.engine import Result
from chatbot.flow.model import Flow
from chatbot.flow.text import printable
from chatbot.summary import phone_line
from chatbot.widgets import words
from chatbot.widgets.spoken import UNSPOKEN
from chatbot.screens.conversation import NAV_BINDINGS, nav_bar

STYLES = Path(__file__).resolve().parent
DIGITS = re.compile(r"^[0-9 +\-]{1,16}$")  # what the Digits widget can draw large


def bullets(items: list[str], widget_id: str) -> Vertical:
    """A list with hanging indents: each item a row of a bullet and its (wrapped) words."""
    return Vertical(*(Horizontal(Static("•", classes="bullet-mark"), Static(Content(item), classes="bullet-text"),
                                 classes="bullet") for item in items), id=widget_id, classes="bullets")


def why_items(result: Result, language: str) -> list[str]:
    """The answers that led to the result: "question → answer"."""
    return [f"{turn.question.text.get(language)}  →  {printable(turn.shown)}" for turn in result.because]


class OutcomeScreen(Screen):
    """Shared by the three levels: the result, why, and the way back or to the summary.

    The app that shows it may set, before it is pushed: `first` (words shown first and largest,
    #tell-desk: a staffed kiosk's "Tell the staff at the desk now", or on an urgent ending "Before
    you leave, tell the staff at the desk"), `below` (a widget shown below the instructions: a
    kiosk's identification form) and `at_clinic` (the person is already at the clinic: a staffed
    kiosk; an emergency then shows its outcome's `at_clinic` words and what to tell the staff).
    """

    first: Content | None = None
    below: Widget | None = None
    at_clinic: bool = False

    CSS_PATH = STYLES / "outcome.tcss"
    BINDINGS = [*NAV_BINDINGS, Binding("d", "done", "Done", show=False)]
    SPOKEN = ("#outcome-body",)
    """What Listen reads (`chatbot.widgets.spoken`): everything above the nav row, in its order: on an
    emergency the instructions come first."""

    def __init__(self, result: Result, flow: Flow, *, emergency_number: str, language: str) -> None:
        super().__init__(id="outcome", classes=result.level)
        self.result = result
        self.flow = flow
        self.level = result.level
        self.emergency_number = emergency_number
        self.language = language

    def text(self, text) -> Content:
        """Flow text with the emergency number filled in, shown as it is (never as markup)."""
        return Content(text.fill(emergency_number=self.emergency_number).get(self.language))

    def words(self, text, **values: str) -> Content:
        return Content(text.fill(**values).get(self.language))

    def why(self) -> ComposeResult:
        yield Static(self.words(words.WHY), id="why-title", classes="heading")
        if self.result.because:
            yield bullets(why_items(self.result, self.language), "why")
        else:
            yield Static(self.words(words.WHY_NOTHING), id="why")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="outcome-body"):
            yield from self.body()
        yield Static(id="outcome-quiet", classes=UNSPOKEN)
        yield from nav_bar(self.language, self.app.OUTCOME_NAV)

    def say_quietly(self, text: str) -> None:
        """A line about the machine, not the person (the records are away, or back), in the ending's own
        quiet line above its buttons (#outcome-quiet): it takes a line from the ending, never lies over its
        words as a notice would."""
        quiet = self.query_one("#outcome-quiet", Static)
        quiet.update(Content(text))
        quiet.display = True

    def body(self) -> ComposeResult:
        yield Static(self.text(self.result.outcome.title), id="outcome-title")
        yield Static(self.text(self.result.outcome.text), id="outcome-text")
        yield from self.why()

    def on_mount(self) -> None:
        self.focus_start()

    def first_words(self) -> ComposeResult:
        if self.first is not None:
            yield Static(self.first, id="tell-desk")

    def focus_start(self) -> None:
        self.query_one("#outcome-body").focus()

    def action_done(self) -> None:
        """Finished: only where the app offers "done" (a kiosk), which then wipes the session."""
        if "done" in self.app.OUTCOME_NAV:
            self.app.action_done()


class EmergencyScreen(OutcomeScreen):
    """The whole screen red: the flow's words (call now, or go to the emergency department), what to say.

    At the clinic (a staffed kiosk) the outcome's `at_clinic` words: tell the staff now, call the
    number if nobody comes within a minute, and what to tell the staff. No control that can have
    the focus wipes this screen: the kiosk's Done is for a tap or its key, never for Enter on a
    focus that landed there.
    """

    def body(self) -> ComposeResult:
        number = self.emergency_number
        title, text = self.result.outcome.words(self.at_clinic)
        yield from self.first_words()
        yield Static(self.text(title), id="outcome-title")
        if DIGITS.match(number) and not self.at_clinic:
            from textual.widgets import Digits

            yield Digits(number, id="emergency-digits", classes=UNSPOKEN)  # the title says the number
        yield Static(self.text(text), id="outcome-text")
        line = phone_line(self.result, self.language)
        if line:
            heading = words.SAY_TO_STAFF if self.at_clinic else words.SAY_ON_PHONE
            yield Static(self.words(heading), id="say-title", classes="heading")
            yield Static(Content(f"“{line}”"), id="say-line")
        if self.below is not None:
            yield self.below
        yield from self.why()

    def on_mount(self) -> None:
        for done in self.query("#done"):
            done.can_focus = False
        super().on_mount()


class UrgentScreen(OutcomeScreen):
    """Amber: the flow's one instruction (call the care team now), and the reasons."""

    def body(self) -> ComposeResult:
        yield from self.first_words()
        yield Static(self.text(self.result.outcome.title), id="outcome-title")
        yield Static(self.text(self.result.outcome.text), id="outcome-text")
        reasons = list(dict.fromkeys(rule.reason.get(self.language) for rule in self.result.reasons))
        if reasons:
            yield Static(self.words(words.REASONS), id="reasons-title", classes="heading")
            yield bullets(reasons, "reasons")
        yield from self.why()


class RoutineScreen(OutcomeScreen):
    """Nothing that needs a call today: the guidance to browse, each topic ending with the safety net."""

    SPOKEN = ("#outcome-head", "#guidance-scroll")
    """The outcome, then the topic shown (the list of topics is for moving between them)."""

    def compose(self) -> ComposeResult:
        from chatbot.widgets.guidance import GuidanceBrowser  # Markdown loads only when needed

        with VerticalScroll(id="outcome-head"):
            yield from self.body()
        yield GuidanceBrowser(self.flow, emergency_number=self.emergency_number, language=self.language,
                              id="guidance")
        yield Static(id="outcome-quiet", classes=UNSPOKEN)
        yield from nav_bar(self.language, self.app.OUTCOME_NAV)

    def focus_start(self) -> None:
        self.query_one("#guidance-topics").focus()


SCREENS = {"emergency": EmergencyScreen, "urgent": UrgentScreen, "routine": RoutineScreen}


def outcome_screen(result: Result, flow: Flow, *, emergency_number: str, language: str) -> OutcomeScreen:
    return SCREENS.get(result.level, OutcomeScreen)(result, flow, emergency_number=emergency_number,
                                                     language=language)
