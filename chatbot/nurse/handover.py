"""A session read for a nurse (`reading.Reading`), rendered: SBAR handover text, a printable HTML
page (both saved owner-only), and the plain-text summary of `chatbot records show`.

SBAR: situation (the level and its reasons), background (white count known low, the
answers that led there), assessment (the flow's outcome), recommendation (what the clinician taking over should
do, by level: `recommendation`). The page (Jinja2, autoescaped: a patient's typed words are never markup)
and the summary have the level, reasons, answers (each current answer on one line, what
changed it folded in), identification and the review trail.
"""

from __future__ import annotations

from pathlib import Path

from chatbot.formats import moment
from chatbot.nurse.reading import Line, Reading
from chatbot.nurse.words import say
from chatbot.printable import file_name, printable, printable_lines
from chatbot.privatefile import write_private


def _answer(line: Line, language: str, arrow: str = " ") -> str:
    said = f"{line.question}{arrow}{line.answer}"
    if line.typed.strip().casefold() != line.answer.strip().casefold():
        said += f' ({say("typed", language)}: "{line.typed}")'
    if line.change:
        said += f" [{line.change}]"
    return said


def recommendation(reading: Reading, language: str) -> str:
    """The R of SBAR: what the clinician taking over should do, by level (never the patient's own
    instructions, which the assessment's outcome already names)."""
    if reading.status != "finished" or reading.level is None:
        return say("recommend_unfinished", language)
    return say(f"recommend_{reading.level}", language)


def sbar(reading: Reading, language: str) -> str:
    """The handover as plain text, in `language`."""
    reasons = "; ".join(reading.reasons) or say("no_reasons", language)
    lines = [f"{say('handover', language)}: {say('session', language)} {reading.id[:8]}",
             f"{say('identification', language, who=reading.identification)}",
             f"{say('sbar_s', language)}: {reading.level_word}. {reasons}.",
             f"{say('sbar_b', language)}: "
             + say("white_count", language, answer=reading.white_count or say("none", language)) + ". "
             + "; ".join(_answer(line, language) for line in reading.led_there),
             f"{say('sbar_a', language)}: {reading.outcome}",
             f"{say('sbar_r', language)}: {recommendation(reading, language)}",
             reading.patient_language]
    return printable_lines("\n".join(lines) + "\n")  # copied to the clipboard, pasted anywhere


_PAGE = """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ title }} {{ r.id[:8] }}</title>
<style>body{font-family:sans-serif;max-width:45em;margin:2em auto}h1{font-size:1.4em}
.emergency{color:#a00}.urgent{color:#a50}@media print{a{display:none}}</style></head><body>
<h1 class="{{ r.level or '' }}">{{ r.level_word }}: {{ r.outcome }}</h1>
<p>{{ identification }}<br>{{ r.about }}<br>{{ r.patient_language }}</p>
<h2>{{ words.reasons }}</h2><ul>{% for reason in r.reasons %}<li>{{ reason }}</li>{% else %}<li>{{ words.no_reasons }}</li>{% endfor %}</ul>
<h2>{{ words.led_there }}</h2><ul>{% for line in r.led_there %}<li>{{ answer(line) }}</li>{% else %}<li>{{ words.none }}</li>{% endfor %}</ul>
<h2>{{ words.yeses }}</h2><ul>{% for line in r.yeses %}<li>{{ answer(line) }}</li>{% else %}<li>{{ words.none }}</li>{% endfor %}</ul>
<h2>{{ words.transcript }}</h2><ol>{% for line in r.transcript %}<li>{{ answer(line) }}</li>{% endfor %}</ol>
<h2>{{ words.trail }}</h2><ul>{% for item in r.trail %}<li>{{ item }}</li>{% else %}<li>{{ words.none }}</li>{% endfor %}</ul>
</body></html>
"""


def page(reading: Reading, language: str) -> str:
    """The printable HTML page of the session, in `language`."""
    from jinja2 import Environment

    environment = Environment(autoescape=True)
    words = {key: say(key, language) for key in
             ("reasons", "no_reasons", "led_there", "yeses", "transcript", "trail", "none")}
    return printable_lines(environment.from_string(_PAGE).render(
        r=reading, language=language, title=say("title", language), words=words,
        identification=say("identification", language, who=reading.identification),
        answer=lambda line: _answer(line, language)))


def summary(reading: Reading, language: str) -> str:
    """The session as plain text, for `chatbot records show`: who and where, the level and why, every
    current answer on one line (what changed it folded in), and the review trail."""
    import textwrap

    def wrapped(text: str, first: str = "  - ", rest: str = "    ") -> list[str]:
        return textwrap.wrap(text, 78, initial_indent=first, subsequent_indent=rest) or [first.rstrip()]

    title = say("level_line", language, level=reading.level_word, outcome=reading.outcome) \
        if reading.outcome else reading.level_word
    lines = [title, "=" * min(len(title), 78),
             f"{say('session', language)} {printable(reading.id)}",
             say("where_when", language, place=reading.place,
                 started=moment(reading.started, language) if reading.started else ""),
             say("identification", language, who=reading.identification), reading.patient_language, ""]
    if reading.status == "finished":
        lines.append(f"{say('reasons', language)}:")
        lines += [line for reason in reading.reasons or [say("no_reasons", language)] for line in wrapped(reason)]
        lines.append(f"{say('led_there', language)}:")
        lines += [line for item in reading.led_there for line in wrapped(_answer(item, language, " -> "))] \
            or [f"  {say('none', language)}"]
        lines.append("")
    heading = say("answers", language, count=len(reading.transcript))
    lines += [heading, "-" * len(heading)]
    for number, line in enumerate(reading.transcript, 1):
        lines += wrapped(_answer(line, language, " -> "), f"{number:>2}. ", "    ")
    if not reading.transcript:
        lines.append(f"  {say('none', language)}")
    lines += ["", f"{say('trail', language)}:"]
    lines += [line for item in reading.trail for line in wrapped(item)] or [f"  {say('none', language)}"]
    return printable_lines("\n".join(lines) + "\n")  # for a staff terminal: nothing in it acts


def save_private(folder: Path, name: str, text: str) -> Path:
    """`text` in `folder/name`, owner-only (0600), written whole (`chatbot.privatefile`); the name is
    made of plain characters only (a session's id is in it), so it never names another folder."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_private(folder / file_name(name, limit=100), text)
