"""The dialogue engine: answers as triggers, reprompts that lose nothing, back, restart."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from chatbot.engine import Conversation, DialogueMachine, Prompt, Result
from chatbot.flow.answers import read_answer
from chatbot.flow.kinds import QuestionKind
from chatbot.flowfile.loader import load_flow

FLOW = load_flow()
NO_DANGER = "None of these"


def answered(*answers: str, language: str | None = None) -> Conversation:
    conversation = Conversation(FLOW, language)
    conversation.start()
    for typed in answers:
        conversation.answer(typed)
    return conversation


def test_starts_at_the_danger_signs_with_progress():
    step = Conversation(FLOW).start()
    assert isinstance(step, Prompt)
    assert step.question.id == "danger_signs"
    assert (step.progress.topic, step.progress.topic_number, step.progress.topic_count) == ("danger", 1, 5)
    assert step.progress.answered == 0 and step.progress.at_most_left == 20


def test_an_unreadable_answer_is_asked_again_and_loses_nothing():
    conversation = answered(NO_DANGER, "not sure", "yes")
    before = (dict(conversation.findings), list(conversation.transcript))
    step = conversation.answer("a hundred and one, I think")
    assert isinstance(step, Prompt) and step.question.id == "temperature"
    assert step.error.get("en").startswith("Your answer has a temperature (101) and other words")
    assert (conversation.findings, conversation.transcript) == before
    step = conversation.answer("101 F")
    assert isinstance(step, Result) and step.level == "emergency"


def test_the_first_emergency_finding_ends_the_dialogue_at_once():
    step = answered().answer("1")  # chest pain
    assert isinstance(step, Result)
    assert (step.level, step.outcome.id) == ("emergency", "emergency_heart_lungs")
    assert [rule.id for rule in step.reasons] == ["E10"]


def test_the_transcript_keeps_question_typed_answer_value_and_finding():
    conversation = answered(NO_DANGER, "u", "Y", "38,2 °C")
    turns = conversation.transcript
    assert [t.question.id for t in turns] == ["danger_signs", "white_count", "feverish", "temperature"]
    assert [t.typed for t in turns] == [NO_DANGER, "u", "Y", "38,2 °C"]
    assert [t.value for t in turns][1:] == [None, True, 38.2]
    assert [t.shown for t in turns] == ["None of these", "Not sure", "Yes", "38,2 °C"]  # the comma as typed
    assert turns[3].findings == {"temperature": 38.2}


def test_the_result_says_why():
    result = answered(NO_DANGER, "not sure", "yes", "100.4 F").current
    assert [rule.id for rule in result.reasons] == ["E1"]
    assert result.reasons[0].reason.get("en") == "a fever, and my white count may be low"
    assert [turn.question.id for turn in result.because] == ["white_count", "temperature"]


def test_back_undoes_the_last_answer_and_lets_it_change():
    conversation = answered(NO_DANGER, "not sure", "yes", "100.4 F")
    assert conversation.finished
    step = conversation.back()
    assert isinstance(step, Prompt) and step.question.id == "temperature"
    assert conversation.findings["temperature"] is None
    assert [t.question.id for t in conversation.transcript] == ["danger_signs", "white_count", "feverish"]
    assert conversation.answer("37.0").question.id == "temperature_highest"


def test_back_twice_and_at_the_start():
    conversation = answered(NO_DANGER, "yes")
    conversation.back()
    assert conversation.back().question.id == "danger_signs"
    assert not conversation.can_go_back
    assert conversation.back().question.id == "danger_signs"


def test_restart_forgets_everything():
    conversation = answered(NO_DANGER, "yes", "yes", "38.5")
    step = conversation.restart()
    assert step.question.id == "danger_signs"
    assert conversation.transcript == [] and not conversation.can_go_back
    assert conversation.findings == FLOW.default_findings()


def test_a_present_finding_sets_what_it_implies():
    conversation = answered("3")  # bleeding that will not stop implies bleeding now
    assert conversation.findings["bleeding_wont_stop_10min"] is True
    assert conversation.findings["bleeding_now"] is True


@pytest.mark.parametrize("answers, asked_next", [
    ((NO_DANGER, "yes", "yes", "37.0", "no"), "fever_reducer"),  # feverish with a low count: ask about fever medicine
    ((NO_DANGER, "no", "yes", "37.0", "no"), "chills"),          # count not low: the medicine cannot change the level
    ((NO_DANGER, "no", "no", "37.0"), "temperature_highest"),    # a reading: was there a higher one in the last day?
    ((NO_DANGER, "no", "no", "not measured"), "temperature_earlier"),  # none now: any in the last day?
    ((NO_DANGER, "no", "no", "40.0"), None),                     # 40.0 now: an emergency, nothing higher is asked
    ((NO_DANGER, "no", "no", "37.0", "no", "no", "no", "5", "4", "no"), "bruising"),  # no bleeding: where is not asked
    ((NO_DANGER, "no", "no", "37.0", "no", "no", "no", "5", "4", "no", "no", "no", "no"), "breathless"),  # not tired
])
def test_skips_only_what_the_findings_allow(answers, asked_next):
    assert answered(*answers).question == (FLOW.questions[asked_next] if asked_next else None)


def test_tmax_is_worked_out_after_each_reading_and_undone_by_back():
    conversation = answered(NO_DANGER, "yes", "no", "37.2")
    assert conversation.findings["tmax"] == 37.2
    step = conversation.answer("38.6")
    assert isinstance(step, Result) and [rule.id for rule in step.reasons] == ["E1"]
    assert (step.findings["temperature"], step.findings["temperature_highest"], step.findings["tmax"]) == (37.2, 38.6, 38.6)
    assert [turn.question.id for turn in step.because] == ["white_count", "temperature", "temperature_highest"]
    conversation.back()
    assert conversation.findings["tmax"] == 37.2


def test_two_conversations_on_one_flow_do_not_share_state():
    first, second = answered(NO_DANGER, "yes"), answered("1")
    assert first.current.question.id == "feverish"
    assert second.finished and not first.finished


def test_answering_after_the_end_is_refused_clearly():
    conversation = answered("1")
    with pytest.raises(RuntimeError, match="no question is being asked"):
        conversation.answer("yes")


@pytest.mark.parametrize("answers, typed, refused", [
    ([NO_DANGER, "not sure", "yes"], "a hundred and one or so", "Your answer has a temperature (101)"),
    ([NO_DANGER, "not sure", "yes"], "37.0", None),   # the next question
    ([NO_DANGER, "not sure", "yes"], "101 F", None),  # an outcome: no question left
])
def test_take_is_answer_without_building_the_next_step(answers, typed, refused):
    """`chatbot simulate` takes answers by the thousand: `take` must leave the conversation
    exactly where `answer` does, and say why an answer was refused."""
    taking, answering = answered(*answers), answered(*answers)
    said = taking.take(typed)
    step = answering.answer(typed)
    assert said.get("en").startswith(refused) if refused else said is None
    assert taking.question is (step.question if isinstance(step, Prompt) else None)
    assert (taking.state, taking.findings, taking.asked) == (answering.state, answering.findings, answering.asked)


# -- "Did you mean …?": words that fit a choice only in part are confirmed first ------------------

def test_words_that_fit_a_choice_in_part_wait_for_a_yes_and_change_nothing_before():
    conversation = answered()
    said = conversation.take("headache")
    step = conversation.current
    assert said == step.confirm and step.confirm.get("en").startswith("Did you mean: 4. A sudden very bad headache")
    assert step.question.id == "danger_signs" and step.error is None and conversation.confirming
    assert conversation.transcript == [] and conversation.findings["severe_headache_or_vision_change"] is False
    step = conversation.answer("yes")
    assert isinstance(step, Result) and step.outcome.id == "emergency_head"
    assert conversation.transcript[-1].typed == "headache" and conversation.transcript[-1].confirmed == "yes"


@pytest.mark.parametrize("reply, error, asked", [
    ("no", "Then please choose by number (1 to 7), or type the words of a choice.", "danger_signs"),
    ("No.", "Then please choose by number (1 to 7), or type the words of a choice.", "danger_signs"),
    ("7", None, "white_count"),            # another answer is read as an answer to the question
    ("knock", None, "danger_signs"),        # ... and may need its own confirmation
    ("banana", "Please choose by number (1 to 7) or by the words of a choice.", "danger_signs"),
])
def test_anything_but_yes_leaves_the_words_untaken(reply, error, asked):
    conversation = answered()
    conversation.answer("headache")
    step = conversation.answer(reply)
    assert conversation.findings["severe_headache_or_vision_change"] is False
    assert (step.error.get("en") if step.error else None) == error
    assert step.question.id == asked
    assert (step.confirm is not None) == (reply == "knock")


def test_back_from_did_you_mean_asks_the_question_again_and_undoes_nothing_before():
    conversation = answered(NO_DANGER, "no", "no", "37.0", "no", "no", "no")
    assert conversation.current.question.id == "infection_signs"
    before = (list(conversation.transcript), dict(conversation.findings))
    conversation.answer("cough")
    assert conversation.confirming and conversation.can_go_back
    step = conversation.back()
    assert step.question.id == "infection_signs" and step.confirm is None and not conversation.confirming
    assert (conversation.transcript, conversation.findings) == before
    assert conversation.back().question.id == "stiff_neck"  # the next back undoes the answer before


def test_restart_forgets_a_waiting_did_you_mean():
    conversation = answered()
    conversation.answer("headache")
    step = conversation.restart()
    assert step.confirm is None and not conversation.confirming
    assert conversation.answer("yes").error.get("en").startswith("Please choose by number")


def test_an_answer_already_confirmed_is_taken_at_once():
    """The nurse station re-runs a session's kept answers: the person confirmed them then."""
    step = answered().answer("headache", confirmed=True)
    assert isinstance(step, Result) and step.outcome.id == "emergency_head"


