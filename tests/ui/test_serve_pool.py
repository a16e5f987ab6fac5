"""`chatbot serve`'s warm pool (issue 24, item 2), through real servers, a real fork server, real
kiosk processes and real websockets. Every wait is bounded.

A kiosk waiting in the pool has one thread (no app runs yet); a kiosk drawing a tab has several:
that is how these tests tell the two apart from outside, as a person reading `ps` would.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from chatbot.commands.serve_pool import supported
from tests.helpers.processes import alive_in_groups, children, command_line, descendants, threads
from tests.ui.test_serve_many import ENDS_WITHIN, Served, open_tabs, wait_until

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir() or not supported(), reason="a Linux warm pool")
FILLS_WITHIN = 30.0
"""The pool is full again within this many seconds (the fork server's imports, on a busy machine)."""


class Pooled(Served):
    """A server with a warm pool of `size`, its kiosks told apart (module text)."""

    def __init__(self, tmp_path: Path, size: int, *extra: str):
        super().__init__(tmp_path, "--pool", str(size), *extra)
        self.size = size

    def fork_server(self) -> int | None:
        found = [pid for pid in children(self.process.pid) if "chatbot.serve_zygote" in command_line(pid)]
        return found[0] if found else None

    def kiosks(self) -> list[int]:
        """Every kiosk, ready or drawing a tab: the fork server's children."""
        server = self.fork_server()
        return children(server) if server is not None else []

    def ready(self) -> set[int]:
        return {pid for pid in self.kiosks() if threads(pid) == 1}

    def busy(self) -> set[int]:
        return {pid for pid in self.kiosks() if threads(pid) > 1}

    def filled(self) -> set[int]:
        wait_until(lambda: len(self.ready()) == self.size, FILLS_WITHIN, "the pool did not fill")
        return self.ready()


@pytest.fixture
def pooled(tmp_path):
    opened = []

    def start(size: int = 2, *extra: str) -> Pooled:
        opened.append(Pooled(tmp_path / str(len(opened)), size, *extra))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


async def close_all(client, sockets) -> None:
    await asyncio.gather(*(socket_.close() for socket_ in sockets))
    await client.close()


def test_a_tab_gets_a_kiosk_from_the_pool_and_another_takes_its_place(pooled):
    server = pooled(2)
    ready = server.filled()

    async def scenario():
        client, sockets = await open_tabs(server.base, 1)
        busy = server.busy()
        await close_all(client, sockets)
        return busy

    busy = asyncio.run(scenario())
    assert len(busy) == 1 and busy <= ready, "the tab's kiosk was not one of the ready ones"
    wait_until(lambda: not alive_in_groups(busy), ENDS_WITHIN, "a closed tab's kiosk is still running")
    refilled = server.filled()
    assert not refilled & busy and len(refilled) == 2


def test_two_tabs_never_share_a_kiosk_and_a_used_kiosk_is_never_handed_out_again(pooled):
    server = pooled(2)
    server.filled()

    async def tabs(count: int):
        client, sockets = await open_tabs(server.base, count)
        busy = server.busy()
        await close_all(client, sockets)
        return busy

    first = asyncio.run(tabs(2))
    assert len(first) == 2, "two tabs, two kiosks"
    wait_until(lambda: not alive_in_groups(first), ENDS_WITHIN, "a closed tab's kiosk is still running")
    server.filled()
    second = asyncio.run(tabs(2))
    assert len(second) == 2 and not second & first


def test_a_burst_past_the_pool_is_forked_on_demand_and_the_pool_keeps_its_size(pooled):
    """Five tabs at once with two ready: every tab drawn, each by its own kiosk; then exactly two wait."""
    server = pooled(2, "--max-tabs-per-address", "5")
    server.filled()

    async def scenario():
        client, sockets = await open_tabs(server.base, 5)
        busy = server.busy()
        wait_until(lambda: len(server.ready()) == 2, FILLS_WITHIN, "the pool did not fill")
        kiosks = server.kiosks()
        await close_all(client, sockets)
        return busy, kiosks

    busy, kiosks = asyncio.run(scenario())
    assert len(busy) == 5
    assert len(kiosks) == 5 + 2, "the pool holds more kiosks than its size"
    wait_until(lambda: not alive_in_groups(busy), ENDS_WITHIN, "a closed tab's kiosk is still running")
    assert len(server.filled()) == 2 and server.crashes_logged() == []


def test_a_ready_kiosk_that_dies_is_replaced(pooled):
    server = pooled(2)
    dead = min(server.filled())
    os.kill(dead, signal.SIGKILL)
    wait_until(lambda: dead not in server.kiosks() and len(server.ready()) == 2, FILLS_WITHIN,
               "the dead kiosk was not replaced")

    async def scenario():
        client, sockets = await open_tabs(server.base, 2)
        busy = server.busy()
        await close_all(client, sockets)
        return busy

    assert dead not in asyncio.run(scenario())


def test_a_fork_server_that_dies_is_started_again(pooled):
    server = pooled(1)
    server.filled()
    first = server.fork_server()
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: server.fork_server() not in (None, first) and len(server.ready()) == 1, FILLS_WITHIN,
               "no new fork server")
    first_frame(server)


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=lambda n: n.name)
def test_stopping_the_server_ends_the_pool_and_every_kiosk(number, pooled):
    server = pooled(2)
    server.filled()

    async def scenario():
        client, sockets = await open_tabs(server.base, 2)
        everything = set(descendants(server.process.pid))
        server.process.send_signal(number)
        status = await asyncio.to_thread(server.process.wait, ENDS_WITHIN + 5)
        await client.close()
        return everything, status

    everything, status = asyncio.run(scenario())
    assert status == 0 and len(everything) == 1 + 2 + 2  # the fork server, two ready, two drawing
    wait_until(lambda: not alive_in_groups(everything), ENDS_WITHIN, "a process outlived its server")


