"""`chatbot simulate`'s fast ways (patients read without positions, answers read once each, the output
written at once) say exactly what the plain ways said: the same bytes, the same positions."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
import yaml

from chatbot.cli import main
from chatbot.flow.answers import read_answer
from chatbot.flowfile.loader import load_flow
from chatbot.replay import patients as patients_module
from chatbot.replay.patients import _read_positioned, read_patients

HERE = Path(__file__).parents[1]  # tests/
FILES = sorted((HERE / "patients").glob("*.yaml"))
SAID = HERE / "patients" / "said"  # each file's output before the fast ways, byte for byte
FLOW = load_flow("flows/symptoms.yaml")


def _plain_ways(monkeypatch) -> None:
    """Simulate as before: every patient read with its positions, every answer read anew."""
    monkeypatch.setattr(patients_module, "_read_fast", lambda path, flow: None)
    monkeypatch.setattr(patients_module, "answer_memo", lambda flow: read_answer)


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
