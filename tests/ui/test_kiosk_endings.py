"""What a kiosk's endings say (triage rules, revision 3): a staffed kiosk speaks to someone
already at the clinic, its emergency's focused control never wipes the screen, and its urgent
ending says to tell the desk before leaving. The real kiosk, driven as a person would.
"""

from __future__ import annotations

import pytest

from chatbot.kiosk.rules import KioskOptions
from dataclasses import replace

from chatbot.widgets import words
from tests.helpers.kiosk import run, send_keys, start, tap, until_wiped
from tests.helpers.screen import screen_text

STAFFED = KioskOptions(idle_timeout=60, idle_warning=60, staffed=True)
UNSTAFFED = KioskOptions(idle_timeout=60, idle_warning=60)
CHEST_PAIN = ["1"]
# A fever of 38.6 with a low count: the emergency that sends a person to the emergency room.
FEVER = ["7", "yes", "yes", "38.6"]
FIEBRE = ["7", "sí", "sí", "38,6"]
# New bruises with a normal count: urgent.
BRUISES = ["7", "no", "no", "36.8", "no", "no", "no", "5", "4", "no", "yes", "no", "no", "no", "no", "no", "no"]


def outcome_words(app) -> dict[str, str]:
    """The text of each part of the outcome screen, by id."""
    parts = {}
    for widget in app.screen.query("#tell-desk, #outcome-title, #outcome-text, #say-title, #say-line"):
        rendered = widget.render()
        parts[widget.id] = getattr(rendered, "plain", str(rendered))
    return parts


@pytest.mark.parametrize("language, answers, said", [
    ("en", FEVER, ["Tell the staff at the desk now", "This needs help now",
                   "If nobody comes to you within a minute, call 911.", "Tell the staff:",
                   "I have bone marrow failure and a fever, and my white count may be low."]),
    ("es", FIEBRE, ["Avise ahora al personal del mostrador", "Esto necesita atención ahora",
                    "Si nadie viene en un minuto, llame al 911.", "Dígale al personal:",
                    "Tengo insuficiencia de la médula ósea y fiebre, y puede que tenga bajos los glóbulos blancos."]),
])
def test_a_staffed_emergency_speaks_to_someone_already_at_the_clinic(language, answers, said):
    async def scenario(app, pilot):
        await start(app, pilot, answers)
        return app.state.outcome_level, outcome_words(app), bool(app.screen.query("#emergency-digits"))

    level, parts, digits = run(scenario, options=STAFFED, language=language)
    assert level == "emergency" and list(parts)[:2] == ["tell-desk", "outcome-title"]
    text = " ".join(parts.values())
    for words_ in said:
        assert words_ in text, (words_, text)
    for never in ("Do not drive yourself", "when you get there", "when you arrive", "No maneje usted",
                  "cuando llegue", "Call 911 now"):
        assert never not in text
    assert not digits  # the number is the fallback, not the first thing to do


@pytest.mark.parametrize("options, language, first", [
    (STAFFED, "en", words.TELL_DESK.get("en")),
    (STAFFED, "es", words.TELL_DESK.get("es")),
    (UNSTAFFED, "en", "Call 911 now"),
], ids=["staffed-en", "staffed-es", "unstaffed-en"])
def test_an_emergency_keeps_its_first_words_on_screen_while_the_ticket_is_typed(options, language, first):
    """At 80x24 the ticket form is below the instructions: the focus moved to it (Tab, as a person would)
    scrolls the instructions under the emergency's first words ("Tell the staff at the desk now", the title),
    never those words off the top (#emergency-head stays). A danger sign first: the form is on the ending."""

    async def scenario(app, pilot):
        await start(app, pilot, CHEST_PAIN)
        await send_keys(app, pilot, ["tab"])
        shown = app.screen.region
        kept = {widget.id: (shown.contains_region(widget.region), widget.region.height == widget.outer_size.height)
                for widget in app.screen.query("#tell-desk, #outcome-title, #identify-ticket")}
        return app.state.outcome_level, getattr(app.focused, "id", None), kept, screen_text(app)

    level, focused, kept, text = run(scenario, options=replace(options, identify="ticket"), language=language)
    assert level == "emergency" and focused == "identify-ticket"
    assert kept and all(whole == (True, True) for whole in kept.values()), kept
    assert len(kept) == (3 if options.staffed else 2)
    assert first in text


