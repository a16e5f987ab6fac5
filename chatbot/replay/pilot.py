"""Replay scripts through the real Textual UI, headless (`chatbot replay --tui`).

`PilotDriver` works the app the way a person would: the keys of an answer
(`app.answer_keys`), a reading typed into the temperature field then Enter, the
back key, the restart key and "y" in its dialog. What it reports is read from the
screen (`app.state` and the outcome screen's widgets): the question asked and its
words, the reprompt shown, the outcome and level on top, the reasons drawn. Only
the findings and the questions asked, which no screen shows, come from the app's
conversation. So a script passes through `--tui` only if the UI drew what the
engine decided.

Speed: one app per script; a key is sent as `App.simulate_key` sends it (what a key
press posts) and the driver waits until nothing in the app is left to run, rather
than Pilot's fixed sleeps. The suite replays in about 12 s (bench/replay.py).

The app is handed in (`chatbot replay --tui` gives `SymptomCheckerApp`): this module
imports no UI, so importing it costs the headless commands nothing.
"""

from __future__ import annotations

import asyncio
from itertools import combinations
from typing import TYPE_CHECKING, Any, Callable, Iterable

from chatbot.flow.kinds import QuestionKind
from chatbot.flow.model import Rule
from chatbot.flow.text import printable
from chatbot.replay.drivers import Seen
from chatbot.replay.runner import Failure, ScriptRun, run_script_async
from chatbot.replay.script import Script
from chatbot.summary import PHONE_LINE, join_words

if TYPE_CHECKING:
    from chatbot.tui import SymptomCheckerApp

SIZE = (100, 30)
CHOICES = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
QUIET_ROUNDS = 10_000  # turns of the event loop to wait at most for the app to finish what a key set off
PACE = 1.0
"""Seconds between the keys a script presses, as their times say: a person who reads each question
first, so that none is taken for what is left of the answer before (`chatbot.screens.leftovers`)."""
QUIET_TURNS = 3        # turns in a row with no message waiting anywhere: the app is done
DRAWN_ROUNDS = 50      # pauses to wait at most for a pushed screen to be composed
MOST_CANDIDATES = 12   # a phone line is read back by trying subsets of at most this many reasons

AppFactory = Callable[..., "SymptomCheckerApp"]
"""`make_app(flow, language=code)`: a new app for a script (the UI is handed in, never imported here)."""


class NotShown(Exception):
    """The screen shows neither a question nor an outcome where a step should have led to one."""


