"""A symptom checker for people living with bone marrow failure.

The engine (flow loading, the dialogue, triage) is plain Python that returns data;
only the UI (`chatbot.tui`, `chatbot.screens`, `chatbot.widgets`, the kiosk's app)
draws it with Textual. The packages and what each may import: README, "How it is
built", and the import-linter contracts in pyproject.toml (`lint-imports`).
"""

__version__ = "0.1.0"
