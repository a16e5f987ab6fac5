"""The review as text (what `chatbot diff` prints) or as a Markdown release note.

Both say the same, in the same order: what was compared and how much; each class
whose level or outcome changed (down-triage first, grouped by the rules that held,
each with its statement, its rules before and after, its witness in both versions
and its sign-off); then questions, triage rules, findings, outcomes and texts;
then the change log and the hazards the classes touch.
"""

from __future__ import annotations

import textwrap

from chatbot.flow.model import LEVELS
from chatbot.review.report import KINDS, TITLES, ChangedClass, Review, Witness
from chatbot.review.statements import written

WIDTH = 100
LANGUAGES = {"en": "English", "es": "Spanish"}


def count(number: int, noun: str) -> str:
    plural = "es" if noun.endswith(("s", "sh", "ch", "x")) else "s"
    return f"{number:,} {noun}{'' if number == 1 else plural}"


def number(value: int) -> str:
    """A count people can read: 8,448, or about 6.2 × 10^77."""
    if value < 10 ** 15:
        return f"{value:,}"
    exponent = len(str(value)) - 1
    mantissa = round(value / 10 ** exponent, 1)
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"about {mantissa:.1f} × 10^{exponent}"


def summary(review: Review) -> str:
    comparison = review.comparison
    compared = (f"Compared every answer class of both versions: {number(comparison.old_paths)} and "
                f"{number(comparison.new_paths)} paths ({comparison.old_states:,} and {comparison.new_states:,} "
                f"states), {number(comparison.persons)} answer combinations, of which {number(comparison.changed)} "
                f"change outcome; {comparison.seconds:.2f} s.")
    numbers = [len(review.of_kind(kind)) for kind in KINDS]
    classes = len(review.classes)
    return (f"{compared}\n{classes:,} class{'es' if classes != 1 else ''} of persons change: {numbers[0]:,} "
            f"down-triage, {numbers[1]:,} up-triage, {numbers[2]:,} at the same level with another outcome.")


def versions(review: Review) -> str:
    old, new = review.old, review.new
    return (f"{old.given} (version {old.flow.version}) → {new.given} (version {new.flow.version}), "
            f"flow {new.flow.name}")


def signoff(changed: ChangedClass) -> str:
    if changed.kind != "down-triage":
        return ""
    if changed.accepted is None:
        return "NOT ACCEPTED: no reviewed entry of the change log accepts it"
    accepted, record = changed.accepted
    why = f": {accepted.why}" if accepted.why else ""
    return f"accepted in version {record.version} by {record.reviewer} ({record.date}){why}"


def rules_of(rules: tuple[str, ...]) -> str:
    return ", ".join(rules) if rules else "no rule"


def answers(witness: Witness) -> str:
    return "; ".join(f"{step.question} = {step.typed}" for step in witness.steps)


def ending(witness: Witness) -> str:
    end = witness.ending
    if not end.outcome:
        return "never ends"
    return f"{end.outcome} ({end.level}; {rules_of(end.rules)}){warning(witness)}"


def warning(witness: Witness) -> str:
    """A note when the level reached is not the rules' own (`chatbot check` calls it under- or over-triage)."""
    end = witness.ending
    if end.rules_level is None or end.rules_level == end.level:
        return ""
    return f" [the rules give {end.rules_level}: {'UNDER' if end.rank < LEVELS.index(end.rules_level) else 'over'}-triage]"


# -- text --------------------------------------------------------------------------------------------

def text(review: Review, width: int = WIDTH) -> str:
    """The review as `chatbot diff` prints it, wrapped at `width` columns."""
    lines = [wrapped for line in (f"chatbot diff: {versions(review)}", *summary(review).splitlines())
             for wrapped in _wrap(line, "", width=width)]
    for kind in KINDS:
        classes = review.of_kind(kind)
        if not classes:
            continue
        lines += ["", TITLES[kind].upper()]
        for changed in classes:
            lines += [""] + _text_class(changed, width)
    lines += _text_rest(review, width)
    if review.unaccepted:
        numbers = ", ".join(f"[{changed.number}]" for changed in review.unaccepted)
        lines += ["", f"{count(len(review.unaccepted), 'down-triage class')} not accepted by the change log: {numbers}"]
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str, first: str = "", width: int = WIDTH) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent + first, subsequent_indent=indent + " " * len(first),
                         break_on_hyphens=False) or [indent + first]


