"""The answer controls, one kind per question kind, each ending in an `Answered(typed)` message.

Every control answers with the words a person could have typed ("yes", "2, 5",
"38.2") so the engine reads a click exactly like a keystroke: the UI never decides
what an answer means.

A control keeps what it shows as data (`question`, `chosen`, `labels`) and draws
it once mounted: the conversation screen mounts only the kind its first question
needs before the first frame, and the others just after, which halves start-up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from chatbot.flow.kinds import QuestionKind
from chatbot.flow import phrases
from chatbot.flow.model import Question

from chatbot.flow.text import Text, printable
from chatbot.widgets import words
from chatbot.widgets.button import Button
from chatbot.widgets.chat import Flowing
from chatbot.widgets.field import TextField
from chatbot.widgets.kept import KeptLines
from chatbot.widgets.sized import SizedByLayout

if TYPE_CHECKING:
    from chatbot.catalog import Message as CatalogMessage

TEMPERATURE_MAX_LENGTH = 40  # "I have not measured it" fits; no reading needs more
CHOICE_TYPED_MAX_LENGTH = 80  # words of a choice, or a few of them

YES_NO_ANSWERS = {"answer-yes": "yes", "answer-no": "no", "answer-unsure": "not sure"}


class Answered(Message):
    """The person gave an answer, as the words the engine should read."""

    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed


class Refused(Message):
    """The control cannot take that (nothing chosen, no such number): the screen shows `text`.

    `None` clears the problem once the person does something the control can take.
    """

    def __init__(self, text: Text | None) -> None:
        super().__init__()
        self.text = text


def key_label(label: str, key: str) -> Content:
    """A button label with its key: "Yes  y" (the key in plain weight: dimmed, it fell below WCAG's 4.5:1)."""
    return Content.assemble(label, ("  " + key, "not bold"))


class Drawn:
    """A control that draws its data once its own widgets exist (they may be mounted later)."""

    ready = False
    question: Question | None = None
    language = "en"
    _focus_wanted: str | None = None

    def on_mount(self) -> None:
        self._become_ready()

    def _become_ready(self) -> None:
        """Draw now if the composed children are mounted; on a busy machine they may come a frame later."""
        try:
            self.draw()
        except NoMatches:
            self.call_after_refresh(self._become_ready)
            return
        self.ready = True
        if self._focus_wanted is not None:
            self.focus_answer(self._focus_wanted)

    def redraw(self) -> None:
        if self.ready:
            self.draw()

    def forget(self) -> None:
        """Drop what the person gave (ticks, typed text); the next `show` starts blank."""
        self.question = None

    def draw(self) -> None:
        raise NotImplementedError

    typed = ""

    def keep_typed(self, event: Input.Changed, limit: int) -> bool:
        """Keep what a field holds as `typed`, printable and cut at `limit`; False when the field had
        more and is set to that (its own change comes next)."""
        clean = printable(event.value, limit)
        self.typed = clean
        if clean != event.value:
            event.input.value = clean  # pasted control characters never stay
            return False
        return True

    def focus_answer(self, which: str = "first") -> None:
        """Focus the first control (or the one for `which`), now or once mounted."""
        if not self.ready:
            self._focus_wanted = which
            return
        self._focus_wanted = None
        self._focus(which)

    def _focus(self, which: str) -> None:
        raise NotImplementedError


def drawn(screen: Widget) -> bool:
    """`screen` is composed and each of its `Drawn` controls has drawn its data: what it shows can be
    read (aloud, by a test), not the blank buttons of its compose."""
    return screen.is_mounted and all(widget.ready for widget in screen.walk_children() if isinstance(widget, Drawn))


class _ShownKey(NamedTuple):
    """A yes/no button's key as a value for a message: its letter or number in each language."""

    index: int

    def get(self, language: str) -> str:
        return YesNoControls.key_in(self.index, language)


class YesNoControls(Drawn, KeptLines, SizedByLayout, Horizontal):
    """Large Yes / No / Not sure buttons, also answered with the keys y, n and u, or 1, 2 and 3.

    Each button shows the key that fits its word in the person's language: "Yes  y",
    but "Sí  1", since no Spanish answer starts with y and two start with n. (s also answers Sí,
    unshown: `ConversationScreen.check_action`.) The row's own lines (the background between the buttons)
    are kept for its size (`KeptLines`).
    """

    KEYS = (("answer-yes", words.YES, "y"), ("answer-no", words.NO, "n"), ("answer-unsure", words.NOT_SURE, "u"))
    LETTER_KEYS = ("en",)  # languages whose words start with y, n and u
    labels: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        for button_id, _, _ in self.KEYS:
            yield Button("", id=button_id, classes="answer")  # its words come with `draw`

    def show(self, question: Question, language: str, *, confirming: bool = False) -> None:
        """Yes and No (and Not sure for a yes / no / not sure question); only Yes and No when
        `confirming` the question's last answer ("Did you mean …?")."""
        self.question, self.language = question, language
        count = 3 if question.kind == QuestionKind.YES_NO_UNSURE and not confirming else 2
        self.labels = tuple(label.get(language) for _, label, _ in self.KEYS[:count])
        self.redraw()

    _drawn: tuple = ()

    def draw(self) -> None:
        if self._drawn == (self.labels, self.language):
            return  # the same buttons: nothing to redraw
        same_words = bool(self._drawn) and self._drawn[1] == self.language  # Not sure shown or hidden, no more
        buttons = [self.query_one(f"#{button_id}", Button) for button_id, _, _ in self.KEYS]  # NoMatches: not yet
        for index, (button, (_, label, key)) in enumerate(zip(buttons, self.KEYS)):
            if not same_words:
                button.label = key_label(label.get(self.language), self.key_in(index, self.language))
            if button.display != (index < len(self.labels)):
                button.display = index < len(self.labels)
        self._drawn = (self.labels, self.language)  # only once drawn: a try before the buttons came is no draw

    @classmethod
    def key_in(cls, index: int, language: str) -> str:
        """The key shown on button `index` in `language`: its letter where the words start with it, else its number."""
        return cls.KEYS[index][2] if language in cls.LETTER_KEYS else str(index + 1)

    def keys_hint(self) -> CatalogMessage:
        """Which keys answer, as the buttons show them: "Typing does not answer this question. Press y for Yes …"."""
        return words.TYPING_DOES_NOT_ANSWER.fill(yes_key=_ShownKey(0), no_key=_ShownKey(1), yes=words.YES, no=words.NO)

    def has(self, button_id: str) -> bool:
        return button_id in [button_id for button_id, _, _ in self.KEYS[:len(self.labels)]]

    def _focus(self, which: str) -> None:
        self.query_one(f"#{which}" if which != "first" else "#answer-yes").focus()

    def answer_for(self, button_id: str) -> str | None:
        """The words a button (or its key) answers with, if that button is shown: its own words in the
        person's language ("Sí"), kept as what they gave, so the desk never reads `typed: "yes"` beside
        a Sí; the English word in a language the answer reader does not know (the pseudo-locale)."""
        if not self.has(button_id):
            return None
        if self.language not in phrases.LANGUAGES:
            return YES_NO_ANSWERS[button_id]
        return next(label for each, label, _ in self.KEYS if each == button_id).get(self.language)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(Answered(self.answer_for(event.button.id) or YES_NO_ANSWERS[event.button.id]))


class ChoiceItem(Flowing, can_focus=True):
    """One numbered choice: click it, press its number, or focus it and press Space."""

    BINDINGS = [
        Binding("space", "pick", show=False),
        Binding("enter", "enter", show=False),
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    class Picked(Message):
        def __init__(self, number: int, send: bool = False) -> None:
            super().__init__()
            self.number = number
            self.send = send

    def __init__(self, number: int) -> None:
        super().__init__(id=f"choice-{number}", classes="choice")
        self.number = number
        self.multiple = False
        self._shown: tuple[str, bool, bool] | None = None

    def set(self, label: str, *, multiple: bool, selected: bool) -> None:
        """Show `label`, ticked or not: nothing is redrawn when nothing changed, and a tick alone (the same
        words, the same width) is repainted without a layout, so a tick is drawn in the next frame."""
        shown = (label, multiple, selected)
        if shown == self._shown:
            return
        same_size = self._shown is not None and self._shown[:2] == shown[:2]
        self._shown = shown
        self.multiple = multiple
        self.set_class(selected, "-selected")
        parts: list = [(f"{self.number:>2} ", "bold")]
        if multiple:
            parts.append("[✓] " if selected else "[ ] ")
        parts.append(Content(label))
        self.update(Content.assemble(*parts), layout=not same_size)

    def on_click(self) -> None:
        self.post_message(self.Picked(self.number))

    def action_pick(self) -> None:
        self.post_message(self.Picked(self.number))

    def action_enter(self) -> None:
        self.post_message(self.Picked(self.number, send=self.multiple))


class ChoiceControls(Drawn, SizedByLayout, Vertical):
    """Numbered choices: one is picked at once, or several are ticked and then sent.

    Ticking a "none of these" choice clears the others, and says which it cleared (never
    silently: the person may have meant them); ticking another clears it, because the two
    cannot go together. Beside Send, a field takes the choice in words ("headache"): what
    is typed there is sent with the ticks, and the engine reads it (words that fit a
    choice only in part are confirmed first).
    """

    def __init__(self, most: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.most = most
        self.chosen: set[int] = set()
        self.typed = ""

    def compose(self) -> ComposeResult:
        for number in range(1, self.most + 1):
            yield ChoiceItem(number)
        with Horizontal(id="choice-row"):
            yield TextField(id="choice-typed", max_length=CHOICE_TYPED_MAX_LENGTH)  # a longer paste is cut, and said
            yield Button("", id="choice-send", classes="send")

    @property
    def multiple(self) -> bool:
        return self.question is not None and self.question.kind == QuestionKind.MULTIPLE_CHOICE

    def forget(self) -> None:
        super().forget()
        self.chosen = set()
        self.typed = ""
        if self.ready:
            self.query_one("#choice-typed", Input).value = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(option.label.get(self.language) for option in self.question.options) if self.question else ()

    @property
    def selected(self) -> tuple[int, ...]:
        return tuple(sorted(self.chosen))

    def show(self, question: Question, language: str, selected: tuple[int, ...] = (), *, same: bool = False) -> None:
        """Ask `question`; `same` keeps the words typed in the field (the question is asked again)."""
        if not same:
            self.typed = ""
        self.question, self.language = question, language
        self.chosen = set(selected) if question.kind == QuestionKind.MULTIPLE_CHOICE else set()
        self.redraw()

    def draw(self) -> None:
        options = self.question.options if self.question else ()
        for item in self.query(ChoiceItem):
            item.display = item.number <= len(options)
            if item.display:
                item.set(options[item.number - 1].label.get(self.language), multiple=self.multiple,
                         selected=item.number in self.chosen)
        field = self.query_one("#choice-typed", Input)
        field.placeholder = words.CHOICE_TYPED_PLACEHOLDER.get(self.language)
        if field.value != self.typed:
            field.value = self.typed
        send = self.query_one("#choice-send", Button)
        send.label = key_label(words.SEND.get(self.language), words.KEY_ENTER.get(self.language))

    def _focus(self, which: str) -> None:
        number = int(which) if which.isdecimal() else 1
        self.query_one(f"#choice-{number}").focus()

    def pick(self, number: int) -> None:
        """Pick choice `number` (1-based): answer a single choice, toggle a multiple one."""
        if self.question is None:
            return
        options = self.question.options
        if not 1 <= number <= len(options):
            self.post_message(Refused(phrases.CHOICE_OUT_OF_RANGE.fill(number=str(number), count=str(len(options)))))
            return
        self.post_message(Refused(None))
        if not self.multiple:
            self.post_message(Answered(str(number)))
            return
        if number in self.chosen:
            self.chosen.discard(number)
        else:
            exclusive = options[number - 1].none
            unticked = sorted(n for n in self.chosen if exclusive or options[n - 1].none)
            self.chosen = (self.chosen - set(unticked)) | {number}
            if exclusive and unticked:  # never silently: say which ticks "None of these" took off
                self.post_message(Refused(words.NONE_UNTICKED.fill(
                    none=options[number - 1].label,
                    ticks=Text({code: "; ".join(options[n - 1].label.get(code) for n in unticked)
                                for code in options[number - 1].label.by_language}))))
        self.redraw()

    def send(self) -> None:
        """Send the ticked choices and the words typed, or say that one must be chosen first."""
        typed = self.typed.strip()
        given = [str(number) for number in self.selected] if self.multiple else []
        if typed:
            given.append(typed)
        if given:
            self.post_message(Answered(", ".join(given)))
        else:
            self.post_message(Refused(words.CHOOSE_FIRST))

    def on_choice_item_picked(self, event: ChoiceItem.Picked) -> None:
        event.stop()
        if event.send:
            self.send()
        else:
            self.pick(event.number)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.keep_typed(event, CHOICE_TYPED_MAX_LENGTH)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.send()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.send()


READING = re.compile(r"\d{2,3}(?:[.,]\d)?(?:\s?°?\s?[CF](?![^\W\d_]))?")
"""A temperature written in a question's help: "37.2", "99.0 F", "38,2 °C"."""


def temperature_placeholder(question: Question | None, language: str) -> str:
    """The field's example: the readings the question's help gives (the two never disagree), else ours."""
    helped = question.help.get(language) if question is not None and question.help is not None else ""
    readings = READING.findall(helped)[:2]
    if len(readings) == 2:
        return words.TEMPERATURE_PLACEHOLDER.fill(first=readings[0], second=readings[1]).get(language)
    if readings:
        return words.FOR_EXAMPLE.fill(example=readings[0]).get(language)
    return words.TEMPERATURE_PLACEHOLDER.fill(first="37.5", second="99.5 F").get(language)


class TemperatureControls(Drawn, SizedByLayout, Vertical):
    """A field for a reading in °C or °F that says what it understood, and "not measured"."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="temperature-row"):
            yield TextField(id="temperature-input", max_length=TEMPERATURE_MAX_LENGTH, too_long="refuse")
            yield Button("", id="temperature-send", classes="send")
        yield Static(id="temperature-understood")
        yield Button("", id="temperature-not-measured")

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.not_measured,)

    def forget(self) -> None:
        super().forget()
        self.typed = ""
        if self.ready:
            self.query_one("#temperature-input", Input).value = ""

    @property
    def not_measured(self) -> str:
        if self.question is not None and self.question.not_measured is not None:
            return self.question.not_measured.get(self.language)
        return phrases.NOT_MEASURED.get(self.language)

    def show(self, question: Question, language: str, typed: str | None = None) -> None:
        """Ask `question`; `typed` replaces what is in the field (kept when None)."""
        self.question, self.language = question, language
        if typed is not None:
            self.typed = printable(typed, TEMPERATURE_MAX_LENGTH)
        self.redraw()

    def draw(self) -> None:
        field = self.query_one("#temperature-input", Input)
        field.placeholder = temperature_placeholder(self.question, self.language)
        if field.value != self.typed:
            field.value = self.typed
        self.query_one("#temperature-send", Button).label = key_label(words.SEND.get(self.language), words.KEY_ENTER.get(self.language))
        self.query_one("#temperature-not-measured", Button).label = Content(self.not_measured)
        self._understand(self.typed)
        self._watch_field()

    def _focus(self, which: str) -> None:
        self.query_one("#temperature-input").focus()

    def _understand(self, typed: str) -> None:
        """Say what the reading is read as, while it is typed: exactly what Enter takes (the engine's
        own reader), and nothing when Enter would ask again. The line is one row high whatever it
        says (tui.tcss): no layout."""
        from chatbot.flow.answers import understood  # the engine's reader, imported with its first use

        reading = understood(self.question, typed) if self.question is not None else None
        line = words.UNDERSTOOD.fill(reading=reading).get(self.language) if reading is not None else ""
        shown = self.query_one("#temperature-understood", Static)
        if str(shown.content) != line:
            shown.update(Content(line), layout=False)

    _watching = False

    def _watch_field(self) -> None:
        """The live line follows the field's value as it changes, in the same update as the field (the
        field's Changed message would come a turn later: after a frame that shows the digit alone)."""
        if not self._watching:
            self._watching = True
            self.watch(self.query_one("#temperature-input", Input), "value", self._value_changed, init=False)

    def _value_changed(self, value: str) -> None:
        clean = printable(value, TEMPERATURE_MAX_LENGTH)
        if clean == value:  # otherwise the field is set to the clean value (`on_input_changed`): read then
            self._understand(clean)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.keep_typed(event, TEMPERATURE_MAX_LENGTH)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(Answered(self.typed))

    def on_text_field_too_long(self, event: TextField.TooLong) -> None:
        """A paste longer than any reading is not a reading: asked again, the field as it was."""
        event.stop()
        self.post_message(Refused(phrases.TOO_LONG))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "temperature-not-measured":
            self.post_message(Answered(self.not_measured))
        else:
            self.post_message(Answered(self.typed))
