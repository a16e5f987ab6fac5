"""The exported Questionnaire runs the flow: an SDC renderer asks what the engine asks and gets its level.

The renderer is `fhirpathpy` (tests/fhir/sdc.py), not our code. For every scripted
conversation and for random ones (both languages, every kind of answer, back-edits,
restarts, walking away), each kept session is exported as the product exports it
(`bundle_for`, through a real store), and the Questionnaire's expressions, evaluated
against that QuestionnaireResponse, must give exactly the engine's questions (the asked
ones, and for an unfinished session what comes next), its findings, its level and its
ending. A flow changed so that a level changes fails against the old export and passes
against its own.

The default run checks a few hundred random conversations; CI=true (or
CHATBOT_FHIR_CONVERSATIONS=N) checks thousands, spread over the workers in chunks.
"""

from __future__ import annotations

import dataclasses
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest

from chatbot.engine import Conversation
from chatbot.fhir import bundle_for, codes
from chatbot.fhir.expressions import camel
from chatbot.fhir.questionnaire import enable_when, questionnaire
from chatbot.flow.answers import read_temperature
from chatbot.flow.conditions import Present
from chatbot.flow.kinds import FindingType, QuestionKind
from chatbot.flow.model import Finding, Transition
from chatbot.flowfile.loader import load_flow
from chatbot.records.backends import migrate, open_reader

from randomtalk import Expected, wander
from sdc import Inputs, Renderer, celsius, inputs

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 100  # random conversations per test item
CONVERSATIONS = int(os.environ.get("CHATBOT_FHIR_CONVERSATIONS")
                    or (3000 if os.environ.get("CI", "").lower() == "true" else 300))


@pytest.fixture(scope="module")
def renderer(flow):
    return Renderer(questionnaire(flow))


def engine_value(flow, name, value):
    """A finding as the engine keeps it, in the form the Questionnaire's variables give it."""
    kind = flow.findings[name].type
    if kind == FindingType.TEMPERATURE:
        return value
    if kind == FindingType.BOOLEAN_OR_UNKNOWN:
        return {True: ["yes"], False: ["no"], None: ["unknown"]}[value]
    return [value]


def compare(flow, renderer: Renderer, session, engine: Expected, tally: dict) -> list[str]:
    """Every way the renderer's reading of the session's exported response differs from the engine."""
    bundle = bundle_for(session, flow)
    response = bundle["entry"][0]["resource"]
    filled = renderer.fill(response)
    where = f"session {session.id[:8]} ({session.status}, {session.language})"
    problems = []
    if filled.enabled != engine.offered:
        problems.append(f"{where}: the form enables {filled.enabled}, the engine asked {engine.offered}")
    if filled.code(codes.LEVEL_ITEM) != engine.level:
        problems.append(f"{where}: the form computes {filled.code(codes.LEVEL_ITEM)}, the engine {engine.level}")
    if filled.code(codes.OUTCOME_ITEM) != engine.outcome:
        problems.append(f"{where}: the form ends at {filled.code(codes.OUTCOME_ITEM)}, the engine at {engine.outcome}")
    for name, value in engine.findings.items():
        variable = filled.variables.get(camel(name))
        if variable is None:
            continue
        got = celsius(variable) if flow.findings[name].type == FindingType.TEMPERATURE else variable
        if got != engine_value(flow, name, value):
            problems.append(f"{where}: %{camel(name)} is {got}, the engine's {name} is {value!r}")
    if session.status == "finished":
        given = {item["linkId"]: item["answer"][0]["valueCoding"]["code"] for item in response["item"]
                 if item["linkId"] in (codes.LEVEL_ITEM, codes.OUTCOME_ITEM)}
        if given != {codes.LEVEL_ITEM: engine.level, codes.OUTCOME_ITEM: engine.outcome}:
            problems.append(f"{where}: the response's calculated items say {given}")
    tally["sessions"] += 1
    tally["questions"] += len(flow.questions)
    tally["levels"] += filled.code(codes.LEVEL_ITEM) == engine.level
    return problems


