"""`chatbot translations export|import`: a flow's words for translators' tools, and back.

`export FLOW --language es -o es.po` writes every text of the flow as a gettext .po entry: the
English (the flow's first language) as `msgid`, the text's key path as `msgctxt`, its `file:line`
as the reference, the translation as `msgstr`, and `#, fuzzy` where the English changed since it
was translated (the flow's `es_from` hash; `chatbot check` reports the same). `import FLOW es.po`
writes the entries that are translated and not fuzzy back into the flow file, in place
(`chatbot.flowfile.translations`), each with the hash of the English it was translated from.
An entry whose English is no longer the flow's is left out and named: export again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from chatbot.catalog import message, plural
from chatbot.commands.said import complain, said
from chatbot.flow.problems import FlowError
from chatbot.flowfile.loader import bundled_flow_path
from chatbot.flowfile.translations import flow_texts, languages_of, write_back

NAME = "translations"
HELP = message("a flow's texts as a gettext .po file for translators (export), and the translations back (import)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=message("write the flow's texts and one language's translations as a .po file"))
    export.add_argument("file", nargs="?", metavar="FLOW", help=message("the flow file (default: the bundled flow)"))
    export.add_argument("--language", required=True, metavar="CODE", help=message("the language to translate into: es, fr, pt-BR"))
    export.add_argument("-o", "--output", metavar="FILE", help=message("the .po file to write (default: standard output)"))
    into = actions.add_parser("import", help=message("write a .po file's translations into the flow file, in place"))
    into.add_argument("file", metavar="FLOW", help=message("the flow file to write the translations into"))
    into.add_argument("po", metavar="PO", help=message("the translated .po file"))
    into.add_argument("--language", metavar="CODE", help=message("the .po file's language (default: its Language header)"))


def run(args: argparse.Namespace) -> int:
    try:
        return export(args) if args.action == "export" else import_(args)
    except OSError as error:
        print(f"chatbot translations {args.action}: {error.filename or ''}: {error.strerror or error}",
              file=sys.stderr)  # the system's own words
        return 2


def export(args: argparse.Namespace) -> int:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = Path(args.file or args.flow or bundled_flow_path())
    text = path.read_text(encoding="utf-8")
    display = _display(path)
    language = args.language
    source = languages_of(text)[0]
    if language == source:
        complain(message("chatbot translations export: '{language}' is the flow's own language, the one "
                         "translated from"), language=language)
        return 2
    catalog = Catalog(locale=_locale(language), project=path.stem, fuzzy=False,
                      msgid_bugs_address="", copyright_holder="", header_comment=HEADER)
    for item in flow_texts(text, language):
        catalog.add(item.by_language[source], item.by_language.get(language, ""), locations=[(display, item.line)],
                    flags=("fuzzy",) if language in item.by_language and _needs_review(item, text, language, source)
                    else (), auto_comments=[item.note()] if item.note() else [], context=item.context)
    if _locale(language) is None:
        catalog.language_team = language
    if args.output:
        with open(args.output, "wb") as out:
            write_po(out, catalog, width=100, sort_output=False)
    else:
        write_po(sys.stdout.buffer, catalog, width=100, sort_output=False)
    return 0


HEADER = """\
# The texts of a flow file, for translators. Translate each msgstr; leave an entry
# "fuzzy" until its translation is reviewed against the English above it.
# Write the translations back with: chatbot translations import FLOW FILE.po"""


def _needs_review(item, text: str, language: str, source: str) -> bool:
    """Fuzzy: the English changed since (its hash), or the language keeps hashes and this one none."""
    if item.stale(language, source):
        return True
    return language not in item.sources and _hashed(text, language)


_HASHED: dict[tuple[int, str], bool] = {}


def _hashed(text: str, language: str) -> bool:
    key = (hash(text), language)
    if key not in _HASHED:
        _HASHED[key] = any(language in item.sources for item in flow_texts(text, language))
    return _HASHED[key]


def _locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def import_(args: argparse.Namespace) -> int:
    from babel.messages.pofile import PoFileError, read_po

    path = Path(args.file)
    text = path.read_text(encoding="utf-8")
    try:
        with open(args.po, "rb") as po:
            catalog = read_po(po, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as error:
        complain(message("chatbot translations import: {path}: not a readable .po file ({error})"), path=args.po,
                 error=error)
        return 2
    language = args.language or (str(catalog.locale) if catalog.locale else catalog.language_team)
    if not language:
        complain(message("chatbot translations import: {path} names no language: give --language"), path=args.po)
        return 2
    language = language.replace("_", "-")
    source = languages_of(text)[0]
    english = {item.context: item.by_language[source] for item in flow_texts(text, language)}
    translations, fuzzy, moved = {}, 0, []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        if entry.fuzzy:
            fuzzy += 1
        elif english.get(entry.context) != entry.id:
            moved.append(entry.context or entry.id)
        else:
            translations[entry.context] = entry.string
    try:
        result = write_back(text, language, translations, _display(path))
    except FlowError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    for context in moved:
        complain(message("{path}: {context}: the English is no longer what was translated (or the text is gone): "
                         "left out; export again"), path=args.po, context=context)
    if result.text != text:
        _write_whole(path, result.text)
    counts = [plural("{count} translated", "{count} translated").count(result.translated),
              plural("{count} marked as translated from today's English",
                     "{count} marked as translated from today's English").count(result.marked),
              plural("{count} fuzzy left for review", "{count} fuzzy left for review").count(fuzzy),
              plural("{count} untranslated", "{count} untranslated").count(result.untranslated)]
    if result.language_added:
        counts.append(message("'{language}' added to the flow's languages").fill(language=language))
    print(f"{_display(path)}: " + ", ".join(said(count) for count in counts))
    return 0


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _write_whole(path: Path, text: str) -> None:
    """The flow file replaced at once (a reader never sees half of it), its permissions kept."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
