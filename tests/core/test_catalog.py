"""The UI's words come from one gettext catalog: every message the code names is in it, translated,
with its placeholders; plurals follow the language; and no table of English/Spanish pairs is left.

A string shown to a person that is not in the catalog fails here when it is named with
`message()` and missing from the catalog, and fails the pseudo-locale walk
(tests/ui/test_pseudo_locale.py) when it is not named at all.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from chatbot import catalog
from chatbot.catalog import PSEUDO, is_pseudo, message, message_in, plural, pseudo
from chatbot.flow.text import Text
from chatbot.nurse.words import WORDS, language_name, say

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chatbot"
KEYWORDS = {"message": None, "message_in": ((1, "c"), 2), "plural": (1, 2)}  # docs/translating.md's -k options
TEMPLATE = catalog.LOCALE_DIR / "chatbot.pot"
TRANSLATED = sorted(catalog.LOCALE_DIR.glob("*/LC_MESSAGES/chatbot.po"))
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def key(message_id, context) -> tuple:
    return (context, message_id if isinstance(message_id, str) else tuple(message_id))


def named_in_code() -> set[tuple]:
    """What `pybabel extract` finds in the package, as (msgctxt, msgid)."""
    return {key(found[2], found[4]) for found in
            extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=())}


def entries(path: Path) -> set[tuple]:
    return {key(entry.id, entry.context) for entry in read(path) if entry.id}


def test_the_template_holds_exactly_what_the_code_names():
    """A message named in the code and not in chatbot.pot (or the reverse): run the extract of docs/translating.md."""
    named = named_in_code()
    assert len(named) > 200
    assert entries(TEMPLATE) == named


@pytest.mark.parametrize("po", TRANSLATED, ids=lambda path: path.parts[-3])
def test_each_language_translates_every_message_and_keeps_its_placeholders(po):
    template = entries(TEMPLATE)
    assert entries(po) == template, "run pybabel update (docs/translating.md)"
    for entry in read(po):
        if not entry.id:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        assert not entry.fuzzy and all(strings), f"{po.name}:{entry.lineno}: fuzzy or untranslated"
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted and (
                set(PLACEHOLDER.findall(string)) >= set(PLACEHOLDER.findall(ids[0])) - {"{count}"}), \
                f"{po.name}:{entry.lineno}: the placeholders of {ids[0]!r}"


@pytest.mark.parametrize("po", TRANSLATED, ids=lambda path: path.parts[-3])
def test_msgfmt_checks_each_catalog(po, tmp_path):
    """GNU gettext's own check, as CI runs it: formats, header, plural forms."""
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("msgfmt is not installed: .ci/run installs Debian's gettext")
        pytest.skip("msgfmt (Debian's gettext) is not installed")
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(po)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "fuzzy" not in done.stderr and "untranslated" not in done.stderr, done.stderr


@pytest.mark.parametrize("count, english, spanish", [
    (1, "1 session", "1 sesión"), (0, "0 sessions", "0 sesiones"), (3, "3 sessions", "3 sesiones"),
    (21, "21 sessions", "21 sesiones"), (12345, "12345 sessions", "12.345 sesiones")])
def test_a_count_takes_the_plural_form_of_its_language(count, english, spanish):
    sessions = WORDS["sessions"].count(count)
    assert (sessions.get("en"), sessions.get("es")) == (english, spanish)


def test_one_english_word_with_two_meanings_has_a_context():
    assert language_name("es", "es") == "español" and language_name("en", "en") == "English"
    assert message_in("language name", "English").get("es") == "inglés"


@pytest.mark.parametrize("language, said", [
    ("en", "Signed in: Ana"), ("es", "Sesión de: Ana"), ("fr", "Signed in: Ana"), (PSEUDO, pseudo("Signed in: {name}").replace("{name}", "Ana"))])
def test_a_message_is_looked_up_when_shown_and_falls_back_to_english(language, said):
    assert say("signed_in", language, name="Ana") == said


def test_a_value_is_filled_in_once_and_in_the_same_language():
    """One way to fill in a value: its own braces are never read again; a message value is translated too."""
    assert message("Saved to {path}").fill(path="{reason}").get("es") == "Guardado en {reason}"
    assert Text({"en": "Say {x}", "es": "Diga {x}"}).fill(x=message("Yes")).get("es") == "Diga Sí"


