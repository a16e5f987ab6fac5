"""`chatbot serve` under many browsers (issue 14, point 6): tabs opened all at once, closed all at once.

A real server on 127.0.0.1 and a free port (its own data and log folders); each round opens
`--tabs` websockets at once (as browser tabs, with the page's Origin), times each tab's first
frame (connect to the welcome's "Start" drawn), reads every kiosk's memory (PSS, from
/proc/PID/smaps_rollup) once all are drawn, closes every tab at once, and counts the kiosk
processes still there `--grace` seconds later (leaked). After the last round the server gets
SIGTERM, and what is left of it is counted too. Every wait is bounded: the bench stops by itself.

Goals: 0 leaked; at most 30 MiB PSS per tab (about what a bare Textual app costs).

    python3 bench/serve.py [--tabs 50] [--rounds 5] [--grace 15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers.processes import alive_in_groups, children, memory_mib  # noqa: E402

GOAL_PSS_MIB = 30.0
FIRST_FRAME_WITHIN = 180.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pss_mib(pid: int) -> float | None:
    return memory_mib(pid, "pss")


def wait_until(condition, most: float) -> bool:
    deadline = time.monotonic() + most
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


async def open_tab(client, base: str) -> tuple[object, float]:
    """One tab: its socket and the seconds until its welcome was drawn."""
    import aiohttp

    began = time.monotonic()
    socket_ = await client.ws_connect(f"{base}/ws?width=80&height=24", headers={"Origin": base})
    seen = b""
    while b"Start" not in seen:
        message = await asyncio.wait_for(socket_.receive(), FIRST_FRAME_WITHIN)
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise ConnectionError("a tab closed before its first frame")
    return socket_, time.monotonic() - began


async def one_round(server: subprocess.Popen, base: str, tabs: int, grace: float) -> dict:
    import aiohttp

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as client:
        opened = await asyncio.gather(*(open_tab(client, base) for _ in range(tabs)), return_exceptions=True)
        sockets = [each[0] for each in opened if not isinstance(each, BaseException)]
        firsts = [each[1] for each in opened if not isinstance(each, BaseException)]
        kiosks = children(server.pid)
        memory = [m for m in (pss_mib(pid) for pid in kiosks) if m is not None]
        await asyncio.gather(*(socket_.close() for socket_ in sockets), return_exceptions=True)
    wait_until(lambda: not alive_in_groups(set(kiosks)), grace)
    leaked = alive_in_groups(set(kiosks))
    return {"opened": len(sockets), "failed": tabs - len(sockets), "first": firsts, "pss": memory,
            "kiosks": len(kiosks), "leaked": leaked}


def describe(values: list[float], unit: str) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):.2f}{unit}, p95 {p95:.2f}{unit}, max {ordered[-1]:.2f}{unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--grace", type=float, default=15.0,
                        help="seconds closed tabs' kiosks have to end before they count as leaked")
    args = parser.parse_args()
    if not Path("/proc").is_dir():
        print("bench/serve.py reads processes from /proc (Linux only)", file=sys.stderr)
        return 2

    from folders import own_folders  # bench/, the folder of the script run

    folder = own_folders("serve")
    port = free_port()
    env = dict(os.environ)
    server = subprocess.Popen([sys.executable, "-m", "chatbot", "serve", "--port", str(port), "--max-tabs",
                               str(args.tabs), "--max-tabs-per-address", str(args.tabs)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    every_kiosk_leaked: list[int] = []
    try:
        if not wait_until(lambda: _answers(base) or server.poll() is not None, 30) or server.poll() is not None:
            print("chatbot serve did not start", file=sys.stderr)
            return 1
        print(f"chatbot serve on {base}: {args.rounds} rounds of {args.tabs} tabs opened at once, closed at once")
        all_pss, all_first = [], []
        for number in range(1, args.rounds + 1):
            result = asyncio.run(one_round(server, base, args.tabs, args.grace))
            all_pss += result["pss"]
            all_first += result["first"]
            every_kiosk_leaked += result["leaked"]
            print(f"round {number}: {result['opened']} tabs drawn ({result['failed']} failed), "
                  f"first frame {describe(result['first'], ' s')}; PSS per tab {describe(result['pss'], ' MiB')}; "
                  f"leaked {len(result['leaked'])}")
        kiosks_at_stop = children(server.pid)
        began = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
            stopped = f"in {time.monotonic() - began:.2f} s, status {server.returncode}"
        except subprocess.TimeoutExpired:
            stopped = "NOT within 30 s"
        left = alive_in_groups(set(kiosks_at_stop) | {server.pid})
        crashes = _crashes(folder / "log")
        print(f"server stopped by SIGTERM {stopped}; processes left {len(left)}")
        print(f"all rounds: first frame {describe(all_first, ' s')}; PSS per tab {describe(all_pss, ' MiB')}")
        print(f"leaked kiosks: {len(every_kiosk_leaked)} (goal 0); crashes logged: {crashes}; "
              f"PSS goal {GOAL_PSS_MIB:g} MiB per tab: "
              f"{'met' if all_pss and max(all_pss) <= GOAL_PSS_MIB else 'NOT met'}")
        return 0 if not every_kiosk_leaked and not left else 1
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        for pid in alive_in_groups(set(every_kiosk_leaked)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/", timeout=2):
            return True
    except OSError:
        return False


def _crashes(log: Path) -> int:
    path = log / "kiosk.log"
    return sum(" error " in f" {line} " for line in path.read_text().splitlines()) if path.exists() else 0


if __name__ == "__main__":
    sys.exit(main())
