"""A flow's words round-trip through a translator's .po file: exported with their English and
line, imported back in place (comments, quoting and folding kept; no edit, no byte changed), and
each translation keeps the hash of its English, so that `chatbot check` names the stale ones."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from chatbot.cli import main
from chatbot.flow.text import source_hash
from chatbot.flowfile.loader import bundled_flow_path, load_flow
from chatbot.flowfile.translations import flow_texts, write_back
from chatbot.proof.analysis import analyse

HERE = Path(__file__).resolve().parent.parent
TRANSLATED = HERE / "flows" / "translated.yaml"


def export(flow: Path, po: Path, language: str = "es") -> None:
    assert main(["translations", "export", str(flow), "--language", language, "-o", str(po)]) == 0


def catalog(po: Path):
    with po.open("rb") as file:
        return read_po(file)


def entry(catalog_, context: str):
    return next(message for message in catalog_ if message.context == context)


def save(catalog_, po: Path) -> None:
    with po.open("wb") as file:
        write_po(file, catalog_)


def stale(flow: Path) -> list[str]:
    return [f"{issue.at[0]}: {issue.message}" for issue in analyse(load_flow(flow)).issues
            if issue.kind == "stale-translation"]


def test_a_round_trip_of_the_bundled_flow_changes_no_byte(tmp_path):
    flow = tmp_path / "symptoms.yaml"
    shutil.copy(bundled_flow_path(), flow)
    export(flow, tmp_path / "es.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "es.po")]) == 0
    assert flow.read_bytes() == bundled_flow_path().read_bytes()


def test_every_patient_facing_text_of_the_bundled_flow_is_exported_with_its_line(tmp_path):
    export(bundled_flow_path(), tmp_path / "es.po")
    entries = {message.context: message for message in catalog(tmp_path / "es.po") if message.id}
    lines = bundled_flow_path().read_text(encoding="utf-8").splitlines()
    flow = load_flow()
    for context in ("welcome.title", "welcome.body", "welcome.disclaimer", "topics.fever.title",
                    "windows.24h", "questions.feverish.text", "outcomes.emergency_infection.title",
                    "safety_net.body", "education[0].title", "rules.emergency.E1.reason"):
        assert context in entries, context
    question = flow.questions["feverish"]
    entry = entries["questions.feverish.text"]
    assert (entry.id, entry.string) == (question.text.get("en"), question.text.get("es"))
    for message in entries.values():
        file, line = message.locations[0]
        assert file.endswith("symptoms.yaml") and re.match(r"\s*en:", lines[line - 1]), message.context
        assert not message.fuzzy, message.context
    labels = [c for c in entries if re.fullmatch(r"questions\.\w+\.options\[\d+\]\.label", c)]
    assert len(labels) == sum(len(q.options) for q in flow.questions.values())


def test_the_bundled_flow_keeps_the_hash_of_each_translations_english():
    texts = flow_texts(bundled_flow_path().read_text(encoding="utf-8"))
    assert texts and all(t.sources.get("es") == source_hash(t.by_language["en"]) for t in texts)
    assert stale(bundled_flow_path()) == []


@pytest.mark.parametrize("context, spanish, written", [
    ("welcome.title", "Buenos días", "  title: {en: Hello, es: Buenos días, es_from: \"185f8db3\"}   # a mapping on one line"),
    ("welcome.disclaimer", "Esto no es, en absoluto, un diagnóstico.",
     "    es: 'Esto no es, en absoluto, un diagnóstico.'"),
    ("questions.fever.text", "¿Tiene fiebre?", "      es: ¿Tiene fiebre?"),
    ("welcome.body", "Unas pocas preguntas sobre cómo se siente hoy.",
     "    es: >-\n      Unas pocas preguntas sobre cómo se siente hoy.\n    es_from: \"" +
     source_hash("A few questions about how you feel today.") + "\""),
], ids=["flow-mapping", "quoted", "plain", "folded"])
def test_a_changed_translation_is_written_in_place_in_its_own_style(tmp_path, context, spanish, written):
    flow = tmp_path / "translated.yaml"
    shutil.copy(TRANSLATED, flow)
    export(flow, tmp_path / "es.po")
    entries = catalog(tmp_path / "es.po")
    entry(entries, context).string = spanish
    save(entries, tmp_path / "es.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "es.po")]) == 0
    text = flow.read_text(encoding="utf-8")
    assert written in text
    assert "# the question" in text and text.startswith("# A small flow")
    loaded = {t.context: t for t in flow_texts(text)}
    assert loaded[context].by_language["es"] == spanish
    assert stale(flow) == []


def test_when_the_english_changes_check_names_the_translation_and_export_marks_it_fuzzy(tmp_path):
    flow = tmp_path / "translated.yaml"
    shutil.copy(TRANSLATED, flow)
    export(flow, tmp_path / "es.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "es.po")]) == 0  # the hashes written
    flow.write_text(flow.read_text(encoding="utf-8").replace("Do you feel feverish?", "Do you feel hot?"),
                    encoding="utf-8")
    line = flow.read_text(encoding="utf-8").splitlines().index("      es: ¿Se siente con fiebre?") + 1
    assert [s.split(":")[0] for s in stale(flow)] == [str(line)]
    assert "'questions.fever.text' in 'es' was translated from other English" in stale(flow)[0]
    assert main(["check", "--strict", str(flow)]) == 1
    export(flow, tmp_path / "again.po")
    entries = catalog(tmp_path / "again.po")
    entry = entries.get("Do you feel hot?", "questions.fever.text")
    assert entry.fuzzy and [m.context for m in entries if m.fuzzy] == ["questions.fever.text"]
    assert main(["translations", "import", str(flow), str(tmp_path / "again.po")]) == 0  # fuzzy: left out
    assert len(stale(flow)) == 1
    entry.flags.discard("fuzzy")
    entry.string = "¿Siente calor?"
    save(entries, tmp_path / "again.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "again.po")]) == 0
    assert stale(flow) == [] and main(["check", "--strict", str(flow)]) in (0, 1)
    assert '      es: ¿Siente calor?\n      es_from: "' + source_hash("Do you feel hot?") in flow.read_text("utf-8")


def test_an_entry_whose_english_changed_since_the_export_is_left_out_and_named(tmp_path, capsys):
    flow = tmp_path / "translated.yaml"
    shutil.copy(TRANSLATED, flow)
    export(flow, tmp_path / "es.po")
    flow.write_text(flow.read_text(encoding="utf-8").replace("Rest at home.", "Rest at home today."), encoding="utf-8")
    entries = catalog(tmp_path / "es.po")
    entries.get("Rest at home.", "outcomes.home.text").string = "Descanse hoy en casa."
    save(entries, tmp_path / "es.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "es.po")]) == 0
    assert "outcomes.home.text: the English is no longer what was translated" in capsys.readouterr().err
    assert "es: Descanse en casa." in flow.read_text(encoding="utf-8")


def test_a_new_language_goes_in_after_the_others_and_joins_the_languages_once_complete(tmp_path, capsys):
    flow = tmp_path / "translated.yaml"
    shutil.copy(TRANSLATED, flow)
    export(flow, tmp_path / "fr.po", "fr")
    entries = catalog(tmp_path / "fr.po")
    items = [m for m in entries if m.id]
    for message in items[:-1]:
        message.string = "FR " + message.id
    save(entries, tmp_path / "fr.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "fr.po")]) == 0
    assert "languages: [en, es]" in flow.read_text(encoding="utf-8")  # one text left: not yet a language
    assert "1 untranslated" in capsys.readouterr().out
    items[-1].string = "FR " + items[-1].id
    save(entries, tmp_path / "fr.po")
    assert main(["translations", "import", str(flow), str(tmp_path / "fr.po")]) == 0
    text = flow.read_text(encoding="utf-8")
    assert "languages: [en, es, fr]" in text
    assert 'title: {en: Hello, es: Hola, fr: FR Hello, fr_from: "185f8db3"}' in text
    assert '      es: ¿Se siente con fiebre?\n      fr: FR Do you feel feverish?\n      fr_from: "' in text
    french = load_flow(flow)
    assert french.languages == ("en", "es", "fr") and french.questions["temp"].text.get("fr").startswith("FR ")


@pytest.mark.parametrize("language, message", [
    ("en", "is the flow's own language"), ("french", "is not a language code")])
def test_a_language_that_cannot_be_written_is_refused(language, message):
    from chatbot.flow.problems import FlowError

    with pytest.raises(FlowError, match=message):
        write_back(TRANSLATED.read_text(encoding="utf-8"), language, {})


@pytest.mark.parametrize("value, message", [
    ('es_from: "zz"', "must be the 8 hex digits"), ("es_from: 12345678", "must be the 8 hex digits"),
    ('fr_from: "12345678"', "keeps the source of a 'fr' text")])
def test_a_malformed_hash_is_a_problem_at_its_line(tmp_path, value, message):
    from chatbot.flow.problems import FlowError

    flow = tmp_path / "translated.yaml"
    flow.write_text(TRANSLATED.read_text(encoding="utf-8").replace(
        "      es: ¿Se siente con fiebre?", "      es: ¿Se siente con fiebre?\n      " + value), encoding="utf-8")
    with pytest.raises(FlowError) as raised:
        load_flow(flow)
    assert any(message in p.message and p.line == 33 for p in raised.value.problems), raised.value.problems