@pytest.mark.parametrize("text", ["Yes", "Part {number} of {count}: {topic}", "**Call** now", "A [b]bold[/b] word"])
def test_the_pseudo_locale_is_longer_accented_and_bracketed_and_keeps_what_code_reads(text):
    shown = pseudo(text)
    visible = re.compile(r"\{\w+\}|\[/?\w+\]")
    assert is_pseudo(shown) and len(visible.sub("", shown)) >= 1.4 * len(visible.sub("", text))
    assert PLACEHOLDER.findall(shown) == PLACEHOLDER.findall(text)
    assert re.findall(r"\[/?\w+\]", shown) == re.findall(r"\[/?\w+\]", text)
    assert not re.search(r"[a-zA-Z]{3}", re.sub(r"\{\w+\}|\[/?\w+\]", "", shown)), shown
    assert plural("{count} file", "{count} files").count(2).get(PSEUDO) == pseudo("{count} files").replace("{count}", "2")


NOT_PAIRS = {"catalog.py": ("LANGUAGES", "LOCALES"),  # each language by its own name, and its Babel locale
             "review/notes.py": ("LANGUAGES",),  # the release note (English, for reviewers) names the languages
             "speech/espeak.py": ("VOICES",)}  # espeak-ng's voice for each language: names, not words


@pytest.mark.parametrize("module", sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")))
def test_no_table_of_english_and_spanish_pairs_is_left(module):
    """The word tables are gone: no Python of the package pairs an English text with a Spanish one
    (`{"en": ..., "es": ...}` or `_t(en, es)`); the Spanish lives in the catalog."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    allowed = {id(node.value) for node in tree.body if isinstance(node, ast.Assign)
               and any(getattr(target, "id", None) in NOT_PAIRS.get(module, ()) for target in node.targets)}
    pairs = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Dict) and id(node) not in allowed
             and {getattr(k, "value", None) for k in node.keys} >= {"en", "es"}
             and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values)]
    assert pairs == [], f"chatbot/{module}: English/Spanish pairs at lines {pairs}: name them with message()"


@pytest.mark.parametrize("language, expected", [
    ("en", "Records: there is no staff member called 'Ana'"),
    ("es", "Registros: no hay ningún miembro del personal llamado 'Ana'"),
    ("qps", None),
])
def test_a_records_problem_is_said_in_the_screens_language(language, expected):
    """A store's error given catalog words (a StaffError at the station) is filled into the station's
    own words in the station's language, not in English; an error without them stays as it is."""
    from chatbot.nurse.words import say
    from chatbot.records.staff import NO_STAFF, StaffError
    from chatbot.records.url import RecordsError

    shown = say("store_problem", language, problem=StaffError(NO_STAFF.fill(name="Ana")))
    if expected is None:
        assert "there is no staff member" not in shown and "Ana" in shown
    else:
        assert shown == expected
    assert "disk I/O error" in say("store_problem", language, problem=RecordsError("disk I/O error"))


@pytest.mark.parametrize("kind, words, english, spanish", [
    ("StaleSession", message("session {session} changed since version {version} was opened").fill(
        session="ab12", version="3"),
     "session ab12 changed since version 3 was opened", "la sesión ab12 ha cambiado desde que se abrió la versión 3"),
    ("SendError", message("{url} cannot be reached: {error}").fill(url="https://fhir.example/r4",
                                                                   error="[Errno 111] Connection refused"),
     "https://fhir.example/r4 cannot be reached: [Errno 111] Connection refused",
     "no se puede acceder a https://fhir.example/r4: [Errno 111] Connection refused"),
])
def test_a_records_or_fhir_error_keeps_its_english_and_is_said_in_the_language(kind, words, english, spanish):
    """A records or FHIR error raised with catalog words: `str()` is the English (logs, tests), `get` and
    the station's `{problem}` say it in the screen's language, a library's words inside kept as they are."""
    from chatbot.fhir.send import SendError
    from chatbot.nurse.words import say
    from chatbot.records.review import StaleSession

    error = {"StaleSession": StaleSession, "SendError": SendError}[kind](words)
    assert str(error) == english and error.get("es") == spanish
    assert say("store_problem", "en", problem=error) == f"Records: {english}"
    assert say("store_problem", "es", problem=error) == f"Registros: {spanish}"
