"""The kiosk's own screens: the welcome, "Are you still there?", the staff PIN dialog, and what the
desk matches a person by (`IdentifyForm`, alone in `IdentifyScreen` after the first question, or
below the instructions of an emergency).

They only show things and report what was pressed; the kiosk app (`chatbot.kiosk.app`)
decides what happens.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from chatbot.catalog import message
from chatbot.flow.model import Flow
from chatbot.kiosk.rules import NAME_LONGEST, AmbiguousDate, NotReadable, read_identification
from chatbot.kiosk.staff_pin import MAX_DIGITS
from chatbot.widgets import words
from chatbot.widgets.button import Button
from chatbot.widgets.controls import key_label
from chatbot.widgets.field import TextField
from chatbot.widgets.spoken import UNSPOKEN
from chatbot.widgets.typeahead import move_focus

STYLES = Path(__file__).with_name("kiosk.tcss")


def listen_button(language: str, **options) -> Button:
    """Listen (the l key): reads the screen aloud; its own words are not read."""
    classes = " ".join(filter(None, ["listen", UNSPOKEN, options.pop("classes", "")]))
    return Button(key_label(words.LISTEN.get(language), "l"), classes=classes, action="app.listen", **options)


def help_button(language: str, **options) -> Button:
    """A staffed kiosk's "Ask for help" (the h key): where help from a person is (WCAG 3.2.6)."""
    classes = " ".join(filter(None, ["help", UNSPOKEN, options.pop("classes", "")]))
    return Button(key_label(words.HELP.get(language), "h"), classes=classes, action="app.help", **options)


def duration(seconds: float, language: str) -> str:
    """"45 s", "4 min": how long, the way a person says it."""
    if seconds >= 60:
        return words.MINUTES.fill(count=f"{seconds / 60:g}").get(language)
    return words.SECONDS.fill(count=str(max(math.ceil(seconds), 0))).get(language)


class WelcomeScreen(Screen):
    """The flow's welcome, a choice of language and a large Start: what every person sees first."""

    CSS_PATH = STYLES
    SPOKEN = ("#welcome-box",)

    def __init__(self, flow: Flow, language: str, *, help: bool = False) -> None:
        super().__init__(id="welcome")
        self.help = help
        """An "Ask for help" button beside Listen (a staffed kiosk)."""
        self.flow = flow
        self.language = language

    def compose(self) -> ComposeResult:
        """Every word in its place from the start (`show` changes them later): set after the widgets are
        mounted, each would style and lay out again the first frame's (an eighth of its work)."""
        language, welcome = self.language, self.flow.welcome
        with Vertical(id="welcome-box"):
            yield Static(Content(welcome.title.get(language)), id="welcome-title")
            with VerticalScroll(id="welcome-body"):
                yield Static(Content(welcome.body.get(language)), id="welcome-text")
                yield Static(Content(welcome.disclaimer.get(language)), id="welcome-disclaimer")
            with Horizontal(id="languages"):
                for code in self.flow.languages:
                    button = Button(Content(words.LANGUAGES.get(code, code)), id=f"language-{code}",
                                    classes="language -chosen" if code == language else "language")
                    button.spoken_language = code  # "Español" is said in Spanish (WCAG 3.1.2)
                    yield button
                yield listen_button(language, id="welcome-listen")
                if self.help:
                    yield help_button(language, id="welcome-help")
            with Center(id="start-row"):
                yield Button(Content(words.START.get(language)), id="start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#start").focus()

    def show(self, language: str) -> None:
        """Every word in `language`, its button marked as chosen."""
        self.language = language
        welcome = self.flow.welcome
        self.query_one("#welcome-title", Static).update(Content(welcome.title.get(language)))
        self.query_one("#welcome-text", Static).update(Content(welcome.body.get(language)))
        self.query_one("#welcome-disclaimer", Static).update(Content(welcome.disclaimer.get(language)))
        self.query_one("#start", Button).label = Content(words.START.get(language))
        self.query_one("#welcome-listen", Button).label = key_label(words.LISTEN.get(language), "l")
        for button in self.query("#welcome-help"):
            button.label = key_label(words.HELP.get(language), "h")
        for button in self.query(".language"):
            button.set_class(button.id == f"language-{language}", "-chosen")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "start":
            self.app.start_session()
        elif button_id.startswith("language-"):
            self.app.set_language(button_id.removeprefix("language-"))