def test_nothing_outlives_a_server_killed_outright(pooled):
    """SIGKILL: the fork server sees its socket close and ends what it forked; a tab's kiosk sees its
    input end and leaves calmly (no crash logged)."""
    server = pooled(2)
    server.filled()

    async def scenario():
        client, sockets = await open_tabs(server.base, 1)
        everything = set(descendants(server.process.pid))
        server.process.kill()
        server.process.wait(timeout=10)
        await client.close()
        return everything

    everything = asyncio.run(scenario())
    assert len(everything) == 1 + 2 + 1
    wait_until(lambda: not alive_in_groups(everything), ENDS_WITHIN, "a process outlived its killed server")
    assert server.crashes_logged() == []


def test_the_fork_server_holds_no_thread_and_no_file_a_child_could_share(pooled):
    """What crosses a fork: one thread, and no open file but its standard streams and its socket to the
    server (no database, no log: each kiosk opens its own)."""
    server = pooled(1)
    server.filled()
    forker = server.fork_server()
    assert threads(forker) == 1
    opened = [os.readlink(f"/proc/{forker}/fd/{fd}") for fd in os.listdir(f"/proc/{forker}/fd")]
    files = [target for target in opened if target.startswith("/") and target != os.devnull
             and not target.startswith("/dev/pts")]
    assert files == [], files


def first_frame(server: Served, query: str = "width=80&height=24", until: bytes = b"Start") -> bytes:
    """What one tab was sent until its kiosk drew `until` (the tab then closed)."""
    import aiohttp

    async def scenario():
        async with aiohttp.ClientSession() as client:
            socket_ = await client.ws_connect(f"{server.base}/ws?{query}", headers={"Origin": server.base})
            seen = b""
            while until not in seen:
                message = await asyncio.wait_for(socket_.receive(), FILLS_WITHIN)
                assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), "the tab closed"
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data
            await socket_.close()
            return seen

    return asyncio.run(scenario())


@pytest.mark.parametrize("extra, shown, not_shown", [
    ((), b"Start", b"Empezar"),
    (("--language", "es"), b"Empezar", b"Start"),
])
def test_a_pooled_tab_shows_what_serve_was_told(extra, shown, not_shown, pooled):
    server = pooled(1, *extra)
    server.filled()
    assert not_shown not in first_frame(server, until=shown)


def test_a_pooled_tab_gets_the_size_it_asked_for(pooled):
    """The tab's size reaches the kiosk (bounded, as a spawned one's): its frame reaches row 40, column 120."""
    server = pooled(1)
    server.filled()
    frame = first_frame(server, query="width=120&height=40", until=b"\x1b[40;")
    assert b"\x1b[41;" not in frame


def test_the_pool_can_be_turned_off():
    from chatbot.commands.arguments import build_parser
    from chatbot.commands.serve import make_server

    args = build_parser(["serve"]).parse_args(["serve", "--pool", "0"])
    assert args.pool == 0 and make_server(["python"], "127.0.0.1", 8000, 20, pool=args.pool).pool_size == 0
    assert make_server(["python"], "127.0.0.1", 8000, 20).pool_size > 0
