"""A symptom checker for people living with bone marrow failure.

The engine (flow loading, the dialogue, triage) is plain Python that returns data;
only `chatbot.tui` draws it with Textual.
"""

__version__ = "0.1.0"
