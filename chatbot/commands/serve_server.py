"""The web server behind `chatbot serve`: textual-serve's, made safe for many browsers at once.

- Each tab's kiosk is a process of its own, in a process group of its own (`TabProcess`): one
  forked ahead by the warm pool (`serve_pool`), or, with the pool off, this Python started
  directly (no shell in between); when the tab's socket closes, the kiosk is asked to
  quit, then (after `QUIT_GRACE` seconds) its whole group gets SIGTERM and, `STOP_GRACE`
  seconds later, SIGKILL.
- Ctrl-C or SIGTERM of the server ends every tab's group the same way, all at once, and the
  server leaves within a few seconds (`SHUTDOWN_WITHIN`).
- A tab asks for a terminal of at most `MOST_COLUMNS` x `MOST_ROWS` cells, however large the
  address or a resize says.
- `/static/` serves files, never a listing of a folder.
- A websocket opened by a page of another site (its Origin) is refused: only pages from
  this server (the name the browser used, or `--public-url`) may open a kiosk.
- The name the browser used (its Host) must be one of this server's (`Limits.host_allowed`):
  an address, a localhost name, `--host`, `--public-url`'s, or this machine's own name when
  listening beyond it. A page of another site whose name was made to point here (DNS
  rebinding) would otherwise be this server's own page, Origin and all.
- The page's addresses are the public URL when given, else the name the browser used: a
  server listening on 0.0.0.0 is reached under its own name from other devices.
- At most `Limits.tabs` tabs at once, and `Limits.tabs_per_address` from one client address;
  past that, a calm page (English and Spanish) that tries again by itself.
- A tab's input is bounded: messages of at most `MOST_MESSAGE_BYTES`, keystrokes at most
  `INPUT_BURST` bytes at once and `INPUT_RATE` a second (a person types a few bytes a second),
  and at most `MOST_QUEUED` bytes waiting for the kiosk to read them; the rest is dropped.
  Nothing waits for a busy kiosk, so a closed socket is seen, and its kiosk ended, at once.
- The page is in the kiosk's language (`<html lang>`, its title) and its terminal is read by screen
  readers; each tab's speech plays in that tab only (`chatbot.commands.serve_page`).

Imported only when `chatbot serve` runs (aiohttp and textual-serve are not on other paths).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import shlex
import signal
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from chatbot.commands.serve_page import PAGE_MESSAGES, TabPage, terminal_script
from chatbot.commands.serve_pool import KioskPool, signal_group, supported

log = logging.getLogger("textual-serve")

MOST_COLUMNS, MOST_ROWS = 400, 200
"""The largest terminal a tab may ask for (a larger one costs the server memory for nothing)."""
QUIT_GRACE = 1.0
"""Seconds a closed tab's kiosk has to quit when asked (it takes about 0.3) before SIGTERM, which it
also takes as a clean stop: a kiosk still reading a flood of keys is not waited for."""
STOP_GRACE = 2.0
"""Seconds a kiosk has to end on SIGTERM (or the server's own stop) before SIGKILL."""
SHUTDOWN_WITHIN = 3.0
"""Seconds the server waits for open connections to finish when it stops."""
MOST_TABS, MOST_TABS_PER_ADDRESS = 24, 4
"""Tabs at once (each a kiosk process of about 30 MiB), and from one client address (a kiosk's
browser, a reload or two); `--max-tabs` and `--max-tabs-per-address` change them."""
MOST_MESSAGE_BYTES = 64 * 1024
"""The largest websocket message a tab may send (a key, a paste, a resize); a larger one closes the tab.
One larger than the tab's `INPUT_BURST` is dropped whole (a cut paste could cut an escape sequence)."""
INPUT_BURST, INPUT_RATE = 1024, 256
"""Bytes of keystrokes a tab may send at once, and a second after that (a person types a few)."""
MOST_QUEUED = 16 * 1024
"""Bytes that may wait in a kiosk's input pipe; past that, input is dropped, not queued."""
BUSY_RETRY = 30
"""Seconds after which the busy page tries again."""
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """The size a tab asked for, kept within 1..MOST_COLUMNS x 1..MOST_ROWS (80x24 for nonsense)."""
    columns = to_int(str(width), 80)
    rows = to_int(str(height), 24)
    return min(max(columns, 1), MOST_COLUMNS), min(max(rows, 1), MOST_ROWS)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def host_name(host: str | None) -> str | None:
    """The name in a Host header (`kiosk.lan:8000`, `[::1]:8000`), lowercased; None when unreadable."""
    try:
        name = urlsplit(f"//{host or ''}").hostname
    except ValueError:
        return None
    return name.rstrip(".").lower() if name else None


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


@dataclass
class Limits:
    """What the server takes: how many tabs, from whom, and under which names."""

    host: str = "127.0.0.1"
    public_url: str | None = None
    tabs: int = MOST_TABS
    tabs_per_address: int = MOST_TABS_PER_ADDRESS
    names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = set(LOCAL_NAMES)
        for given in (self.host, host_name(urlsplit(self.public_url).netloc) if self.public_url else None):
            if given and not is_address(given.strip("[]")):
                names.add(given.rstrip(".").lower())
        if not self._loopback_only():
            machine = socket.gethostname().lower()
            names |= {machine, machine.split(".")[0], f"{machine.split('.')[0]}.local"}
        self.names = frozenset(name for name in names if name)

    def _loopback_only(self) -> bool:
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return self.host.lower() in LOCAL_NAMES

    def host_allowed(self, host: str | None) -> bool:
        """True for a Host header naming this server: an address (a rebinding attack needs a name), a
        localhost name, `--host`, `--public-url`'s name, or this machine's name when listening beyond it."""
        name = host_name(host)
        return name is not None and (is_address(name) or name in self.names or name.endswith(".localhost"))


class InputBudget:
    """A tab's keystrokes: `burst` bytes at once, then `rate` bytes a second (a token bucket)."""

    def __init__(self, burst: int = INPUT_BURST, rate: int = INPUT_RATE, clock=time.monotonic) -> None:
        self.burst, self.rate, self.clock = burst, rate, clock
        self.left = float(burst)
        self.at = clock()
        self.dropped = 0

    def take(self, size: int) -> bool:
        """True when `size` more bytes may go to the kiosk now; else they are dropped (and counted)."""
        now = self.clock()
        self.left = min(self.burst, self.left + (now - self.at) * self.rate)
        self.at = now
        if size <= self.left:
            self.left -= size
            return True
        self.dropped += size
        return False


class TabProcess(AppService):
    """One tab's kiosk: `argv` run directly in a process group of its own, ended with the tab."""

    def __init__(self, argv: list[str], pool: KioskPool | None = None, **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.pool = pool
        """Where a warm kiosk comes from (`serve_pool`); without one, or when it is off, `argv` is started."""
        self._ended = False
        self.page: TabPage | None = None
        """The tab's page, for what its kiosk tells it (speech, language)."""

    async def on_meta(self, data: bytes) -> None:
        """The kiosk's messages to its page go to `page`; textual-serve's own to textual-serve."""
        try:
            meta = json.loads(data)
        except ValueError:
            return
        if isinstance(meta, dict) and meta.get("type") in PAGE_MESSAGES:
            if self.page is not None:
                await self.page.handle(meta)
            return
        await super().on_meta(data)

    async def _open_app_process(self, width: int = 80, height: int = 24):
        width, height = terminal_size(width, height)
        kiosk = await self.pool.take() if self.pool is not None else None
        if kiosk is not None:
            self._process = kiosk
            self._stdin = await kiosk.connect(width, height)
            return kiosk
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height),
            start_new_session=True)
        self._stdin = process.stdin
        return process

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*terminal_size(width, height))

    async def send_meta(self, data) -> bool:
        return self._write(self.encode_packet(b"M", json.dumps(data).encode("utf-8")))

    async def send_bytes(self, data: bytes) -> bool:
        return self._write(self.encode_packet(b"D", data))

    def _write(self, packet: bytes) -> bool:
        """Hand `packet` to the kiosk without waiting for it to read: a kiosk that is busy (or stuck)
        never holds up the tab's socket. Past `MOST_QUEUED` bytes waiting, the packet is dropped."""
        stdin = self._stdin
        if stdin is None or stdin.is_closing() or stdin.transport.get_write_buffer_size() > MOST_QUEUED:
            return False
        try:
            stdin.write(packet)
        except (RuntimeError, OSError):
            return False
        return True

    async def stop(self) -> None:
        """The tab is gone: ask the kiosk to quit (when the request can reach it: its input may be
        full), give it `QUIT_GRACE` seconds, then end its whole group (once)."""
        if self._ended:
            return
        self._ended = True
        try:
            if self._task is not None:
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
                if await self.send_meta({"type": "quit"}):
                    await asyncio.wait_for(asyncio.shield(self._task), QUIT_GRACE)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - whatever happened, the group ends next
            pass
        await self.end_group()

    async def end_group(self) -> None:
        """SIGTERM to the kiosk's process group, SIGKILL after `STOP_GRACE`; the kiosk reaped."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except asyncio.TimeoutError:
                signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        signal_group(process.pid, signal.SIGKILL)  # anything the kiosk started and left behind
        if self._stdin is not None:
            self._stdin.close()  # a pooled kiosk's socket (a spawned one's pipe closed with it)
        if self._task is not None and not self._task.done():
            self._task.cancel()


def _printable_record(record: logging.LogRecord) -> bool:
    """A log record's message made printable (`chatbot.printable`), its arguments merged into it."""
    from chatbot.printable import printable

    record.msg, record.args = printable(record.getMessage()), None
    return True


