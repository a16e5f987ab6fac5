"""Unknown terminal escape sequences never become answers in the kiosk (issue 14, point 3).

The characters go through Textual's own terminal parser, as a real terminal would send
them; the parser hands on what it does not know as keys, and the kiosk must not read
`ESC[2J` (clear screen) as "[", "2", "J", ticking choice 2. A real "2" still counts.
"""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser

from chatbot.kiosk.rules import EscapeRemains
from tests.helpers.kiosk import run, start


def terminal_events(data: str):
    """What Textual's parser makes of `data` sent by a terminal, the unknown sequences flushed."""
    parser = XTermParser()
    return [*parser.feed(data), *parser.feed("")]  # "" is the end of input: what is pending is flushed


async def send(app, pilot, data: str) -> None:
    for event in terminal_events(data):
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()


SEQUENCES = ["\x1b[2J", "\x1b[2;5H", "\x1b[?25l", "\x1b[3 q", "\x1b[24;2~", "\x1b[200x"]


@pytest.mark.parametrize("sequence", SEQUENCES, ids=repr)
def test_an_unknown_escape_sequence_ticks_nothing_but_a_real_key_press_does(sequence):
    """At the first question (a multiple choice), the sequence leaves nothing ticked; then "2" ticks 2."""
    async def scenario(app, pilot):
        await start(app, pilot)
        assert app.state.question_id == "danger_signs"
        await send(app, pilot, sequence)
        after_sequence = app.state.selected
        await send(app, pilot, "2")
        return after_sequence, app.state.selected, app.state.question_id

    after_sequence, after_key, question = run(scenario)
    assert after_sequence == () and after_key == (2,) and question == "danger_signs"


@pytest.mark.parametrize("keys, swallowed", [
    ("[2J", [True, True, True]),
    ("[2J2", [True, True, True, False]),
    ("[?25l1", [True, True, True, True, True, False]),
    ("2", [False]),
    ("y[", [False, True]),
])
def test_the_remains_of_a_sequence_are_swallowed_and_nothing_after(keys, swallowed):
    """The shape is `[`, parameter bytes, one final byte; whatever comes after is a key again."""
    remains = EscapeRemains()
    assert [remains.swallow(char, char) for char in keys] == swallowed
