"""The nurse station's screens: sign-in, the queue, a session, and amending an answer.

They show what the app hands them and post what the nurse did (`Submitted`, `Open`,
`Act`, `Preview`, `Save`); the app (`chatbot.nurse.app`) reads and writes the store.
Everything a patient typed is shown as plain `Content`, never as markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Collapsible, DataTable, Input, Select, Static

from chatbot.flow.text import MAX_ANSWER_LENGTH
from chatbot.nurse.queue import asking_for_help, fold, newest_of
from chatbot.nurse.reading import Line, Reading, waited
from chatbot.nurse.words import WORDS, say
from chatbot.printable import printable
from chatbot.records.model import StoredSession as QueueEntry
from chatbot.widgets.field import TextField
from chatbot.widgets.typeahead import move_focus
from chatbot.widgets.words import CUT

STYLES = Path(__file__).with_name("nurse.tcss")
FILTERS = ("all", "waiting", "in_review", "reviewed", "in_progress", "stopped", "abandoned")


class SignInScreen(Screen):
    """Name and PIN; covers everything, so nothing of a session shows while nobody is signed in.

    Enter in the name moves to the PIN at once (keys typed right behind it are the PIN's:
    `chatbot.widgets.typeahead`). After a wrong PIN the wait counts down to "try again now".
    """

    CSS_PATH = STYLES
    AUTO_FOCUS = "#name"  # once the screen is composed, however deep the field (a query in `on_mount` may be too soon)
    BINDINGS = [Binding("enter", "to_pin", show=False, priority=True)]
    TICK = 0.25
    """Seconds between two looks at a countdown: it never skips a second."""

    @dataclass
    class Submitted(Message):
        name: str
        pin: str

    def __init__(self, language: str, note: str = "") -> None:
        super().__init__(id="sign-in")
        self.language = language
        self.note = note
        self.waiting: tuple[str, float] | None = None  # the words counting down, and until when (app.clock)
        self._ticking = None

    def compose(self) -> ComposeResult:
        language = self.language
        with Vertical(id="sign-in-box"):
            yield Static(Content(say("title", language)), id="sign-in-title")
            yield Static(Content(self.note or say("locked", language)), id="sign-in-message")
            yield TextField(placeholder=say("name", language), id="name", max_length=40)
            yield TextField(placeholder=say("pin", language), id="pin", password=True, restrict=r"[0-9]*",
                        max_length=12)
            yield Button(say("sign_in", language), id="sign-in-button", variant="primary")

    def say(self, text: str) -> None:
        self.waiting = None
        self._show(text)

    def _show(self, text: str) -> None:
        self.query_one("#sign-in-message", Static).update(Content(text))

    def wait(self, key: str, seconds: float) -> None:
        """Say `key` ("wrong_pin", "wait_pin") with the seconds left, counting down to "try_now"."""
        self.waiting = (key, self.app.clock() + seconds)
        self.tick()
        if self._ticking is None:
            self._ticking = self.set_interval(self.TICK, self.tick, name="sign-in countdown")

    def tick(self) -> None:
        """The countdown as the app's clock has it now."""
        if self.waiting is None:
            return
        key, until = self.waiting
        left = math.ceil(until - self.app.clock())
        if left > 0:
            self._show(say(key, self.language, seconds=left))
        else:
            self.waiting = None
            self._show(say("try_now", self.language))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_pin":  # Enter moves on only from the name; in the PIN it signs in
            return self.focused is not None and self.focused.id == "name"
        return super().check_action(action, parameters)

    def action_to_pin(self) -> None:
        move_focus(self.query_one("#pin", Input))

    @on(TextField.TooLong)
    def _cut(self, event: TextField.TooLong) -> None:
        """A paste cut to the field: said here, above the fields."""
        event.stop()
        self.say(CUT.fill(count=str(event.limit)).get(self.language))


    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#sign-in-button")
    def _submit(self) -> None:
        pin = self.query_one("#pin", Input)
        self.post_message(self.Submitted(self.query_one("#name", Input).value, pin.value))
        pin.value = ""


