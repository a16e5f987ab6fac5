"""`chatbot serve`: the kiosk in a web browser, through textual-serve, with no internet needed.

Each browser tab opens its own websocket, and the server (`serve_server`, textual-serve's
made safe for many browsers) gives it a kiosk process of its own, in a process group of its
own: one forked ahead from the warm pool (`serve_pool`, `--pool N`), or with `--pool 0` a new
`python -m chatbot --kiosk ...` started directly. Every tab is a fresh session, and closing the
tab ends its whole group. `--flow`, `--language`, `--emergency-number` and `--database`
reach every tab. The page is our own template (`serve_templates/`), which
loads nothing from another host: the font, the terminal's script and its styles all
come from this server. It listens on 127.0.0.1 unless told otherwise.

Textual and the web server are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from pathlib import Path

from chatbot.commands.arguments import (add_database_argument, add_kiosk_arguments, add_speak_argument,
                                       database_given, kiosk_options)
from chatbot.catalog import LANGUAGE_CHOICES, PSEUDO, message
from chatbot.commands.said import complain, error_said

NAME = "serve"
HELP = message("serve the kiosk to web browsers (each tab a fresh session; works with no internet)")
TEMPLATES = Path(__file__).resolve().parent.parent / "serve_templates"
TITLE = "Symptom checker"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help=message("the address to listen on (default: 127.0.0.1, this computer only)"))
    parser.add_argument("--port", type=int, default=8000, help=message("the port to listen on (default: 8000)"))
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help=message("the address browsers use to reach this server, when it is not --host:--port (e.g. http://kiosk-server.clinic.local:8000 for --host 0.0.0.0); default: the address each browser used"))
    parser.add_argument("--language", dest="serve_language", default=None, metavar="CODE", choices=LANGUAGE_CHOICES,
                        help=message("the language every tab starts in: en or es, or qps, the pseudo-locale (docs/translating.md) (default: the flow's first)"))
    parser.add_argument("--emergency-number", dest="serve_emergency_number", default=None, metavar="NUMBER",
                        help=message("the local emergency number every tab tells people to call (default: the flow's)"))
    parser.add_argument("--max-tabs", type=at_least_one, default=None, metavar="N",
                        help=message("browser tabs open at once, each a kiosk process (default: 24); past it, a page asks to wait"))
    parser.add_argument("--max-tabs-per-address", type=at_least_one, default=None, metavar="N",
                        help=message("tabs open at once from one client address (default: 4; behind a proxy every tab comes from its address: give the same as --max-tabs)"))
    parser.add_argument("--pool", type=at_least(0), default=None, metavar="N",
                        help=message("kiosks kept started ahead, forked from one process that has loaded the kiosk, so a new tab opens at once and shares most of its memory (default: 4; 0: each tab starts its own Python)"))
    parser.add_argument("--font-size", type=int, default=20, metavar="PIXELS",
                        help=message("the text size in the browser (default: 20; ?fontsize=N in the address overrides it)"))
    add_kiosk_arguments(parser, switch=False)
    add_speak_argument(parser, dest="serve_speak")  # the speech plays in each browser tab
    add_database_argument(parser)  # every tab records there (CHATBOT_DATABASE reaches each tab too)


def at_least(least: int):
    """An argparse type: a whole number from `least`."""
    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{value}: it must be at least {least}")
        return value

    return whole_number


at_least_one = at_least(1)


def kiosk_command(args: argparse.Namespace, flow_file: str | None) -> str:
    """The command each browser tab runs (`kiosk_argv`), as one line to show."""
    return shlex.join(kiosk_argv(args, flow_file))


def kiosk_argv(args: argparse.Namespace, flow_file: str | None) -> list[str]:
    """What each browser tab runs, directly (no shell): this Python, in kiosk mode. The options given
    after `serve` win over the same ones given before it."""
    options = kiosk_options(args)
    words = [sys.executable, "-m", "chatbot"]
    if flow_file is not None:
        words += ["--flow", str(Path(flow_file).resolve())]
    emergency_number = getattr(args, "serve_emergency_number", None) or getattr(args, "emergency_number", None)
    if emergency_number:
        words += ["--emergency-number", emergency_number]
    language = getattr(args, "serve_language", None) or getattr(args, "language", None)
    if language:
        words += ["--language", language]
    database = database_given(args)
    if database:
        words += ["--database", database]
    if not getattr(args, "record_sessions", True):
        words += ["--no-record"]
    words += ["--kiosk", "--served", "--idle-timeout", f"{options.idle_timeout:g}", "--idle-warning",
              f"{options.idle_warning:g}", "--theme", args.theme or "high-contrast"]
    if options.staffed:
        words += ["--staffed"]
    if getattr(args, "serve_speak", False) or getattr(args, "speak", False):
        words += ["--speak"]
    if options.identify != "none":
        words += ["--identify", options.identify.replace("_", "-")]
    return words


def make_server(argv: list[str], host: str, port: int, font_size: int, public_url: str | None = None,
                tabs: int | None = None, tabs_per_address: int | None = None, flow=None,
                language: str | None = None, pool: int | None = None):
    """The server (`serve_server.KioskServer`) that runs `argv` for each tab, with our template; the page
    is titled with `flow`'s welcome title, in `language` (the flow's first by default)."""
    from chatbot.commands.serve_pool import DEFAULT_SIZE
    from chatbot.commands.serve_server import MOST_TABS, MOST_TABS_PER_ADDRESS, KioskServer, Limits

    tabs = tabs or MOST_TABS
    limits = Limits(host, public_url, tabs, min(tabs, tabs_per_address or MOST_TABS_PER_ADDRESS))
    titles = {code: flow.welcome.title.get(code) for code in (*flow.languages, PSEUDO)} if flow is not None else None
    language = language or (flow.languages[0] if flow is not None else "en")
    return KioskServer(argv, host=host, port=port, title=TITLE, templates_path=TEMPLATES, font_size=font_size,
                       public_url=public_url, limits=limits, titles=titles, language=language,
                       pool=DEFAULT_SIZE if pool is None else pool)


def public_url_refused(url: str | None) -> str | None:
    """Why `--public-url` cannot be used, or None."""
    if url is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") or parts.query:
        return f"--public-url {url}: give the address as http://NAME:PORT or https://NAME"
    return None


def is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(args: argparse.Namespace) -> int:
    from chatbot.flowfile.loader import load_flow

    flow_file = args.flow or getattr(args, "global_flow", None)
    flow = load_flow(flow_file)  # a broken flow is reported here, once, not in every browser tab
    if getattr(args, "record_sessions", True):
        from chatbot.records.url import RecordsError, parse_database_url

        try:
            parse_database_url(database_given(args))  # a wrong URL is reported here, once
        except RecordsError as error:
            print(f"chatbot serve: {error_said(error)}", file=sys.stderr)
            return 2
    if not 0 < args.port < 65536:
        complain(message("--port {port}: choose a port from 1 to 65535"), port=str(args.port))
        return 2
    refused = public_url_refused(args.public_url)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    if not is_local(args.host):
        complain(message("Listening on {host}: other computers on the network can open the kiosk."), host=args.host)
    language = getattr(args, "serve_language", None) or getattr(args, "language", None)
    server = make_server(kiosk_argv(args, flow_file), args.host, args.port, args.font_size, args.public_url,
                         args.max_tabs, args.max_tabs_per_address, flow, language, args.pool)
    try:
        server.serve()
    except OSError as error:
        complain(message("Cannot serve on {address}: {reason}"), address=f"{args.host}:{args.port}",
                 reason=error.strerror or error)
        return 1
    return 0
