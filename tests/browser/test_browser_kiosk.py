"""The browser kiosk in a real browser: a person answers to an emergency by keyboard, by clicks and by
taps, in English and Spanish; what a screen reader reads is the kiosk's screen; the session reaches
the records; the page speaks its language; a tab hears only its own kiosk; ten tabs at once."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.browser.kiosk import click, grid, press, rows, screen, scroll_to, wait_for, wait_until

DESK, PHONE = (1024, 768), (390, 844)

WELCOME = {"en": "Symptom checker for bone marrow failure", "es": "Revisión de síntomas para la insuficiencia"}
START = {"en": "Start", "es": "Empezar"}
FIRST = {"en": "Part 1 of 5", "es": "Parte 1 de 5"}
CHEST = {"en": "Chest pain or pressure", "es": "Dolor en el pecho o sensación de presión"}
CHEST_SHORT = {"en": "Chest pain", "es": "Dolor en el pecho"}  # on one row even on a phone
SEND = {"en": "Send", "es": "Enviar"}
EMERGENCY = {"en": "Call 911 now", "es": "Llame al 911 ahora"}
SAY = {"en": "I have bone marrow failure and chest pain", "es": "Tengo insuficiencia de la médula ósea"}


def new_sessions(served, before: set[str]):
    return [session for session in served.sessions() if session.id not in before]


def recorded(served, before: set[str], language: str):
    """The one new session, once it is finished."""
    found = wait_until(lambda: [s for s in new_sessions(served, before) if s.status == "finished"],
                       "a finished session in the records")
    (session,) = found
    assert (session.status, session.level, session.language) == ("finished", "emergency", language)
    assert session.place.startswith("serve:")
    return session


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_person_answers_to_an_emergency_by_keyboard(serve, pages, language):
    served = serve()
    before = {session.id for session in served.sessions()}
    page = pages(served.base + "/")
    wait_for(page, WELCOME["en"], "Start")
    assert page.evaluate("document.documentElement.lang") == "en"
    if language == "es":
        press(page, "Shift+Tab", "Shift+Tab", "Enter")  # from Start, back to Español
        wait_for(page, WELCOME["es"], START["es"])
        press(page, "Tab", "Tab")  # to Empezar
    press(page, "Enter")
    wait_for(page, FIRST[language], CHEST[language])
    press(page, "1", "Enter")
    shown = wait_for(page, EMERGENCY[language], SAY[language])
    assert shown.index(EMERGENCY[language]) < shown.index(SAY[language])  # the instructions first
    assert page.evaluate("document.documentElement.lang") == language
    recorded(served, before, language)


@pytest.mark.parametrize("language, tap, viewport", [("en", False, DESK), ("es", True, PHONE)],
                         ids=["en-clicks-1024x768", "es-taps-390x844"])
def test_a_person_answers_to_an_emergency_by_clicks_and_taps(serve, pages, language, tap, viewport):
    served = serve()
    before = {session.id for session in served.sessions()}
    page = pages(served.base + "/", touch=tap, viewport=viewport)
    wait_for(page, "Start")
    if language == "es":
        click(page, "Español", tap=tap)
        wait_for(page, START["es"])
    click(page, START[language], tap=tap)
    wait_for(page, CHEST_SHORT[language])
    click(page, CHEST_SHORT[language], tap=tap)
    wait_until(lambda: any("[✓]" in line and CHEST_SHORT[language] in line for line in rows(page)),
               "the choice ticked")
    scroll_to(page, SEND[language])  # below the choices on a phone
    click(page, SEND[language], tap=tap)
    wait_for(page, EMERGENCY[language])
    recorded(served, before, language)


def test_the_page_is_read_by_screen_readers_in_the_kiosks_language(serve, pages):
    served = serve()
    page = pages(served.base + "/")
    wait_for(page, "Start")
    tree = page.eval_on_selector(".xterm-accessibility-tree", "tree => tree.getAttribute('role')")
    assert tree == "list"  # xterm.js's screenReaderMode: the rows are a list a screen reader reads
    assert (page.evaluate("document.documentElement.lang"), page.title()) == ("en", WELCOME["en"])
    click(page, "Español")
    wait_until(lambda: page.evaluate("document.documentElement.lang") == "es", "the page in Spanish")
    assert page.title().startswith(WELCOME["es"])


def test_a_spanish_server_starts_its_pages_in_spanish(serve, pages):
    served = serve("--language", "es")
    page = pages(served.base + "/")
    wait_for(page, WELCOME["es"], START["es"])
    assert page.evaluate("document.documentElement.lang") == "es"


def speech_of(page) -> dict:
    return page.evaluate("(() => { const a = document.getElementById('kiosk-speech');"
                         " return {src: a.currentSrc || a.src, paused: a.paused, duration: a.duration}; })()")


def test_listen_plays_the_screen_in_its_own_tab_only(serve, pages):
    served = serve()
    listening, other = pages(served.base + "/"), pages(served.base + "/")
    for page in (listening, other):
        wait_for(page, "Start")
    press(listening, "l")
    played = wait_until(lambda: (speech := speech_of(listening))["src"] and speech["duration"] > 5 and speech,
                        "the welcome's speech loaded in the tab")
    assert not played["paused"]
    assert speech_of(other)["src"] == ""  # the other tab heard nothing
    with urllib.request.urlopen(played["src"], timeout=10) as response:
        assert response.headers["Content-Type"] == "audio/wav" and response.read(4) == b"RIFF"
    token = played["src"].split("/speech/")[1].split("/")[0]
    for wrong in (played["src"].replace(token, "x" * len(token)), played["src"].replace("/1.wav", "/2.wav")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(wrong, timeout=10)
        assert refused.value.code == 404
    press(listening, "Enter")  # a new screen: the speech stops
    wait_until(lambda: speech_of(listening)["src"] == "" or speech_of(listening)["paused"], "the speech stopped")


def test_ten_tabs_at_once_are_ten_kiosks(serve, pages):
    served = serve("--max-tabs-per-address", "10")  # every tab here comes from 127.0.0.1
    before = {session.id for session in served.sessions()}
    tabs = [pages(served.base + "/", viewport=(800, 600)) for _ in range(10)]
    for tab in tabs:
        wait_for(tab, "Start", most=60)
    for tab in tabs:
        press(tab, "Enter")
    for tab in tabs:
        wait_for(tab, FIRST["en"], most=60)
    for tab in tabs[:5]:
        press(tab, "1", "Enter")
    for number, tab in enumerate(tabs):
        shown = wait_for(tab, EMERGENCY["en"] if number < 5 else FIRST["en"], most=60)
        assert (EMERGENCY["en"] in shown) == (number < 5)  # each its own kiosk
    finished = wait_until(lambda: len([s for s in new_sessions(served, before) if s.status == "finished"]) == 5
                          and new_sessions(served, before), "five finished sessions", most=60)
    assert len({session.id for session in finished}) >= 5


SMALLEST_TARGET = 24
"""WCAG 2.5.8: a control at least 24 by 24 CSS pixels."""
CONTROLS = {
    "welcome": ["English", "Español", "Listen", "Start"],
    "question": ["1 [ ]", "7 [ ]", "Send", "Back", "Start again", "Listen"],
    "emergency": ["Done", "Back", "Start again", "Listen"],
}


def smallest_control(page, labels) -> tuple[str, float, float]:
    """The control whose words take the least room, with that room (width, height) in CSS pixels: the
    words are inside the control, so its target is at least that big."""
    sizes = []
    for label in labels:
        scroll_to(page, label)  # a phone shows a long question a part at a time
        cells = grid(page)
        sizes.append((label, len(label) * cells.cell_width, cells.cell_height))
    return min(sizes, key=lambda size: min(size[1], size[2]))


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1024x768", "390x844"])
def test_every_control_is_at_least_24_by_24_css_pixels_at_the_default_size(serve, pages, viewport):
    served = serve()
    page = pages(served.base + "/", viewport=viewport, touch=viewport == PHONE)
    measured = {"welcome": smallest_control(page, CONTROLS["welcome"])}
    press(page, "Enter")
    wait_for(page, CHEST_SHORT["en"])
    measured["question"] = smallest_control(page, CONTROLS["question"])
    press(page, "1", "Enter")
    wait_for(page, EMERGENCY["en"])
    measured["emergency"] = smallest_control(page, CONTROLS["emergency"])
    for screen_name, (label, width, height) in measured.items():
        assert width >= SMALLEST_TARGET and height >= SMALLEST_TARGET, (screen_name, label, width, height)
