"""A flow that would show a broken screen is refused (issue 14, point 2).

Each case breaks a copy of the bundled flow the way an edit (or a file cut short)
could leave a screen with nothing on it, "Call None now", or no safety net; `chatbot
check --strict` must name it at its line and refuse to call the flow proved.
"""

from __future__ import annotations

import pytest
import yaml

from chatbot.cli import main
from chatbot.flowfile.loader import bundled_flow_path
from chatbot.flowfile.source import read_yaml

BUNDLED = bundled_flow_path().read_text(encoding="utf-8")


def edited(path: tuple, value):
    def apply(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return data
    return apply


DELETE = object()


CASES = [
    pytest.param(edited(("emergency_number",), None), ("emergency_number",), "the emergency number is nothing",
                 id="emergency number left empty (Call None now)"),
    pytest.param(edited(("emergency_number",), ""), ("emergency_number",), "the emergency number is nothing",
                 id="emergency number an empty string"),
    pytest.param(edited(("emergency_number",), "your doctor"), ("emergency_number",), "must be the digits",
                 id="emergency number in words"),
    pytest.param(edited(("welcome", "body", "en"), ""), ("welcome", "body"), "is empty in 'en'",
                 id="welcome body empty in English"),
    pytest.param(edited(("outcomes", "emergency_bleeding", "title", "es"), "  "),
                 ("outcomes", "emergency_bleeding", "title"), "is empty in 'es'", id="outcome title blank in Spanish"),
    pytest.param(edited(("questions", "fever_reducer", "text", "en"), ""), ("questions", "fever_reducer", "text"),
                 "is empty in 'en'", id="question text empty"),
    pytest.param(edited(("safety_net",), DELETE), (), "no 'safety_net'", id="safety net removed"),
    pytest.param(edited(("outcomes", "routine", "level"), ["routine"]),
                 ("outcomes", "routine", "level"), "must be one of", id="a level as a list (found by the fuzzer)"),
]


@pytest.mark.parametrize("edit, at, message", CASES)
def test_a_flow_that_would_show_a_broken_screen_is_refused_at_its_line(edit, at, message, tmp_path, capsys):
    """Loading stops with the problem positioned, so the proof never calls the flow proved (exit 2)."""
    data = edit(yaml.safe_load(BUNDLED))
    path = tmp_path / "symptoms.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    line, col = read_yaml(path).where(at)
    assert main(["check", "--strict", str(path)]) == 2
    out, err = capsys.readouterr()
    assert any(p.startswith(f"{path}:{line}:{col}: ") and message in p for p in err.splitlines()), err
    assert "proved" not in out


def test_a_flow_file_cut_short_before_its_safety_net_is_refused(tmp_path, capsys):
    """A copy that lost its tail (an editor crash, a bad merge) used to pass with the safety net gone."""
    path = tmp_path / "cut.yaml"
    path.write_text(BUNDLED[:BUNDLED.index("\nsafety_net:") + 1], encoding="utf-8")
    assert main(["check", "--strict", str(path)]) == 2
    assert "no 'safety_net'" in capsys.readouterr().err


@pytest.mark.parametrize("number", ["911", "112", "000", "+44 20 7946 0000", "15"])
def test_real_emergency_numbers_are_accepted(number, tmp_path):
    """Digits, spaces and a leading + are what people dial."""
    data = yaml.safe_load(BUNDLED)
    data["emergency_number"] = number
    path = tmp_path / "symptoms.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    assert main(["check", str(path)]) == 0
