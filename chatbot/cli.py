"""The `chatbot` command: the Textual UI by default, headless commands by name."""

from __future__ import annotations

import sys

from chatbot.collector import pause_for_start_up, started
from chatbot.flow.problems import FlowError


def main(argv: list[str] | None = None) -> int:
    """Run `chatbot` with `argv`; the exit status: 0 fine, 1 a check or replay failed, 2 a bad flow or option."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:
            # Plain `chatbot`, as a person starts it: every option at its default. Nothing to parse,
            # so neither argparse nor the parser is built before the first frame.
            return open_ui(None)
        from chatbot.commands.arguments import parse

        args = parse(argv)
        return open_ui(args) if args.command is None else args.run(args)
    except FlowError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = sum(1 for p in error.problems if p.severity == "error")
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def open_ui(args) -> int:
    """The conversation in the terminal, its start unslowed by the garbage collector (`chatbot.collector`)."""
    pause_for_start_up()
    try:
        from chatbot.tui import run_app  # Textual only loads when a screen is drawn

        return run_app(args)
    finally:
        started()
