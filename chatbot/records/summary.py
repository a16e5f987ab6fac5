"""The nurse's summary rebuilt from a stored session, in the words of `chatbot.summary`.

The record keeps each question's words as they were asked and the outcome's title and
reasons as they were shown, so the summary needs no flow file, and reads the same
after the flow has changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatbot.records.store import StoredSession
from chatbot.flow.text import printable
from chatbot.printable import printable as one_line  # a kiosk chose these words: no line of theirs starts a line here
from chatbot.summary import HEADINGS, _wrapped
from chatbot.flow.text import Text

RECORD_WORDS = {
    "not_finished": Text({"en": "not finished ({status})", "es": "sin terminar ({status})"}),
    "unfinished": Text({"en": "the person stopped before the end", "es": "la persona se detuvo antes del final"}),
    "abandoned": Text({"en": "started over or left", "es": "empezó de nuevo o se fue"}),
    "session": Text({"en": "Session", "es": "Sesión"}),
    "place": Text({"en": "Where", "es": "Dónde"}),
    "withdrawn": Text({"en": "Earlier answers, no longer counted (changed with back or by an amendment)",
                       "es": "Respuestas anteriores que ya no cuentan (cambiadas con atrás o por una corrección)"}),
    "trail": Text({"en": "Review trail", "es": "Historial de revisión"}),
    "amended": Text({"en": "{at} {who} amended {question}: {old} -> {new} ({reason}); level {old_level} -> {new_level}",
                     "es": "{at} {who} corrigió {question}: {old} -> {new} ({reason}); nivel {old_level} -> {new_level}"}),
    "reviewed": Text({"en": "{at} reviewed by {who}", "es": "{at} revisada por {who}"}),
}


def _value(value: Any, kind: str, language: str) -> str:
    if value is True:
        return HEADINGS["yes"].get(language)
    if value is False:
        return HEADINGS["no"].get(language)
    if value is None:
        return HEADINGS["not_measured" if kind == "temperature" else "unknown"].get(language)
    if isinstance(value, float):
        return f"{value:.1f} °C"
    return printable(str(value))


def _local(when: datetime) -> str:
    return f"{when.astimezone():%Y-%m-%d %H:%M}"


def stored_summary(session: StoredSession, language: str | None = None) -> str:
    """The nurse's summary of a stored session: the level and its reasons, then every answer kept."""
    language = language or session.language

    def word(key: str) -> str:
        return (RECORD_WORDS.get(key) or HEADINGS[key]).get(language)

    answers = session.kept_answers
    lines = [word("title"), "=" * len(word("title")),
             f"{word('flow')}: {one_line(session.flow_name)} (version {session.flow_version})",
             f"{word('date')}: {_local(session.started_at)}",
             f"{word('session')}: {one_line(session.id)}  {word('place')}: {one_line(session.place)}", ""]
    if session.status == "finished":
        lines.append(f"{word('result')}: {(session.level or '').upper()}: "
                     f"{one_line(session.outcome_title or session.outcome or '')}")
        lines.append(f"{word('reasons')}:")
        for reason in session.reasons:
            lines += _wrapped(one_line(f"{reason['id']}  {reason['reason']}"), "  - ", "    ")
        if not session.reasons:
            lines.append(f"  - {word('no_reasons')}")
        because = [answer for answer in answers if answer["seq"] in set(session.because)]
        if because:
            lines.append(f"{word('because')}:")
            for answer in because:
                lines += _wrapped(f"{one_line(answer['question_text'])} -> {printable(answer['shown'])}", "  - ", "    ")
    else:
        lines.append(f"{word('result')}: " + RECORD_WORDS["not_finished"].fill(
            status=word(session.status)).get(language))
    heading = f"{word('questions')} ({len(answers)})"
    lines += ["", heading, "-" * len(heading)]
    if not answers:
        lines.append(word("none_yet"))
    for index, answer in enumerate(answers, 1):
        lines += _wrapped(one_line(f"{answer['question_text']} [{answer['question_id']}]"), f"{index:>2}. ", "    ")
        shown, typed = printable(answer["shown"]), printable(answer["typed"])
        said = f"{word('answer')}: {shown}"
        if typed.strip().casefold() != shown.strip().casefold():
            said += f" ({word('typed')}: \"{typed}\")"
        lines += _wrapped(said, "    ", "      ")
        found = "; ".join(f"{one_line(name)} = {_value(value, answer['question_kind'], language)}"
                          for name, value in answer["findings"].items())
        lines += _wrapped(f"{word('found')}: {found}", "    ", "      ")
    kept = {answer["seq"] for answer in answers}
    withdrawn = [answer for answer in session.answers if answer["seq"] not in kept]
    if withdrawn:
        lines += ["", f"{word('withdrawn')}:"]
        for answer in withdrawn:
            lines += _wrapped(f"{one_line(answer['question_text'])} -> {printable(answer['shown'])}", "  - ", "    ")
    trail = [line for line in (_trail_line(event, language) for event in session.events) if line]
    if trail:
        lines += ["", f"{word('trail')}:"]
        for line in trail:
            lines += _wrapped(line, "  - ", "    ")
    return "\n".join(lines) + "\n"


def _trail_line(event: dict[str, Any], language: str) -> str:
    """A nurse's review or amendment, in words: who, when, what changed and why."""
    detail = event.get("detail") or {}
    when, who = _local(event["at"]), printable(str(event.get("actor", "")))
    if event["kind"] == "reviewed":
        return RECORD_WORDS["reviewed"].fill(at=when, who=who).get(language)
    if event["kind"] == "amended":
        old, new = detail.get("old") or {}, detail.get("new") or {}
        return RECORD_WORDS["amended"].fill(
            at=when, who=who, question=printable(str(detail.get("question_id", "?"))),
            old=printable(str(old.get("shown", "?"))), new=printable(str(new.get("shown", "?"))),
            reason=printable(str(detail.get("reason", ""))), old_level=str(detail.get("old_level", "-")),
            new_level=str(detail.get("new_level", "-"))).get(language)
    return ""
