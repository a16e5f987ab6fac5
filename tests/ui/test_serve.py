"""`chatbot serve`: the kiosk in a browser, from this machine only, with nothing fetched elsewhere.

One real server runs for the module, on 127.0.0.1 and a free port; the tests read its page
as a browser would and open browser sessions over its websocket (aiohttp, which
textual-serve itself uses). Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import resources
from pathlib import Path

import pytest

from chatbot.commands.arguments import build_parser
from chatbot.commands.serve import kiosk_command

STARTS_WITHIN = 20.0
STOPS_WITHIN = 5.0
LINK = re.compile(r"""(?:https?|wss?)://[^\s"'<>)]+""", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def serve_data(tmp_path_factory) -> Path:
    """The data folder of the server's tabs: their session records are there."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def server(tmp_path_factory, serve_data):
    port = free_port()
    env = {**os.environ, "CHATBOT_LOG_DIR": str(tmp_path_factory.mktemp("log")),
           "CHATBOT_DATA_DIR": str(serve_data),
           "CHATBOT_CONFIG_DIR": str(tmp_path_factory.mktemp("config"))}
    process = subprocess.Popen([sys.executable, "-m", "chatbot", "serve", "--port", str(port),
                                "--idle-timeout", "60"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTS_WITHIN
    try:
        while True:
            try:
                fetch(base + "/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"chatbot serve did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield process, port, base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_the_page_loads_nothing_from_another_host(server):
    _, port, base = server
    status, page = fetch(base + "/")
    links = LINK.findall(page.decode())
    assert status == 200 and links  # the check can fail: the page does name addresses
    assert {re.match(r"\w+://([^/]+)", link).group(1) for link in links} == {f"127.0.0.1:{port}"}
    assert "googleapis" not in page.decode() and "@font-face" in page.decode()


def test_the_page_starts_as_a_kiosk_in_both_languages_with_nothing_to_click(server):
    """No black page with a small box to click: while the kiosk starts, a large notice in both
    languages (no button: the only one shows with ?delay, and says Start and Empezar); once the
    kiosk is drawn, the keyboard is in it; a closed kiosk offers to start again in both languages."""
    _, _, base = server
    page = fetch(base + "/")[1].decode()
    words = re.sub(r"<[^>]+>", "", page)
    assert "Starting, one moment… · Iniciando, un momento…" in words
    assert "Start · Empezar" in words and "Start again · Empezar de nuevo" in words
    assert "This screen has closed.Esta pantalla se ha cerrado." in words
    script = page[page.index("function focusKiosk"):]
    assert "xterm-helper-textarea" in script and '"-first-byte"' in script  # focus at the first frame
    assert re.search(r'#start \{\s*display: none;', page)  # the start button hides unless asked for


def test_the_page_says_its_language_and_each_part_in_another(server):
    """WCAG 3.1.1 and 3.1.2: <html lang> is the kiosk's language and the title its welcome's; every Spanish
    part of the bilingual notices is marked lang="es" (the page follows the person's choice: tests/browser);
    the terminal's script starts xterm.js for screen readers."""
    from html.parser import HTMLParser

    _, _, base = server
    page = fetch(base + "/")[1].decode()

    class Parts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.langs, self.spanish, self.title = ["?"], [], ""
            self.in_title = False

        def handle_starttag(self, tag, attrs):
            self.in_title = tag == "title"
            if tag not in ("br", "meta", "link", "img", "input"):  # no end tag: nothing inside them
                self.langs.append(dict(attrs).get("lang", self.langs[-1]))

        def handle_endtag(self, tag):
            if len(self.langs) > 1:
                self.langs.pop()
            self.in_title = False

        def handle_data(self, data):
            if self.in_title:
                self.title += data
            for word in ("Iniciando", "Empezar", "Esta pantalla", "Revisión"):
                if word in data:
                    self.spanish.append((word, self.langs[-1]))

    parts = Parts()
    parts.feed(page)
    assert re.search(r'<html lang="en">', page) and parts.title == "Symptom checker for bone marrow failure"
    assert parts.spanish and all(lang == "es" for _, lang in parts.spanish), parts.spanish
    script_url = re.search(r'<script src="([^"]+kiosk\.js)"', page).group(1)
    assert b"screenReaderMode:!0" in urllib.request.urlopen(script_url, timeout=10).read()


def test_what_the_page_loads_is_served_here(server):
    _, _, base = server
    page = fetch(base + "/")[1].decode()
    for link in LINK.findall(page):
        if not link.startswith("ws"):
            assert fetch(link)[0] == 200, link


def test_it_listens_on_this_computer_only(server):
    process, port, _ = server
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp here")
    listening = {line.split()[1] for line in table.read_text().splitlines()[1:]
                 if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == port}
    assert listening == {f"0100007F:{port:04X}"}


async def _session(url: str, keys: str = "", until: bytes = b"Start", most: float = 15.0, then: str = "",
                   then_until: bytes = b"") -> bytes:
    """A browser tab: what its terminal received until `until` showed up (after sending `keys`), and
    then, if given, until `then_until` showed up after sending `then`."""
    import aiohttp

    seen = b""
    async with aiohttp.ClientSession() as client:
        async with client.ws_connect(url + "/ws?width=80&height=24") as socket_:
            deadline = time.monotonic() + most
            sent = False
            while time.monotonic() < deadline:
                try:
                    message = await asyncio.wait_for(socket_.receive(), 0.5)
                except asyncio.TimeoutError:
                    continue
                if message.type != aiohttp.WSMsgType.BINARY:
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        break
                    continue
                seen += message.data
                if keys and not sent and b"Start" in seen:
                    await socket_.send_json(["stdin", keys])
                    sent, seen = True, b""
                if until in seen and (sent or not keys):
                    if not then:
                        return seen
                    await socket_.send_json(["stdin", then])
                    until, then, seen = then_until, "", b""
    raise AssertionError(f"the session never showed {until!r}")


def test_each_browser_tab_is_a_fresh_kiosk_session(server):
    _, _, base = server

    async def tabs():
        started = await _session(base, keys="\r", until=b"Danger signs")  # Enter on Start, in one tab
        other = await _session(base)  # a second tab opens on the welcome, not on that question
        return started, other

    started, other = asyncio.run(tabs())
    assert b"Danger signs" in started
    assert b"Start" in other and b"Danger signs" not in other


def test_a_tab_records_its_answers_as_served_from_this_host(server, serve_data):
    """Each tab is a kiosk that records: its answer reaches the records (kept in the tab's outbox before
    the next question is drawn, and written by the recorder's own thread, so the store is read until it
    has it: on a loaded machine it came after the tab had seen the next question)."""
    from chatbot.records.backends import open_reader

    _, _, base = server
    asyncio.run(_session(base, keys="\r", until=b"Danger signs"))  # a tab that starts, and answers nothing
    seen = asyncio.run(_session(base, keys="\r", until=b"Danger signs", then="7\r", then_until=b"white"))
    deadline = time.monotonic() + 20
    while True:
        reader = open_reader(f"sqlite://{serve_data / 'records.sqlite3'}")
        try:
            stored = [reader.get_session(each.id) for each in reader.list_sessions()]
        finally:
            reader.close()
        if any(session.answers for session in stored) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert b"white" in seen
    assert [(session.place, [answer.question_id for answer in session.answers]) for session in stored] == [
        (f"serve:{socket.gethostname()}", ["danger_signs"])]


def test_the_kiosk_command_runs_this_python_in_kiosk_mode(tmp_path):
    flow = tmp_path / "my flow.yaml"
    args = build_parser(["serve"]).parse_args(["--language", "es", "serve", "--flow", str(flow),
                                               "--idle-warning", "25"])
    words = shlex.split(kiosk_command(args, args.flow))
    assert words[:3] == [sys.executable, "-m", "chatbot"]
    assert words[3:] == ["--flow", str(flow.resolve()), "--language", "es", "--kiosk", "--served",
                         "--idle-timeout", "120", "--idle-warning", "25", "--theme", "high-contrast"]


@pytest.mark.parametrize("argv, passed", [
    (["serve", "--database", "sqlite:///tmp/x.db"], ["--database", "sqlite:///tmp/x.db"]),
    (["--database", "sqlite:///tmp/y.db", "serve"], ["--database", "sqlite:///tmp/y.db"]),
    (["--no-record", "serve"], ["--no-record"]),
    (["serve"], []),
])
def test_every_tab_records_where_serve_was_told(argv, passed):
    """`--database` (before or after `serve`) and `--no-record` reach every tab; CHATBOT_DATABASE reaches
    it through the environment, which textual-serve hands on."""
    args = build_parser(["serve"]).parse_args(argv)
    words = shlex.split(kiosk_command(args, None))
    assert words[3:words.index("--kiosk")] == passed and "--served" in words


def test_the_page_template_ships_inside_the_package():
    template = resources.files("chatbot") / "serve_templates" / "app_index.html"
    assert template.is_file()
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"serve_templates/*.html"' in pyproject and '"textual-serve' in pyproject


def test_the_server_stops_within_seconds_of_ctrl_c(server):
    process, _, _ = server
    began = time.monotonic()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=STOPS_WITHIN + 5) == 0
    assert time.monotonic() - began < STOPS_WITHIN
