"""Replay a script through a driver, and say exactly where and how it went wrong.

The checks are one generator, `_checks`: it yields each step to apply and is sent
what was seen after it, so it knows nothing of drivers. `run_script` feeds it from
a plain driver, `run_script_async` from an async one (the Textual UI), and both
therefore check the same things in the same words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Generator

from chatbot.catalog import SOURCE, message, plural
from chatbot.replay.drivers import AsyncDriver, Driver, Seen
from chatbot.replay.script import Expect, Script, Action, Where, words
from chatbot.summary import value_in_words

STEP = message("{at}: step {step}, {doing}")
AT_THE_END = message("{at}: at the end")
IN_OPENING = message(" (in the opening used at {use})")
EXPECTED = message("expected: {expected}")
HAPPENED = message("happened: {happened}")
NOWHERE = message("nowhere")
ASKING = message("asking {question}")
ANSWERS = plural("{count} answer", "{count} answers")

Checks = Generator["Action | None", Seen, "Failure | None"]


@dataclass(frozen=True)
class Failure:
    """The first thing that did not go as the script says, at the script's line."""

    at: Where
    expected: str
    happened: str
    step: int | None = None       # 1-based, openings included; None when the end was wrong
    doing: str = ""
    via: tuple[Where, ...] = ()   # the `use` lines that brought the step in
    broken: bool = False          # the driver raised an error (not a wrong answer)

    def headline(self, language: str = SOURCE) -> str:
        where = (STEP.fill(at=str(self.at), step=self.step, doing=self.doing) if self.step is not None
                 else AT_THE_END.fill(at=str(self.at))).get(language)
        return where + "".join(IN_OPENING.fill(use=str(use)).get(language) for use in reversed(self.via))

    def lines(self, language: str = SOURCE) -> list[str]:
        return [self.headline(language), "  " + EXPECTED.fill(expected=self.expected).get(language),
                "  " + HAPPENED.fill(happened=self.happened).get(language)]

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass(frozen=True)
class Move:
    """One step applied (None: the start), and what was seen before and after it."""

    step: Action | None
    before: Seen | None
    after: Seen


@dataclass
class ScriptRun:
    """What happened when a script was replayed."""

    script: Script
    driver: str
    moves: list[Move] = field(default_factory=list)
    failure: Failure | None = None
    seconds: float = 0.0
    screen: str | None = None  # through the UI: an SVG of the screen when the script failed

    @property
    def passed(self) -> bool:
        return self.failure is None

    @property
    def final(self) -> Seen | None:
        return self.moves[-1].after if self.moves else None

    @property
    def answers(self) -> int:
        return sum(1 for move in self.moves if move.step is not None and move.step.kind == "answer")

    def summary(self, language: str = SOURCE) -> str:
        """Where the conversation ended: `emergency_infection (emergency), 4 answers`."""
        final = self.final
        where = (NOWHERE.get(language) if final is None else f"{final.outcome} ({final.level})" if final.finished
                 else ASKING.fill(question=final.question).get(language))
        return f"{where}, {ANSWERS.count(self.answers).get(language)}"


def run_script(script: Script, driver: Driver) -> ScriptRun:
    """Replay `script` through `driver`, stopping at the first failure."""
    run = ScriptRun(script, driver.name)
    started = time.perf_counter()
    checks = _checks(script)
    step, before = None, None
    try:
        step = next(checks)
        while True:
            after = driver.start() if step is None else _apply(driver, step)
            run.moves.append(Move(step, before, after))
            before = after
            step = checks.send(after)
    except StopIteration as done:
        run.failure = done.value
    except Exception as error:  # the driver broke: report it at the step, as a failure, not a traceback
        run.failure = _broken(script, step, len(run.moves), error)
    run.seconds = time.perf_counter() - started
    return run


async def run_script_async(script: Script, driver: AsyncDriver) -> ScriptRun:
    """`run_script` for a driver whose actions are coroutines (the Textual UI through Pilot)."""
    run = ScriptRun(script, driver.name)
    started = time.perf_counter()
    checks = _checks(script)
    step, before = None, None
    try:
        step = next(checks)
        while True:
            if step is None:
                after = await driver.start()
            elif step.kind == "answer":
                after = await driver.answer(step.typed)
            else:
                after = await getattr(driver, step.kind)()
            run.moves.append(Move(step, before, after))
            before = after
            step = checks.send(after)
    except StopIteration as done:
        run.failure = done.value
    except Exception as error:  # the driver broke: report it at the step, as a failure, not a traceback
        run.failure = _broken(script, step, len(run.moves), error)
    run.seconds = time.perf_counter() - started
    return run


def _apply(driver: Driver, step: Action) -> Seen:
    if step.kind == "answer":
        return driver.answer(step.typed)
    return getattr(driver, step.kind)()


def _broken(script: Script, step: Action | None, number: int, error: Exception) -> Failure:
    happened = f"{type(error).__name__}: {error}"
    if step is None:
        return Failure(script.at, "the conversation to start", happened, broken=True)
    return Failure(step.at, "the step to be applied", happened, number, step.describe(), step.via, broken=True)


