"""The conversation screen: progress on top, the chat, the current question and its controls."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.content import Content
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

from chatbot.flow.kinds import QuestionKind
from chatbot.engine import Progress, Prompt, Result, Turn
from chatbot.flow.model import Flow, Question
from chatbot.flow.text import Text
from chatbot.widgets import words
from chatbot.widgets.button import Button
from chatbot.widgets.chat import ChatLog, Flowing
from chatbot.widgets.kept import KeptLines
from chatbot.widgets.sized import SizedByLayout
from chatbot.widgets.spoken import UNSPOKEN
from chatbot.widgets.controls import (Answered, ChoiceControls, ChoiceItem, Refused, TemperatureControls,
                                      YesNoControls, key_label)
from chatbot.screens.leftovers import Answering
from chatbot.screens.strays import SAY_KEYS, StrayTyping

BAR_WIDTH = 20
NARROW, NARROW_BAR = 60, 6
"""Narrower than 60 columns (a phone's browser), the progress bar is 6 wide: the topic is read first."""
MOUNT_LATER = 0.15  # seconds after the first frame: the other kinds of controls are mounted then

NAV_BINDINGS = [
    Binding("b,escape", "app.back", "Back", show=False),
    Binding("r", "app.restart", "Start again", show=False),
    Binding("s", "app.summary", "Summary", show=False),
    Binding("w", "app.record", "Save script", show=False),
    Binding("q", "app.quit", "Quit", show=False),
]
NAV_BUTTONS = (("done", words.DONE, "d"), ("back", words.BACK, "b"), ("restart", words.RESTART, "r"),
               ("summary", words.SUMMARY, "s"), ("record", words.RECORD, "w"), ("quit", words.QUIT, "q"),
               ("help", words.HELP, "h"), ("listen", words.LISTEN, "l"))
"""The nav row's buttons in their order (Listen last: its key, not typed in a field, comes and goes with
the focus, and nothing else moves when it does)."""


KEY_ROOM = len("  b")
"""The cells a nav button's key takes beside its words (a letter), counted whether it is shown or not."""


class NavBar(KeptLines, Horizontal):
    """The row of small buttons at the bottom, in two rows when its labels are wider than the screen
    (a tester's five buttons in a language longer than English: the pseudo-locale walk found it). Its
    own lines (the background between the buttons) are kept for its size (`KeptLines`)."""

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        buttons = [button for button in self.query(Button) if button.display]
        # each label's words with room for the longest key it may name ("  Esc"), whether or not it
        # names one now: the keys come and go with the focus, and a row that changed its shape
        # under the pointer lost the click that moved the focus (Back from the temperature field);
        # a compact button's cell either side and its margin; the row's own padding
        wanted = sum(Content(str(button.label).split("  ")[0]).cell_length + KEY_ROOM + 3 for button in buttons) + 2
        wanted += len("Esc") - 1 if any(button.id == "back" for button in buttons) else 0  # Back's key in a field
        self.set_class(bool(self.size.width) and wanted > self.size.width, "-two-rows")


def nav_bar(language: str, shown: tuple[str, ...]) -> ComposeResult:
    """The row of small buttons every screen ends with (those `shown`); each names its key. Its words
    are not read aloud with the screen's (`chatbot.widgets.spoken`)."""
    with NavBar(id="nav", classes=f"nav {UNSPOKEN}"):
        for button_id, label, key in NAV_BUTTONS:
            if button_id in shown:
                yield Button(key_label(label.get(language), key), id=button_id, action=f"app.{button_id}",
                             compact=True)


def progress_bar(progress: Progress, width: int = BAR_WIDTH) -> Content:
    return bar_of(progress.fraction, width)


def bar_of(fraction: float, width: int) -> Content:
    done = round(fraction * width)
    return Content.assemble(("━" * done, "bold"), "─" * (width - done))  # thick done, thin to go: both 3:1


def control_kind(question: Question) -> str:
    return {QuestionKind.YES_NO: "yes-no", QuestionKind.YES_NO_UNSURE: "yes-no",
            QuestionKind.TEMPERATURE: "temperature"}.get(question.kind, "choices")


class ProgressLine(KeptLines, Widget):
    """The topic on the left ("Part 2 of 5: Fever and infection"), how far along on the right.

    One line, drawn as one strip (Textual's line API) and kept until the words, the width or the
    style change: an answer changes it, and the general path for a widget's content cost as much as
    drawing the twenty lines of the chat. Its finished line is kept for the last few words shown
    (`KeptLines`): an answer and its Back show the same two again."""

    DEFAULT_CSS = "ProgressLine { height: 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.topic = ""
        self.bar = Content("")
        self._strip: tuple[tuple, Strip] | None = None

    def show(self, topic: str, bar: Content) -> None:
        if topic == self.topic and bar.plain == self.bar.plain:
            return
        self.topic, self.bar = topic, bar
        self.refresh()

    def look(self):
        return (self.topic, self.bar.plain, super().look())

    def render(self) -> Content:
        bar = self.bar
        if self.size.width < NARROW and bar.cell_length > NARROW_BAR:  # a phone: the topic's words come first
            bar = bar_of(bar.plain.count("━") / bar.cell_length, NARROW_BAR)
        room = max(self.size.width - bar.cell_length - 2, 0)
        topic = Content(self.topic).truncate(room, ellipsis=True).stylize("bold")
        gap = max(self.size.width - topic.cell_length - bar.cell_length, 1)
        return Content.assemble(topic, " " * gap, bar)

    def render_line(self, y: int) -> Strip:
        width, style = self.size.width, self.visual_style
        if y:
            return Strip.blank(width, style.rich_style)
        shown = (self.topic, self.bar.plain, width, style)
        if self._strip is None or self._strip[0] != shown:
            content = self.render()
            line = Strip(content.render_segments(style), content.cell_length)
            self._strip = (shown, line.extend_cell_length(width, style.rich_style).crop(0, width).apply_offsets(0, 0))
        return self._strip[1]


class AskPanel(KeptLines, SizedByLayout, Vertical):
    """The question, a problem with the answer and the controls, under the chat (`#ask`); its own lines
    (its edge and background) are kept for its size (`KeptLines`)."""


class ConversationScreen(Screen):
    """Asks the current question; holds no triage logic, only what the engine returned."""

    SPOKEN = ("#ask",)
    """What Listen reads (`chatbot.widgets.spoken`): the question, its help, a problem, its choices."""

    # Textual's `Screen.focused` repaints the whole screen whenever the focus moves, in a second
    # update after the one that draws the change (a third of a press's time): the widgets that gain
    # and lose the focus repaint themselves (their :focus styles), which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("y", "yes_no('answer-yes')", "Yes", show=False),
        Binding("n", "yes_no('answer-no')", "No", show=False),
        Binding("u", "yes_no('answer-unsure')", "Not sure", show=False),
        Binding("s", "yes_no('answer-yes', 's')", "Sí", show=False),  # before a tester's s (`NAV_BINDINGS`)
        *[Binding(str(number), f"pick({number})", show=False) for number in range(1, 10)],
        Binding("enter", "send", "Send", show=False),
        *NAV_BINDINGS,
    ]

    def __init__(self, flow: Flow, language: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.language = language
        self.prompt: Prompt | None = None
        self.error: str | None = None
        self.strays = StrayTyping()
        self._asked: tuple[Question, str] | None = None
        self.when_ready: Callable[[], None] | None = None
        most = max((len(q.options) for q in flow.questions.values()), default=1)
        self.kinds: dict[str, Widget] = {
            "yes-no": YesNoControls(id="yes-no", classes="controls"),
            "choices": ChoiceControls(most, id="choices", classes="controls"),
            "temperature": TemperatureControls(id="temperature", classes="controls"),
        }
        # The widgets a press changes, held from the start: a query for each at every press was a tenth
        # of what an answer's own code cost.
        self.progress_line = ProgressLine(id="progress")
        self.chat = ChatLog(id="chat")
        self.ask = AskPanel(id="ask")
        self.question_words = Flowing(id="question")
        self.confirm_words = Flowing(id="confirm")
        self.error_words = Static(id="error")

    def compose(self) -> ComposeResult:
        yield self.progress_line
        yield self.chat
        with self.ask:
            yield self.question_words
            yield self.confirm_words
            yield self.error_words
            start = self.flow.questions.get(self.flow.start)
            if start is not None:  # only the controls of the first question, before the first frame
                yield self.kinds[control_kind(start)]
        yield from nav_bar(self.language, self.app.NAV)

    def on_mount(self) -> None:
        self._show_welcome()
        if self.when_ready is not None:
            self.when_ready()  # now, so that the first frame already asks the first question
        # Soon, but not while the first frame is still being written out to the terminal.
        self.set_timer(MOUNT_LATER, self._mount_all_controls)

    def _mount_all_controls(self) -> None:
        """The other kinds of controls, mounted hidden once the first frame is out."""
        ask = self.ask
        later = [control for control in self.kinds.values() if control.parent is None]
        for control in later:
            control.display = False
        if later:
            ask.mount_all(later)

    def _show_welcome(self) -> None:
        """The title, then the disclaimer (what a small screen must show first), then the body."""
        welcome = self.flow.welcome
        self.chat.show_welcome([(welcome.title.get(self.language), "bold $primary"),
                                              (welcome.disclaimer.get(self.language), "italic"),
                                              (welcome.body.get(self.language), "")])

    # -- what the app tells it to show -------------------------------------------------

    @property
    def question_id(self) -> str | None:
        return self.prompt.question.id if self.prompt is not None else None

    @property
    def controls(self) -> YesNoControls | ChoiceControls | TemperatureControls | None:
        """The controls that answer what is asked: the question's, or Yes and No to "Did you mean …?"."""
        if self.prompt is None:
            return None
        return self.kinds["yes-no" if self.prompt.confirm is not None else control_kind(self.prompt.question)]

    @property
    def confirming(self) -> str | None:
        """The "Did you mean …?" shown, if one is."""
        shown = self.confirm_words
        return shown.words.plain if shown.display and shown.words.plain else None

    def show_prompt(self, prompt: Prompt, transcript: list[Turn], previous: Turn | None = None) -> None:
        """Ask `prompt`'s question; `previous` is the answer being changed, shown ready to edit."""
        question = prompt.question
        was_confirming = self.prompt is not None and self.prompt.confirm is not None
        same = self.prompt is not None and self.prompt.question is question and previous is None
        self.prompt = prompt
        self.strays.forget()
        language = self.language
        confirming = prompt.confirm is not None
        self.chat.sync(transcript, language)
        self._show_progress(prompt.progress)
        if self._asked != (question, language, confirming):  # redraw only what changed: a press is one frame
            self._asked = (question, language, confirming)
            self.question_words.update(self._question_text(question, confirming))
        self._show_confirm(prompt.confirm)
        self.show_error(prompt.error)
        ask = self.ask
        if not ask.display:
            ask.display = True
        controls = self.controls
        if controls.parent is None:
            ask.mount(controls)
        for widget in self.kinds.values():
            if widget.display != (widget is controls):
                widget.display = widget is controls
        focus = "first"
        if confirming:
            controls.show(question, language, confirming=True)
        elif isinstance(controls, ChoiceControls):
            chosen = controls.selected if same else ()
            if previous is not None and question.kind == QuestionKind.MULTIPLE_CHOICE:
                chosen = tuple(index + 1 for index in previous.value)
            controls.show(question, language, chosen, same=same and not was_confirming)  # its words were read
            focus = str(chosen[0]) if chosen else "first"
        elif isinstance(controls, TemperatureControls):
            controls.show(question, language, None if same else previous.typed if previous is not None else "")
        else:
            controls.show(question, language)
            if previous is not None:
                focus = {True: "answer-yes", False: "answer-no", None: "answer-unsure"}[previous.value]
        if not same or was_confirming != confirming or not self._focus_within(controls):
            controls.focus_answer(focus)

    def _show_confirm(self, confirm: Text | None) -> None:
        widget = self.confirm_words
        shown = confirm.get(self.language) if confirm is not None else ""
        if widget.words.plain != shown:
            widget.update(Content(shown))
        widget.display = bool(shown)

    def _question_text(self, question: Question, confirming: bool = False) -> Content:
        """The question in bold, its help and how to answer a choice dimmed below (not while a
        "Did you mean …?" about its answer is asked: that is the question then)."""
        text = [(question.text.get(self.language), "bold")]
        if confirming:
            return Content.assemble(*text)
        if question.help is not None:
            text += ["\n", (question.help.get(self.language), "dim")]
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            hint = words.PICK_MANY if question.kind == QuestionKind.MULTIPLE_CHOICE else words.PICK_ONE
            text += ["\n", (hint.get(self.language), "dim italic")]
        return Content.assemble(*text)

    def forget(self) -> None:
        """Drop what the controls hold (ticks, typed text), before the next person."""
        self.prompt = None
        self._asked = None
        self.show_error(None)
        self._show_confirm(None)
        for controls in self.kinds.values():
            controls.forget()

    def show_result(self, result: Result, transcript: list[Turn]) -> None:
        """The dialogue is over: the chat keeps every answer, no question waits."""
        self.prompt = None
        self.show_error(None)
        self._show_confirm(None)
        self.chat.sync(transcript, self.language)
        self.ask.display = False

    def show_error(self, error: Text | None) -> None:
        shown = error.get(self.language) if error is not None else None
        if shown == self.error:
            return
        self.error = shown
        widget = self.error_words
        widget.update(Content(shown or ""))
        widget.display = shown is not None

    def redraw(self, language: str, transcript: list[Turn]) -> None:
        """Draw everything again in `language`."""
        self.language = language
        self._asked = None
        self._show_welcome()
        chat = self.chat
        chat.clear_turns()
        for button_id, label, key in NAV_BUTTONS:
            for button in self.query(f"#{button_id}"):
                button.label = key_label(label.get(language), key)
        self.query_one(NavBar).fit()
        self._nav_named = None  # every label was just set again
        self._name_nav_keys()
        if self.prompt is not None:
            self.show_prompt(self.prompt, transcript)
        else:
            chat.sync(transcript, language)

    def _show_progress(self, progress: Progress) -> None:
        topic = progress.topic_title.get(self.language) if progress.topic_title else ""
        if progress.topic_count:
            line = words.PART.fill(number=str(progress.topic_number), count=str(progress.topic_count),
                                   topic=topic).get(self.language)
        else:
            line = words.QUESTION_NUMBER.fill(number=str(progress.answered + 1)).get(self.language)
        self.progress_line.show(line, progress_bar(progress))

    def _focus_within(self, widget) -> bool:
        focused = self.focused
        return focused is not None and (focused is widget or widget in focused.ancestors)

    # -- the person's keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A letter that answers only in some languages (s: Sí) does so only there, and only when yes is
        an answer; anywhere else its key goes on to the next binding (a tester's summary)."""
        if action == "yes_no" and len(parameters) > 1:
            letter = str(parameters[1])
            return (isinstance(self.controls, YesNoControls)
                    and words.YES.get(self.language).casefold().startswith(letter))
        return super().check_action(action, parameters)

    def action_yes_no(self, button_id: str, letter: str = "") -> None:
        """Answer with a yes/no button's key (`letter`: the key, when it answers only in some languages)."""
        controls = self.controls
        typed = controls.answer_for(button_id) if isinstance(controls, YesNoControls) else None
        if typed is not None:
            self.post_message(Answered(typed))  # the app answers it: the next question is the feedback

    def action_pick(self, number: int) -> None:
        controls = self.controls
        if isinstance(controls, YesNoControls):  # 1, 2, 3: the keys shown where "y" is not a word
            if number <= len(YesNoControls.KEYS):
                self.action_yes_no(YesNoControls.KEYS[number - 1][0])
        elif isinstance(controls, ChoiceControls):
            controls.pick(number)
            if controls.multiple and number in controls.chosen:
                controls.focus_answer(str(number))

    def action_send(self) -> None:
        controls = self.controls
        if isinstance(controls, ChoiceControls) and controls.multiple:
            controls.send()

    # -- which inputs answer: what is left of them is not an answer (`chatbot.screens.leftovers`) ------

    def answering_key(self, key: str) -> Answering | None:
        """What the key `key` would answer here, as an `Answering` (None: it does not answer).

        The same keys as the bindings above and the focused control's: a yes/no key, a single
        choice's number, Enter or Space on an answer's button or choice, Enter in a field or on a
        multiple choice (which sends it); digits that tick a multiple choice do not answer."""
        controls = self.controls
        focused = self.focused
        if controls is None or not controls.display:
            return None
        if key in ("enter", "space"):
            multiple = isinstance(controls, ChoiceControls) and controls.multiple
            if focused is None or not self._focus_within(controls):
                answers = key == "enter" and multiple  # the screen's Enter sends the ticks
            elif isinstance(focused, Input):
                answers = key == "enter"  # a field's Enter sends it; its Space is typed
            elif isinstance(focused, ChoiceItem):
                answers = key == "enter" or not multiple  # Space ticks a multiple choice
            else:
                answers = isinstance(focused, Button)
            return Answering.by_key(key) if answers else None
        if isinstance(focused, Input):
            return None  # typed into the field
        if isinstance(controls, YesNoControls):
            index = int(key) - 1 if key.isdecimal() and len(key) == 1 else None
            button_id = next((button_id for button_id, _, letter in YesNoControls.KEYS if letter == key), None)
            if key == "s" and self.check_action("yes_no", ("answer-yes", "s")):
                button_id = "answer-yes"
            elif index is not None and 0 <= index < len(YesNoControls.KEYS):
                button_id = YesNoControls.KEYS[index][0]
            if button_id is None or controls.answer_for(button_id) is None:
                return None
            return Answering.by_key(key)
        if isinstance(controls, ChoiceControls) and not controls.multiple and key.isdecimal() and len(key) == 1:
            return Answering.by_key(key) if 1 <= int(key) <= len(controls.labels) else None
        return None

    def stray_key(self, at: float, key: str, character: str | None, answers: bool) -> bool:
        """Whether the key is dropped as typing that answers nothing on a yes/no question ("maybe" then
        Enter is not Yes: `chatbot.screens.strays`); after such typing, Enter says which keys answer.
        `answers`: the key would answer here (`answering_key`)."""
        controls = self.controls
        if not isinstance(controls, YesNoControls) or not controls.display or isinstance(self.focused, Input):
            self.strays.forget()
            return False
        acts = bool(character) and (answers or key in self.active_bindings)
        held = self.strays.holds(at, key, character, acts)
        if held == SAY_KEYS:
            self.show_error(controls.keys_hint())
        return held is not None

    def on_controls(self, widget: Widget) -> bool:
        """Whether `widget` is part of the controls that answer what is asked (a tap there may tick or answer)."""
        controls = self.controls
        return controls is not None and controls.display and (widget is controls or controls in widget.ancestors)

    def answering_tap(self, widget: Widget, where: tuple[int, int]) -> Answering | None:
        """A tap on `widget` (at `where`) answers when it lands on an answer's button or a single choice (ticking a
        multiple choice, or the field, does not)."""
        if not self.on_controls(widget):
            return None
        controls = self.controls
        if isinstance(widget, ChoiceItem) or isinstance(widget.parent, ChoiceItem):
            return None if isinstance(controls, ChoiceControls) and controls.multiple else Answering.by_tap(where)
        return Answering.by_tap(where) if isinstance(widget, Button) else None

    # -- the nav row names only keys that do what it says where the person is ---------------

    def on_descendant_focus(self, event) -> None:
        self._name_nav_keys()

    def on_descendant_blur(self, event) -> None:
        self._name_nav_keys()

    _nav_named: tuple[bool, str] | None = None
    """What the nav row's keys were last named for: (in a text field, the language)."""

    def _name_nav_keys(self) -> None:
        """In a text field letters are typed: the nav row names no letter key there, and Back names
        Escape, which goes back from the field. This runs at every focus change: only a move into or
        out of a field (or another language) changes a word."""
        typing = isinstance(self.focused, Input)
        if self._nav_named == (typing, self.language):
            return
        self._nav_named = (typing, self.language)
        named = {button_id: (label, key) for button_id, label, key in NAV_BUTTONS}
        for button in self.query("#nav Button"):
            if button.id not in named:
                continue
            label, key = named[button.id]
            shown = (words.KEY_ESCAPE.get(self.language) if button.id == "back" else None) if typing else key
            text = key_label(label.get(self.language), shown) if shown else Content(label.get(self.language))
            if button.label != text:
                button.label = text
        for nav in self.query(NavBar):
            nav.fit()

    def on_refused(self, message: Refused) -> None:
        message.stop()
        self.show_error(message.text)
