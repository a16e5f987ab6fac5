"""Patients told as timelines reach the rules' level when they answer literally (principle 10).

`chatbot simulate` answers each question by the window its words say; the judge reads the
same timeline through each finding's own window (the oracle's copy of the findings list)
and triages it with the independent oracle. A question whose window is narrower than its
finding's loses a sign that happened earlier, and the property fails: proved below by
narrowing each question's window in turn.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from chatbot.cli import main
from chatbot.flow.windows import TIMED
from chatbot.flowfile.loader import load_flow
from chatbot.flowfile.source import read_yaml
from chatbot.flow.problems import FlowError
from chatbot.replay.patients import Patient, read_patients, simulate
from chatbot.replay.timeline import Timeline, hours_ago, read_event
from tests.helpers.timelines import READINGS, SIGNS, implied_findings, timelines
from tests.helpers.triage_oracle import LEVELS, WINDOWS, triage

FLOW = load_flow()
FILES = sorted((Path(__file__).parents[1] / "timelines").glob("*.yaml"))
PATIENTS = [patient for path in FILES for patient in read_patients(path, FLOW)]


def as_patient(data: dict, flow=FLOW) -> Patient:
    events = tuple(read_event(event, flow) for event in data["timeline"])
    last_check = hours_ago(data["last_check"]) if "last_check" in data else float("-inf")
    return Patient("random", {}, timeline=Timeline(events, last_check), language=data.get("language"))


# The flow asks about infection signs over the last day, wider than the finding's own "now" (kept
# from revision 2 so that nobody is triaged lower than before): a wider window may raise a level,
# never lower it. The literal level is the rules' level read through that window, and never below
# the rules' level read through the finding's own.
WIDER = {"infection_signs": "24h"}


def oracle_level(data: dict, wider: dict[str, str] | None = None) -> str:
    return triage(implied_findings(data, wider))[0]


def reaches(level: str, data: dict) -> bool:
    """The level the rules give through the flow's windows, and never below the findings' own."""
    return level == oracle_level(data, WIDER) and LEVELS.index(level) >= LEVELS.index(oracle_level(data))


@pytest.mark.parametrize("patient", PATIENTS, ids=[p.id for p in PATIENTS])
def test_each_timeline_patient_reaches_its_level_answering_literally(patient):
    result = simulate(FLOW, patient)
    assert result.level == patient.expected and result.agrees, result.asked
    assert LEVELS.index(result.level) >= LEVELS.index(result.rules_level)


def test_the_timelines_cover_english_and_spanish_and_every_level():
    assert {p.language or "en" for p in PATIENTS} == {"en", "es"}
    assert {p.expected for p in PATIENTS if p.language == "es"} == {"emergency", "urgent", "routine"}
    assert len(PATIENTS) >= 60


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_random_timelines_answered_literally_reach_the_rules_level(data):
    assert reaches(simulate(FLOW, as_patient(data)).level, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_in_spanish_too(data):
    assert reaches(simulate(FLOW, as_patient({**data, "language": "es"})).level, data)


def narrowed(question_id: str, option: int | None = None):
    """The bundled flow with one question's (or one option's) window narrowed to `now`."""
    flow = copy.copy(load_flow())  # never the loader's cached flow: other tests share it
    question = flow.questions[question_id]
    if option is None:
        question = question._replace(window="now")
    else:
        options = list(question.options)
        options[option] = options[option]._replace(window="now")
        question = question._replace(options=tuple(options))
    flow.questions = {**flow.questions, question_id: question}
    return flow


# Two windows no literal answer can miss: `temperature_earlier` is asked only of a person with no
# reading at all (it catches one who misread the latest-reading question), and `bleeding_where`
# only chooses between urgent endings (where the bleeding was never changes the level).
LEVEL_ALONE = {"temperature_earlier", "bleeding_where"}
def looks_back(names) -> bool:
    """Whether one of these findings looks back further than now (narrowing its question loses something)."""
    return any(FLOW.findings[name].window in TIMED and FLOW.findings[name].window != "now" for name in names)


NARROWABLE = [(q.id, None) for q in FLOW.questions.values()
              if q.window in TIMED and looks_back(q.findings()) and q.id not in LEVEL_ALONE]
NARROWABLE += [(q.id, i) for q in FLOW.questions.values() for i, o in enumerate(q.options)
               if o.window in TIMED and looks_back([o.finding])]


def witnesses(signs: tuple[str, ...]):
    """Small timelines that hinge on `signs`: each sign once, just inside its window, with a white
    count, at most one other sign now and at most one reading now (a family the property test draws from)."""
    inside = {"6h": "-5.9h", "24h": "-23.9h", "3d": "-71.9h", "7d": "-167.9h", "since_last_check": "-300h"}
    for count, other, reading in itertools.product((True, False), (None, *SIGNS), (None, *READINGS)):
        events = [{"finding": "known_low_white_count", "value": count}]
        events += [{"at": inside[WINDOWS[sign]], "finding": sign} for sign in signs]
        if other is not None:
            events.append({"at": "0", "finding": other})
        if reading is not None:
            events.append({"at": "0", "temperature": reading})
        yield {"id": "witness", "timeline": events, "last_check": "-400h"}


@pytest.mark.parametrize("question, option", NARROWABLE, ids=[f"{q}{'' if o is None else f'-option-{o + 1}'}"
                                                              for q, o in NARROWABLE])
def test_a_narrowed_window_anywhere_makes_the_property_fail(question, option):
    """Each question's window is needed: narrowed to "right now", some timeline reaches another level.

    For each question (and each option with a window of its own), a timeline is found whose
    sign happened inside the finding's window but before now; for a temperature question, two
    readings an hour apart.
    """
    flow = narrowed(question, option)
    asked = flow.questions[question].findings() if option is None else (flow.questions[question].options[option].finding,)
    signs = tuple(name for name in asked if flow.findings[name].type == "boolean")
    candidates = witnesses(signs[:1]) if signs else (
        {"id": "witness", "timeline": [{"finding": "known_low_white_count", "value": count},
                                       {"at": "-2h", "temperature": high}, {"at": "0", "temperature": 36.5}]}
        for count in (True, False) for high in READINGS)
    found = next((data for data in candidates
                  if LEVELS.index(simulate(flow, as_patient(data, flow)).level) < LEVELS.index(oracle_level(data))),
                 None)
    assert found is not None, f"narrowing '{question}' lowered no level"
    assert reaches(simulate(FLOW, as_patient(found)).level, found)  # the flow as written reaches it


def test_simulate_judges_a_timeline_by_the_rules_too(tmp_path, capsys):
    """A timeline with no `expected` is still judged: here against a flow that asks "right now"."""
    flow = narrowed("feverish")
    assert flow.questions["feverish"].window == "now"
    patient = {"id": "T", "timeline": [{"finding": "known_low_white_count", "value": True},
                                       {"at": "-5h", "finding": "fever_feeling"}]}
    assert simulate(flow, as_patient(patient, flow)).level == "routine"
    assert oracle_level(patient) == "urgent"


@pytest.mark.parametrize("event, message", [
    ({"at": "-5h"}, "either a finding or a temperature"),
    ({"at": "5h", "finding": "chest_pain"}, "not a time before now"),
    ({"at": "-1h", "since": "-2h", "finding": "chest_pain"}, "not both"),
    ({"at": "-1h", "finding": "chest_payne"}, "unknown finding"),
    ({"at": "-1h", "finding": "tmax"}, "worked out from the readings"),
    ({"at": "-1h", "finding": "temperature"}, "give readings"),
    ({"at": "-1h", "temperature": 55}, "not a body temperature"),
    ({"since": "-1h", "temperature": 38}, "taken 'at' a time"),
    ({"finding": "known_low_white_count", "value": "maybe"}, "yes, no or unknown"),
    ({"at": "-1h", "finding": "chest_pain", "value": True}, "leave out 'value'"),
    ({"at": "-1h", "finding": "chest_pain", "when": "-2h"}, "unknown field 'when'"),
])
def test_a_wrong_event_is_reported_at_its_line(event, message, tmp_path, capsys):
    import yaml

    path = tmp_path / "patients.yaml"
    path.write_text(yaml.safe_dump({"patients": [{"id": "T", "timeline": [{"at": "0", "finding": "fatigue"}, event]}]}))
    with pytest.raises(FlowError) as error:
        read_patients(path, FLOW)
    problem = error.value.problems[0]
    assert message in problem.message, problem
    assert (problem.line, problem.col) == read_yaml(path).where(("patients", 0, "timeline", 1))


def test_the_simulate_command_reads_timelines(capsys):
    assert main(["simulate", str(FILES[0].with_name("literal.yaml"))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("TL01") and out[-1].endswith("agree")
