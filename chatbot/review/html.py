"""The release note as one printable HTML page (Jinja2, autoescaped; imported only here).

The same content as the Markdown note (`chatbot.review.notes`), laid out to be read
on paper: a print stylesheet keeps a class and its table together, repeats table
headers on each page, prints each hazard link's target, and leaves out nothing a
screen would hide.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chatbot.review import notes
from chatbot.review.report import KINDS, TITLES, Review

TEMPLATES = Path(__file__).parent / "templates"


def html(review: Review) -> str:
    """The review as an HTML page."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template("release-note.html")
    return template.render(review=review, kinds=KINDS, titles=TITLES, summary=notes.summary(review).splitlines(),
                           signoff=notes.signoff, rules_of=notes.rules_of, profile=notes.profile_text,
                           anchor=notes.anchor, languages=notes.LANGUAGES,
                           warning=notes.warning)