def check_all(flow, renderer, database, expectations: dict[str, Expected], until=None) -> tuple[list[str], dict]:
    """Every difference on every kept session; with `until`, only up to the first problem it is true of."""
    tally = {"sessions": 0, "questions": 0, "levels": 0}
    problems: list[str] = []
    with open_reader(database) as reader:
        kept = {session.id for session in reader.list_sessions()}
        for session_id, engine in expectations.items():
            if session_id in kept:  # a session left before its first answer leaves no record
                problems += compare(flow, renderer, reader.get_session(session_id), engine, tally)
                if until is not None and any(map(until, problems)):
                    break
    return problems, tally


def test_every_scripted_conversation_is_asked_and_triaged_alike(flow, renderer, kept_scripts):
    """Each script in tests/conversations, kept and exported: the renderer agrees with the engine on every point."""
    database, left = kept_scripts
    problems, tally = check_all(flow, renderer, database, {session.session_id: session.engine for session in left})
    assert problems == []
    assert tally["sessions"] > 50 and tally["levels"] == tally["sessions"]


@pytest.mark.parametrize("chunk", range(max(1, CONVERSATIONS // CHUNK)))
def test_random_conversations_are_asked_and_triaged_alike(flow, renderer, fast_database, chunk):
    """A hundred random conversations per chunk (seeded by the chunk): the renderer agrees on every session."""
    database, folder = fast_database
    rng = random.Random(f"fhir-sdc-{chunk}")
    expectations = {}
    for _ in range(CHUNK):
        expectations.update(wander(flow, database, rng, folder))
    problems, tally = check_all(flow, renderer, database, expectations)
    assert problems[:5] == []
    assert tally["sessions"] >= CHUNK


def test_the_random_conversations_reach_every_question_ending_and_kind_of_session(flow, fast_database):
    """The random talk is worth its time: it asks every question, ends at every outcome, leaves midway."""
    database, folder = fast_database
    rng = random.Random("fhir-sdc-reach")
    expectations = {}
    for _ in range(CHUNK * 3):
        expectations.update(wander(flow, database, rng, folder))
    with open_reader(database) as reader:
        sessions = reader.list_sessions()
    asked = {link for engine in expectations.values() for link in engine.asked}
    assert asked == set(flow.questions)
    assert {engine.outcome for engine in expectations.values()} >= set(flow.outcomes)
    assert {session.status for session in sessions} == {"finished", "abandoned"}  # left, or restarted
    assert any(engine.offered[len(engine.asked):] for engine in expectations.values() if engine.outcome is None)
    assert {session.language for session in sessions} == set(flow.languages)


def mutated(flow):
    """The flow with one urgent rule on a yes/no question's finding raised to an emergency, the routing with it."""
    rule = next(rule for rule in flow.rules if rule.level == "urgent" and isinstance(rule.when, Present)
                and any(q.kind == QuestionKind.YES_NO and q.finding == rule.when.finding for q in flow.questions.values()))
    question = next(q for q in flow.questions.values() if q.kind == QuestionKind.YES_NO and q.finding == rule.when.finding)
    ending = next(outcome for outcome in flow.outcomes.values() if outcome.level == "emergency")
    rules = tuple(r._replace(level="emergency") if r is rule else r for r in flow.rules)
    questions = {**flow.questions,
                 question.id: question._replace(next=(Transition(ending.id, rule.when), *question.next))}
    return dataclasses.replace(flow, rules=rules, questions=questions), rule


def test_a_flow_whose_level_changes_fails_against_the_old_export_and_passes_with_its_own(flow, renderer,
                                                                                         fast_database):
    """The equivalence is not blind: raise a rule (and route it) and the old Questionnaire disagrees."""
    changed, rule = mutated(flow)
    database, folder = fast_database
    rng = random.Random("fhir-sdc-mutation")
    expectations = {}
    for _ in range(CHUNK):
        expectations.update(wander(changed, database, rng, folder))
    disagrees = "the form computes urgent, the engine emergency"
    old, _ = check_all(changed, renderer, database, expectations, until=lambda problem: disagrees in problem)
    new, tally = check_all(changed, Renderer(questionnaire(changed)), database, expectations)
    assert any(disagrees in problem for problem in old), rule.id
    assert new == [] and tally["sessions"] >= CHUNK


@pytest.mark.parametrize("typed", ["100.4 F", "100.3 F", "96.7 F", "96.8 F", "99.5 F", "100.13 F", "104 F",
                                   "37.85", "38.05 C", "35.95"])
def test_a_reading_typed_in_either_unit_is_read_as_the_engine_reads_it(flow, renderer, typed):
    """A renderer gives a temperature in °F or with two decimals: the form's °C, rounded, is the engine's."""
    link = next(q.id for q in flow.questions.values() if q.kind == QuestionKind.TEMPERATURE)
    number, unit = (typed.split() + ["Cel"])[:2]
    quantity = {"value": float(number), "system": codes.UCUM, "code": "[degF]" if unit == "F" else "Cel"}
    response = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
                "item": [{"linkId": link, "answer": [{"valueQuantity": quantity}]}]}
    variables = {name: expression for name, expression in renderer.variables}
    env = {"resource": response, "questionnaire": renderer.questionnaire,
           camel("reach", link): [True], camel("answer", link): [quantity]}
    finding = flow.questions[link].finding
    assert celsius(variables[camel(finding)](response, env)) == read_temperature(typed.lower())[0]


def test_plain_enable_when_is_what_the_expressions_say(flow, renderer, fast_database):
    """Where an item has a plain enableWhen, its reach variable agrees with it on every random session."""
    carried = enable_when(flow)
    assert carried, "the flow has follow-ups FHIR's enableWhen can say"
    items = {item["linkId"]: item for item in questionnaire(flow)["item"]}
    assert all("enableWhen" in items[link] for link in carried)
    others = [link for link in flow.questions if link not in carried and link != flow.start]
    assert all(any(e["url"] == codes.ENABLE_WHEN_EXPRESSION for e in items[link]["extension"]) for link in others)
    database, folder = fast_database
    rng = random.Random("fhir-sdc-plain")
    expectations = {}
    for _ in range(CHUNK // 2):
        expectations.update(wander(flow, database, rng, folder))
    with open_reader(database) as reader:
        for session in reader.list_sessions():
            filled = renderer.fill(bundle_for(reader.get_session(session.id), flow)["entry"][0]["resource"])
            for link in carried:
                assert (link in filled.enabled) == (filled.variables[camel("reach", link)] == [True]), link


def test_every_expression_is_true_or_false_never_empty(flow, renderer):
    """FHIRPath's empty is not false: no rule, reach or named condition is ever empty, even with no answers."""
    filled = renderer.fill({"resourceType": "QuestionnaireResponse", "status": "in-progress", "item": []})
    temperatures = {camel(name) for name, finding in flow.findings.items() if finding.type == FindingType.TEMPERATURE}
    answers = {camel("answer", link) for link in flow.questions}
    for name, value in filled.variables.items():
        if name not in ("resource", "questionnaire") and name not in temperatures | answers:
            assert len(value) == 1 and not isinstance(value[0], Decimal), (name, value)
    assert filled.enabled == [flow.start]
    assert filled.code(codes.LEVEL_ITEM) == "routine" and filled.code(codes.OUTCOME_ITEM) is None


@pytest.mark.parametrize("expression, depends", [
    ("%resource.item.where(linkId='fever').answer.value", Inputs((), ("fever",))),
    ("iif(%reachA, %resource.item.where(linkId='a').answer.value, {})", Inputs(("reachA",), ("a",))),
    ("%answerA.where(code = 'x').exists()", Inputs(("answerA",), ())),
    ("%b.select((iif(code = '[degF]', (value - 32) * 5 / 9, value) * 10 + 0.5).floor() / 10)", Inputs(("b",), ())),
    ("%questionnaire.item.where(linkId='level').answerOption.value.where(code = iif(%e, 'x', 'y'))",
     Inputs(("e",), ())),
    ("true", Inputs((), ())),
    ("item.where(linkId='a').answer.value", Inputs((), None)),  # the root, not through %resource
    ("iif(%a, code, {})", Inputs(("a",), None)),
    ("%resource.id", Inputs((), None)),
    ("%resource.item.where(linkId='a').answer.value.exists() and %resource.item.count() > 1", Inputs((), None)),
    ("%context.item", Inputs(("context",), None)),
    ("$this", Inputs((), None)),
    ("exists()", Inputs((), None)),
])
def test_what_an_expressions_value_depends_on_is_never_too_little(expression, depends):
    """A value is reused only when all it can read recurs: a path from the root, $this or more of %resource than
    one item's answers, and the value is never reused."""
    assert inputs(expression) == depends


def test_reused_values_are_what_fhirpathpy_evaluates(flow, fast_database):
    """On random sessions, a renderer that reuses values fills each response exactly as evaluating all anew does."""
    database, folder = fast_database
    rng = random.Random("fhir-sdc-reuse")
    for _ in range(CHUNK // 4):
        wander(flow, database, rng, folder)
    renderer = Renderer(questionnaire(flow))
    with open_reader(database) as reader:
        responses = [bundle_for(reader.get_session(session.id), flow)["entry"][0]["resource"]
                     for session in reader.list_sessions()]
    for response in responses:
        assert renderer.fill(response) == renderer.fill(response, reuse=False)
    assert renderer.reused > 50 * len(responses) > 0


@pytest.fixture(scope="module")
def tmax_flow():
    """tests/flows/tmax.yaml: Tmax, a temperature derived as the highest of two readings (`highest_of`)."""
    if "highest_of" not in Finding._fields:
        pytest.skip("the flow format has no derived findings before triage revision 3 (issue 19)")
    return load_flow(str(ROOT / "tests" / "flows" / "tmax.yaml"))


@pytest.fixture(scope="module")
def tmax_renderer(tmax_flow):
    return Renderer(questionnaire(tmax_flow))


def test_a_derived_temperature_is_the_highest_of_its_readings(tmax_flow, tmax_renderer, fast_database):
    """Random conversations on a flow whose fever rules read Tmax: asked, found and triaged alike."""
    database, folder = fast_database
    rng = random.Random("fhir-sdc-tmax")
    expectations = {}
    for _ in range(CHUNK * 2):
        expectations.update(wander(tmax_flow, database, rng, folder))
    problems, tally = check_all(tmax_flow, tmax_renderer, database, expectations)
    assert problems[:5] == []
    assert {engine.outcome for engine in expectations.values()} >= set(tmax_flow.outcomes)
    highest = [engine.findings["tmax"] for engine in expectations.values()
               if None not in (engine.findings["temperature"], engine.findings["temperature_highest"])]
    assert highest and tally["levels"] == tally["sessions"]


@pytest.mark.parametrize("latest, highest, tmax, level", [
    (None, None, None, "routine"), (37.0, None, 37.0, "routine"), (None, 38.2, 38.2, "emergency"),
    (37.1, 38.4, 38.4, "emergency"), (35.5, 37.0, 37.0, "urgent"), (40.1, 39.0, 40.1, "emergency")])
def test_tmax_in_the_form_is_the_highest_measured(tmax_renderer, latest, highest, tmax, level):
    """Tmax is the higher of the two readings given, none when neither was; fever rules read it, low ones the latest."""
    form = tmax_renderer
    items = [{"linkId": "white", "answer": [{"valueCoding": dict(codes.YES_NO_UNSURE[None])}]}]
    for link, value in (("now", latest), ("highest", highest)):
        quantity = {"value": value, "system": codes.UCUM, "code": "Cel"}
        items.append({"linkId": link, **({"answer": [{"valueQuantity": quantity}]} if value else {})})
    filled = form.fill({"resourceType": "QuestionnaireResponse", "status": "in-progress", "item": items})
    assert celsius(filled.variables[camel("tmax")]) == tmax
    assert filled.code(codes.LEVEL_ITEM) == level
