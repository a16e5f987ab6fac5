"""Unknown terminal escape sequences never become answers in the kiosk (issue 14, point 3).

The characters go through the terminal driver's parser (`TerminalParser`: Textual's, which
hands on what it does not know as keys, with those remains dropped), as a real terminal would
send them: the kiosk never reads `ESC[2J` (clear screen) as "[", "2", "J", ticking choice 2.
A real "2" still counts, and so does a typed "[" (issue 21, point 11: test_paste.py).
"""

from __future__ import annotations

import pytest
from chatbot.terminal.driver import TerminalParser
from tests.helpers.kiosk import run, start


def terminal_events(data: str):
    """What the terminal driver's parser makes of `data` sent by a terminal, the unknown sequences flushed."""
    parser = TerminalParser()
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