class StillThereScreen(ModalScreen[None]):
    """Asks whether the person is still there, counting down to the wipe (WCAG 2.2.1).

    Any key, click or tap closes it (the app sees them first); the button is there so
    that a person knows what to do. "More time" (the m key) closes it too and doubles the time
    until the next question (`more`: how long that is); "Listen" (l) reads it aloud and starts
    the count again.
    """

    CSS_PATH = STYLES
    SPOKEN = ("#still-there-box",)
    MORE_KEY = "m"

    def __init__(self, language: str, seconds: float, more: float | None = None) -> None:
        super().__init__(id="still-there")
        self.language = language
        self.seconds = seconds
        self.more = more
        """Seconds "More time" gives before the question comes again (None: no More time to give)."""
        self.answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="still-there-box"):
            yield Static(Content(words.STILL_THERE.get(self.language)), id="still-there-question")
            yield Static(Content(words.STILL_THERE_HINT.get(self.language)), id="still-there-hint")
            yield Static(id="still-there-countdown")
            with Horizontal(id="still-there-buttons"):
                yield Button(Content(words.CONTINUE.get(self.language)), id="still-there-continue",
                             variant="primary")
                if self.more is not None:
                    yield Button(key_label(words.MORE_TIME.fill(time=duration(self.more, self.language))
                                           .get(self.language), self.MORE_KEY), id="still-there-more")
                yield listen_button(self.language, id="still-there-listen")

    def on_mount(self) -> None:
        self.show_remaining(self.seconds)
        self.query_one("#still-there-continue").focus()

    def show_remaining(self, seconds: float) -> None:
        self.seconds = seconds
        shown = str(max(math.ceil(seconds), 0))
        self.query_one("#still-there-countdown", Static).update(
            Content(words.CLEARING_IN.fill(seconds=shown).get(self.language)))

    class StillHere(Message):
        """The person answered: they are still there (`more`: and asked for more time)."""

        def __init__(self, more: bool = False) -> None:
            super().__init__()
            self.more = more

    def on_click(self, event: events.Click) -> None:
        """A tap anywhere but on a button answers (the tap lands here, never on the screen below)."""
        event.stop()
        if not isinstance(event.widget, Button):
            self._answered()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._answered(more=event.button.id == "still-there-more")

    def _answered(self, more: bool = False) -> None:
        if not self.answered:
            self.answered = True
            self.post_message(self.StillHere(more))


STAFF_TITLE = message("Staff only")
STAFF_ASK = message("Type the staff PIN, then press Enter, to leave kiosk mode.")
STAFF_NO_PIN = message("No staff PIN is set, so kiosk mode cannot be left here. "
                       "Set one with the command: chatbot set-staff-pin")
STAFF_WRONG = message("That PIN is not right. You can try again in {seconds} s.")
STAFF_WAIT = message("Please wait {seconds} s before trying again.")
STAFF_LOCKED = message("Too many wrong PINs: the staff PIN is locked. Set it again with: chatbot set-staff-pin")
STAFF_CHECKING = message("Checking…")
STAFF_CUT = message("A PIN has at most {count} digits: only the first {count} were kept.")
STAFF_LEAVE = message("Leave kiosk")
STAFF_BACK = message("Back to the kiosk")