def test_an_unstaffed_emergency_says_to_call_and_what_to_say_on_arrival():
    async def scenario(app, pilot):
        await start(app, pilot, FEVER)
        return outcome_words(app), bool(app.screen.query("#emergency-digits"))

    parts, digits = run(scenario, options=UNSTAFFED)
    text = " ".join(parts.values())
    assert "tell-desk" not in parts and digits
    for said in ("Call 911 now", "Do not drive yourself", words.SAY_ON_PHONE.get("en")):
        assert said in text


@pytest.mark.parametrize("options", [STAFFED, UNSTAFFED], ids=["staffed", "unstaffed"])
def test_no_control_that_can_have_the_focus_on_an_emergency_wipes_it(options):
    """Tab round every control: Done never takes the focus, so Enter never wipes the emergency
    (Back goes back one question, and the answers stay); a tap on Done, or its key, still leaves."""

    async def scenario(app, pilot):
        await start(app, pilot, CHEST_PAIN)
        first = getattr(app.focused, "id", None)
        await send_keys(app, pilot, ["enter", "space"])
        stayed = app.state.outcome_level
        focused = []
        for _ in range(10):
            await send_keys(app, pilot, ["tab"])
            focused.append(getattr(app.focused, "id", None))
        await tap(app, pilot, "#done")
        await until_wiped(app, pilot)
        return first, stayed, focused, app.screen.id

    first, stayed, focused, after = run(scenario, options=options)
    assert first == "outcome-body" and stayed == "emergency"
    assert "done" not in focused and "back" in focused, focused
    assert after == "welcome"


def test_done_on_an_urgent_ending_can_have_the_focus_and_wipes():
    """Only the emergency keeps Done out of the focus: elsewhere Enter on it is the way out."""

    async def scenario(app, pilot):
        await start(app, pilot, BRUISES)
        focused = []
        for _ in range(10):
            await send_keys(app, pilot, ["tab"])
            focused.append(getattr(app.focused, "id", None))
        return focused

    assert "done" in run(scenario, options=UNSTAFFED)


@pytest.mark.parametrize("language, first", [
    ("en", "Before you leave, tell the staff at the desk what this screen says."),
    ("es", "Antes de irse, avise al personal del mostrador de lo que dice esta pantalla."),
])
def test_a_staffed_urgent_ending_says_to_tell_the_desk_before_leaving(language, first):
    async def scenario(app, pilot):
        await start(app, pilot, BRUISES if language == "en" else [
            answer.replace("yes", "sí").replace("36.8", "36,8") for answer in BRUISES])
        return app.state.outcome_level, outcome_words(app), screen_text(app)

    level, parts, shown = run(scenario, options=STAFFED, language=language)
    assert level == "urgent" and list(parts)[:2] == ["tell-desk", "outcome-title"]
    assert parts["tell-desk"] == first
    assert parts["outcome-title"] == ("See your provider immediately" if language == "en"
                                      else "Consulte a su equipo médico de inmediato")


def test_an_unstaffed_urgent_ending_opens_with_see_your_provider_immediately():
    async def scenario(app, pilot):
        await start(app, pilot, BRUISES)
        return outcome_words(app)

    parts = run(scenario, options=UNSTAFFED)
    assert list(parts) == ["outcome-title", "outcome-text"]
    assert parts["outcome-title"] == "See your provider immediately"
    assert parts["outcome-text"].startswith("Call your care team now.")
