"""Recording in the UI: a tester clicks through once, saves the session as a script, replays it forever.

The w key (or the "Save script" button) saves the conversation so far into the
current folder; `chatbot --record FILE` keeps it in FILE at each outcome and on exit.
"""

from __future__ import annotations

import asyncio

import pytest
import yaml

from chatbot.cli import main
from chatbot.flowfile.loader import load_flow
from chatbot.tui import SymptomCheckerApp
from tests.helpers.pilot import quick

FLOW = load_flow()
SIZE = (80, 24)
ACTIVE_EFFECT = 0.22  # a Button ignores a second tap while it still shows the first (0.2 s)


class Told(SymptomCheckerApp):
    """The app, keeping what it told the person in notifications."""

    def notify(self, message, **options):
        self.told = [*getattr(self, "told", []), message]
        super().notify(message, **options)


def run(scenario, *, app_class=Told, record_to=None, flow=FLOW, tester=True, **options):
    """A tester's app (`chatbot --tester`): the w key and the "Save script" button are theirs."""
    async def main_():
        app = app_class(flow, tester=tester, **options)
        app.record_to = record_to
        async with quick(app.run_test(size=SIZE)) as pilot:
            await pilot.pause()
            result = await scenario(app, pilot)
        return app, result

    return asyncio.run(main_())


async def press(pilot, *keys):
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


async def click(pilot, *targets):
    for target in targets:
        await pilot.click(target)
    await pilot.pause()


def replays(path, *extra) -> int:
    return main(["replay", str(path), *extra])


def test_a_session_clicked_through_once_is_saved_and_replays_headless_and_through_the_ui(tmp_path, monkeypatch,
                                                                                            capsys):
    monkeypatch.chdir(tmp_path)

    async def scenario(app, pilot):
        await click(pilot, "#choice-7", "#choice-send")           # danger_signs: none of these
        await click(pilot, "#answer-unsure")                       # white_count
        await press(pilot, "y")                                    # feverish
        app.screen.query_one("#temperature-input").value = "99.1 F"
        await press(pilot, "enter")                                # temperature: not a fever
        await click(pilot, "#back")                                # back: the reading was wrong
        app.screen.query_one("#temperature-input").value = "38.3"
        await press(pilot, "enter")                                # a fever, count unknown: an emergency
        assert app.state.outcome_level == "emergency"
        await press(pilot, "w")
        return app.state

    app, state = run(scenario, flow=load_flow())  # loaded here, as `chatbot` loads it in the folder it runs in
    saved = app.script_saved_to
    assert saved is not None and saved.parent == tmp_path and saved.name.startswith("conversation-")
    text = saved.read_text(encoding="utf-8")
    script = yaml.safe_load(text)
    assert [step["question"] for step in script["steps"]] == ["danger_signs", "white_count", "feverish", "temperature"]
    assert [line.split("answer: ")[1] for line in text.splitlines() if "answer: " in line] == [
        "7", "Not sure", "Yes", "38.3"]  # what the controls sent: their words; the first reading, undone, is gone
    assert script["expect"] == {"level": "emergency", "outcome": "emergency_infection", "reasons": ["E1"]}
    assert "flow" not in script  # the bundled flow: replay's default
    assert replays(saved) == 0
    assert replays(saved, "--tui") == 0
    assert "1 script: all passed" in capsys.readouterr().out


def test_the_save_script_button_is_on_the_bottom_row_and_says_where_it_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def scenario(app, pilot):
        await press(pilot, "7", "enter")
        labels = [str(button.label) for button in app.screen.query("#nav Button")]
        await click(pilot, "#record")
        first = app.script_saved_to
        await pilot.pause(ACTIVE_EFFECT)
        await click(pilot, "#record")
        return labels, first, app.told

    app, (labels, first, told) = run(scenario)
    assert "Save script  w" in labels
    assert first != app.script_saved_to  # a second save never writes over the first
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([first.name, app.script_saved_to.name])
    assert told[-1] == f"Saved this conversation as a test script: {app.script_saved_to}"
    assert yaml.safe_load(first.read_text(encoding="utf-8"))["expect"] == {"question": "white_count"}


def test_record_writes_the_script_at_the_outcome_and_again_on_exit(tmp_path, capsys):
    record = tmp_path / "session.yaml"

    async def scenario(app, pilot):
        await press(pilot, "1", "enter")
        at_outcome = record.read_text(encoding="utf-8")
        await press(pilot, "b", "1", "enter", "b")  # back to the first question, still unfinished on exit
        return at_outcome

    app, at_outcome = run(scenario, record_to=record)
    assert yaml.safe_load(at_outcome)["expect"] == {"level": "emergency", "outcome": "emergency_heart_lungs",
                                                    "reasons": ["E10"]}
    on_exit = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert on_exit["steps"] == [] and on_exit["expect"] == {"question": "danger_signs"}
    assert replays(record) == 0
    assert list(tmp_path.iterdir()) == [record]  # written in place: no temporary file left behind


def test_record_with_another_flow_names_it_relative_to_the_script(tmp_path, capsys):
    from pathlib import Path

    tiny = load_flow(Path(__file__).parents[1] / "tiny_flow.yaml")
    record = tmp_path / "tiny.yaml"

    async def scenario(app, pilot):
        app.answer("yes")
        app.answer("38.5")
        await pilot.pause()

    run(scenario, flow=tiny, record_to=record)
    assert yaml.safe_load(record.read_text(encoding="utf-8"))["flow"].endswith("tests/tiny_flow.yaml")
    assert replays(record) == 0


def test_a_script_that_cannot_be_saved_is_told_not_raised(tmp_path):
    record = tmp_path / "gone" / "session.yaml"

    async def scenario(app, pilot):
        await press(pilot, "w")
        for _ in range(50):  # on a loaded machine the save may land a few frames later
            if getattr(app, "told", None):
                break
            await pilot.pause(0.02)
        return app.told

    app, told = run(scenario, record_to=record)
    assert told[0] == f"Could not save the test script: there is no folder {record.parent} ({record})"
    assert app.recording_problem == told[0]  # what `chatbot --record` prints on exit


class NoRecording(Told):
    NAV = OUTCOME_NAV = ("back", "restart", "summary")  # as a kiosk: nothing of a person is kept


def test_without_record_in_the_bottom_row_the_w_key_saves_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def scenario(app, pilot):
        await press(pilot, "1", "enter", "w")
        return bool(app.screen.query("#record"))

    app, shown = run(scenario, app_class=NoRecording, tester=False)
    assert not shown and app.script_saved_to is None and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["--record", "x.yaml", "check"], "does nothing for 'check'"),
    (["--record", "no/such/folder/x.yaml"], "there is no folder no/such/folder"),
    (["--record", "."], "that is a folder"),
])
def test_record_options_that_cannot_work_are_refused_before_anything_starts(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