class PilotDriver:
    """Applies a script's steps to a running `SymptomCheckerApp` through Pilot; reports what it shows."""

    name = "tui"

    def __init__(self, app: SymptomCheckerApp, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot
        self._time: float | None = None

    async def start(self) -> Seen:
        return await self._seen()

    async def answer(self, typed: str) -> Seen:
        app = self.app
        state = app.state
        temperature = state.question_kind == QuestionKind.TEMPERATURE and state.confirm is None
        keys = None if temperature else app.answer_keys(typed)
        field = None
        if temperature:
            field = app.conversation_screen.query_one("#temperature-input")
        elif keys is None and typed.strip() and state.confirm is None and state.question_kind in CHOICES:
            field = app.conversation_screen.query_one("#choice-typed")  # words, typed as a person would
        if field is not None and len(typed) <= field.max_length and printable(typed, None) == typed:
            # The field can hold it. Typing key by key under Pilot is slow: paste it, as a person can
            # (one input, as the terminal's driver makes a paste), into the emptied field, then Enter.
            await self._paste(field, typed)
            await self._press("enter")
        elif keys:
            if state.question_kind in CHOICES and state.confirm is None:
                await self._leave_the_choice_field()
            await self._press(*keys)
        else:  # no control gives these words (a refused answer, a tenth choice, text the field cannot hold)
            app.answer(typed)
            await self._quiet()
        return await self._seen()

    async def back(self) -> Seen:
        # In a text field "b" would be typed: there a person presses Escape.
        await self._press("escape" if self._typing() else "b")
        return await self._seen()

    async def restart(self) -> Seen:
        if self._typing():  # "r" would be typed into the field: click the button instead
            await self.pilot.click("#restart")
            await self._quiet()
        else:
            await self._press("r")
        if self.app.state.screen != "confirm":
            raise NotShown(f"the restart key showed the screen {self.app.state.screen!r}, not the confirmation")
        await self._press("y")
        return await self._seen()

    # -- keys, and waiting for the app ----------------------------------------------------

    async def _press(self, *keys: str) -> None:
        """Press `keys` one by one, each handled in full before the next.

        Each is the key press a terminal would post, without a character (as `App.simulate_key`),
        a person's `PACE` after the last: right for keys bound to actions (y, 1, Enter, b), not for
        typing into a field.
        """
        from textual import events

        for key in keys:
            press = events.Key(key, None)
            self._time = press.time = press.time if self._time is None else self._time + PACE
            self.app.post_message(press)
            await self._quiet()

    async def _leave_the_choice_field(self) -> None:
        """Answering with the choices' keys: the words in the choice's field go (they would be sent with
        the ticks), and the cursor leaves it (where a digit is typed), as a person clears it and clicks."""
        screen = self.app.conversation_screen
        field = screen.query_one("#choice-typed")
        if field.value or self.app.focused is field:
            field.value = ""
            screen.query_one("#choice-1").focus()
            await self._quiet()

    async def _paste(self, field, text: str) -> None:
        """Empty `field` and paste `text` into it, focused, as one input."""
        from textual import events

        field.focus()
        await self._quiet()
        field.value = ""
        self.app.post_message(events.Paste(text))
        await self._quiet()

    async def _quiet(self) -> None:
        """Wait until the app has done all that a key set off (`settled`)."""
        await settled(self.app)

    def _typing(self) -> bool:
        focused = self.app.focused
        return focused is not None and focused.id in ("temperature-input", "choice-typed")

    # -- what the screen shows ------------------------------------------------------------

    async def _seen(self) -> Seen:
        for _ in range(DRAWN_ROUNDS):
            if self._drawn():
                break
            await self.pilot.pause()
        app = self.app
        state = app.state
        findings = dict(app.conversation.findings)
        asked = tuple(app.conversation.asked)
        if state.screen == "outcome" and state.outcome_id is not None:
            return Seen(None, outcome=state.outcome_id, level=state.outcome_level,
                        reasons=self._reasons_shown(state.outcome_level, state.language),
                        findings=findings, asked=asked, words=self._outcome_shown())
        if state.screen == "conversation" and state.question_id is not None:
            return Seen(state.question_id, self._question_shown(state.question_id, state.language), state.error,
                        findings=findings, asked=asked, confirm=state.confirm)
        raise NotShown(f"the screen {state.screen!r} shows no question and no outcome")

    def _drawn(self) -> bool:
        """Is the screen on top composed (an outcome screen composes its widgets after it is pushed)?"""
        screen = self.app.screen
        return screen.is_mounted and (screen.id != "outcome" or bool(screen.query("#outcome-title")))

    def _question_shown(self, question_id: str, language: str) -> str:
        """The question's words as drawn (the help and hint below them are not its words)."""
        shown = _plain(self.app.conversation_screen.query_one("#question"))
        words = self.app.flow.questions[question_id].text.get(language)
        return words if shown.startswith(words) else shown.split("\n", 1)[0]

    def _outcome_shown(self) -> str:
        """The words an outcome screen draws for the person: title, text, what to say."""
        return "\n".join(_plain(widget) for widget in self.app.screen.query("#outcome-title, #outcome-text, #say-line"))

    def _reasons_shown(self, level: str | None, language: str) -> tuple[str, ...]:
        """The rule ids of the reasons drawn: an urgent screen's list, an emergency screen's phone line.

        A text that is no rule's reason is kept, quoted, so that a wrong reason fails the script.
        """
        screen = self.app.screen
        rules = self.app.flow.rules
        if level == "urgent":
            by_text = {rule.reason.get(language): rule.id for rule in rules}
            texts = [_plain(widget) for widget in screen.query("#reasons .bullet-text")]
            return tuple(by_text.get(text, f'"{text}"') for text in texts)
        if level == "emergency":
            lines = screen.query("#say-line")
            if not lines:
                return ()
            line = _plain(lines.first()).strip("“”")
            return reasons_of_phone_line(line, rules, language) or (f'"{line}"',)
        return ()


async def settled(app: Any) -> None:
    """Wait until `app` has done all that was set off: no message waiting in any of its queues.

    The app, every screen and every widget (each a message pump, with its own queue)
    must have none, `QUIET_TURNS` turns of the event loop in a row, so that a handler
    that awaits has finished too. Far faster than `pilot.pause()`, which sleeps until
    the process looks idle.
    """
    quiet = 0
    for _ in range(QUIET_ROUNDS):
        await asyncio.sleep(0)
        quiet = quiet + 1 if not any(pump.message_queue_size for pump in _pumps(app)) else 0
        if quiet >= QUIET_TURNS:
            return


def _pumps(app: Any):
    yield app
    for screen in app.screen_stack:
        yield screen
        yield from screen.walk_children()


def reasons_of_phone_line(line: str, rules: Iterable[Rule], language: str) -> tuple[str, ...] | None:
    """The ids of the rules whose reasons make up a phone line ("I have ... and chest pain."), or None."""
    candidates = [rule for rule in rules if rule.reason.get(language) in line]
    for size in range(min(len(candidates), MOST_CANDIDATES), 0, -1):
        for chosen in combinations(candidates, size):
            texts = list(dict.fromkeys(rule.reason.get(language) for rule in chosen))
            if PHONE_LINE.fill(reasons=join_words(texts, language)).get(language) == line:
                return tuple(rule.id for rule in chosen)
    return None


def _plain(widget) -> str:
    visual = widget.visual
    return visual.plain if hasattr(visual, "plain") else str(widget.content)


# -- replaying scripts ---------------------------------------------------------------------

async def replay_script(script: Script, make_app: AppFactory) -> ScriptRun:
    """Replay one script through a fresh app of its flow and language, headless."""
    app = make_app(script.flow, language=script.language)
    run = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            run = await run_script_async(script, PilotDriver(app, pilot))
            if not run.passed:  # what the screen showed when it went wrong, for the tester to look at
                run.screen = app.export_screenshot(title=script.name)
    except Exception as error:  # the app itself crashed: this script's failure, never a traceback
        crashed = Failure(script.at, "the app to keep running", f"{type(error).__name__}: {error}", broken=True)
        if run is None:
            return ScriptRun(script, PilotDriver.name, failure=crashed)
        run.failure = run.failure or crashed
    return run


def replay_through_ui(scripts: Iterable[Script], make_app: AppFactory) -> list[ScriptRun]:
    """Replay every script through the Textual UI, headless, one after another.

    `make_app(flow, language=...)` makes the app: `SymptomCheckerApp` itself, or a kiosk's.
    """

    async def replay_all() -> list[ScriptRun]:
        return [await replay_script(script, make_app) for script in scripts]

    return asyncio.run(replay_all())
