"""The terminal under every app that draws one (the conversation, the kiosk, the nurse station): what
it sends, taken in bounded amounts, and what happens when it goes away.

- `scanner`: pastes found in what the terminal sends (bracketed, or typed faster than a person
  types), each one input of bounded length; the rest goes on to Textual's parser.
- `inbox`: what the terminal sent, waiting for the app, bounded: a flood past the bound is dropped
  and said once.
- `driver`: Textual's Linux driver with that input path, and an end of input, an I/O error on the
  terminal or a write that fails taken as the terminal lost.
- `app`: `TerminalApp`, the base of the apps: stops cleanly on a signal or a lost terminal, says
  once what a flood lost, and rings the bell at most once a second.

`scanner` and `inbox` are plain Python; the private Textual hooks the driver relies on are listed,
with why, in `private_textual`.
"""