class LevelCell(RichText):
    """The level column's cell, which knows its row's session (the queue is sorted by it)."""

    def __init__(self, text: str, style: str, session_id: str) -> None:
        super().__init__(text, style=style)
        self.session_id = session_id


SELECTED = "▶"
"""The mark of the row Enter opens, beside its level: never to be taken for an emergency's red."""


def _level_cell(entry: QueueEntry, language: str, alerting: bool, selected: bool) -> LevelCell:
    word = say(entry.level, language) if entry.level else say("no_level", language)
    style = {"emergency": "bold red", "urgent": "bold yellow"}.get(entry.level or "", "")
    cell = LevelCell(f"{SELECTED if selected else ' '} ", "bold", entry.id)
    cell.append(word, "bold white on red" if alerting else style)
    return cell


def _status(entry: QueueEntry, at: datetime, language: str) -> str:
    if entry.help_open:
        return say("asks_help", language)
    state = entry.state(at)
    name = entry.reviewed_by if state == "reviewed" else entry.in_review_by
    return say(state, language, name=name or "")


def _who(entry: QueueEntry, language: str) -> str:
    from chatbot.nurse.reading import identification

    return identification(entry.identification, language)  # "not identified" when skipped or not asked


HELP_STYLE = "bold black on yellow"
"""A row whose person asks for help: its status cell, as the lines above the queue."""
HELP_LINES = 3
"""Requests for help named one a line above the queue; more are counted on a last line (their rows are
at the top of the list)."""


def ago(delta, language: str) -> str:
    """"just now", "3 min ago", "1 h 05 ago" in the station's language."""
    if delta.total_seconds() < 60:
        return say("just_now", language)
    return say("ago", language, time=waited(delta, language))


def help_lines(entries: list[QueueEntry], at: datetime, language: str) -> list[str]:
    """The words above the queue for the people asking for help: which kiosk (and who, if they said), how
    long ago, and when they asked again; the longest asking first."""
    asking = asking_for_help(entries)
    lines = []
    for entry in asking[:HELP_LINES if len(asking) <= HELP_LINES else HELP_LINES - 1]:
        place = printable(entry.place.removeprefix("kiosk:"))
        if entry.identification is not None:
            place = say("help_place_who", language, place=place, who=_who(entry, language))
        when = ago(at - entry.help_asked_at, language)
        if entry.help_asks > 1 and entry.help_last_at is not None and entry.help_last_at > entry.help_asked_at:
            lines.append(say("help_line_again", language, place=place, when=when,
                             again=ago(at - entry.help_last_at, language)))
        else:
            lines.append(say("help_line", language, place=place, when=when))
    if len(asking) > len(lines):
        lines.append(WORDS["help_more"].count(len(asking) - len(lines)).get(language))
    return lines


WIDTHS = {"level": 12, "waiting": 7, "kiosk": 12, "language": 6, "status": 11, "who": 18}
"""Each column's width at 80 columns (with a space each side: 78). Nothing is cut: a longer kiosk id,
status or name takes a second line of its row (`fold`), so two rows never look alike."""


def _height(level: str, folded: list[str]) -> int | None:
    """A row's height, counted from its words already folded to their columns: a table asked to find it
    renders every cell of every row (some 4 ms a row), where it otherwise renders only the rows on the
    screen. None (the table measures it) for a row whose words a table would fold again: wider than a
    column, as a pseudo-locale's may be."""
    from rich.cells import cell_len

    if cell_len(level) > WIDTHS["level"]:
        return None
    lines = 1
    for key, text in zip(tuple(WIDTHS)[1:], folded):
        parts = text.split("\n")
        if any(cell_len(part) > WIDTHS[key] for part in parts):
            return None
        lines = max(lines, len(parts))
    return lines