def page_languages(language: str) -> list[str]:
    """The languages a page's notices are in: the kiosk's first, then every other it speaks (the
    pseudo-locale alone: it stands for them all)."""
    from chatbot.catalog import LANGUAGES, PSEUDO

    return [language] if language == PSEUDO else [language, *(code for code in LANGUAGES if code != language)]


def page_notices(language: str) -> list[dict[str, str]]:
    """The words of the page around the kiosk, from the catalog, in each of `page_languages`."""
    from chatbot.widgets.words import PAGE_CLOSED, PAGE_NAME, PAGE_STARTING, RESTART, START

    return [{"code": code, "name": PAGE_NAME.get(code), "starting": PAGE_STARTING.get(code), "start": START.get(code),
             "closed": PAGE_CLOSED.get(code), "start_again": RESTART.get(code)} for code in page_languages(language)]


class KioskServer(Server):
    """textual-serve's server, each tab a `TabProcess` running `argv` (see the module's docstring)."""

    def __init__(self, argv: list[str], *, host: str, port: int, title: str, templates_path: Path,
                 font_size: int, public_url: str | None = None, limits: Limits | None = None,
                 titles: dict[str, str] | None = None, language: str = "en", pool: int = 0) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title, public_url=public_url,
                         templates_path=templates_path)
        self.argv = argv
        self.pool_size = pool if supported() else 0
        """Kiosks kept ready (`serve_pool`); 0: each tab starts `argv`."""
        self.pool: KioskPool | None = None
        self.font_size = font_size
        self.given_public_url = public_url.rstrip("/") if public_url else None
        self.limits = limits or Limits(host, public_url)
        self.tabs: set[TabProcess] = set()
        self.by_address: Counter[str] = Counter()
        self.titles = titles or {language: title}
        """The page's title in each language the kiosk speaks (the flow's welcome title)."""
        self.language = language
        """The language every tab starts in: the page's `lang` until the person chooses another."""
        self.pages: dict[str, TabPage] = {}

    @web.middleware
    async def check_host(self, request: web.Request, handler) -> web.StreamResponse:
        """Every request names this server (its Host), or is refused before anything else is read."""
        if not self.limits.host_allowed(request.host):
            from chatbot.printable import printable

            name = printable(request.host or "", 80)
            return web.Response(status=421, text=f"This kiosk server does not answer to the name '{name}'. Open it "
                                                 "by its address, or start it with --public-url.\n")
        return await handler(request)

    def full_for(self, address: str) -> bool:
        """True when no more tabs may open, or none more from `address`."""
        return (len(self.tabs) >= self.limits.tabs
                or self.by_address[address] >= self.limits.tabs_per_address)

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.check_host], client_max_size=MOST_MESSAGE_BYTES)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        aiohttp_jinja2.get_env(app).globals["kiosk_font_size"] = self.font_size
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/kiosk.js", self.handle_script, name="script"),
            web.get("/speech/{token}/{serial}.wav", self.handle_speech, name="speech"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_startup.append(self.start_pool)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def base_url(self, request: web.Request) -> str:
        """`--public-url`, else the address the browser used to reach this server."""
        return self.given_public_url or f"{request.scheme}://{request.host}"

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page, every address in it on `base_url` (the script, styles and font come from here);
        when no tab may open now, a calm page that tries again by itself."""
        base = self.base_url(request)
        if self.full_for(request.remote or ""):
            from chatbot.widgets.words import BUSY_TITLE, BUSY_UNWELL, BUSY_WAIT, PAGE_NAME

            languages = [{"code": code, "title": BUSY_TITLE.get(code), "wait": BUSY_WAIT.get(code),
                          "unwell": BUSY_UNWELL.get(code)} for code in page_languages(self.language)]
            response = aiohttp_jinja2.render_template("busy.html", request, {
                "static_url": base + "/static/", "application": {"name": PAGE_NAME.get(self.language)},
                "retry": BUSY_RETRY,
                "languages": languages, "page_language": self.language})
            response.set_status(503)
            response.headers["Retry-After"] = str(BUSY_RETRY)
            return response
        socket_url = base + str(request.app.router["websocket"].url_for())
        socket_url = ("wss:" if base.startswith("https:") else "ws:") + socket_url.split(":", 1)[1]
        context = {"font_size": to_int(request.query.get("fontsize", "16"), 16), "app_websocket_url": socket_url,
                   "config": {"static": {"url": base + "/static/"}}, "application": {"name": self.title},
                   "script_url": base + str(request.app.router["script"].url_for()),
                   "page_language": self.language, "page_title": self.titles.get(self.language, self.title),
                   "notices": page_notices(self.language)}
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_script(self, request: web.Request) -> web.Response:
        """textual-serve's script, its terminal read by screen readers (`serve_page.terminal_script`)."""
        script, problem = terminal_script(str(self.statics_path))
        if problem:
            log.warning("%s: screen readers and speech in the page are off", problem)
        return web.Response(body=script, content_type="application/javascript",
                            headers={"Cache-Control": "no-cache"})

    async def handle_speech(self, request: web.Request) -> web.Response:
        """A tab's newest speech, by the name only that tab's page was told; nothing for any other."""
        page = self.pages.get(request.match_info["token"])
        audio = page.audio(request.match_info["serial"]) if page is not None else None
        if audio is None:
            raise web.HTTPNotFound()
        return web.Response(body=audio, content_type="audio/wav", headers={"Cache-Control": "no-store"})

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
        address = request.remote or ""
        if self.full_for(address):
            raise web.HTTPServiceUnavailable(text="This kiosk has all the screens it can open now.\n",
                                             headers={"Retry-After": str(BUSY_RETRY)})
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MOST_MESSAGE_BYTES, compress=False)
        width, height = terminal_size(request.query.get("width", "80"), request.query.get("height", "24"))
        tab = TabProcess(self.argv, pool=self.pool, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                         close=websocket.close, download_manager=self.download_manager)
        self.tabs.add(tab)  # counted from the handshake on: tabs opened at once meet the limit too
        self.by_address[address] += 1
        try:
            await websocket.prepare(request)
            tab.page = TabPage(self.titles, websocket.send_str)
            self.pages[tab.page.token] = tab.page
            await tab.start(width, height)
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # noqa: BLE001 - one tab's trouble is logged, never the server's end
            log.warning("a tab ended with an error: %s", type(error).__name__)
        finally:
            if tab.page is not None:
                tab.page.stop()
                self.pages.pop(tab.page.token, None)
            await asyncio.shield(tab.stop())
            self.tabs.discard(tab)
            self.by_address[address] -= 1
            if self.by_address[address] <= 0:
                del self.by_address[address]
            if not websocket.closed:
                await websocket.close()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """The page's messages, as textual-serve reads them, within the tab's `InputBudget`: what is
        past it, or no message a page of ours sends, is dropped; nothing here waits for the kiosk."""
        budget = InputBudget()
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            if not budget.take(len(message.data)):
                continue
            try:
                kind, *rest = json.loads(message.data)  # ["stdin", keys], ["resize", size], ["focus"] ...
                data = rest[0] if rest else None
                if kind == "stdin":
                    await app_service.send_bytes(str(data).encode("utf-8"))
                elif kind == "resize":
                    await app_service.set_terminal_size(data["width"], data["height"])
                elif kind == "ping" and isinstance(data, (str, int, float)) and len(str(data)) <= 64:
                    await websocket.send_json(["pong", data])
                elif kind in ("blur", "focus"):
                    await getattr(app_service, kind)()
            except (ValueError, KeyError, TypeError):  # a message no page of ours sends
                continue
        if budget.dropped:
            log.info("a tab sent more than a person types: %d bytes dropped", budget.dropped)

    def initialize_logging(self) -> None:
        """textual-serve's log, each line made printable: a request's path and headers are a browser's
        words, and this log is read on the server's own terminal."""
        super().initialize_logging()
        for name in ("aiohttp.access", "aiohttp.server", "aiohttp.web", "textual-serve"):
            logging.getLogger(name).addFilter(_printable_record)

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's kiosk ends, all at once, before the server leaves."""
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)), return_exceptions=True)
        if self.pool is not None:
            await self.pool.close()

    async def start_pool(self, app: web.Application) -> None:
        """The warm pool's fork server starts with the server (`serve_pool`)."""
        if self.pool_size > 0:
            environment = AppService._build_environment(TabProcess(self.argv, write_bytes=None, write_str=None,
                                                                   close=None, download_manager=None))
            self.pool = KioskPool(self.argv[3:], self.pool_size, environment)
            await self.pool.start()

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
