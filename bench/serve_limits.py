"""`chatbot serve` against one greedy client (issue 21, item 9): how many tabs it gets, what a flood
of keystrokes costs a tab, and how long a tab's kiosk outlives its closed socket.

A real server on 127.0.0.1 and a free port (its own data and log folders). Three measures:

1. tabs: one client address opens tabs one after another (each until its welcome is drawn, or
   refused), up to `--tabs`; how many it got;
2. flood: one tab is sent `--flood-mb` MB of keystrokes as fast as the socket takes them (in
   messages of `--chunk-bytes` bytes; the browser's side reads and answers pings all along); the
   kiosk's largest resident memory (RSS, and PSS at the end) while it reads them, sampled for
   `--watch` seconds (the kiosk is killed if it passes `--most-mb`, to spare the machine);
3. close: a tab that typed nothing, then the flooded tab, has its socket closed; the seconds
   until its kiosk's process group is gone.

Run it on another checkout (for a figure before a change) with PYTHONPATH=that/checkout.

    python3 bench/serve_limits.py [--tabs 12] [--flood-mb 9] [--chunk-bytes 1024] [--watch 30] [--most-mb 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.serve import _answers, free_port, wait_until  # noqa: E402
from tests.helpers.processes import alive_in_groups, children, memory_mib  # noqa: E402

WELCOME_WITHIN = 60.0


async def open_tab(client, base: str):
    """A tab drawn to its welcome: its socket; None when the server refused it or closed it first."""
    import aiohttp

    try:
        socket_ = await client.ws_connect(f"{base}/ws?width=80&height=24", headers={"Origin": base})
    except aiohttp.WSServerHandshakeError:
        return None
    seen = b""
    deadline = time.monotonic() + WELCOME_WITHIN
    while b"Start" not in seen and time.monotonic() < deadline:
        message = await asyncio.wait_for(socket_.receive(), WELCOME_WITHIN)
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return None
    return socket_ if b"Start" in seen else None


async def measure(server: subprocess.Popen, base: str, args) -> dict:
    import aiohttp

    result: dict = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as client:
        sockets = []
        for _ in range(args.tabs):
            opened = await open_tab(client, base)
            if opened is None:
                break
            sockets.append(opened)
        result["tabs"] = len(sockets)
        await asyncio.gather(*(each.close() for each in sockets))
        wait_until(lambda: not children(server.pid), 30)

        tab = await open_tab(client, base)
        kiosk, = children(server.pid)
        began = time.monotonic()
        await tab.close()
        gone = await asyncio.to_thread(wait_until, lambda: not alive_in_groups({kiosk}), 60)
        result["plain_close_to_gone_s"] = time.monotonic() - began if gone else None

        tab = await open_tab(client, base)
        kiosk, = children(server.pid)
        frames = asyncio.create_task(_read(tab))  # a browser reads (and answers the server's pings) all along
        chunk = json.dumps(["stdin", "a" * args.chunk_bytes])
        began = time.monotonic()
        sent = 0
        try:
            for _ in range(args.flood_mb * 1024 * 1024 // args.chunk_bytes):
                await tab.send_str(chunk)
                sent += args.chunk_bytes
        except (ConnectionError, RuntimeError):
            pass  # the server closed a socket it would not read any more of
        result["flood_sent_kib"] = sent // 1024
        result["flood_send_s"] = time.monotonic() - began
        peak, killed = 0.0, False
        deadline = time.monotonic() + args.watch
        while time.monotonic() < deadline:
            rss = memory_mib(kiosk)
            if rss is None:
                break
            peak = max(peak, rss)
            if rss > args.most_mb:
                os.killpg(kiosk, signal.SIGKILL)
                killed = True
                break
            await asyncio.sleep(0.25)
        result["flood_peak_rss_mib"] = peak
        result["flood_pss_mib_after"] = memory_mib(kiosk, "pss")
        result["flood_killed_at_limit"] = killed
        result["tab_alive_after_watch"] = not frames.done()
        began = time.monotonic()
        await tab.close()
        frames.cancel()
        gone = await asyncio.to_thread(wait_until, lambda: not alive_in_groups({kiosk}), 300)
        result["close_to_gone_s"] = time.monotonic() - began if gone else None
    return result


async def _read(tab) -> None:
    """What the server sends the tab, read and dropped, until the socket closes."""
    import aiohttp

    while True:
        message = await tab.receive()
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=12)
    parser.add_argument("--flood-mb", type=int, default=9)
    parser.add_argument("--chunk-bytes", type=int, default=1024, help="keystrokes per websocket message")
    parser.add_argument("--watch", type=float, default=30.0)
    parser.add_argument("--most-mb", type=float, default=4000.0)
    args = parser.parse_args()
    from folders import own_folders  # bench/, the folder of the script run

    own_folders("serve-limits")
    port = free_port()
    env = dict(os.environ)
    server = subprocess.Popen([sys.executable, "-m", "chatbot", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: _answers(base) or server.poll() is not None, 30) or server.poll() is not None:
            print("chatbot serve did not start", file=sys.stderr)
            return 1
        result = asyncio.run(measure(server, base, args))
        print(f"tabs one client got: {result['tabs']} of {args.tabs} asked")
        print(f"flood: {result['flood_sent_kib']} KiB of keystrokes sent in {result['flood_send_s']:.1f} s; "
              f"the kiosk's peak RSS {result['flood_peak_rss_mib']:.0f} MiB over {args.watch:g} s"
              f"{' (killed at the limit)' if result['flood_killed_at_limit'] else ''}; "
              f"PSS after {result['flood_pss_mib_after'] or 0:.0f} MiB; the tab "
              f"{'still open' if result['tab_alive_after_watch'] else 'CLOSED by the server'}")
        plain = result["plain_close_to_gone_s"]
        print(f"a tab that typed nothing, socket closed -> kiosk gone: "
              f"{f'{plain:.2f} s' if plain is not None else 'NOT within 60 s'}")
        gone = result["close_to_gone_s"]
        print(f"socket closed -> kiosk gone: {f'{gone:.2f} s' if gone is not None else 'NOT within 300 s'}")
        return 0
    finally:
        kiosks = children(server.pid)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        for pid in alive_in_groups(set(kiosks)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    sys.exit(main())