# -- the checks ------------------------------------------------------------------------

def _checks(script: Script) -> Checks:
    """Yield each step to apply (None first: start); be sent what is seen; return the first failure."""
    seen = yield None
    first_asked = {seen.question: 0}
    for number, step in enumerate(script.steps, 1):
        failure = _before(step, number, seen)
        if failure is not None:
            return failure
        after = yield step
        failure = _after(step, number, seen, after)
        if failure is not None:
            return failure
        first_asked.setdefault(after.question, number)
        seen = after
    return _at_the_end(script.expect, seen, first_asked)


def _fail(step: Action, number: int, expected: str, happened: str, at: Where | None = None) -> Failure:
    return Failure(at or step.at, expected, happened, number, step.describe(), step.via)


def _before(step: Action, number: int, seen: Seen) -> Failure | None:
    """Is the question this step answers the one being asked?"""
    if step.kind == "answer" and seen.finished:
        to = f" to {step.question}" if step.question is not None else ""
        return _fail(step, number, f'to answer "{step.typed}"{to}', seen.describe())
    if step.question is not None and not step.question.matches(seen.question, seen.question_text):
        return _fail(step, number, str(step.question), seen.describe())
    return None


def _after(step: Action, number: int, before: Seen, after: Seen) -> Failure | None:
    """Was the answer taken (or refused, as the script says), and are the findings right?"""
    if step.kind == "answer":
        refused = after.error is not None
        confirming = after.confirm is not None
        if step.confirm is not False:
            if not confirming:
                return _fail(step, number, f'"{step.typed}" to be met with "Did you mean …?"',
                             f'it was refused: "{after.error}"' if refused else after.describe())
            if isinstance(step.confirm, str) and words(step.confirm) not in words(after.confirm):
                return _fail(step, number, f'a "Did you mean …?" with the words "{step.confirm}"',
                             f'it asks "{after.confirm}"')
        elif confirming:
            return _fail(step, number, f'"{step.typed}" to be taken as an answer to {before.question}',
                         f'it must be confirmed first: "{after.confirm}" (say confirm: yes)')
        if step.reprompt is not False:
            if not refused:
                return _fail(step, number, f'"{step.typed}" to be refused and {before.question} asked again',
                             f"it was accepted, and {after.describe()}")
            if isinstance(step.reprompt, str) and words(step.reprompt) not in words(after.error):
                return _fail(step, number, f'a reprompt with the words "{step.reprompt}"',
                             f'the reprompt says "{after.error}"')
        elif refused:
            return _fail(step, number, f'"{step.typed}" to be taken as an answer to {before.question}',
                         f'it was refused: "{after.error}"')
    for check in step.findings:
        if not check.holds(after.findings):
            return _fail(step, number, f"{check.name} = {check.shown()}",
                         f"{check.name} is {check.shown(after.findings.get(check.name))}", check.at)
    return None


def _at_the_end(expect: Expect, seen: Seen, first_asked: dict) -> Failure | None:
    """Did the conversation end (or stop) where the script says, for the reasons it says?"""
    def fail(name: str, expected: str, happened: str) -> Failure:
        return Failure(expect.at_field(name), expected, happened)

    if expect.question is not None and not expect.question.matches(seen.question, seen.question_text):
        return fail("question", f"the conversation to stop at {expect.question}", seen.describe())
    if expect.level is not None or expect.outcome is not None:
        wanted = (f"{expect.level} ({expect.outcome})" if expect.level and expect.outcome
                  else expect.level or f"the outcome {expect.outcome}")
        name = "outcome" if expect.outcome is not None else "level"
        if seen.finished is False:
            return fail(name, f"to end at {wanted}", f"the conversation had not ended: {seen.describe()}")
        if expect.outcome not in (None, seen.outcome) or expect.level not in (None, seen.level):
            return fail(name, f"to end at {wanted}", seen.describe())
    if expect.reasons is not None and set(expect.reasons) != set(seen.reasons):
        return fail("reasons", f"the reasons {_ids(expect.reasons)}", f"the reasons are {_ids(seen.reasons)}")
    for check in expect.findings:
        if not check.holds(seen.findings):
            return Failure(check.at, f"{check.name} = {check.shown()}",
                           f"{check.name} is {value_in_words(seen.findings.get(check.name), check.type)}")
    for words in expect.says:
        if " ".join(words.casefold().split()) not in " ".join(seen.words.casefold().split()):
            return fail("says", f'the words "{words}"', f'the screen says: "{" ".join(seen.words.split())}"')
    for question, at in expect.not_asked:
        if question in first_asked:
            number = first_asked[question]
            when = "at the start" if number == 0 else f"after step {number}"
            return Failure(at, f"{question} never to be asked", f"it was asked {when}")
    return None


def _ids(ids) -> str:
    return ", ".join(sorted(ids)) if ids else "(none)"