class StaffPinScreen(ModalScreen[None]):
    """For staff only: the PIN that leaves kiosk mode. The app checks it and counts failures."""

    CSS_PATH = STYLES

    def __init__(self, pin_is_set: bool) -> None:
        super().__init__(id="staff-pin")
        self.pin_is_set = pin_is_set

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-pin-box"):
            yield Static(Content(STAFF_TITLE.get(self.app.language)), id="staff-pin-title")
            yield Static(Content((STAFF_ASK if self.pin_is_set else STAFF_NO_PIN).get(self.app.language)),
                         id="staff-pin-ask")
            if self.pin_is_set:
                yield TextField(id="staff-pin-input", password=True, restrict=r"[0-9]*", max_length=MAX_DIGITS)
            yield Static(id="staff-pin-message")
            with Horizontal(id="staff-pin-buttons"):
                if self.pin_is_set:
                    yield Button(Content(STAFF_LEAVE.get(self.app.language)), id="staff-pin-leave", variant="warning")
                yield Button(Content(STAFF_BACK.get(self.app.language)), id="staff-pin-cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#staff-pin-input" if self.pin_is_set else "#staff-pin-cancel").focus()

    def say(self, message: str) -> None:
        self.query_one("#staff-pin-message", Static).update(Content(message))

    @property
    def message(self) -> str:
        return str(self.query_one("#staff-pin-message", Static).render())

    async def _try(self) -> None:
        field = self.query_one("#staff-pin-input", Input)
        pin, field.value = field.value, ""  # the PIN never stays on screen, even hidden
        self.say(STAFF_CHECKING.get(self.app.language))
        message = await self.app.try_staff_pin(pin)
        if message is not None and self.is_attached:
            self.say(message)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self._try()

    def on_text_field_too_long(self, event: TextField.TooLong) -> None:
        event.stop()
        self.say(STAFF_CUT.fill(count=event.limit).get(self.app.language))

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "staff-pin-leave":
            await self._try()
        else:
            self.dismiss()


def date_words(day: date, language: str) -> str:
    """A day with its month in words: "3 February 1980", "3 de febrero de 1980"."""
    from chatbot.formats import date as date_in  # Babel, loaded when a date of birth is shown

    return date_in(day, language)


