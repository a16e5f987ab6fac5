"""The commands speak the person's language (issue 26, item 1): every sentence a command prints comes
from the catalog, in the language of `--language` or of the environment (as gettext reads it), and
what a program reads (JSON, `ok`/`FAIL`, codes, paths) is the same in every language.

A string a command shows that is not in the catalog fails here: each command is run in the
pseudo-locale, where every word of the catalog is accented and bracketed, and a word of plain English
left on a line is one that never went through it. The page `chatbot serve` sends is read the same way.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chatbot.catalog import CLOSE, OPEN, PSEUDO, environment_language
from chatbot.cli import main
from chatbot.commands import COMMANDS as COMMAND_NAMES

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
PATIENTS = TESTS / "patients" / "examples.yaml"
NOT_WORDS = {"ok", "FAIL", "DIFFERS", "emergency", "urgent", "routine", "sqlite", "mermaid", "dot",
             "chatbot", *(name.replace("_", "-") for name in COMMAND_NAMES),
             "export", "list", "add", "remove", "unlock", "purge", "migrate", "import", "show", "questionnaire"}
"""What a line may hold outside the catalog's words: marks and codes a program reads (replay's and
simulate's marks, the levels as the flow names them, the command's own name, a format's name)."""
SCRIPT_NAME = re.compile(r"^((?:ok|FAIL) +\S+:\d+:).*?(?= -> |$)")
IDENTIFIER = re.compile(r"\S*[/_.:=\d@]\S*")  # a path, a question's id, a URL, a number, a time


def english_left(line: str) -> list[str]:
    """The words of `line` that are plain English: outside every ⟦ ⟧, not an identifier nor a mark."""
    depth, outside = 0, []
    for char in line:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            outside.append(char)
    words = IDENTIFIER.sub(" ", "".join(outside))
    return [word for word in re.findall(r"[A-Za-z]{3,}", words) if word not in NOT_WORDS]


