"""The terminal's input path (issue 28): a paste is found whole in what the terminal sends, however it
is cut into reads; keys wait for the app in a bounded inbox; the remains of escape sequences Textual
does not know never become keys (issue 21, point 11: a typed `[` is a key like any other); a terminal
that fails a write is taken as gone. Each part through its real code, without a terminal (the pty
tests in test_terminal_pty.py run the whole)."""

from __future__ import annotations

import io
import time

import pytest
from textual import events

from chatbot.terminal.driver import TerminalOutput, TerminalParser
from chatbot.terminal.inbox import Inbox
from chatbot.terminal.scanner import MOST_PASTED, PASTE_END, PASTE_START, TYPED_QUIET, TYPED_RUN, Pasted, Scanner


def scan(reads: list[str], *, gap: float = 0.0) -> list:
    """What the scanner makes of `reads`, `gap` seconds apart, then of the quiet after them."""
    scanner = Scanner()
    pieces = []
    now = 100.0
    for data in reads:
        pieces += scanner.feed(data, now)
        now += gap
    pieces += scanner.flush(now + 0.01) + scanner.flush(now + 5.0)
    return pieces


def joined(pieces: list) -> list:
    """Consecutive parser text joined, a paste as ("paste", text, typed, cut)."""
    out: list = []
    for piece in pieces:
        if isinstance(piece, Pasted):
            out.append(("paste", piece.text, piece.typed, piece.cut))
        elif out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out


RUN = "7" * TYPED_RUN


@pytest.mark.parametrize("reads, expected", [
    (["y"], ["y"]),  # a key press: the parser's
    (["7\ryy"], ["7\ryy"]),  # tmux send-keys 7 Enter y y: keys still
    (["\x1b[1;5A", "\x1b[<35;120;45M"], ["\x1b[1;5A\x1b[<35;120;45M"]),  # sequences, whole
    ([RUN], [("paste", RUN, True, False)]),  # typed faster than a person types: a paste
    (["ab\r" + RUN + "\rcd"], ["ab\r", ("paste", RUN, True, False), "\rcd"]),
    ([PASTE_START + "38.5" + PASTE_END], [("paste", "38.5", False, False)]),
    ([PASTE_START + "a\rb\x1b[A" + PASTE_END + "y"], [("paste", "a\rb\x1b[A", False, False), "y"]),
    ([PASTE_START + PASTE_END], [("paste", "", False, False)]),
    (["\x1b[1;5A" + "q" * 20], ["\x1b[1;5A", ("paste", "q" * 20, True, False)]),  # never part of the sequence
    (["\x1b[<0;1;1M" + "x" * 20], ["\x1b[<0;1;1M", ("paste", "x" * 20, True, False)]),
])
def test_what_a_terminal_sends_is_split_into_pastes_and_the_rest_in_order(reads, expected):
    assert joined(scan(reads)) == expected


SPLITS = [
    ("a paste's start marker", PASTE_START + "hello" + PASTE_END + "z"),
    ("a paste's end marker", "x" + PASTE_START + "hello" + PASTE_END + "z"),
    ("an escape sequence before typed text", "\x1b[1;5A" + "q" * 40 + "\r"),
    ("a mouse report", "\x1b[<35;120;45M" + "x" * 30),
    ("a long typed run", "ab\r" + "7" * 100 + "\r"),
]


@pytest.mark.parametrize("name, data", SPLITS, ids=[name for name, _ in SPLITS])
def test_where_the_reads_are_cut_changes_nothing(name, data):
    """A terminal's reads end anywhere, in the middle of a marker or of a sequence: the pieces are the same."""
    whole = joined(scan([data]))
    for cut in range(1, len(data)):
        assert joined(scan([data[:cut], data[cut:]])) == whole, f"cut at {cut}: {data[:cut]!r} | {data[cut:]!r}"


