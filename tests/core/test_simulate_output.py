"""`chatbot simulate`'s fast ways (patients read without positions, answers read once each, the output
written at once, a large file simulated in parts by several processes) say exactly what the plain ways
said: the same bytes, the same positions."""

from __future__ import annotations

import random
import threading
from functools import partial
from pathlib import Path

import pytest
import yaml

from chatbot.cli import main
from chatbot.commands import simulate as simulate_command
from chatbot.flow.answers import read_answer
from chatbot.flow.kinds import FindingType
from chatbot.flowfile.loader import load_flow
from chatbot.replay import patients as patients_module
from chatbot.replay import parts
from chatbot.replay.patients import _read_positioned, read_patients

HERE = Path(__file__).parents[1]  # tests/
FILES = sorted((HERE / "patients").glob("*.yaml"))
SAID = HERE / "patients" / "said"  # each file's output before the fast ways, byte for byte
FLOW = load_flow("flows/symptoms.yaml")


def _plain_ways(monkeypatch) -> None:
    """Simulate as before: every patient read with its positions, every answer read anew."""
    monkeypatch.setattr(patients_module, "_read_fast", lambda path, flow: None)
    monkeypatch.setattr(patients_module, "answer_memo", lambda flow: read_answer)
    monkeypatch.setattr(simulate_command, "simulate_in_parts", lambda *args, **kwargs: None)


@pytest.mark.parametrize("file", FILES, ids=lambda file: file.stem)
@pytest.mark.parametrize("argv, said", [([], ".txt"), (["--json"], ".jsonl")], ids=["lines", "json"])
def test_the_output_on_the_test_patients_is_what_it_was(capsys, file, argv, said):
    assert main(["simulate", str(file), *argv]) == 0
    assert capsys.readouterr().out == (SAID / file.stem).with_suffix(said).read_text(encoding="utf-8")


