"""The commands: `chatbot export questionnaire` and `chatbot records export --fhir`, through `main`."""

from __future__ import annotations

import json
import stat

import pytest

from chatbot.cli import main
from chatbot.fhir.check import response_problems
from chatbot.fhir.questionnaire import questionnaire

from fhirtools import ANSWERS, record


def test_export_questionnaire_writes_an_owner_only_bundle(flow, tmp_path):
    """The Questionnaire and its CodeSystems, in a file only its owner can read."""
    path = tmp_path / "q.json"
    assert main(["export", "questionnaire", "-o", str(path)]) == 0
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["Questionnaire"] + ["CodeSystem"] * 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_records_export_fhir_writes_checked_bundles(flow, database, tmp_path):
    """Every session as a Bundle per line, owner-only; one session by id as one indented Bundle."""
    ids = [record(database, flow, typed, tmp=tmp_path) for typed in ANSWERS.values()]
    path = tmp_path / "all.ndjson"
    assert main(["records", "export", "--database", database, "--fhir", "-o", str(path)]) == 0
    bundles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [bundle["entry"][0]["resource"]["id"] for bundle in bundles] == ids
    assert all(response_problems(bundle["entry"][0]["resource"], questionnaire(flow)) == [] for bundle in bundles)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    one = tmp_path / "one.json"
    assert main(["records", "export", "--database", database, "--fhir", ids[0][:10], "-o", str(one)]) == 0
    assert json.loads(one.read_text(encoding="utf-8"))["entry"][0]["resource"]["id"] == ids[0]


@pytest.mark.parametrize("argv, message", [
    (["--fhir", "nosuchid"], "no session 'nosuchid'"),
    (["--fhir", "--fhir-url", "ftp://x/fhir"], "not a FHIR server"),
])
def test_bad_input_is_one_line_and_no_traceback(flow, database, tmp_path, capsys, argv, message):
    """An unknown id or a URL that is not http(s): one line on stderr, no traceback, no file."""
    record(database, flow, ANSWERS["emergency"], tmp=tmp_path)
    status = main(["records", "export", "--database", database, *argv, "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert status == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out.json").exists()
