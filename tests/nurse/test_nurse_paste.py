"""The nurse station's fields take a paste as one input (issue 28, point 1): the sign-in's name and
PIN, and the amendment's answer and reason, each cut to its length once and said once, never a bell
per character. On SQLite and a real PostgreSQL, as the station's other tests."""

from __future__ import annotations

from textual import events

from chatbot.nurse.screens import AmendScreen, SignInScreen
from chatbot.widgets import words

from nursetools import EMERGENCY, kiosk_session
from test_nurse_station import open_first, sign_in, station, synchronous, until  # noqa: F401 - station is a fixture
from tests.helpers.pilot import quick

MEGABYTE = 1_000_000


def watch(app) -> tuple[list[int], list[str]]:
    """The bell's rings and the notices shown from here on."""
    rang: list[int] = []
    said: list[str] = []
    notify = app.notify
    app.bell = lambda: rang.append(1)
    app.notify = lambda message, **options: (said.append(message), notify(message, **options))
    return rang, said


async def paste_into(pilot, selector: str, text: str) -> str:
    field = pilot.app.screen.query_one(selector)
    field.focus()
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()
    return field.value


@synchronous
async def test_the_sign_in_takes_a_pasted_name_and_pin_cut_once(station):
    app = station()
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.query("#name"))
        rang, said = watch(app)
        name = await paste_into(pilot, "#name", "Rosa" * (MEGABYTE // 4))
        after_name = str(app.screen.query_one("#sign-in-message").render())
        pin = await paste_into(pilot, "#pin", "4" * MEGABYTE)
        after_pin = str(app.screen.query_one("#sign-in-message").render())
        letters = await paste_into(pilot, "#pin", "not a pin")  # the PIN is full, and takes only digits
    assert name == ("Rosa" * 10)[:40] and pin == "4" * 12 and letters == pin
    assert (after_name, after_pin) == (words.CUT.fill(count="40").get("en"), words.CUT.fill(count="12").get("en"))
    assert rang == [] and said == []  # said above the fields; the full PIN says nothing more


@synchronous
async def test_an_amendment_takes_a_pasted_answer_and_reason_cut_to_their_length(station, database):
    app = station()
    session_id = kiosk_session(database, app.flow, EMERGENCY)
    async with quick(app.run_test(size=(100, 32))) as pilot:
        await sign_in(pilot)
        await until(pilot, lambda: bool(app.queue_screen.entries))
        await open_first(pilot, session_id)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AmendScreen))
        rang, said = watch(app)
        answer = await paste_into(pilot, "#amend-answer", "38.5 " * 200_000)
        told = str(app.screen.query_one("#amend-preview").render())
        reason = await paste_into(pilot, "#amend-reason", "Read again at the desk.\nSecond line" * 1000)
    assert len(answer) == 200 and answer.startswith("38.5 38.5")
    assert reason == "Read again at the desk." and rang == []
    assert told == words.CUT.fill(count="200").get("en") and said == []  # said in the form, not on top
