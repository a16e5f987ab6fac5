"""`chatbot serve` under many browsers (issue 14, point 6), through real servers, real kiosk processes,
real signals and real websockets (aiohttp, which textual-serve uses). Every wait is bounded.

Each tab's kiosk is this Python run directly in a process group of its own; closing tabs, all
at once, ends them without one counted as a crash; Ctrl-C or SIGTERM of the server ends every
child within seconds; a page of another site cannot open a kiosk; a URL cannot ask for a huge
terminal; /static/ lists nothing; the page's addresses are the ones the browser can reach.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chatbot.commands.arguments import build_parser
from chatbot.commands.serve import kiosk_argv
from chatbot.commands.serve_server import MOST_COLUMNS, MOST_ROWS
from tests.helpers.processes import alive_in_groups, children, descendants, processes
from tests.ui.test_serve import LINK, STARTS_WITHIN, fetch, free_port

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
ENDS_WITHIN = 8.0
"""A closed tab's kiosk, or every kiosk of a stopped server, is gone within this many seconds."""


def wait_until(condition, most: float, what: str) -> None:
    deadline = time.monotonic() + most
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


class Served:
    """A `chatbot serve` process on 127.0.0.1 and a free port, with its own log and data folders; each
    tab its own new process (`--pool 0`) unless `extra` asks for a warm pool (tests/ui/test_serve_pool.py)."""

    def __init__(self, tmp_path: Path, *extra: str):
        self.port = free_port()
        self.log = tmp_path / "log"
        env = {**os.environ, "CHATBOT_LOG_DIR": str(self.log), "CHATBOT_DATA_DIR": str(tmp_path / "data"),
               "CHATBOT_CONFIG_DIR": str(tmp_path / "config"), "CHATBOT_FLOW_CACHE": "0"}
        self.process = subprocess.Popen([sys.executable, "-m", "chatbot", "serve", "--port", str(self.port),
                                         "--idle-timeout", "60", "--pool", "0", *extra], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + STARTS_WITHIN
        while True:
            try:
                fetch(self.base + "/")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"chatbot serve did not start: {self.process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)

    def crashes_logged(self) -> list[str]:
        log = self.log / "kiosk.log"
        return [line for line in log.read_text().splitlines() if " error " in f" {line} "] if log.exists() else []

    def close(self) -> None:
        below = descendants(self.process.pid)  # a killed server's are no longer below it
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for child in below:
            try:
                os.killpg(child, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def served(tmp_path):
    opened = []

    def start(*extra: str) -> Served:
        opened.append(Served(tmp_path, *extra))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that only ask it something: starting one costs more than the test."""
    server = Served(tmp_path_factory.mktemp("served"))
    yield server
    server.close()


async def open_tabs(base: str, count: int, *, query: str = "width=80&height=24", until: bytes = b"Start"):
    """`count` browser tabs opened at once, each until its kiosk drew `until`; the client and sockets."""
    import aiohttp

    client = aiohttp.ClientSession()

    async def tab():
        socket_ = await client.ws_connect(f"{base}/ws?{query}", headers={"Origin": base})
        seen = b""
        deadline = time.monotonic() + STARTS_WITHIN * 3
        while until not in seen:
            assert time.monotonic() < deadline, "a tab never showed its welcome"
            message = await asyncio.wait_for(socket_.receive(), STARTS_WITHIN * 3)
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
        return socket_

    return client, await asyncio.gather(*(tab() for _ in range(count)))


def test_tabs_closed_all_at_once_end_every_kiosk_and_none_counts_as_a_crash(served):
    """Each tab's kiosk runs directly (no shell) in its own process group; closing every tab at once
    ends every group, and no kiosk takes the closing for a crash and starts again on its own."""
    server = served("--max-tabs-per-address", "6")

    async def scenario():
        client, sockets = await open_tabs(server.base, 6)
        kiosks = children(server.process.pid)
        await asyncio.gather(*(socket_.close() for socket_ in sockets))
        await client.close()
        return kiosks

    kiosks = asyncio.run(scenario())
    assert len(kiosks) == 6
    for kiosk in kiosks:
        assert processes().get(kiosk, (0, kiosk, ""))[1] == kiosk, "a kiosk shares a process group"
    wait_until(lambda: not alive_in_groups(set(kiosks)) and not children(server.process.pid), ENDS_WITHIN,
               "a closed tab's kiosk is still running")
    assert server.crashes_logged() == []
    assert server.process.poll() is None


def test_no_shell_runs_between_the_server_and_a_kiosk(served):
    server = served()

    async def scenario():
        client, sockets = await open_tabs(server.base, 1)
        words = Path(f"/proc/{children(server.process.pid)[0]}/cmdline").read_bytes().split(b"\0")
        await sockets[0].close()
        await client.close()
        return words

    words = asyncio.run(scenario())
    assert words[:3] == [sys.executable.encode(), b"-m", b"chatbot"]


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=lambda n: n.name)
def test_stopping_the_server_ends_every_kiosk_within_seconds(number, served):
    """Ctrl-C (SIGINT) or a service manager's SIGTERM, with tabs still open: every kiosk ends, then the
    server, within seconds."""
    server = served()

    async def scenario():
        client, sockets = await open_tabs(server.base, 4)
        kiosks = children(server.process.pid)
        began = time.monotonic()
        server.process.send_signal(number)
        status = await asyncio.to_thread(server.process.wait, ENDS_WITHIN + 5)
        took = time.monotonic() - began
        await client.close()
        return kiosks, status, took

    kiosks, status, took = asyncio.run(scenario())
    assert status == 0 and took < ENDS_WITHIN
    wait_until(lambda: not alive_in_groups(set(kiosks)), 2.0, "a kiosk outlived its server")


@pytest.mark.parametrize("asked, given", [
    ("width=100000&height=100000", (MOST_COLUMNS, MOST_ROWS)),
    ("width=0&height=-5", (1, 1)),
    ("width=120&height=40", (120, 40)),
    ("width=lots&height=40", (80, 40)),
])
def test_a_tab_gets_a_terminal_of_bounded_size(asked, given, shared):
    server = shared

    async def scenario():
        before = set(children(server.process.pid))
        client, sockets = await open_tabs(server.base, 1, query=asked, until=b"\x1b")
        kiosk, = set(children(server.process.pid)) - before
        environ = Path(f"/proc/{kiosk}/environ").read_bytes().split(b"\0")
        await sockets[0].close()
        await client.close()
        return dict(item.decode().split("=", 1) for item in environ if b"=" in item)

    environ = asyncio.run(scenario())
    assert (int(environ["COLUMNS"]), int(environ["ROWS"])) == given


@pytest.mark.parametrize("origin, opens", [
    ("http://evil.example", False),
    ("http://127.0.0.1:1", False),
    (None, True),  # not a browser: no page to protect anyone from
    ("SELF", True),
])
def test_only_a_page_of_this_server_opens_a_kiosk(origin, opens, shared):
    import aiohttp

    server = shared

    async def scenario():
        headers = {} if origin is None else {"Origin": server.base if origin == "SELF" else origin}
        async with aiohttp.ClientSession() as client:
            try:
                async with client.ws_connect(f"{server.base}/ws", headers=headers) as socket_:
                    await socket_.close()
                    return True
            except aiohttp.WSServerHandshakeError as error:
                assert error.status == 403
                return False

    assert asyncio.run(scenario()) is opens


@pytest.mark.parametrize("path", ["/static/", "/static/js/", "/static/fonts/"])
def test_static_lists_no_folder(path, shared):
    server = shared
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(server.base + path)
    assert refused.value.code in (403, 404)


def test_the_page_names_the_server_as_the_browser_reached_it(served):
    """Listening on every address (0.0.0.0), the page names what the browser used (the machine's name,
    or an address), never 0.0.0.0; with --public-url, that address."""
    import socket

    server = served("--host", "0.0.0.0")
    for name in (socket.gethostname().lower(), "10.20.30.40"):
        request = urllib.request.Request(server.base + "/", headers={"Host": f"{name}:{server.port}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            page = response.read().decode()
        hosts = {re.match(r"\w+://([^/]+)", link).group(1) for link in LINK.findall(page)}
        assert hosts == {f"{name}:{server.port}"}
    public = served("--public-url", "https://kiosk.clinic.example")
    hosts = {re.match(r"\w+://([^/]+)", link).group(0) for link in LINK.findall(fetch(public.base + "/")[1].decode())}
    assert hosts == {"https://kiosk.clinic.example", "wss://kiosk.clinic.example"}


@pytest.mark.parametrize("argv, passed", [
    (["serve", "--language", "es"], ["--language", "es"]),
    (["serve", "--emergency-number", "112"], ["--emergency-number", "112"]),
    (["--language", "es", "serve", "--language", "en"], ["--language", "en"]),
    (["serve", "--flow", "F"], ["--flow", "F"]),
    (["serve", "--database", "sqlite:///tmp/x.db"], ["--database", "sqlite:///tmp/x.db"]),
])
def test_every_tab_gets_the_options_serve_was_given(argv, passed, tmp_path):
    """--flow, --language, --emergency-number and --database, after `serve`, reach every tab's kiosk."""
    argv = [str(tmp_path / word) if word == "F" else word for word in argv]
    passed = [str((tmp_path / word).resolve()) if word == "F" else word for word in passed]
    args = build_parser(["serve"]).parse_args(argv)
    words = kiosk_argv(args, args.flow or args.global_flow)
    assert words[3:words.index("--kiosk")] == passed


@pytest.mark.parametrize("url", ["kiosk.example", "ftp://kiosk.example", "http://kiosk.example/path", "http://"])
def test_a_wrong_public_url_is_one_line(url):
    result = subprocess.run([sys.executable, "-m", "chatbot", "serve", "--public-url", url],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--public-url" in result.stderr


def test_a_kiosk_whose_browser_went_away_ends_without_a_crash(tmp_path, monkeypatch):
    """The server says "quit" when a tab closes (Textual's ExitApp): what fails while that kiosk shuts
    down (in issue 14, the idle clock finding no screen) is part of leaving, never a crash that starts
    a new kiosk with no browser."""
    from textual.app import ScreenStackError
    from textual.messages import ExitApp

    from chatbot.flowfile.loader import load_flow
    from chatbot.kiosk.app import KioskApp
    from chatbot.kiosk.rules import CrashWindow
    from chatbot.kiosk.supervisor import supervise
    from tests.helpers.kiosk import Clock

    monkeypatch.setenv("CHATBOT_LOG_DIR", str(tmp_path / "log"))
    made = []

    class BrowserGoes(KioskApp):
        def on_ready(self) -> None:
            self.post_message(ExitApp())  # as the web driver does at the server's "quit"

        def on_unmount(self) -> None:
            raise ScreenStackError("No screens on stack")

    def make_app(crashes: CrashWindow) -> KioskApp:
        made.append(BrowserGoes(load_flow(), crashes=crashes, clock=Clock()))
        return made[-1]

    assert supervise(make_app, CrashWindow(3, 600), headless=True) == 0
    assert len(made) == 1 and not (tmp_path / "log" / "kiosk.log").read_text().count(" error ")


def test_a_kiosk_never_outlives_a_server_killed_outright(served):
    """SIGKILL gives the server no chance to end its tabs: each kiosk sees its input end and leaves,
    calmly, rather than by failing again and again to draw to no one."""
    server = served()

    async def scenario():
        client, sockets = await open_tabs(server.base, 2)
        kiosks = children(server.process.pid)
        server.process.kill()
        server.process.wait(timeout=10)
        await client.close()
        return kiosks

    kiosks = asyncio.run(scenario())
    assert len(kiosks) == 2
    wait_until(lambda: not alive_in_groups(set(kiosks)), ENDS_WITHIN, "a kiosk outlived its killed server")
    assert server.crashes_logged() == []  # it left because its input ended, not after failing to draw
