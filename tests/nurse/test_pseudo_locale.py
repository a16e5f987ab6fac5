"""The nurse station's screens at 80x24 in the pseudo-locale: nothing cut or hidden, nothing shown that
did not come through a catalog (tests/helpers/pseudo.py; the conversation and the kiosk:
tests/ui/test_pseudo_locale.py)."""

from __future__ import annotations

from chatbot.catalog import PSEUDO
from chatbot.nurse.screens import AmendScreen, SessionScreen
from tests.helpers.pilot import quick
from tests.helpers.pseudo import faults
from tests.helpers.screen import screen_text
from tests.ui.test_pseudo_locale import top
from tests.nurse.test_nurse_station import open_first, sign_in, station, synchronous, until  # noqa: F401 - station: a fixture

from nursetools import EMERGENCY, ROUTINE, kiosk_session


def kiosk_words(app) -> set[str]:
    """What a kiosk wrote and the station shows as it is: the kiosk's place, the answers as typed, the
    staff's names, the flow's ids."""
    flow = app.flow
    return {"kiosk:k1", "k1", '"yes"', '"no"', "Rosa", "Luis", *flow.questions, *flow.findings, *(rule.id for rule in flow.rules)}


@synchronous
async def test_the_station_fits_at_80x24(station, database):
    app = station(PSEUDO)
    kiosk_session(database, app.flow, ROUTINE)
    emergency = kiosk_session(database, app.flow, EMERGENCY, language="es")
    shots = []
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#name")))
        shots.append(("sign in", screen_text(app)))
        await sign_in(pilot)
        await until(pilot, lambda: app.queue_screen is not None and app.screen is app.queue_screen)
        shots.append(("queue", screen_text(app)))
        await open_first(pilot, emergency)
        shots.append(("session", screen_text(app)))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AmendScreen))
        shots.append(("amend", top(app)))
        app.screen.choose("temperature", "36.8", "phoned")
        await pilot.click("#amend-preview-button")
        await until(pilot, lambda: "⟦" in str(app.screen.query_one("#amend-preview").render()))
        shots.append(("amend, previewed", top(app)))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
    found = [f"{name}: {fault}\n{shot}" for name, shot in shots for fault in faults(shot, kiosk_words(app))]
    assert not found, "\n\n".join(found)
