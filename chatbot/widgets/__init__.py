"""The Textual widgets and screens of the UI (only `chatbot.tui` and this package import Textual).

`words` holds the UI's own patient-facing text and imports no Textual, so that
other front ends may reuse it.
"""