class IdentifyForm(Vertical):
    """The ticket number, or first name and date of birth, with Send and Skip (#identify-ask,
    #identify-ticket or #identify-name and #identify-born, #identify-message, #identify-send,
    #identify-skip). It reads what was typed and posts `Given`; after that it only says thank you
    (#identify-thanks), never what was typed.

    A date that reads two ways (03/02/1980) is asked again with its month in words: a button for
    each reading (#identify-date-1, #identify-date-2). Enter in the name moves to the date at once,
    so that a date typed right behind it lands there (`chatbot.widgets.typeahead`); no field selects
    its text when the cursor comes to it.
    """

    DEFAULT_CSS = """
    IdentifyForm { height: auto; }
    IdentifyForm #identify-fields { height: auto; }
    IdentifyForm #identify-ask { text-style: bold; margin-bottom: 1; }
    IdentifyForm Input { width: 100%; max-width: 40; }
    IdentifyForm #identify-message { text-style: bold; }
    IdentifyForm #identify-dates { height: auto; display: none; }
    IdentifyForm #identify-dates Button { min-width: 16; height: 3; margin-right: 2; }
    IdentifyForm #identify-buttons { height: auto; margin-top: 1; }
    IdentifyForm #identify-buttons Button { min-width: 16; height: 3; margin-right: 2; }
    IdentifyForm #identify-thanks { text-style: bold; margin: 1 0; }
    """
    BINDINGS = [Binding("enter", "to_born", show=False, priority=True)]

    class Given(Message):
        """The person answered: `identification` as the records keep it, or None for Skip."""

        def __init__(self, identification: dict | None) -> None:
            super().__init__()
            self.identification = identification

    def __init__(self, kind: str, language: str, *, listen: bool = False, help: bool = False,
                 **options) -> None:
        super().__init__(**options)
        self.kind = kind
        self.language = language
        self.help = help
        """An "Ask for help" button too (a staffed kiosk)."""
        self.listen = listen
        """A Listen button beside Send and Skip (on a screen of its own; an emergency's nav row has one)."""
        self.dates: tuple[date, ...] = ()  # the two readings of a date asked again

    def say(self, text) -> Content:
        return Content(text.get(self.language))

    def compose(self) -> ComposeResult:
        with Vertical(id="identify-fields"):
            yield Static(self.say(words.IDENTIFY_TICKET if self.kind == "ticket" else words.IDENTIFY_NAME),
                         id="identify-ask")
            if self.kind == "ticket":
                yield Static(self.say(words.TICKET_LABEL), classes="identify-label")
                yield TextField(id="identify-ticket", max_length=12, select_on_focus=False)
            else:
                yield Static(self.say(words.NAME_LABEL), classes="identify-label")
                yield TextField(id="identify-name", max_length=NAME_LONGEST, select_on_focus=False)
                yield Static(self.say(words.BORN_LABEL), classes="identify-label")
                yield TextField(id="identify-born", max_length=10, restrict=r"[0-9/\-]*", select_on_focus=False)
            yield Static(id="identify-message")
            with Horizontal(id="identify-dates"):
                yield Button("", id="identify-date-1", variant="primary")
                yield Button("", id="identify-date-2", variant="primary")
            with Horizontal(id="identify-buttons"):
                yield Button(self.say(words.SEND), id="identify-send", variant="primary")
                yield Button(self.say(words.SKIP), id="identify-skip")
                if self.help:
                    yield help_button(self.language, id="identify-help")
                if self.listen:
                    yield listen_button(self.language, id="identify-listen")

    def first_field(self) -> Input:
        return self.query_one("#identify-ticket" if self.kind == "ticket" else "#identify-name", Input)

    def _value(self, field: str) -> str:
        found = self.query(f"#identify-{field}")
        return found.first(Input).value if found else ""

    def read(self) -> None:
        """Keep what was typed, or say what to change and put the cursor there (or ask which day)."""
        self._ask_dates(())
        try:
            identification = read_identification(self.kind, ticket=self._value("ticket"),
                                                 name=self._value("name"), born=self._value("born"))
        except AmbiguousDate as either:
            self._ask_dates(either.dates)
            return
        except NotReadable as problem:
            self.query_one("#identify-message", Static).update(self.say(words.NOT_READABLE[problem.field]))
            self.query_one(f"#identify-{problem.field}", Input).focus()
            return
        self._answered(identification)

    def _ask_dates(self, dates: tuple[date, ...]) -> None:
        """Offer each reading of the date typed as a button, its month in words (none: hide them)."""
        self.dates = dates
        self.query_one("#identify-dates").display = bool(dates)
        if dates:
            self.query_one("#identify-message", Static).update(self.say(words.WHICH_DATE))
            for number, day in enumerate(dates, 1):
                self.query_one(f"#identify-date-{number}", Button).label = Content(date_words(day, self.language))
            # The cursor stays in the date: a second Enter, typed in a hurry, never chooses for the person.

    def _answered(self, identification: dict | None) -> None:
        self.post_message(self.Given(identification))
        self.query_one("#identify-fields").remove()  # what was typed leaves the screen with its fields
        if identification is not None:
            self.mount(Static(self.say(words.IDENTIFIED), id="identify-thanks"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_born":  # Enter in the name, the date still empty: on to the date
            focused = self.screen.focused
            return focused is not None and focused.id == "identify-name" and not self._value("born")
        return super().check_action(action, parameters)

    def action_to_born(self) -> None:
        move_focus(self.query_one("#identify-born", Input))

    def on_text_field_too_long(self, event: TextField.TooLong) -> None:
        """A paste cut to the field: said here, under the fields, where the person is looking."""
        event.stop()
        self.query_one("#identify-message", Static).update(self.say(words.CUT.fill(count=str(event.limit))))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.read()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "identify-born" and self.dates:
            self._ask_dates(())  # typed again: the buttons were for the date before

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "identify-send":
            self.read()
        elif button_id.startswith("identify-date-") and self.dates:
            chosen = self.dates[int(button_id.removeprefix("identify-date-")) - 1]
            self._answered(read_identification(self.kind, name=self._value("name"), born=chosen.isoformat()))
        elif button_id == "identify-skip":
            self._answered(None)


class IdentifyScreen(ModalScreen[None]):
    """`IdentifyForm` on its own, once, right after the first question; the app closes it at `Given`."""

    CSS_PATH = STYLES
    SPOKEN = ("#identify-box",)
    BINDINGS = [Binding("l", "app.listen", "Listen", show=False),  # a modal screen hides the app's own keys
                Binding("h", "app.help", "Ask for help", show=False)]

    def __init__(self, kind: str, language: str, *, help: bool = False) -> None:
        super().__init__(id="identify")
        self.kind = kind
        self.language = language
        self.help = help

    def compose(self) -> ComposeResult:
        yield IdentifyForm(self.kind, self.language, listen=True, help=self.help, id="identify-box")

    def on_mount(self) -> None:
        self.query_one(IdentifyForm).first_field().focus()
