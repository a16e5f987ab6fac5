"""The small screens: the confirmation before starting again, and the nurse's summary."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from chatbot.widgets import words
from chatbot.widgets.button import Button
from chatbot.widgets.controls import key_label
from chatbot.widgets.spoken import UNSPOKEN


def listen_button(language: str, button_id: str, **options) -> Button:
    """Listen (the l key): reads the dialog aloud; its own words are not read."""
    return Button(key_label(words.LISTEN.get(language), "l"), id=button_id, classes=f"listen {UNSPOKEN}",
                  action="app.listen", **options)


STYLES = Path(__file__).resolve().parent


class ConfirmRestart(ModalScreen[bool]):
    """Asks before every answer is cleared; dismissed with True to start again.

    The same question box asks before quitting mid-conversation (`question`, `yes`).
    """

    CSS_PATH = STYLES / "dialogs.tcss"
    SPOKEN = ("#confirm-box",)
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape,b", "answer(False)", "No", show=False),
        Binding("l", "app.listen", "Listen", show=False),  # a modal screen hides the app's own keys
    ]

    def __init__(self, language: str, question=words.CONFIRM_RESTART, yes=words.CONFIRM_YES) -> None:
        super().__init__(id="confirm")
        self.language = language
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Content(self.question.get(self.language)), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(key_label(self.yes.get(self.language), "y"), id="confirm-yes",
                             variant="warning")
                yield Button(key_label(words.CONFIRM_NO.get(self.language), "n"), id="confirm-no",
                             variant="primary")
                yield listen_button(self.language, "confirm-listen")

    def on_mount(self) -> None:
        self.query_one("#confirm-no").focus()  # the safe choice is the default

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")


class SummaryScreen(Screen):
    """Every question, the answer as given and the finding, the level and its reasons; saved by a key."""

    CSS_PATH = STYLES / "dialogs.tcss"
    SPOKEN = ("#summary-title", "#summary-scroll")
    BINDINGS = [
        Binding("s,ctrl+s", "save", "Save", show=False),
        Binding("escape,b,c", "close", "Close", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, text: str, language: str) -> None:
        super().__init__(id="summary")
        self.text = text
        self.language = language
        self.saved_to: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(words.SUMMARY_TITLE.get(self.language)), id="summary-title")
        with VerticalScroll(id="summary-scroll"):
            yield Static(Content(self.text), id="summary-text")
        yield Static(id="summary-saved")
        with Horizontal(id="nav", classes=f"nav {UNSPOKEN}"):
            yield Button(key_label(words.SAVE.get(self.language), "s"), id="summary-save", compact=True)
            yield Button(key_label(words.CLOSE.get(self.language), words.KEY_ESCAPE.get(self.language)), id="summary-close", compact=True)
            yield listen_button(self.language, "summary-listen", compact=True)

    def on_mount(self) -> None:
        self.query_one("#summary-scroll").focus()

    def action_save(self) -> None:
        try:
            path = self.app.save_summary(self.text)
        except OSError as error:
            message = words.NOT_SAVED.fill(reason=error.strerror or str(error)).get(self.language)
            self.query_one("#summary-saved", Static).set_class(True, "-failed")
        else:
            self.saved_to = str(path)
            message = words.SAVED.fill(path=str(path)).get(self.language)
            self.query_one("#summary-saved", Static).set_class(False, "-failed")
        self.query_one("#summary-saved", Static).update(Content(message))

    def action_close(self) -> None:
        self.dismiss()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "summary-save":
            self.action_save()
        else:
            self.action_close()
