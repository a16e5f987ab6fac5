"""The screens of the conversation UI: the conversation, the outcomes, and the dialogs
(confirm a restart, the nurse's summary). Each `.tcss` file sits beside its screen.

May import Textual, `chatbot.widgets`, the engine, the summary and `chatbot.flow`;
never the app (`chatbot.tui`), the kiosk or the command line. Screens post what the
person did as messages; the app handles them.
"""
