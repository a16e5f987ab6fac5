"""The command line: `arguments` (the parser, and the typed options it hands the UI) and
the commands of `chatbot`. Each command module has NAME, HELP, `add_arguments` and `run`.

May import anything below it. None of them imports Textual at import time: they must
start fast and run where there is no screen (`replay --tui` loads the UI when it runs).
"""

from importlib import import_module

COMMANDS = ("check", "diff", "simulate", "replay", "graph", "set_staff_pin", "serve", "records", "export", "nurse", "staff")


def load(name: str):
    """The module of a command; its command-line name is the module's NAME (set_staff_pin: set-staff-pin)."""
    return import_module(f"chatbot.commands.{name}")