def test_did_you_mean_is_asked_in_the_conversations_language():
    conversation = answered(language="es")
    step = conversation.answer("dolor de cabeza")
    assert step.confirm.get("es").startswith("¿Se refiere a: 4. Dolor de cabeza muy fuerte")


# -- the machine's own trigger path -----------------------------------------------------------

STOCK = DialogueMachine(FLOW, stock=True)
SOME_ANSWERS = {
    QuestionKind.YES_NO: ("yes", "no"),
    QuestionKind.YES_NO_UNSURE: ("yes", "no", "not sure"),
    QuestionKind.TEMPERATURE: ("36.8", "37.6", "38.0", "38.4", "101 F", "not measured", "warm"),
}


def some_answer(question, rng: random.Random) -> str:
    """An answer a person might give `question`: any of its words, one or several choices, or a wrong one."""
    if question.kind in SOME_ANSWERS:
        return rng.choice(SOME_ANSWERS[question.kind])
    numbers = list(range(1, len(question.options) + 1))
    if question.kind == QuestionKind.MULTIPLE_CHOICE and rng.random() < 0.3:
        return ", ".join(str(n) for n in sorted(rng.sample(numbers, min(2, len(numbers)))))
    return str(rng.choice(numbers + [len(numbers) + 1]))  # one past the last is refused


