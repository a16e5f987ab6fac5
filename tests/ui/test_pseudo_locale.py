"""Every screen of the conversation and the kiosk at 80x24 in the pseudo-locale: nothing cut or hidden,
nothing shown that did not come through a catalog (tests/helpers/pseudo.py says how it is seen).
The nurse station's screens: tests/nurse/test_pseudo_locale.py."""

from __future__ import annotations

import pytest

from chatbot.catalog import PSEUDO
from chatbot.flowfile.loader import load_flow
from chatbot.kiosk.rules import KioskOptions
from tests.helpers.pseudo import faults
from tests.helpers.screen import screen_text
from tests.helpers.tui import ANSWERS_TO, run

FLOW = load_flow()
IDS = {"allowed": set(FLOW.questions) | set(FLOW.findings) | {FLOW.name} | {rule.id for rule in FLOW.rules}}
"""What a tester's summary shows as it is: the flow's own names (question and finding ids, rule ids)."""


def top(app) -> str:
    """The dialog on top only, cut out of the screen (what it covers is covered, not cut)."""
    box = app.screen.children[0].region
    lines = screen_text(app).splitlines()[box.y:box.bottom]
    return "\n".join(line[box.x:box.right] for line in lines)


def assert_clean(shots: list[tuple[str, str]], allowed: set[str] = frozenset()) -> None:
    found = [f"{name}: {fault}\n{shot}" for name, shot in shots for fault in faults(shot, allowed)]
    assert not found, "\n\n".join(found)


async def walk(app, pilot, answers: list[str]) -> list[tuple[str, str]]:
    """Each question on the way, and the ending."""
    shots = []
    for number, typed in enumerate(answers, 1):
        shots.append((f"question {number}", screen_text(app)))
        app.answer(typed)
        await pilot.pause()
    shots.append(("ending", screen_text(app)))
    return shots


@pytest.mark.parametrize("level", ["emergency", "urgent", "routine"])
@pytest.mark.parametrize("tester", [False, True], ids=["patient", "tester"])
def test_the_conversation_to_each_ending_fits_at_80x24(level, tester):
    async def scenario(app, pilot):
        shots = await walk(app, pilot, ANSWERS_TO[level])
        if level == "routine":
            for key in ("tab", "enter"):  # a topic of the guidance opened
                await pilot.press(key)
            shots.append(("guidance", screen_text(app)))
        return shots

    assert_clean(run(scenario, language=PSEUDO, tester=tester, flow=FLOW))


def test_the_dialogs_and_the_summary_fit_at_80x24():
    async def scenario(app, pilot):
        shots = []
        app.answer("7")
        await pilot.pause()
        await pilot.press("r")
        shots.append(("start again?", top(app)))
        await pilot.press("escape")
        await pilot.press("q")
        shots.append(("quit?", top(app)))
        await pilot.press("escape")
        await pilot.press("s")
        shots.append(("summary", top(app)))
        return shots

    assert_clean(run(scenario, language=PSEUDO, tester=True, flow=FLOW), IDS["allowed"])


def test_a_reprompt_and_a_did_you_mean_fit_at_80x24():
    async def scenario(app, pilot):
        shots = []
        app.answer("7")
        await pilot.pause()
        for typed in ("maybe", "no", "no"):  # yes/no reprompted, then the temperature question
            app.answer(typed)
            await pilot.pause()
            shots.append((f"after {typed!r}", screen_text(app)))
        app.answer("thirty eight or so and 39")
        await pilot.pause()
        shots.append(("two readings", screen_text(app)))
        return shots

    assert_clean(run(scenario, language=PSEUDO, flow=FLOW))


@pytest.mark.parametrize("identify", ["ticket", "name_dob"])
def test_the_kiosk_fits_at_80x24(identify):
    """The welcome, the identification asked after the first answer, the idle warning, an ending with
    its Done, and the staff's PIN."""
    from tests.helpers import kiosk

    async def scenario(app, pilot):
        shots = [("welcome", screen_text(app))]
        await kiosk.start(app, pilot, ["7"])
        shots.append(("identify", screen_text(app)))
        await kiosk.tap(app, pilot, "#identify-skip")
        shots.append(("question", screen_text(app)))
        await kiosk.idle_for(app, pilot, 60)
        shots.append(("still there?", top(app)))
        await kiosk.tap(app, pilot, "#still-there-continue")
        app.answer("1")  # back to the danger signs, and an emergency
        await pilot.pause()
        for _ in range(3):
            await kiosk.send_keys(app, pilot, ["f12"])
        shots.append(("staff PIN", top(app)))
        return shots

    options = KioskOptions(idle_timeout=60, idle_warning=60, identify=identify)
    assert_clean(kiosk.run(scenario, options=options, language=PSEUDO))