def test_a_megabyte_typed_is_one_paste_of_the_first_characters_handed_on_at_once_and_the_rest_skipped():
    """The first `MOST_PASTED` characters go at once (the field cuts and says so); the rest is never kept."""
    scanner = Scanner()
    pieces = []
    began = time.process_time()
    for start in range(0, 1_000_000, 4096):
        pieces += scanner.feed("7" * 4096, 100.0)
    pieces += scanner.feed("\r", 100.0)
    spent = time.process_time() - began
    assert joined(pieces) == [("paste", "7" * MOST_PASTED, True, True), "\r"]
    assert spent < 0.5, f"{spent:.2f} s of CPU for a megabyte"  # Textual's parser alone takes about 10 s


def test_a_typed_paste_ends_when_the_terminal_is_quiet_and_a_bracketed_one_whose_end_never_came_too():
    scanner = Scanner()
    assert scanner.feed(RUN, 100.0) == [] and scanner.wait is not None
    assert scanner.flush(100.0 + TYPED_QUIET / 2) == []  # more may come
    assert joined(scanner.flush(100.0 + TYPED_QUIET * 1.01)) == [("paste", RUN, True, False)]
    assert scanner.feed(PASTE_START + "half a paste", 200.0) == []
    assert joined(scanner.flush(201.5) + scanner.feed("y", 202.0)) == [("paste", "half a paste", False, False), "y"]


def test_the_escape_key_alone_reaches_the_parser_after_a_moment():
    scanner = Scanner()
    assert scanner.feed("\x1b", 100.0) == []  # it may be the start of a sequence
    assert scanner.flush(100.02) == ["\x1b"]


# -- Textual's parser, with what is left of unknown sequences dropped --------------------------------

def parsed(data: str) -> list[tuple[str, str | None]]:
    parser = TerminalParser()
    found = list(parser.feed(data))
    time.sleep(0.12)  # Textual's parser waits 100 ms for the rest of an escape sequence
    found += list(parser.tick())
    return [(event.key, event.character) for event in found if isinstance(event, events.Key)]


@pytest.mark.parametrize("data, keys", [
    ("[red]", [("left_square_bracket", "["), ("r", "r"), ("e", "e"), ("d", "d"), ("right_square_bracket", "]")]),
    ("\x1b[2J", []),  # clear screen: no "[", "2", "J"
    ("\x1b[?25l", []),
    ("\x1b[3 q", []),
    ("\x1b[A", [("up", None)]),  # sequences Textual knows are keys as before
    ("\x1bx", [("alt+x", "x")]),  # ESC then a key: an alt chord
])
def test_the_remains_of_an_unknown_escape_sequence_are_dropped_and_a_typed_bracket_is_a_key(data, keys):
    assert parsed(data) == keys


# -- the inbox ------------------------------------------------------------------------------------

def test_the_inbox_keeps_a_bounded_number_and_counts_what_it_dropped_waking_the_app_once():
    woken = []
    inbox = Inbox(lambda: woken.append(1), most=3)
    assert [inbox.put(n) for n in range(5)] == [True, True, True, False, False]
    assert inbox.put("resize", droppable=False)  # the terminal's replies about itself are never dropped
    assert woken == [1]
    assert inbox.take(2) == ([0, 1], 2)
    assert inbox.take(10) == ([2, "resize"], 0)
    inbox.put("after")
    assert woken == [1, 1]  # empty again: the next input wakes the app again
    inbox.close()
    assert not inbox.put("late") and inbox.take(10) == ([], 0)


# -- the terminal's output ---------------------------------------------------------------------------

class Gone(io.StringIO):
    def write(self, text):
        raise OSError(5, "Input/output error")


def test_a_write_that_fails_means_the_terminal_is_gone_said_once_and_later_writes_dropped():
    lost = []
    output = TerminalOutput(Gone(), lost.append)
    output.write("frame")
    output.write("bell")
    output.flush()
    assert output.gone and len(lost) == 1 and "Input/output error" in lost[0]