class QueueScreen(Screen):
    """The sessions, what needs a nurse first; updated in place so the nurse keeps their place.

    The row Enter opens is marked (`SELECTED`, and the cursor's own colour), apart from the red of
    an emergency nobody has opened; `e` opens the newest such emergency wherever the cursor is, and
    the key line names it while one waits.
    """

    CSS_PATH = STYLES
    BINDINGS = [Binding("e", "open_emergency", "new emergency"), Binding("a", "answer_help", "help answered"),
                Binding("f", "status_filter", "status"),
                Binding("t", "days", "today/all"), Binding("l", "app.lock", "lock"), Binding("q", "app.quit", "quit")]

    @dataclass
    class Open(Message):
        session_id: str

    @dataclass
    class AnswerHelp(Message):
        """The nurse answered this session's request for help (`a`)."""

        session_id: str

    @dataclass
    class RowsDrawn(Message):
        """Rows of a long queue added in a frame after the one their data came for (`ROWS_AT_ONCE`)."""

        ids: set[str]

    ROWS_AT_ONCE = 60
    """New rows added in one frame. A queue of hundreds (today's and the newest unreviewed) shows its head,
    emergencies first, in the first frame, and the rest in the frames after: laying out every row before
    the first frame took 0.6 s at 800 rows."""

    def __init__(self, language: str) -> None:
        super().__init__(id="queue-screen")
        self.language = language
        self.entries: list[QueueEntry] = []
        self.alerting: set[str] = set()
        self.at = datetime.now().astimezone()
        self.staff: str | None = None
        self.status_filter = "all"
        self.today = False
        self.ready = False  # composed: the table can be drawn
        self.drawn: dict[str, tuple] = {}  # each row's words as drawn, to touch only the rows that changed
        self.words: dict[str, tuple] = {}  # each row's words, with the session and the minute they were made for
        self.order: list[str] = []
        self.marked: str | None = None  # the row showing SELECTED
        self.shown: dict[str, QueueEntry] = {}  # each row's session as drawn
        self.pending: set[str] = set()  # sessions whose rows are still to be added, a frame later
        self.noted = ""

    def compose(self) -> ComposeResult:
        yield Static(id="queue-head")
        yield Static(id="queue-help")
        headings = {key: fold(say(f"col_{key}", self.language), width) for key, width in WIDTHS.items()}
        # a heading longer than its column goes on in a second line (a language longer than English)
        lines = max(heading.count("\n") + 1 for heading in headings.values())
        table = DataTable(id="queue", cursor_type="row", zebra_stripes=False, header_height=lines)
        for key, width in WIDTHS.items():
            table.add_column(RichText(headings[key]), key=key, width=width)
        yield table
        yield Static(id="queue-note")
        yield Static(id="queue-keys")

    def on_mount(self) -> None:
        self.ready = True
        self.query_one(DataTable).focus()
        self.note(self.noted)
        self._draw()

    @property
    def drawable(self) -> bool:
        """Composed, and not being taken down: a closing station removes the table before the screen,
        and its timers may still ask to draw in between."""
        return self.ready and bool(self.query("#queue"))

    def note(self, text: str) -> None:
        self.noted = text
        if self.drawable:
            self.query_one("#queue-note", Static).update(Content(text))

    def show(self, entries: list[QueueEntry], at: datetime, staff: str | None, alerting: set[str]) -> None:
        """The queue as it is now (`entries` in queue order): rows changed in place, added and removed
        by key; the selection kept."""
        self.entries, self.at, self.staff, self.alerting = entries, at, staff, alerting
        if self.drawable:
            self._draw()

    @property
    def emergency(self) -> QueueEntry | None:
        """The newest emergency nobody has opened: what `e` opens."""
        return newest_of(self.entries, self.at, self.alerting)

    def _visible(self) -> list[QueueEntry]:
        local = self.at.astimezone()  # today as the clinic's clock has it
        since = local.replace(hour=0, minute=0, second=0, microsecond=0) if self.today else None
        return [entry for entry in self.entries
                if (self.status_filter == "all" or entry.state(self.at) == self.status_filter)
                and (since is None or entry.started_at >= since)]

    def _draw(self) -> set[str]:
        """Rows changed in place, added (at most `ROWS_AT_ONCE` new ones: the rest a frame later) and
        removed; the sessions whose rows were added or changed."""
        table = self.query_one(DataTable)
        language = self.language
        visible = self._visible()
        selected = self.selected
        wanted = {entry.id for entry in visible}
        for key in [row.value for row in list(table.rows)]:
            if key not in wanted:
                table.remove_row(key)
                self.drawn.pop(key, None)
                self.words.pop(key, None)
                self.shown.pop(key, None)
        order = {entry.id: rank for rank, entry in enumerate(visible)}
        drawn: set[str] = set()
        pending: set[str] = set()
        new_rows = 0
        for entry in visible:
            if entry.id not in self.drawn:
                if new_rows >= self.ROWS_AT_ONCE:
                    pending.add(entry.id)  # in the next frame (a changed row is never held back)
                    continue
                new_rows += 1
            alerting = entry.id in self.alerting
            words = self._words(entry)
            signature = (entry.level, alerting, words)
            if self.drawn.get(entry.id) == signature:
                continue  # unchanged: no cell is touched
            self.shown[entry.id] = entry
            level = _level_cell(entry, language, alerting, entry.id == self.marked)
            folded = [fold(word, WIDTHS[key]) for key, word in zip(tuple(WIDTHS)[1:], words)]
            height = _height(level.plain, folded)
            cells = (level, *(RichText(text, style=HELP_STYLE if key == "status" and entry.help_open
                                       else "bold" if alerting else "")
                              for key, text in zip(tuple(WIDTHS)[1:], folded)))
            if entry.id in table.rows:  # new words may take another height: the row is made again
                table.remove_row(entry.id)
            table.add_row(*cells, key=entry.id, height=height)
            self.drawn[entry.id] = signature
            drawn.add(entry.id)
            self.order = []
        ids = [entry.id for entry in visible]
        if ids != self.order:
            table.sort("level", key=lambda cell: order[cell.session_id])
            self.order = ids
        if selected in table.rows:  # by its key: rows of a lower rank may still be to come
            table.move_cursor(row=table.get_row_index(selected), animate=False)
        self._mark()
        filter_word = say("filter_all", language) if self.status_filter == "all" else \
            say(self.status_filter, language, name="").rstrip(": ")
        self.query_one("#queue-head", Static).update(Content(say(
            "queue_line", language, sessions=WORDS["sessions"].count(len(visible)), status=filter_word,
            days=say("today" if self.today else "everything", language),
            who=say("signed_in", language, name=self.staff or "-"))))
        help_text = "\n".join(help_lines(self.entries, self.at, language))
        banner = self.query_one("#queue-help", Static)
        banner.update(Content(help_text))
        banner.display = bool(help_text)
        keys = "queue_keys_emergency" if self.emergency is not None else "queue_keys"
        if help_text:
            keys = keys.replace("queue_keys", "queue_keys_help")
        self.query_one("#queue-keys", Static).update(Content(say(keys, language)))
        if pending and not self.pending:
            self.call_after_refresh(self._draw_rest)
        self.pending = pending
        return drawn

    def _draw_rest(self) -> None:
        if self.pending and self.drawable:
            self.pending = set()  # what is still to come after these is found again by `_draw`
            self.post_message(self.RowsDrawn(self._draw()))

    def _words(self, entry: QueueEntry) -> tuple[str, ...]:
        """A row's words (but its level), made again only when its session, its state or its minutes of
        waiting changed: a change at the desk touches one row, not every row's words."""
        delta = entry.waited(self.at)
        key = (int(delta.total_seconds() // 60), entry.state(self.at), self.language)
        made = self.words.get(entry.id)
        if made is not None and made[0] is entry and made[1] == key:
            return made[2]
        language = self.language
        words = (waited(delta, language), printable(entry.place.removeprefix("kiosk:")), printable(entry.language, 5),
                 printable(_status(entry, self.at, language)), _who(entry, language))
        self.words[entry.id] = (entry, key, words)
        return words

    @property
    def selected(self) -> str | None:
        """The session of the row the cursor is on: the one Enter opens."""
        table = self.query_one(DataTable)
        if table.row_count and table.cursor_row < table.row_count:
            return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return None

    def _mark(self) -> None:
        """SELECTED on the cursor's row, and on no other."""
        table = self.query_one(DataTable)
        selected = self.selected
        if selected == self.marked:
            return
        language = self.language
        for session_id, mark in ((self.marked, False), (selected, True)):
            if session_id in table.rows and session_id in self.shown:
                table.update_cell(session_id, "level", _level_cell(self.shown[session_id], language,
                                                                   session_id in self.alerting, mark))
        self.marked = selected

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        if self.drawable:
            self._mark()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.post_message(self.Open(event.row_key.value))

    @property
    def help_to_answer(self) -> QueueEntry | None:
        """What `a` answers: the request of the row the cursor is on, else the one asking longest."""
        asking = asking_for_help(self.entries)
        selected = self.selected
        return next((entry for entry in asking if entry.id == selected), asking[0] if asking else None)

    def action_answer_help(self) -> None:
        entry = self.help_to_answer
        if entry is None:
            self.note(say("no_help", self.language))
        else:
            self.post_message(self.AnswerHelp(entry.id))

    def action_open_emergency(self) -> None:
        """Open the newest emergency nobody has opened, wherever the cursor is."""
        emergency = self.emergency
        if emergency is not None:
            self.post_message(self.Open(emergency.id))

    def action_status_filter(self) -> None:
        self.status_filter = FILTERS[(FILTERS.index(self.status_filter) + 1) % len(FILTERS)]
        self._draw()

    def action_days(self) -> None:
        self.today = not self.today
        self._draw()


class SessionScreen(Screen):
    """One session: the level and reasons first, then what led there and every yes, the negatives
    folded, the full transcript and the review trail."""

    CSS_PATH = STYLES
    BINDINGS = [Binding("r", "act('review')", "reviewed"), Binding("a", "act('amend')", "amend"),
                Binding("h", "act('handover')", "handover"), Binding("p", "act('page')", "page"),
                Binding("o", "act('open_page')", "open page"), Binding("x", "act('fhir')", "FHIR"),
                Binding("escape", "act('close')", "back"), Binding("l", "app.lock", "lock")]

    @dataclass
    class Act(Message):
        what: str

    def __init__(self, reading: Reading, language: str) -> None:
        super().__init__(id="session-screen")
        self.reading = reading
        self.language = language

    def compose(self) -> ComposeResult:
        yield Static(id="session-level")
        with VerticalScroll(id="session-body"):
            yield Static(id="session-reasons")
            yield Static(id="session-about")
            yield Static(id="session-led")
            yield Static(id="session-yeses")
            with Collapsible(id="session-negatives", collapsed=True):
                yield Static(id="session-negatives-list")
            yield Static(id="session-transcript")
            yield Static(id="session-trail")
        yield Static(id="session-note")
        yield Static(Content(say("session_keys", self.language)), id="session-keys")

    def on_mount(self) -> None:
        self.show(self.reading)

    def on_screen_resume(self) -> None:
        self.query_one("#session-body").focus()

    def note(self, text: str) -> None:
        self.query_one("#session-note", Static).update(Content(text))

    def _lines(self, heading: str, lines: list[Line], numbered: bool = False) -> Content:
        language = self.language
        out = [heading]
        for index, line in enumerate(lines, 1):
            said = f"{line.question} -> {line.answer}"
            if line.typed.strip().casefold() != line.answer.strip().casefold():
                said += f' ({say("typed", language)}: "{line.typed}")'
            if line.change:
                said += f" [{line.change}]"
            out.append(f"{index:>2}. {said}" if numbered else f"  - {said}")
        if not lines:
            out.append(f"  {say('none', language)}")
        return Content("\n".join(out))

    def show(self, reading: Reading) -> None:
        self.reading = reading
        language = self.language
        level = self.query_one("#session-level", Static)
        head = say("session_head", language, level=reading.level_word, who=reading.who)  # whose, and how urgent
        level.update(Content(f"{head}\n{reading.outcome}" if reading.outcome else head))
        for name in ("emergency", "urgent", "routine"):
            level.set_class(reading.level == name, f"-{name}")
        if reading.status == "finished":
            reasons = reading.reasons or [say("no_reasons", language)]
            self.query_one("#session-reasons", Static).update(Content(
                say("reasons", language) + ":\n" + "\n".join(f"  - {reason}" for reason in reasons)))
        else:  # stopped before the end: where (a bleeding question, say) matters most
            kept = [line for line in reading.transcript if not line.withdrawn][-1:]
            self.query_one("#session-reasons", Static).update(self._lines(say("last_answer", language), kept))
        self.query_one("#session-about", Static).update(Content(
            f"{say('identification', language, who=reading.identification)}\n{reading.about}\n"
            f"{reading.patient_language}"))
        self.query_one("#session-led", Static).update(self._lines(say("led_there", language), reading.led_there))
        self.query_one("#session-yeses", Static).update(self._lines(say("yeses", language), reading.yeses))
        self.query_one("#session-body", VerticalScroll).scroll_home(animate=False)
        negatives = self.query_one("#session-negatives", Collapsible)
        negatives.collapsed = True
        negatives.title = say("negatives", language, count=len(reading.negatives))
        self.query_one("#session-negatives-list", Static).update(self._lines("", reading.negatives))
        self.query_one("#session-transcript", Static).update(
            self._lines(say("transcript", language), reading.transcript, numbered=True))
        trail = reading.trail or [say("none", language)]
        self.query_one("#session-trail", Static).update(Content(
            say("trail", language) + ":\n" + "\n".join(f"  - {item}" for item in trail)))

    def action_act(self, what: str) -> None:
        self.post_message(self.Act(what))


def _choice(line: Line, width: int = 66) -> str:
    """One line of the amend list: the answer always shown, the question shortened to fit 80 columns."""
    answer = f" = {line.answer}"[:24]
    room = width - len(answer)
    question = line.question if len(line.question) <= room else line.question[:room - 1] + "…"
    return question + answer


class AmendScreen(ModalScreen[None]):
    """Pick an answer, type the new one (the line below says what it takes) and why; Preview shows the new
    level beside the old; Save.

    When the re-run needs answers the session never gave (a session that ended at its first question),
    the questions it may still ask are listed together, each with its own field (#amend-more, fields
    `#more-<question id>`); the one it needs next has the cursor. Save takes everything typed, a field
    not yet submitted included: the app previews first when what is typed was not the preview's.
    No field selects its text when the cursor comes to it.
    """

    CSS_PATH = STYLES
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    @dataclass
    class Preview(Message):
        question_id: str
        typed: str
        more: dict[str, str]

    @dataclass
    class Save(Message):
        reason: str
        question_id: str  # what the form says now: the app saves only what was previewed
        typed: str
        more: dict[str, str] = field(default_factory=dict)

    def __init__(self, lines: list[Line], language: str, accepts: dict[str, str] | None = None) -> None:
        super().__init__(id="amend-screen")
        self.lines = lines
        self.language = language
        self.accepts = accepts or {}  # question id -> what its answer may be (`chatbot.nurse.amending.accepts`)
        self.asked: list[str] = []  # the questions listed in #amend-more, in order

    def compose(self) -> ComposeResult:
        language = self.language
        with Vertical(id="amend-box"):
            yield Static(Content(say("amend_title", language)), id="amend-title")
            yield Select([(_choice(line), line.question_id) for line in self.lines],
                         prompt=say("question", language), id="amend-question", allow_blank=True, compact=True)
            yield TextField(placeholder=say("new_answer", language), id="amend-answer", max_length=MAX_ANSWER_LENGTH,
                            select_on_focus=False, compact=True)
            yield Static(id="amend-accepts", classes="amend-accepts")
            with VerticalScroll(id="amend-more"):
                yield Static(Content(say("more_title", language)), id="amend-more-title")
            yield TextField(placeholder=say("reason", language), id="amend-reason", max_length=200,
                            select_on_focus=False, compact=True)
            yield Static(Content(say("preview_first", language)), id="amend-preview")
            with Horizontal(id="amend-buttons"):
                yield Button(say("preview", language), id="amend-preview-button", variant="primary", compact=True)
                yield Button(say("save", language), id="amend-save", variant="warning", compact=True)
                yield Button(say("cancel", language), id="amend-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#amend-more").display = False
        self.query_one("#amend-question").focus()

    def choose(self, question_id: str, typed: str = "", reason: str = "") -> None:
        """Fill the form (tests and the app use it as a person would)."""
        self.query_one("#amend-question", Select).value = question_id
        self.query_one("#amend-answer", Input).value = typed
        self.query_one("#amend-reason", Input).value = reason

    @on(Select.Changed, "#amend-question")
    def _chosen(self, event: Select.Changed) -> None:
        """The answer field says what it takes for the question chosen."""
        taken = self.accepts.get(event.value, "") if isinstance(event.value, str) else ""
        self.query_one("#amend-accepts", Static).update(Content(taken))

    @property
    def more(self) -> dict[str, str]:
        """The answers typed to the questions listed below (empty fields left out)."""
        return {question_id: value for question_id in self.asked
                if (value := self.query_one(f"#more-{question_id}", Input).value.strip())}

    def show_preview(self, text: str) -> None:
        self.query_one("#amend-preview", Static).update(Content(text))

    def ask_more(self, questions: list[tuple[str, str]], needed: str) -> None:
        """List `questions` ((id, text), in order) with a field each, keeping what was typed in those
        already listed; the cursor goes to `needed`."""
        box = self.query_one("#amend-more", VerticalScroll)
        box.display = True
        for question_id, text in questions:
            if question_id in self.asked:
                continue
            self.asked.append(question_id)
            box.mount(Vertical(Static(Content(text), classes="amend-more-question"),
                               Static(Content(self.accepts.get(question_id, "")), classes="amend-accepts"),
                               TextField(placeholder=say("also_answer", self.language), id=f"more-{question_id}",
                                         max_length=MAX_ANSWER_LENGTH, select_on_focus=False, compact=True),
                               id=f"more-item-{question_id}", classes="amend-more-item"))
        self.query_one("#amend-box").add_class("-more")
        self.call_after_refresh(self._focus_needed, needed)

    def _focus_needed(self, question_id: str) -> None:
        """The cursor in the field of the question needed next, the question in view above it."""
        found = self.query(f"#more-{question_id}")
        if found:
            move_focus(found.first())
            self.query_one("#amend-more", VerticalScroll).scroll_to_widget(
                self.query_one(f"#more-item-{question_id}"), top=True, animate=False)

    def _question(self) -> str | None:
        question = self.query_one("#amend-question", Select).value
        return question if isinstance(question, str) else None

    @on(TextField.TooLong)
    def _cut(self, event: TextField.TooLong) -> None:
        """A paste cut to the field: said where the form speaks."""
        event.stop()
        self.query_one("#amend-preview", Static).update(Content(CUT.fill(count=str(event.limit)).get(self.language)))

    @on(Button.Pressed, "#amend-preview-button")
    @on(Input.Submitted, "#amend-answer, #amend-more Input")
    def preview(self) -> None:
        question = self._question()
        if question is None:
            self.show_preview(say("question", self.language) + "?")
            return
        self.post_message(self.Preview(question, self.query_one("#amend-answer", Input).value, self.more))

    @on(Button.Pressed, "#amend-save")
    @on(Input.Submitted, "#amend-reason")
    def save(self) -> None:
        self.post_message(self.Save(self.query_one("#amend-reason", Input).value, self._question() or "",
                                    self.query_one("#amend-answer", Input).value, self.more))

    @on(Button.Pressed, "#amend-cancel")
    def action_dismiss_none(self) -> None:
        self.dismiss(None)
