"""The widgets the screens are built from: buttons, the chat log, the answer controls, the
guidance browser, and `words`, the UI's own patient-facing text (no Textual in it).

May import Textual, the engine, the summary and `chatbot.flow`; never a screen, the app
or the kiosk. Widgets post what the person did as messages (attributes down, messages up).
"""
