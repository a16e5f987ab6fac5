"""`chatbot serve` against greedy and hostile clients (issue 21, item 9): real servers, real kiosk
processes, real websockets (aiohttp). Every wait is bounded.

One client opened 150 tabs (5.9 GB); 9 MB of keystrokes grew one tab's kiosk to 2.9 GB, and
it outlived its socket; a page whose name was made to point at the server (DNS rebinding)
passed the Origin check. Now: tabs are counted in all and per client address, with a calm
page past the limit; a tab's input is bounded and never waits for its kiosk; the Host must
be one of the server's names.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chatbot.commands.serve_server import INPUT_RATE, MOST_MESSAGE_BYTES, InputBudget, Limits
from tests.helpers.processes import alive_in_groups, children, memory_mib
from tests.ui.test_serve import STARTS_WITHIN
from tests.ui.test_serve_many import open_tabs, served, shared, wait_until  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
ENDS_AT_ONCE = 3.0
"""A closed tab's kiosk is gone within this many seconds, however much it was sent (it took 86 s)."""


async def connect(base: str, source: str = "127.0.0.1", host: str | None = None, origin: str | None = None):
    """A websocket from the client address `source` (any 127.x.y.z reaches the server); its status
    when the handshake is refused."""
    import aiohttp

    client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source, 0)))
    headers = {"Origin": origin or base}
    if host:
        headers["Host"] = host
    try:
        return client, await client.ws_connect(f"{base}/ws?width=80&height=24", headers=headers)
    except aiohttp.WSServerHandshakeError as error:
        await client.close()
        return None, error.status


def page(base: str, source: str = "127.0.0.1", host: str | None = None) -> tuple[int, str, dict]:
    """GET / from the client address `source`: status, text and headers."""
    import http.client

    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", "/", headers={"Host": host or f"127.0.0.1:{port}"})
        answer = connection.getresponse()
        return answer.status, answer.read().decode(), dict(answer.getheaders())
    finally:
        connection.close()


async def drawn(socket_, until: bytes = b"Start") -> bytes:
    import aiohttp

    seen = b""
    deadline = time.monotonic() + STARTS_WITHIN * 3
    while until not in seen:
        assert time.monotonic() < deadline, f"the tab never showed {until!r}"
        message = await asyncio.wait_for(socket_.receive(), STARTS_WITHIN * 3)
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
        assert message.type not in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), "the tab was closed"
    return seen


def test_one_address_gets_its_tabs_then_a_calm_page_in_english_and_spanish(served):
    server = served("--max-tabs", "3", "--max-tabs-per-address", "2")

    async def scenario():
        opened = []
        for _ in range(2):
            client, socket_ = await connect(server.base)
            await drawn(socket_)
            opened.append((client, socket_))
        third = await connect(server.base)
        busy = page(server.base)
        other_client, other = await connect(server.base, source="127.0.0.2")  # another address: room for one
        await drawn(other)
        full = await connect(server.base, source="127.0.0.3")  # three tabs in all: no room for anyone
        full_page = page(server.base, source="127.0.0.3")
        kiosks = children(server.process.pid)
        await opened[0][1].close()
        await opened[0][0].close()
        wait_until(lambda: len(children(server.process.pid)) == 2, 10, "a closed tab's kiosk is still counted")
        again_client, again = await connect(server.base)  # a closed tab makes room again
        await drawn(again)
        for client, socket_ in [*opened[1:], (other_client, other), (again_client, again)]:
            await socket_.close()
            await client.close()
        return third, busy, full, full_page, kiosks

    third, busy, full, full_page, kiosks = asyncio.run(scenario())
    assert third == (None, 503) and full == (None, 503) and len(kiosks) == 3
    for status, text, headers in (busy, full_page):
        assert status == 503 and headers["Retry-After"] == "30" and 'http-equiv="refresh"' in text
        assert "All the screens are in use" in text and "Todas las pantallas están en uso" in text
        assert "tell a member of staff" in text and "dígaselo ahora al personal" in text
    wait_until(lambda: page(server.base)[0] == 200, 10, "closed tabs do not make room again")


