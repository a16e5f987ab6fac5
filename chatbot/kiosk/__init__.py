"""Kiosk mode (`chatbot --kiosk`, `chatbot serve`): the app made unescapable, self-clearing
and crash-proof for a waiting room.

`rules` (keys let through, the staff sequence, PIN waits, crash counting, the options),
`log`, `staff_pin` and `signals` are plain Python; `app` and `screens` are the Textual
side; `supervisor` runs one app after another. May import the UI (`chatbot.tui`,
`chatbot.screens`, `chatbot.widgets`) and everything below it; never the command line.
"""
