"""`chatbot serve`: the kiosk in a web browser, through textual-serve, with no internet needed.

Each browser tab opens its own websocket, and textual-serve starts a new
`python -m chatbot --kiosk ...` process for it: every tab is a fresh session, and
closing the tab ends it. The page is our own template (`serve_templates/`), which
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

from chatbot.commands.arguments import add_database_argument, add_kiosk_arguments, database_given, kiosk_options

NAME = "serve"
HELP = "serve the kiosk to web browsers (each tab a fresh session; works with no internet)"
TEMPLATES = Path(__file__).resolve().parent.parent / "serve_templates"
TITLE = "Symptom checker"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, this computer only)")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")
    parser.add_argument("--font-size", type=int, default=20, metavar="PIXELS",
                        help="the text size in the browser (default: 20; ?fontsize=N in the address overrides it)")
    add_kiosk_arguments(parser, switch=False)
    add_database_argument(parser)  # every tab records there (CHATBOT_DATABASE reaches each tab too)


def kiosk_command(args: argparse.Namespace, flow_file: str | None) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, in kiosk mode."""
    options = kiosk_options(args)
    words = [sys.executable, "-m", "chatbot"]
    if flow_file is not None:
        words += ["--flow", str(Path(flow_file).resolve())]
    if getattr(args, "emergency_number", None):
        words += ["--emergency-number", args.emergency_number]
    if getattr(args, "language", None):
        words += ["--language", args.language]
    database = database_given(args)
    if database:
        words += ["--database", database]
    if not getattr(args, "record_sessions", True):
        words += ["--no-record"]
    words += ["--kiosk", "--served", "--idle-timeout", f"{options.idle_timeout:g}", "--idle-warning",
              f"{options.idle_warning:g}", "--theme", args.theme or "high-contrast"]
    return shlex.join(words)


def make_server(command: str, host: str, port: int, font_size: int):
    """A textual-serve Server that uses our template, with the font size kiosks want."""
    import aiohttp_jinja2
    from textual_serve.server import Server

    class KioskServer(Server):
        async def _make_app(self):
            app = await super()._make_app()
            aiohttp_jinja2.get_env(app).globals["kiosk_font_size"] = font_size
            return app

    return KioskServer(command, host=host, port=port, title=TITLE, templates_path=TEMPLATES)


def is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(args: argparse.Namespace) -> int:
    from chatbot.flowfile.loader import load_flow

    flow_file = args.flow or getattr(args, "global_flow", None)
    load_flow(flow_file)  # a broken flow is reported here, once, not in every browser tab
    if getattr(args, "record_sessions", True):
        from chatbot.records.url import RecordsError, parse_database_url

        try:
            parse_database_url(database_given(args))  # a wrong URL is reported here, once
        except RecordsError as error:
            print(f"chatbot serve: {error}", file=sys.stderr)
            return 2
    if not 0 < args.port < 65536:
        print(f"--port {args.port}: choose a port from 1 to 65535", file=sys.stderr)
        return 2
    if not is_local(args.host):
        print(f"Listening on {args.host}: other computers on the network can open the kiosk.", file=sys.stderr)
    server = make_server(kiosk_command(args, flow_file), args.host, args.port, args.font_size)
    try:
        server.serve()
    except OSError as error:
        print(f"Cannot serve on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0