@pytest.mark.parametrize("size, mib", [(16, 1), (1024, 9)])
def test_a_flood_of_keystrokes_is_dropped_and_the_tab_still_answers(size, mib, served):
    """9 MiB of keystrokes in 1 KiB messages (1 MiB in 16-byte ones, each taken alone): the kiosk gets
    at most a burst of them and keeps its memory; the tab still answers a key once the flood is over."""
    server = served()

    async def scenario():
        client, socket_ = await connect(server.base)
        await drawn(socket_)
        kiosk, = children(server.process.pid)
        before = memory_mib(kiosk)
        reading = asyncio.create_task(drawn(socket_, until=b"\x00never"))  # a browser reads all along
        chunk = json.dumps(["stdin", "a" * size])
        for _ in range(mib * 1024 * 1024 // size):
            await socket_.send_str(chunk)
        peak = before
        for _ in range(20):  # what it was given, it has read within a few seconds
            await asyncio.sleep(0.25)
            peak = max(peak, memory_mib(kiosk))
        reading.cancel()
        await asyncio.sleep(64 / INPUT_RATE + 0.5)  # the budget has room for a key again
        await socket_.send_json(["stdin", "\r"])  # Enter on Start
        await drawn(socket_, until=b"Danger signs")
        await socket_.close()
        await client.close()
        return before, peak

    before, peak = asyncio.run(scenario())
    assert peak - before < 64, f"the kiosk grew from {before:.0f} to {peak:.0f} MiB"


@pytest.mark.parametrize("flood", ["keystrokes", "one huge message"])
def test_a_closed_socket_ends_its_kiosk_at_once_however_it_was_flooded(flood, served):
    server = served()

    async def scenario():
        client, socket_ = await connect(server.base)
        await drawn(socket_)
        kiosk, = children(server.process.pid)
        try:
            if flood == "keystrokes":
                for _ in range(2048):
                    await socket_.send_str(json.dumps(["stdin", "a" * 1024]))
            else:
                await socket_.send_str(json.dumps(["stdin", "a" * (MOST_MESSAGE_BYTES * 4)]))
        except ConnectionError:
            pass  # the server closed it first: a message no page sends
        began = time.monotonic()
        await socket_.close()
        await client.close()
        return kiosk, began

    kiosk, began = asyncio.run(scenario())
    wait_until(lambda: not alive_in_groups({kiosk}), ENDS_AT_ONCE, "the kiosk outlived its socket")
    assert time.monotonic() - began < ENDS_AT_ONCE and server.process.poll() is None


@pytest.mark.parametrize("host, served_as, allowed", [
    ("evil.example", [], False),  # a name made to point here: DNS rebinding
    ("localhost", [], True),
    ("127.0.0.1", [], True),
    ("[::1]", [], True),
    ("kiosk.clinic.example", [], False),
    ("kiosk.clinic.example", ["--host", "0.0.0.0", "--public-url", "http://kiosk.clinic.example"], True),
    ("evil.example", ["--host", "0.0.0.0", "--public-url", "http://kiosk.clinic.example"], False),
    ("10.20.30.40", ["--host", "0.0.0.0"], True),  # an address cannot be rebound
    (socket.gethostname().lower(), ["--host", "0.0.0.0"], True),  # the machine's own name, listening beyond it
])
def test_only_the_servers_own_names_open_the_page_or_a_kiosk(host, served_as, allowed, served):
    """The Origin check trusted the Host header: a page of evil.example, rebound to this server, sends
    Host and Origin evil.example, which matched. The Host must be one of the server's own names."""
    import aiohttp

    server = served(*served_as)
    named = f"{host}:{server.port}"
    status, text, _ = page(server.base, host=named)

    async def kiosk() -> object:
        client = aiohttp.ClientSession()
        try:
            socket_ = await client.ws_connect(f"{server.base}/ws", headers={"Host": named,
                                                                              "Origin": f"http://{named}"})
            await socket_.close()
            return True
        except aiohttp.WSServerHandshakeError as error:
            return error.status
        finally:
            await client.close()

    opened = asyncio.run(kiosk())
    if allowed:
        assert status == 200 and opened is True
    else:
        assert status == 421 and opened == 421 and "does not answer to the name" in text


@pytest.mark.parametrize("host, names, allowed", [
    ("127.0.0.1", {"localhost:80", "127.0.0.1", "[::1]:8000", "127.0.0.1:8000"}, True),
    ("127.0.0.1", {"evil.example:8000", "", None, "[bad", "kiosk.clinic.example"}, False),
    ("kiosk.clinic.example", {"kiosk.clinic.example:8000", "KIOSK.clinic.example.:8000"}, True),
])
def test_which_hosts_a_server_answers_to(host, names, allowed):
    limits = Limits(host)
    assert {name for name in names if limits.host_allowed(name) is allowed} == names


def test_the_input_budget_allows_a_burst_then_a_rate():
    now = [0.0]
    budget = InputBudget(burst=100, rate=10, clock=lambda: now[0])
    assert budget.take(60) and budget.take(40) and not budget.take(1)
    now[0] += 2.0
    assert budget.take(20) and not budget.take(1) and budget.dropped == 2
    now[0] += 1000.0
    assert budget.take(100) and not budget.take(101)


def test_a_wrong_limit_is_one_line():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "chatbot", "serve", "--max-tabs", "0"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2 and re.search(r"--max-tabs: .*at least 1", result.stderr)


def test_the_pages_own_messages_still_reach_the_kiosk(shared):
    """What the page sends (textual.js): a resize, focus and blur with no data, a ping answered with
    its own words, keys."""
    server = shared

    async def scenario():
        client, socket_ = await connect(server.base)
        await drawn(socket_)
        for message in (["resize", {"width": 90, "height": 30}], ["focus"], ["blur"], ["focus"]):
            await socket_.send_json(message)
        await socket_.send_json(["ping", "1700000000000"])
        pong = None
        while pong is None:
            answer = await asyncio.wait_for(socket_.receive(), 10)
            if answer.type.name == "TEXT":
                pong = json.loads(answer.data)
        await socket_.send_json(["stdin", "\r"])
        await drawn(socket_, until=b"Danger signs")
        await socket_.close()
        await client.close()
        return pong

    assert asyncio.run(scenario()) == ["pong", "1700000000000"]