def seen(conversation: Conversation) -> tuple:
    step = conversation.current
    shown = (step.outcome.id, step.level, [rule.id for rule in step.reasons]) if isinstance(step, Result) else (
        step.question.id, step.error.get("en") if step.error else None, step.progress.at_most_left)
    return (conversation.state, dict(conversation.findings), [(t.question.id, t.value) for t in conversation.transcript],
            shown)


@pytest.mark.parametrize("seed", range(4))
def test_our_trigger_path_takes_every_step_transitions_own_takes(seed):
    """`_FlowEvent` and `_FlowTransition` skip what a flow never uses: on random conversations, with backs and
    restarts, every answer leaves the same state, findings, transcript and step as `transitions`' own Event and
    Transition."""
    rng = random.Random(seed)
    for _ in range(150):
        ours, stock = Conversation(FLOW), Conversation(FLOW, machine=STOCK)
        ours.start(), stock.start()
        while not ours.finished:
            move = rng.random()
            if move < 0.1:
                ours.back(), stock.back()
            elif move < 0.12:
                ours.restart(), stock.restart()
            else:
                typed = some_answer(ours.question, rng)
                ours.answer(typed), stock.answer(typed)
            assert seen(ours) == seen(stock)


def test_transitions_own_machine_runs_every_simulated_patient_alike():
    """Every test patient and timeline: simulated on the machine's table (`simulate`'s own way) as on a
    conversation driven by `transitions`' own Event and Transition."""
    from chatbot.replay.patients import read_patients, simulate

    tests = Path(__file__).resolve().parents[1]
    patients = [patient for path in sorted([*(tests / "patients").glob("*.yaml"), *(tests / "timelines").glob("*.yaml")])
                for patient in read_patients(path, FLOW)]
    assert len(patients) > 100
    for patient in patients:
        assert simulate(FLOW, patient) == simulate(FLOW, patient, machine=STOCK), patient.id