@pytest.mark.parametrize("environment, language", [
    ({}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({"LANG": "C"}, "en"), ({"LANG": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_MX.UTF-8@euro"}, "es"), ({"LC_MESSAGES": "es_ES", "LANG": "en_GB.UTF-8"}, "es"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "es_ES.UTF-8"}, "en"), ({"LANGUAGE": "fr:es", "LANG": "en_GB"}, "es"),
    ({"LANGUAGE": "fr", "LANG": "es_ES"}, "en"), ({"LANGUAGE": "", "LANG": "es_ES"}, "es"),
    ({"LANGUAGE": PSEUDO}, PSEUDO), ({"LANG": "de_DE.UTF-8"}, "en")])
def test_a_command_speaks_the_language_the_environment_names_as_gettext_reads_it(environment, language):
    assert environment_language(environment) == language


@pytest.fixture
def records(tmp_path):
    """A records database of the test's own, made by the command as an administrator would."""
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    assert main(["records", "migrate", "--database", url]) == 0
    return url


def run(argv: list[str], capsys) -> tuple[int, list[str]]:
    """The command's status and the lines it printed, standard output then standard error."""
    status = main(argv)
    said = capsys.readouterr()
    return status, [line for line in (said.out + said.err).splitlines() if line.strip()]


def written(path: Path, text: str) -> str:
    """`path`, made to hold `text` (a file a command is given)."""
    path.write_text(text, encoding="utf-8")
    return str(path)


COMMANDS = [
    ("check", lambda url, tmp: ["check"]),
    ("check a bad flow", lambda url, tmp: ["check", str(TESTS / "bad_flows" / "no_way_out.yaml")]),
    ("check a flow with many problems", lambda url, tmp: ["check", str(TESTS / "bad_flows" / "many_problems.yaml")]),
    ("check a flow with unknown fields", lambda url, tmp: ["check", str(TESTS / "bad_flows" / "unknown_field.yaml")]),
    ("check a flow with a repeated key", lambda url, tmp: ["check", str(TESTS / "bad_flows" / "duplicate_key.yaml")]),
    ("check a flow with a wrong type", lambda url, tmp: ["check", str(TESTS / "bad_flows" / "wrong_type.yaml")]),
    ("check a flow with a bad condition", lambda url, tmp: ["check",
                                                             str(TESTS / "bad_flows" / "unknown_finding_in_condition.yaml")]),
    ("replay with coverage", lambda url, tmp: ["replay", str(TESTS / "conversations" / "routine.yaml"), "--coverage"]),
    ("replay below its coverage", lambda url, tmp: ["replay", str(TESTS / "conversations" / "routine.yaml"),
                                                     "--fail-under", "100"]),
    ("simulate", lambda url, tmp: ["simulate", str(PATIENTS)]),
    ("records list", lambda url, tmp: ["records", "list", "--database", url]),
    ("records migrate again", lambda url, tmp: ["records", "migrate", "--database", url]),
    ("records purge", lambda url, tmp: ["records", "purge", "--database", url]),
    ("records export", lambda url, tmp: ["records", "export", "--database", url, "-o", str(tmp / "out.jsonl")]),
    ("records, no database", lambda url, tmp: ["records", "list", "--database", f"sqlite:///{tmp / 'none.sqlite3'}"]),
    ("records, a wrong URL", lambda url, tmp: ["records", "list", "--database", "postgresql://localhost"]),
    ("records, a password to percent-encode", lambda url, tmp: ["records", "list", "--database",
                                                                  "postgresql://kiosk:p@ss@db/records"]),
    ("records show, no such session", lambda url, tmp: ["records", "show", "nosuch", "--database", url]),
    ("records import, not a saved write", lambda url, tmp: ["records", "import", written(tmp / "x.jsonl", "{}\n"),
                                                             "--database", url]),
    ("records export to a bad FHIR URL", lambda url, tmp: ["records", "export", "--database", url, "--fhir",
                                                            "--fhir-url", "ftp://fhir.example"]),
    ("records export to a FHIR URL with a bad port", lambda url, tmp: ["records", "export", "--database", url, "--fhir",
                                                                        "--fhir-url", "http://fhir.example:99999/r4"]),
    ("staff unlock", lambda url, tmp: ["staff", "unlock", "nobody", "--database", url]),
    ("graph", lambda url, tmp: ["graph", "-o", str(tmp / "flow.mmd")]),
    ("export", lambda url, tmp: ["export", "questionnaire", "-o", str(tmp / "q.json")]),
]


@pytest.mark.parametrize("name, argv", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_sentence_a_command_prints_is_in_the_catalog(name, argv, records, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", PSEUDO)
    _, lines = run(argv(records, tmp_path), capsys)
    assert lines
    lines = [SCRIPT_NAME.sub(r"\1", line) for line in lines]  # a script's name is its tester's own words
    left = {line: english_left(line) for line in lines if english_left(line)}
    assert not left, f"English outside the catalog: {left}"


@pytest.mark.parametrize("environment, pin, said", [
    ({"LANG": "es_ES.UTF-8"}, "1234", "chatbot staff add: El PIN debe tener de 6 a 12 cifras. No se ha cambiado nada."),
    ({"LANG": "es_ES.UTF-8"}, "40417283", "ana puede iniciar sesión en el puesto de enfermería"),
    ({"LANGUAGE": "en", "LANG": "es_ES.UTF-8"}, "40417283", "ana may sign in at the nurse station"),
    ({}, "1111111", "chatbot staff add: That PIN is too easy to guess. Avoid repeated or running digits. "
                    "Nothing was changed.")])
def test_staff_are_added_and_told_so_in_their_language(environment, pin, said, records, capsys, monkeypatch):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    assert run(["staff", "add", "ana", "--database", records], capsys)[1] == [said]
    listed = run(["staff", "list", "--database", records], capsys)[1]
    added = "ana\t" + ("desde " if environment.get("LANG") and "LANGUAGE" not in environment else "added ")
    assert listed == [] if "Nothing" in said or "nada" in said else listed[0].startswith(added)


@pytest.mark.parametrize("argv, spanish", [
    (["records", "export", "--fhir", "--fhir-url", "ftp://fhir.example"],
     "chatbot records export: 'ftp://fhir.example' no es la URL base http:// o https:// de un servidor FHIR"),
    (["records", "show", "nosuch"], "chatbot records show: no hay ninguna sesión 'nosuch' en {url}"),
    (["records", "import", "{tmp}/x.jsonl"], "chatbot records import: {tmp}/x.jsonl:1: no es una escritura guardada: 'op'"),
])
def test_a_records_or_fhir_error_is_said_in_the_language(argv, spanish, records, tmp_path, capsys, monkeypatch):
    """The errors of the records and of FHIR export come from the catalog; what is not words (a URL, a path,
    a key a library names) stays as it is inside the sentence."""
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    written(tmp_path / "x.jsonl", "{}\n")
    argv = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    status, lines = run([*argv, "--database", records], capsys)
    assert status != 0 and lines[-1] == spanish.replace("{url}", records).replace("{tmp}", str(tmp_path))


def test_check_counts_and_times_as_the_language_writes_them(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    _, lines = run(["check"], capsys)
    assert re.search(r": ningún problema \(\d+ preguntas, \d+ finales, \d+ reglas\); [\d.]+ caminos explorados "
                     r"como \d+ estados en \d+,\d\d s: demostrado", lines[-1]), lines[-1]
    _, lines = run(["--language", "en", "check"], capsys)  # the command's own --language comes first
    assert re.search(r": no problems .*; [\d,]+ paths explored as \d+ states in \d+\.\d\d s: proved", lines[-1])


def test_what_a_program_reads_is_the_same_in_every_language(records, capsys, monkeypatch):
    """`--json`, the replay's `ok`/`FAIL` marks and its exit status do not follow the language."""
    script = str(TESTS / "conversations" / "routine.yaml")
    by_language = {}
    for language in ("en", "es"):
        monkeypatch.setenv("LANGUAGE", language)
        check = json.loads(run(["check", "--json"], capsys)[1][0])
        status, replayed = run(["replay", script], capsys)
        marks = [line.split()[0] for line in replayed[:-1]]
        by_language[language] = ({key: value for key, value in check.items() if key != "seconds"}, status, marks)
    assert by_language["en"] == by_language["es"] and set(by_language["en"][2]) == {"ok"}
    assert run(["replay", script], capsys)[1][-1].startswith(("1 guion: todos correctos", "2 guiones"))


def test_the_plural_follows_the_count(records, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert run(["records", "list", "--database", records], capsys)[1] == ["0 sesiones"]
    assert run(["records", "export", "--database", records, "--fhir", "-o", str(tmp_path / "b.json")],
               capsys)[1][-1] == f"0 paquetes FHIR escritos en {tmp_path / 'b.json'}"


class PageText(HTMLParser):
    """The words a browser shows of a page (not its scripts or styles), each with its `lang`."""

    def __init__(self):
        super().__init__()
        self.langs, self.skipping, self.texts = ["?"], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "meta", "link", "img", "input"):
            return
        self.langs.append(dict(attrs).get("lang", self.langs[-1]))
        self.skipping += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style")
        if len(self.langs) > 1:
            self.langs.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip() and data.strip() != "·":
            self.texts.append((data.strip(), self.langs[-1]))


def served_page(language: str) -> str:
    """`chatbot serve`'s page as its server renders it for a tab in `language`."""
    import jinja2

    from chatbot.commands.serve import TEMPLATES
    from chatbot.commands.serve_server import page_notices

    template = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES)).get_template("app_index.html")
    return template.render(config={"static": {"url": "/static/"}}, script_url="/kiosk.js", ping_url="",
                           app_websocket_url="ws://here/ws", font_size=16, kiosk_font_size=16,
                           page_language=language, page_title="title", notices=page_notices(language))


def test_every_word_of_the_served_page_is_in_the_catalog():
    parts = PageText()
    parts.feed(served_page(PSEUDO))
    words = [text for text, _ in parts.texts if text != "title"]
    assert words and all(not english_left(text) for text in words), words


def test_the_served_page_says_start_in_every_language_the_kiosks_first_each_part_marked():
    """Issue 25: the start page says Start and Empezar; each part carries its own `lang` (WCAG 3.1.2)."""
    for language, first in (("en", "Start"), ("es", "Empezar")):
        parts = PageText()
        page = served_page(language)
        parts.feed(page)
        assert f'<html lang="{language}">' in page
        spoken = {text: lang for text, lang in parts.texts}
        assert {spoken["Start"], spoken["Empezar"], spoken["Esta pantalla se ha cerrado."],
                spoken["Revisión de síntomas"]} <= {"en", "es"}
        assert spoken["Empezar"] == spoken["Empezar de nuevo"] == "es" and spoken["Start again"] == "en"
        assert [text for text, _ in parts.texts if text in ("Start", "Empezar")][0] == first


OPTION = re.compile(r"(?<![^\s\[(,])--?[A-Za-z][\w-]*|\{[^}⟦⟧]*\}|\b[A-Z][A-Z_]+\b|\b[a-z]+(?:-[a-z]+)+\b")
"""What a `--help` shows as the program reads it: option names, metavars (FILE), choices ({en,es})."""


@pytest.mark.parametrize("command", ["", *sorted(name.replace("_", "-") for name in COMMAND_NAMES),
                                     "records list", "records export", "staff add", "translations export"])
def test_the_help_of_every_command_is_in_the_catalog(command, capsys, monkeypatch):
    """argparse's own words ("usage:", "options") and every help text and description, in the pseudo-locale."""
    monkeypatch.setenv("LANGUAGE", PSEUDO)
    with pytest.raises(SystemExit) as exited:
        main([*command.split(), "--help"])
    assert exited.value.code == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    usage = next(index for index, line in enumerate(lines) if not line.startswith((OPEN + "ûûšååĝéé", " ")))
    lines = lines[usage:]  # the usage lines are the command line itself: options and metavars only
    left = {line: english_left(OPTION.sub(" ", line)) for line in lines if english_left(OPTION.sub(" ", line))}
    assert not left, f"English outside the catalog: {left}"


@pytest.mark.parametrize("argv, spanish", [
    (["--idle-timeout", "5"], "chatbot: error: --idle-timeout solo sirve con --kiosk"),
    (["records", "list", "--bogus"], "chatbot: error: argumentos no reconocidos: --bogus"),
    (["check", "--strict", "--json", "--nope"], "chatbot: error: argumentos no reconocidos: --nope"),
    (["--language", "xx"], "chatbot: error: argumento --language: opción no válida: 'xx' (elija entre 'en', 'es', "
                           "'qps')"),
    (["records", "show"], "chatbot records show: error: faltan estos argumentos obligatorios: ID"),
])
def test_an_argument_refused_is_said_in_the_language(argv, spanish, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == spanish
    monkeypatch.setenv("LANGUAGE", PSEUDO)
    with pytest.raises(SystemExit):
        main(argv)
    refused = capsys.readouterr().err.splitlines()[-1]
    assert not english_left(OPTION.sub(" ", refused)), refused


def test_a_bad_flow_is_described_in_the_language_at_the_same_places(capsys, monkeypatch):
    """The loader's diagnostics are translated; their places, order and count are the English ones."""
    flow = str(TESTS / "bad_flows" / "many_problems.yaml")
    monkeypatch.setenv("LANGUAGE", "en")
    english = run(["check", flow], capsys)
    monkeypatch.setenv("LANGUAGE", "es")
    spanish = run(["check", flow], capsys)
    assert english[0] == spanish[0] == 2
    place = re.compile(r"^\S+:\d+:\d+: ")
    assert [place.match(line).group() for line in english[1][:-1]] == [place.match(line).group() for line in spanish[1][:-1]]
    assert "hallazgo desconocido: 'fever_feelin' (¿quiso decir 'fever_feeling'?)" in " ".join(spanish[1])
    assert spanish[1][-1] == "4 problemas encontrados"
