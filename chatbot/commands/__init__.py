"""The headless commands of `chatbot`. Each module has NAME, HELP, `add_arguments` and `run`.

None of them imports Textual: they must start fast and run where there is no screen.
"""

from importlib import import_module

COMMANDS = ("check", "simulate", "replay", "graph")


def load(name: str):
    return import_module(f"chatbot.commands.{name}")
