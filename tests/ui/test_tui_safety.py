"""What the UI shows is safe: text is never read as markup, control characters never reach the
screen, input is capped, and nothing can open a browser."""

from __future__ import annotations

import webbrowser

import pytest

from chatbot.flowfile.loader import load_flow
from chatbot.widgets.guidance import without_links
from tests.helpers.screen import screen_text
from tests.helpers.tui import answer, press, run

# A flow whose every text is Textual/Rich markup: it must all be shown as typed.
MARKUP_FLOW = """\
flow: markup
start: pick
welcome: {title: "[b]Hello[/b]", body: "[@click=app.quit]Body[/]", disclaimer: "[link=https://example.com]Not a diagnosis[/link]"}
findings:
  bold: {type: boolean}
  leave: {type: boolean}
  temperature: {type: temperature}
rules:
  urgent:
    U1: {when: leave, reason: "[red]a reason[/red]"}
questions:
  pick:
    kind: single_choice
    text: "Pick [i]one[/i]:"
    options:
      - {finding: bold, label: "[b]Bold[/b]"}
      - {finding: leave, label: "[@click=app.quit]Leave[/]"}
      - {none: true, label: "None [/]"}
    next:
      - {if: leave, goto: call}
      - goto: temp
  temp:
    kind: temperature
    finding: temperature
    text: What is your temperature?
    not_measured: I have not measured it
    next: home
outcomes:
  call: {level: urgent, title: "Call [blink]now[/blink]", text: "Text [@click=app.quit]x[/]"}
  home: {level: routine, title: Rest, text: Rest at home.}
education:
  - title: "[b]Links[/b]"
    body: "See [our site](https://example.com) or <https://example.org>."
safety_net: {title: Help, body: "Call {emergency_number}."}
"""


@pytest.fixture(scope="module")
def markup_flow(tmp_path_factory):
    path = tmp_path_factory.mktemp("flows") / "markup.yaml"
    path.write_text(MARKUP_FLOW, encoding="utf-8")
    return load_flow(path)


@pytest.mark.parametrize("typed", ["[@click=app.quit]x", "[/]", "[link=http://x]38[/link]",
                                   "[b]38[/b]"])
def test_typed_markup_is_shown_literally_and_does_nothing(typed):
    async def scenario(app, pilot):
        await answer(app, pilot, ["7", "yes", "yes"])
        field = app.screen.query_one("#temperature-input")
        field.value = typed
        await pilot.pause()
        drawn = screen_text(app)
        await press(pilot, "enter")
        return drawn, app.state, app.is_running

    drawn, state, running = run(scenario)
    assert typed in drawn
    assert running
    assert state.question_id == "temperature"
    assert state.error.startswith("I could not read that temperature")


def test_flow_text_that_looks_like_markup_is_shown_as_written(markup_flow):
    async def scenario(app, pilot):
        first = screen_text(app)
        await pilot.click("#choice-2")  # on the "[@click=app.quit]Leave[/]" label itself
        await pilot.pause()
        return first, screen_text(app), app.state, app.is_running

    first, outcome, state, running = run(scenario, flow=markup_flow, size=(100, 30))
    for text in ("[b]Hello[/b]", "[@click=app.quit]Body[/]", "[link=https://example.com]Not a diagnosis[/link]",
                 "Pick [i]one[/i]:", "[b]Bold[/b]", "[@click=app.quit]Leave[/]", "None [/]"):
        assert text in first
    assert running and state.outcome_level == "urgent"
    assert state.answers == (("pick", "[@click=app.quit]Leave[/]"),)
    assert "Text [@click=app.quit]x[/]" in outcome
    assert "[red]a reason[/red]" in outcome


@pytest.mark.parametrize("typed, kept", [
    ("\x1b[2J37.5", "[2J37.5"),
    ("37\x07.5\x00", "37.5"),
    ("38\u202e.0", "38.0"),
    ("36.6\r\nrm -rf", "36.6 rm -rf"),
])
def test_control_characters_never_stay_in_the_field(typed, kept):
    async def scenario(app, pilot):
        await answer(app, pilot, ["7", "yes", "yes"])
        field = app.screen.query_one("#temperature-input")
        field.value = typed
        await pilot.pause()
        return field.value, screen_text(app)

    value, drawn = run(scenario)
    assert value == kept
    assert "\x1b" not in drawn and "\x07" not in drawn


def test_the_temperature_field_is_capped():
    async def scenario(app, pilot):
        await answer(app, pilot, ["7", "yes", "yes"])
        field = app.screen.query_one("#temperature-input")
        field.value = "3" * 500
        await pilot.pause()
        return field.value

    assert run(scenario) == "3" * 40


def test_an_answer_too_long_for_the_engine_is_refused_with_a_message():
    async def scenario(app, pilot):
        await answer(app, pilot, ["y" * 500])
        return app.state

    state = run(scenario)
    assert (state.question_id, state.error) == ("danger_signs", "That answer is too long. Please keep it short.")


def test_escape_sequences_in_an_answer_never_reach_the_transcript():
    async def scenario(app, pilot):
        await answer(app, pilot, ["7\x1b", "n\x00o"])
        return [turn.typed for turn in app.conversation.transcript], app.summary_text()

    typed, summary = run(scenario)
    assert typed == ["7", "no"]
    assert "\x1b" not in summary and "\x00" not in summary


def test_links_in_the_guidance_become_plain_words_and_never_open_a_browser(markup_flow, monkeypatch):
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda *args, **kwargs: opened.append(args))

    async def scenario(app, pilot):
        await answer(app, pilot, ["1", "not measured"])
        guidance = app.screen.query_one("#guidance")
        app.open_url("https://example.com")
        from textual.widgets import Markdown

        markdown = app.screen.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.com"))
        await pilot.pause()
        return app.state, guidance.document(1)  # the first topic after the safety net

    state, document = run(scenario, flow=markup_flow, size=(100, 30))
    assert state.outcome_level == "routine"
    assert "See our site or https://example.org." in document
    assert "(https://example.com)" not in document
    assert opened == []


@pytest.mark.parametrize("markdown, plain", [
    ("[our site](https://example.com)", "our site"),
    ("![a picture](file:///etc/passwd)", "a picture"),
    ("<mailto:someone@example.com>", "mailto:someone@example.com"),
    ("no links here", "no links here"),
])
def test_without_links(markdown, plain):
    assert without_links(markdown) == plain
