"""The headless commands of `chatbot`. Each module has NAME, HELP, `add_arguments` and `run`.

None of them imports Textual: they must start fast and run where there is no screen.
"""

from importlib import import_module

COMMANDS = ("check", "simulate", "replay", "graph", "set_staff_pin", "serve", "records")


def load(name: str):
    """The module of a command; its command-line name is the module's NAME (set_staff_pin: set-staff-pin)."""
    return import_module(f"chatbot.commands.{name}")
