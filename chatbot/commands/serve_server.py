"""The web server behind `chatbot serve`: textual-serve's, made safe for many browsers at once.

- Each tab's kiosk is this Python started directly (no shell in between), in a process
  group of its own (`TabProcess`); when the tab's socket closes, the kiosk is asked to
  quit, then its whole group gets SIGTERM and, `STOP_GRACE` seconds later, SIGKILL.
- Ctrl-C or SIGTERM of the server ends every tab's group the same way, all at once, and the
  server leaves within a few seconds (`SHUTDOWN_WITHIN`).
- A tab asks for a terminal of at most `MOST_COLUMNS` x `MOST_ROWS` cells, however large the
  address or a resize says.
- `/static/` serves files, never a listing of a folder.
- A websocket opened by a page of another site (its Origin) is refused: only pages from
  this server (the name the browser used, or `--public-url`) may open a kiosk.
- The page's addresses are the public URL when given, else the name the browser used: a
  server listening on 0.0.0.0 is reached under its own name from other devices.

Imported only when `chatbot serve` runs (aiohttp and textual-serve are not on other paths).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("textual-serve")

MOST_COLUMNS, MOST_ROWS = 400, 200
"""The largest terminal a tab may ask for (a larger one costs the server memory for nothing)."""
STOP_GRACE = 2.0
"""Seconds a tab's kiosk has to end by itself, then to end on SIGTERM, before SIGKILL."""
SHUTDOWN_WITHIN = 3.0
"""Seconds the server waits for open connections to finish when it stops."""


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """The size a tab asked for, kept within 1..MOST_COLUMNS x 1..MOST_ROWS (80x24 for nonsense)."""
    columns = to_int(str(width), 80)
    rows = to_int(str(height), 24)
    return min(max(columns, 1), MOST_COLUMNS), min(max(rows, 1), MOST_ROWS)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class TabProcess(AppService):
    """One tab's kiosk: `argv` run directly in a process group of its own, ended with the tab."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self._ended = False

    async def _open_app_process(self, width: int = 80, height: int = 24):
        width, height = terminal_size(width, height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height),
            start_new_session=True)
        self._stdin = process.stdin
        return process

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*terminal_size(width, height))

    async def send_meta(self, data) -> bool:
        if self._stdin is None or self._stdin.is_closing():
            return False
        return await super().send_meta(data)

    async def send_bytes(self, data: bytes) -> bool:
        if self._stdin is None or self._stdin.is_closing():
            return False
        return await super().send_bytes(data)

    async def stop(self) -> None:
        """The tab is gone: ask the kiosk to quit, then end its whole group (once)."""
        if self._ended:
            return
        self._ended = True
        try:
            await asyncio.wait_for(super().stop(), STOP_GRACE)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - whatever happened, the group ends next
            pass
        await self.end_group()

    async def end_group(self) -> None:
        """SIGTERM to the kiosk's process group, SIGKILL after `STOP_GRACE`; the kiosk reaped."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except asyncio.TimeoutError:
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        _signal_group(process.pid, signal.SIGKILL)  # anything the kiosk started and left behind
        if self._task is not None and not self._task.done():
            self._task.cancel()


def _signal_group(group: int, number: int) -> None:
    try:
        os.killpg(group, number)
    except (ProcessLookupError, PermissionError):
        pass


class KioskServer(Server):
    """textual-serve's server, each tab a `TabProcess` running `argv` (see the module's docstring)."""

    def __init__(self, argv: list[str], *, host: str, port: int, title: str, templates_path: Path,
                 font_size: int, public_url: str | None = None) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title, public_url=public_url,
                         templates_path=templates_path)
        self.argv = argv
        self.font_size = font_size
        self.given_public_url = public_url.rstrip("/") if public_url else None
        self.tabs: set[TabProcess] = set()

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        aiohttp_jinja2.get_env(app).globals["kiosk_font_size"] = self.font_size
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def base_url(self, request: web.Request) -> str:
        """`--public-url`, else the address the browser used to reach this server."""
        return self.given_public_url or f"{request.scheme}://{request.host}"

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page, every address in it on `base_url` (the script, styles and font come from here)."""
        base = self.base_url(request)
        socket_url = base + str(request.app.router["websocket"].url_for())
        socket_url = ("wss:" if base.startswith("https:") else "ws:") + socket_url.split(":", 1)[1]
        context = {"font_size": to_int(request.query.get("fontsize", "16"), 16), "app_websocket_url": socket_url,
                   "config": {"static": {"url": base + "/static/"}}, "application": {"name": self.title}}
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser names the page that opens a websocket: it must be one of this server's."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: nothing to protect a person from
        allowed = {origin_of(f"{request.scheme}://{request.host}")}
        if self.given_public_url:
            allowed.add(origin_of(self.given_public_url))
        return origin.rstrip("/").lower() in allowed

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self.origin_allowed(request):
            raise web.HTTPForbidden(text="This kiosk opens only from its own page.\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = terminal_size(request.query.get("width", "80"), request.query.get("height", "24"))
        tab: TabProcess | None = None
        try:
            await websocket.prepare(request)
            tab = TabProcess(self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                             close=websocket.close, download_manager=self.download_manager)
            self.tabs.add(tab)
            await tab.start(width, height)
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # noqa: BLE001 - one tab's trouble is logged, never the server's end
            log.warning("a tab ended with an error: %s", type(error).__name__)
        finally:
            if tab is not None:
                await asyncio.shield(tab.stop())
                self.tabs.discard(tab)
            if not websocket.closed:
                await websocket.close()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        try:
            await super()._process_messages(websocket, app_service)
        except (ValueError, AssertionError, KeyError, TypeError):  # a message no page of ours sends
            pass

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's kiosk ends, all at once, before the server leaves."""
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)), return_exceptions=True)

    async def on_startup(self, app: web.Application) -> None:
        where = self.given_public_url or f"http://{self.host}:{self.port}"
        self.console.print(f"Serving the kiosk on {where}\nPress Ctrl+C to stop", highlight=False)

    def serve(self, debug: bool = False) -> None:
        """As textual-serve's, but the server waits at most `SHUTDOWN_WITHIN` seconds for connections."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, self.request_exit)
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=lambda *args: None, shutdown_timeout=SHUTDOWN_WITHIN)
