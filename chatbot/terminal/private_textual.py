"""The private parts of Textual the terminal driver (`chatbot.terminal.driver`) relies on, each with why
no public one will do. The kiosk's own are in `chatbot.kiosk.private_textual`.

They are pinned by `textual~=8.2` in pyproject.toml, and `tests/ui/test_private_textual.py` fails,
naming the hook, the day a Textual release renames one or changes what it is given.

- `textual._xterm_parser.XTermParser`, its `feed(text)` and `tick()`: Textual's terminal parser, which
  its Linux driver makes inside its input loop; ours makes one of its own, to feed only what is not a
  paste. There is no public parser.
- `XTermParser._sequence_to_key_events(sequence, alt=...)`: the parser hands on what it does not know
  of an escape sequence as keys, and calls this with `alt` named from there alone. `TerminalParser`
  drops those keys (they were never pressed), keeping an alt chord.
- `LinuxDriver.run_input_thread()`: the driver's input loop, which its thread runs. Textual's reads the
  end of input again and again at full speed and feeds everything to the parser; ours is the loop of
  `TerminalDriver`. Its `exit_event`, `fileno` and `_debug` are the driver's own attributes.
- `LinuxDriver._file`: the file Textual's writer thread writes the screen to, made in `__init__` and
  handed to the thread in `start_application_mode`. Textual's thread dies at the first failed write,
  and the app then blocks for good on its full queue; ours wraps the file (`TerminalOutput`).
- `Driver._app` and `Driver._loop`: the app and its event loop, which a driver is made with; input is
  handed to the app on that loop.
"""

from __future__ import annotations

PARSER_HOOKS = ("feed", "tick", "_sequence_to_key_events")
"""Methods of `XTermParser` that `TerminalParser` calls or overrides."""
DRIVER_HOOKS = ("run_input_thread",)
"""Methods of `LinuxDriver` that `TerminalDriver` overrides (besides the public driver API)."""
DRIVER_ATTRIBUTES = ("_file", "exit_event", "fileno", "_debug", "_app", "_loop")
"""Attributes a `LinuxDriver` is made with, which `TerminalDriver` reads."""