# -- the machine's table, for `chatbot simulate` ----------------------------------------------------------

TABLE_FLOWS = [Path("flows/symptoms.yaml"), Path("tests/tiny_flow.yaml"), *sorted(Path("tests/flows").glob("*.yaml"))]


def every_answer(question) -> list[str]:
    """Each word of its kind, each choice alone, and for several choices every pair and all of them."""
    if question.kind in SOME_ANSWERS:
        return list(SOME_ANSWERS[question.kind]) + (["39.2", "35", "102.2 F"] if question.kind == QuestionKind.TEMPERATURE else [])
    numbers = [str(n) for n in range(1, len(question.options) + 1)]
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        pairs = [f"{a}, {b}" for index, a in enumerate(numbers) for b in numbers[index + 1:]]
        return numbers + pairs + [", ".join(numbers)]
    return numbers


def some_findings(flow, rng: random.Random) -> dict:
    """Findings as a conversation might have gathered them: each at its default, true, false or unknown."""
    findings = flow.default_findings()
    for name in findings:
        if rng.random() < 0.4:
            findings[name] = rng.choice([True, False, None, 38.4, 36.9]) if name in flow.derived or "temp" in name \
                else rng.choice([True, False, None])
    flow.derive(findings)
    return findings


@pytest.mark.parametrize("path", TABLE_FLOWS, ids=lambda path: path.stem)
def test_the_table_takes_every_state_and_answer_where_transitions_own_machine_does(path):
    """`DialogueMachine.step` (the table `chatbot simulate` runs on) against `transitions`' own Event and
    Transition: from every question, every answer, on many gatherings of findings, the same state and findings."""
    flow = load_flow(str(path))
    ours, stock, rng = DialogueMachine(flow), DialogueMachine(flow, stock=True), random.Random(24)
    contexts = [flow.default_findings()] + [some_findings(flow, rng) for _ in range(40)]
    steps = 0
    for state, question in flow.questions.items():
        for typed in every_answer(question):
            answers = []  # one answer a question and words, as `chatbot simulate` keeps it: met again on other findings
            for findings in contexts:
                conversation = Conversation(flow, machine=stock)
                conversation.start()
                stock.set_state(state, conversation)
                conversation.findings = dict(findings)
                if conversation.take(typed, confirmed=True) is not None:
                    continue  # not an answer to this question ("4" of three)
                answers = answers or [read_answer(question, typed)]
                answer = answers[0]
                gathered = dict(findings)
                assert (ours.step(state, gathered, answer), gathered) == (conversation.state, conversation.findings), \
                    (state, typed, findings)
                steps += 1
    assert steps > 40 * len(flow.questions)


def test_the_table_refuses_a_machine_it_cannot_hold():
    """A callback the table would skip (a state's on_enter, a transition's `before`) makes building it fail."""
    from chatbot.engine import _table

    machine = DialogueMachine(FLOW, stock=True).machine
    machine.states["white_count"].add_callback("enter", lambda event: None)
    with pytest.raises(TypeError, match="callbacks"):
        _table(machine)
    machine = DialogueMachine(FLOW, stock=True).machine
    machine.events["answer"].transitions["white_count"][0].before.append(lambda event: None)
    with pytest.raises(TypeError, match="cannot hold"):
        _table(machine)
