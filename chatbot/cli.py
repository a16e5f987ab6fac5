"""The `chatbot` command: the Textual UI by default, headless commands by name.

The command line ends here: the UI gets typed options (`chatbot.options.UIOptions`,
`chatbot.kiosk.rules.KioskOptions`) and a flow, never the parsed arguments.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from chatbot.collector import pause_for_start_up, started
from chatbot.flow.problems import FlowError
from chatbot.options import UIOptions

if TYPE_CHECKING:
    from chatbot.kiosk.rules import KioskOptions


def main(argv: list[str] | None = None) -> int:
    """Run `chatbot` with `argv`; the exit status: 0 fine, 1 a check or replay failed, 2 a bad flow or option."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:
            # Plain `chatbot`, as a person starts it: every option at its default. Nothing to parse,
            # so neither argparse nor the parser is built before the first frame.
            return open_ui(UIOptions())
        from chatbot.commands.arguments import kiosk_options, parse, ui_options

        args = parse(argv)
        if args.command is not None:
            return args.run(args)
        return open_ui(ui_options(args), kiosk_options(args) if args.kiosk else None)
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


def open_ui(options: UIOptions, kiosk: KioskOptions | None = None) -> int:
    """The conversation in the terminal (a kiosk when `kiosk` is given), its start unslowed by the
    garbage collector (`chatbot.collector`)."""
    pause_for_start_up()
    try:
        from chatbot.flowfile.cache import load_flow_cached

        flow = load_flow_cached(options.flow)
        # Textual writes frames from a thread: let it take the GIL from a busy main thread within
        # 1 ms instead of 5, so that a frame reaches the terminal as soon as it is drawn.
        sys.setswitchinterval(0.001)
        if kiosk is not None:
            from chatbot.kiosk.supervisor import run_kiosk

            return run_kiosk(flow, options, kiosk)
        from chatbot.tui import run_app  # Textual only loads when a screen is drawn

        return run_app(flow, options)
    finally:
        started()