def _text_class(changed: ChangedClass, width: int) -> list[str]:
    before, after = changed.before.ending, changed.after.ending
    lines = _wrap(f"{changed.title}   rules: {rules_of(before.rules)} → {rules_of(after.rules)}   "
                  f"outcomes: {changed.outcomes}", "", f"[{changed.number}] ", width=width)
    lines += _wrap("; ".join(changed.statement.says) or "anybody", "    ", "A person with: ", width=width)
    if changed.statement.denies:
        lines += _wrap("; ".join(changed.statement.denies), "    ", "and no to: ", width=width)
    lines += _wrap(answers(changed.before) + f" → {ending(changed.before)}", "    ", "before: ", width=width)
    lines += _wrap(answers(changed.after) + f" → {ending(changed.after)}", "    ", "after:  ", width=width)
    if changed.kind == "down-triage":
        lines.append(f"    sign-off: {signoff(changed)}")
        lines.append(f"    to accept, profile: {profile_text(changed.profile)}")
    if changed.hazards:
        lines += _wrap("; ".join(f"{hazard.id} {hazard.hazard.rstrip('.')}" for hazard in changed.hazards), "    ",
                       "hazards: ", width=width)
    return lines


def profile_text(profile: dict) -> str:
    """A profile as a change log writes it, on one line."""
    return written(profile)


def _text_rest(review: Review, width: int) -> list[str]:
    lines: list[str] = []
    questions = review.questions
    if questions:
        lines += ["", "QUESTIONS"]
        lines += [f"  added: {q}" for q in questions.added] + [f"  removed: {q}" for q in questions.removed]
        lines += [f"  moved: {q} (was question {was} in the dialogue, now {now})" for q, was, now in questions.moved]
        lines += [f"  {item.name} asks another {item.what}: {item.old} → {item.new}" for item in questions.asks]
    for title, items in (("TRIAGE RULES", review.rules), ("FINDINGS", review.findings), ("OUTCOMES", review.outcomes)):
        if items:
            lines += ["", title]
            for item in items:
                lines += _wrap(f"{item.old or '(none)'} → {item.new or '(none)'}", "  ", f"{item.name} {item.what}: ",
                               width=width)
    for language in dict.fromkeys(change.language for change in review.texts):
        lines += ["", f"TEXTS ({LANGUAGES.get(language, language)})"]
        for change in review.texts:
            if change.language == language:
                lines.append(f"  {change.place}")
                lines += _wrap(change.old if change.old is not None else "(none)", "    ", "- ", width=width)
                lines += _wrap(change.new if change.new is not None else "(none)", "    ", "+ ", width=width)
    if review.records:
        lines += ["", "CHANGE LOG (entries after the old version)"]
        for record in review.records:
            lines += _wrap(f"version {record.version}, {record.date}, by {record.author}, "
                           f"reviewed by {record.reviewer or '(nobody yet)'}:", "  ", width=width)
            lines += _wrap(record.reason, "    ", width=width)
    if not review.changed:
        lines += ["", "Nothing changed: every person gets the same outcome, and every text is the same."]
    return lines


# -- Markdown ----------------------------------------------------------------------------------------

def markdown(review: Review) -> str:
    """The clinical release note: the classes grouped by rule, each hazard they touch linked."""
    old, new = review.old, review.new
    lines = [f"# Clinical release note: {new.flow.name}, version {old.flow.version} → {new.flow.version}", "",
             "| | before | after |", "|---|---|---|",
             f"| flow | `{old.given}` | `{new.given}` |",
             f"| version | {old.flow.version} | {new.flow.version} |", "",
             *[f"{line}  " for line in summary(review).splitlines()], ""]
    if review.records:
        lines += ["## Change log", "", "| version | date | author | reviewer | reason |", "|---|---|---|---|---|"]
        lines += [f"| {r.version} | {r.date} | {_cell(r.author)} | {_cell(r.reviewer or '(nobody yet)')} | "
                  f"{_cell(r.reason)} |" for r in review.records]
        lines.append("")
    if review.of_kind("down-triage"):
        accepted = len(review.of_kind("down-triage")) - len(review.unaccepted)
        lines += [f"**Sign-off:** {count(accepted, 'down-triage class')} accepted by the change log, "
                  f"{len(review.unaccepted)} not accepted.", ""]
    for kind in KINDS:
        if not review.of_kind(kind):
            continue
        lines += [f"## {TITLES[kind]}", ""]
        for rules, classes in review.groups(kind):
            heading = ", ".join(f"{rule} ({review.rule_reason(rule)})" for rule in rules) or "No rule: the routing alone"
            lines += [f"### {heading}", ""]
            hazards = review.rule_hazards(rules)
            if hazards:
                lines += ["Hazards of these rules: " + "; ".join(f"[{hazard.id}](#{anchor(hazard.id)}) {hazard.hazard.rstrip('.')}"
                                                                for hazard in hazards), ""]
            for changed in classes:
                lines += _markdown_class(changed)
    lines += _markdown_rest(review)
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def anchor(name: str) -> str:
    return "".join(c for c in name.lower().replace(" ", "-") if c.isalnum() or c == "-")


