"""The nurse's summary of a conversation, as plain text: what was asked, answered and found.

Engine-side on purpose (no Textual): the UI shows it and saves it, and the replay
and kiosk reuse it. Everything a person typed goes through `printable` first, so a
saved summary is safe to `cat` and a screen never draws an escape sequence.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

from chatbot.flow.kinds import FindingType
from chatbot.engine import Conversation, Result
from chatbot.catalog import PSEUDO, SOURCE, message
from chatbot.formats import decimal, moment
from chatbot.flow.text import printable
from chatbot.privatefile import write_private

WIDTH = 72

HEADINGS = {
    "title": message("Symptom checker: summary for the nurse"),
    "flow": message("Flow"),
    "version": message("{name} (version {version})"),
    "date": message("Date"),
    "result": message("Result"),
    "not_finished": message("not finished: the next question is {question}"),
    "reasons": message("Reasons"),
    "no_reasons": message("none: nothing reported needs a call today"),
    "worked_out": message("Worked out from the answers"),
    "because": message("Answers that led here"),
    "questions": message("Questions and answers"),
    "none_yet": message("No question answered yet."),
    "answer": message("Answer"),
    "typed": message("as typed"),
    "found": message("Finding"),
    "yes": message("yes"),
    "no": message("no"),
    "unknown": message("unknown"),
    "not_measured": message("not measured"),
}

LEVELS = {"emergency": message("EMERGENCY"), "urgent": message("URGENT"), "routine": message("ROUTINE")}
"""A level as the summaries head it."""

PHONE_LINE = message("I have bone marrow failure and {reasons}.")
AND = message("and")

# Text direction overrides and zero-width marks can hide or reorder what is shown.
def join_words(parts: list[str], language: str) -> str:
    """"a", "a and b", "a, b and c", in the person's language."""
    word = AND.get(language)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def phone_line(result: Result, language: str) -> str:
    """What to say when calling for help: "I have bone marrow failure and chest pain."."""
    reasons = [rule.reason.get(language) for rule in result.reasons]
    if not reasons:
        return ""
    return PHONE_LINE.fill(reasons=join_words(list(dict.fromkeys(reasons)), language)).get(language)


def value_in_words(value: Any, type: str | None, language: str = "en") -> str:
    """A finding's value in words, for the nurse and for testers: yes, no, unknown, not measured, 38.0 °C."""
    if value is True:
        return HEADINGS["yes"].get(language)
    if value is False:
        return HEADINGS["no"].get(language)
    if value is None:
        return HEADINGS["not_measured" if type == FindingType.TEMPERATURE else "unknown"].get(language)
    if isinstance(value, float):  # 38.6 °C; 38,6 °C in Spanish
        return f"{value:.1f} °C" if language in (SOURCE, PSEUDO) else f"{decimal(value, language)} °C"
    return printable(str(value))


def nurse_summary(conversation: Conversation, *, emergency_number: str | None = None,
                  language: str | None = None, when: datetime | None = None) -> str:
    """The whole conversation for a nurse: the level and its reasons, then every answer."""
    flow = conversation.flow
    language = language or conversation.language
    call = emergency_number or flow.emergency_number
    when = when or datetime.now()

    def word(key: str) -> str:
        return HEADINGS[key].get(language)

    lines = [word("title"), "=" * len(word("title")),
             f"{word('flow')}: " + HEADINGS["version"].fill(name=flow.name, version=str(flow.version)).get(language),
             f"{word('date')}: {moment(when, language)}", ""]
    if conversation.finished:
        result = conversation.result()
        title = result.outcome.title.fill(emergency_number=call).get(language)
        lines.append(f"{word('result')}: {LEVELS[result.level].get(language)}: {title}")
        lines.append(f"{word('reasons')}:")
        for rule in result.reasons:
            lines += _wrapped(f"{rule.id}  {rule.for_nurse.get(language)}", "  - ", "    ")
        if not result.reasons:
            lines.append(f"  - {word('no_reasons')}")
        worked_out = [f"{name} = {value_in_words(result.findings.get(name), FindingType.TEMPERATURE, language)}"
                      for name, sources in flow.derived.items()  # Tmax, when two readings were given
                      if sum(result.findings.get(source) is not None for source in sources) > 1]
        if worked_out:
            lines += _wrapped(f"{word('worked_out')}: {'; '.join(worked_out)}", "", "  ")
        if result.because:
            lines.append(f"{word('because')}:")
            for turn in result.because:
                lines += _wrapped(f"{turn.question.text.get(language)} -> {printable(turn.shown)}",
                                  "  - ", "    ")
    else:
        question = conversation.current.question.id
        lines.append(f"{word('result')}: " + HEADINGS["not_finished"].fill(question=question).get(language))
    lines += ["", f"{word('questions')} ({len(conversation.transcript)})",
              "-" * len(f"{word('questions')} ({len(conversation.transcript)})")]
    if not conversation.transcript:
        lines.append(word("none_yet"))
    for index, turn in enumerate(conversation.transcript, 1):
        lines += _wrapped(f"{turn.question.text.get(language)} [{turn.question.id}]",
                          f"{index:>2}. ", "    ")
        shown = printable(turn.shown)
        typed = printable(turn.typed)
        answer = f"{word('answer')}: {shown}"
        if typed.strip().casefold() != shown.strip().casefold():
            answer += f" ({word('typed')}: \"{typed}\")"
        lines += _wrapped(answer, "    ", "      ")
        found = "; ".join(f"{name} = {value_in_words(value, flow.findings[name].type, language)}"
                          for name, value in turn.findings.items())
        lines += _wrapped(f"{word('found')}: {found}", "    ", "      ")
    return "\n".join(lines) + "\n"


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    """`text` wrapped at WIDTH, never between a number and its unit ("38.6 °C")."""
    lines = textwrap.wrap(text.replace(" °", "\u00a0°"), WIDTH, initial_indent=first,
                          subsequent_indent=rest, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines] or [first.rstrip()]


def summary_filename(when: datetime | None = None) -> str:
    return f"symptom-summary-{(when or datetime.now()):%Y%m%d-%H%M%S}.txt"


def save_summary(text: str, directory: str | Path, when: datetime | None = None) -> Path:
    """Write the summary to a new file only its owner can read, whole, never over another one."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = summary_filename(when)[:-len(".txt")]
    for attempt in range(100):
        path = directory / (f"{stem}.txt" if attempt == 0 else f"{stem}-{attempt + 1}.txt")
        try:
            return write_private(path, text, exclusive=True)
        except FileExistsError:
            continue
    raise FileExistsError(f"too many summaries named {stem}*.txt in {directory}")