class _Full(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # every patient written out, as a generated file would be
        return True


def _many(path: Path, count: int) -> Path:
    """The bench's file (`bench/simulate_command.py`): the test patients repeated under new ids."""
    known = [patient for file in FILES for patient in yaml.safe_load(file.read_text())["patients"]]
    patients = [{**known[index % len(known)], "id": f"P{index:05d}"} for index in range(count)]
    path.write_text(yaml.dump({"patients": patients}, Dumper=_Full, allow_unicode=True, sort_keys=False))
    return path


@pytest.mark.parametrize("argv", [[], ["--json"]], ids=["lines", "json"])
def test_the_output_on_5000_patients_is_the_plain_ways_output(tmp_path, capsys, monkeypatch, argv):
    many = _many(tmp_path / "many.yaml", 5000)
    assert main(["simulate", str(many), *argv]) == 0
    fast = capsys.readouterr()
    _plain_ways(monkeypatch)
    assert main(["simulate", str(many), *argv]) == 0
    assert fast == capsys.readouterr() and len(fast.out.splitlines()) >= 5000


def test_a_disagreement_is_said_at_its_patients_line_as_before(tmp_path, capsys, monkeypatch):
    """Read without positions, a patient's line and column are looked up when a complaint needs them."""
    known = yaml.safe_load(FILES[0].read_text())["patients"]
    wrong = [{**patient, "id": f"W{index}", "expected": "routine"} for index, patient in enumerate(known)]
    path = tmp_path / "wrong.yaml"
    path.write_text(yaml.dump({"patients": known + wrong}, Dumper=_Full, allow_unicode=True, sort_keys=False))
    assert isinstance(read_patients(path, FLOW)[0].located, partial)  # read without positions
    assert main(["simulate", str(path)]) == 1
    fast = capsys.readouterr()
    _plain_ways(monkeypatch)
    assert main(["simulate", str(path)]) == 1
    assert fast == capsys.readouterr() and f"{path}:" in fast.err


@pytest.mark.parametrize("text", [
    "patients:\n- id: A\n  findings: {fever: true}\n- id: A\n",  # a duplicate id
    "patients:\n- id: A\n  id: B\n",  # a duplicate key
    "patients:\n- &one {id: A}\n- *one\n",  # an alias
    "patients:\n- id: A\n  findings: {1: true}\n",  # a key not a name
    "patients:\n- id: A\n  findings: {fevr: true}\n",  # an unknown finding
    "patients:\n- id: A\n  findings: {fever: !!int 0xz}\n",  # a value that cannot be read
    "patients: [" * 60 + "]" * 60 + "\n",  # too deep
])
def test_a_file_with_a_problem_says_it_as_the_positioned_reader_does(tmp_path, text):
    path = tmp_path / "patients.yaml"
    path.write_text(text)
    with pytest.raises(Exception) as fast:
        read_patients(path, FLOW)
    with pytest.raises(Exception) as positioned:
        _read_positioned(path, FLOW)
    assert str(fast.value) == str(positioned.value)


@pytest.mark.parametrize("file", FILES, ids=lambda file: file.stem)
def test_patients_read_without_positions_are_the_same_and_stand_at_the_same_lines(file):
    fast, positioned = read_patients(file, FLOW), _read_positioned(file, FLOW)
    assert fast == positioned and [p.at for p in fast] == [p.at for p in positioned]


# -- a large file in parts, one process each -----------------------------------------------------------------

def _generated(path: Path, count: int) -> Path:
    """Patients as a tester's generator makes them: any findings, either language, and the timelines."""
    rng = random.Random(24)
    timelines = [patient for file in sorted((HERE / "timelines").glob("*.yaml"))
                 for patient in yaml.safe_load(file.read_text())["patients"]]
    patients = []
    for index in range(count):
        if rng.random() < 0.15:
            patients.append({**rng.choice(timelines), "id": f"T{index:05d}"})
            continue
        findings = {name: rng.choice([True, False, None] if finding.type == FindingType.BOOLEAN_OR_UNKNOWN else
                                     [None, 36.6, 38.0, 38.4, "100.4 F", 39.2] if finding.type == FindingType.TEMPERATURE
                                     else [True, False])
                    for name, finding in FLOW.findings.items() if rng.random() < 0.5}
        patients.append({"id": f"R{index:05d}", "findings": findings, **({"language": "es"} if rng.random() < 0.3 else {})})
    path.write_text(yaml.dump({"patients": patients}, Dumper=_Full, allow_unicode=True, sort_keys=False))
    return path


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("argv", [[], ["--json"]], ids=["lines", "json"])
def test_a_file_simulated_in_parts_says_what_one_process_says(tmp_path, capsys, monkeypatch, workers, argv):
    many = _generated(tmp_path / "generated.yaml", 1500)
    monkeypatch.setattr(parts, "cores", lambda: workers)
    if threading.active_count() == 1:  # (a thread left by another test keeps every run to one process)
        assert parts.simulate_in_parts(many, FLOW, lambda patient, result: patient.id) is not None  # in parts
    assert main(["simulate", str(many), *argv]) == 0
    in_parts = capsys.readouterr()
    _plain_ways(monkeypatch)
    assert main(["simulate", str(many), *argv]) == 0
    assert in_parts == capsys.readouterr() and len(in_parts.out.splitlines()) >= 1500


def _at_the_cut(text: str) -> str:
    """`text` with a patient whose story's quotes run on across a line `- id: …` just where two parts are cut
    (its first line as long as it takes to bring that line to the cut, past half the characters)."""
    entry = text.rindex("\n- ", 0, len(text) // 2) + 1
    for length in range(len(text)):
        changed = text[:entry] + f'- id: Q99999\n  story: "runs on{"." * length}\n- id: Z99999\n  and ends here"\n' + text[entry:]
        if parts.cut(changed, 2)[1].startswith("patients:\n- id: Z99999\n"):
            return changed
    raise AssertionError("no cut")


def _twice(text: str) -> str:
    second = text.index("- id: P00700\n")
    return text[:second] + "- id: P00001\n" + text[second + len("- id: P00700\n"):]


@pytest.mark.parametrize("change, status", [
    (_at_the_cut, 0),  # the cut falls inside a quoted scalar: that part does not read
    (_twice, 2),  # an id in two parts
    (lambda text: text.replace("expected: routine", "expected: urgent", 60)[:-1] + "\n", 1),  # a disagreement
    (lambda text: text + "patients:\n- id: Z99999\n", 2),  # the patients again, after them
    (lambda text: text.replace("- id: P01190\n", "- id: P01190\n  language: xx\n"), 2),  # a problem late on
], ids=["quotes over the cut", "an id twice", "a disagreement", "patients twice", "a wrong language"])
def test_a_file_the_parts_cannot_say_right_goes_the_plain_way(tmp_path, capsys, monkeypatch, change, status):
    path = tmp_path / "patients.yaml"
    path.write_text(change(_many(tmp_path / "many.yaml", 1200).read_text()))
    monkeypatch.setattr(parts, "cores", lambda: 2)
    assert parts.simulate_in_parts(path, FLOW, lambda patient, result: patient.id) is None
    assert main(["simulate", str(path)]) == status
    fast = capsys.readouterr()
    _plain_ways(monkeypatch)
    assert main(["simulate", str(path)]) == status
    assert fast == capsys.readouterr()


def test_the_parts_are_cut_where_a_patient_begins():
    text = "patients:\n" + "".join(f"- id: P{index:04d}\n  expected: routine\n" for index in range(1200))
    cut = parts.cut(text, 3)
    assert [part.count("- id:") for part in cut] == [400, 400, 400]
    assert all(part.startswith("patients:\n- id: P") for part in cut)
    assert "".join(part.removeprefix("patients:\n") for part in cut) == text.removeprefix("patients:\n")
    assert parts.cut(text[:2000], 2) is None  # too few to be worth a process
    assert parts.cut("# patients\n" + text, 2) is None  # not `patients:` at the start


@pytest.mark.parametrize("language", FLOW.languages)
def test_a_reply_kept_is_what_the_patient_types_and_how_it_reads(language):
    """`Replies` keeps each reply by what of the findings the question's answer says: the same words and answer
    as `typed_answer` and `read_answer` give, on findings of every kind (1 and 1.0 beside True, "38.0" beside 38.0)."""
    rng = random.Random(24)
    replies = patients_module.Replies(FLOW, language, read_answer)
    values = {FindingType.BOOLEAN: [True, False], FindingType.BOOLEAN_OR_UNKNOWN: [True, False, None, 1, 0, 1.0],
              FindingType.TEMPERATURE: [None, 38, 38.0, "38.0", 36.6, "100.4 F", 39.2]}
    for _ in range(60):
        findings = {name: rng.choice(values[finding.type]) for name, finding in FLOW.findings.items()
                    if finding.type in values and rng.random() < 0.5}
        for question in FLOW.questions.values():
            typed = patients_module.typed_answer(question, findings, FLOW, language)
            assert replies(question, findings) == (typed, read_answer(question, typed)), (question.id, findings)