def _markdown_class(changed: ChangedClass) -> list[str]:
    before, after = changed.before.ending, changed.after.ending
    lines = [f"#### {changed.number}. {changed.heading}", "",
             f"A person with: {'; '.join(changed.statement.says) or 'anybody'}."]
    if changed.statement.denies:
        lines[-1] += f" And no to: {'; '.join(changed.statement.denies)}."
    lines += ["", "| | before | after |", "|---|---|---|",
              f"| outcome | {before.outcome} ({before.level}){warning(changed.before)} | "
              f"{after.outcome} ({after.level}){warning(changed.after)} |",
              f"| rules | {rules_of(before.rules)} | {rules_of(after.rules)} |",
              f"| answers | {_cell(answers(changed.before))} | {_cell(answers(changed.after))} |", ""]
    if changed.kind == "down-triage":
        lines += [f"Sign-off: {'**' + signoff(changed) + '**' if changed.accepted is None else signoff(changed)}. "
                  f"Profile: `{profile_text(changed.profile)}`", ""]
    if changed.hazards:
        lines += ["Hazards: " + ", ".join(f"[{hazard.id}](#{anchor(hazard.id)})" for hazard in changed.hazards), ""]
    return lines


def _markdown_rest(review: Review) -> list[str]:
    lines: list[str] = []
    questions = review.questions
    lines += ["## Questions", ""]
    if not questions:
        lines += ["No question added, removed or moved.", ""]
    else:
        lines += [f"- added: `{q}`" for q in questions.added] + [f"- removed: `{q}`" for q in questions.removed]
        lines += [f"- moved: `{q}` (was question {was} in the dialogue, now {now})" for q, was, now in questions.moved]
        lines += [f"- `{item.name}` asks another {item.what}: {item.old} → {item.new}" for item in questions.asks]
        lines.append("")
    for title, items in (("Triage rules", review.rules), ("Findings", review.findings), ("Outcomes", review.outcomes)):
        if items:
            lines += [f"## {title}", "", "| what | changed | before | after |", "|---|---|---|---|"]
            lines += [f"| `{item.name}` | {item.what} | {_cell(item.old or '(none)')} | {_cell(item.new or '(none)')} |"
                      for item in items]
            lines.append("")
    if review.texts:
        lines += ["## Texts", ""]
        for language in dict.fromkeys(change.language for change in review.texts):
            lines += [f"### {LANGUAGES.get(language, language)} ({language})", "",
                      "| where | before | after |", "|---|---|---|"]
            lines += [f"| {change.place} | {_cell(change.old or '(none)')} | {_cell(change.new or '(none)')} |"
                      for change in review.texts if change.language == language]
            lines.append("")
    hazards = review.hazards()
    if hazards:
        lines += ["## Hazards touched", "", f"From the hazard log `{review.hazard_log.file}`.", ""]
        for hazard in hazards:
            lines += [f"### {hazard.id}", "", f"**Hazard:** {hazard.hazard}", ""]
            if hazard.cause:
                lines += [f"**Cause:** {hazard.cause}", ""]
            lines += [f"**Concerns:** {', '.join(f'`{x}`' for x in (*hazard.rules, *hazard.outcomes))}", "",
                      f"**Mitigation:** {hazard.mitigation}", ""]
    if not review.changed:
        lines += ["Nothing changed: every person gets the same outcome, and every text is the same.", ""]
    return lines
