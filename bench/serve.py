"""`chatbot serve` under many browsers (issues 14 and 24): one tab, then many at once, with the warm
pool and beside it, in the same run, the baseline of one new Python per tab (`--pool 0`).

For each way of serving, a real server on 127.0.0.1 and a free port (its own data, log and
cache folders) is started and, with the pool, given time to fill it; both run at once, and
their measures take turns (every single tab first, then the rounds), so that neither is
measured only under the load the other made. Then, for each:
- single tab: `--singles` tabs, one after the other, each timed from connect to the welcome's
  "Start" drawn (its first frame), then closed (the pool is let refill between two);
- rounds: `--tabs` websockets opened at once (as browser tabs, with the page's Origin), each
  timed to its first frame; every kiosk's memory (PSS, /proc/PID/smaps_rollup) read once all
  are drawn; every tab closed at once; the kiosks still there `--grace` seconds later counted
  (leaked);
- the server is stopped by SIGTERM and what is left of it is counted too.
Every figure is printed with the load average of the minute it was measured in: the machine
may be shared, and a figure measured under load is slower than this code. The CPU time each
kiosk used by the time every tab is drawn is given too (the load slows it less: its first frame, and
what it did since, such as a kiosk's conversation composed under its welcome), and the ratios of the pool's
figures to the baseline's, measured side by side. Every wait is bounded.

Goals (issue 24): a single tab within 0.2 s; 50 tabs opened at once all drawn within 3 s; at
most 25 MiB PSS per tab; 0 leaked.

    python3 bench/serve.py [--tabs 50] [--rounds 2] [--singles 5] [--grace 15] [--pool 4] [--only pool]
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
from tests.helpers.processes import (alive_in_groups, children, command_line, descendants, memory_mib,  # noqa: E402
                                     threads)  # noqa: E402

GOAL_SINGLE_S = 0.2
GOAL_ALL_S = 3.0
GOAL_PSS_MIB = 25.0
FIRST_FRAME_WITHIN = 180.0
FORK_SERVER = "chatbot.serve_zygote"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def wait_until(condition, most: float) -> bool:
    deadline = time.monotonic() + most
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def fork_servers(server: int) -> set[int]:
    """The pool's fork server (its kiosks, forked from it, have its command line too)."""
    return {pid for pid in children(server) if FORK_SERVER in " ".join(command_line(pid))}


def kiosks(server: int) -> list[int]:
    """The server's kiosks: every process below it but the pool's fork server."""
    forkers = fork_servers(server)
    return [pid for pid in descendants(server) if pid not in forkers]


def ready(server: int) -> int:
    """Pooled kiosks waiting for a tab (forked, one thread: no app running yet)."""
    return sum(1 for pid in kiosks(server) if threads(pid) == 1)


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
        measured_under = load()
        sockets = [each[0] for each in opened if not isinstance(each, BaseException)]
        firsts = [each[1] for each in opened if not isinstance(each, BaseException)]
        busy = [pid for pid in kiosks(server.pid) if threads(pid) > 1]  # drawing a tab (the ready ones wait)
        memory = [m for m in (memory_mib(pid, "pss") for pid in busy) if m is not None]
        cpu = [c for c in (cpu_seconds(pid) for pid in busy) if c is not None]
        await asyncio.gather(*(socket_.close() for socket_ in sockets), return_exceptions=True)
    wait_until(lambda: not alive_in_groups(set(busy)), grace)
    return {"opened": len(sockets), "failed": tabs - len(sockets), "first": firsts, "pss": memory, "cpu": cpu,
            "leaked": alive_in_groups(set(busy)), "load": measured_under}


def cpu_seconds(pid: int) -> float | None:
    """The CPU time a process has used (user and system): a figure the machine's load slows far less
    than the wall clock. A pooled kiosk counts from its fork; a new Python from its start."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def single(base: str) -> float:
    import aiohttp

    async with aiohttp.ClientSession() as client:
        socket_, seconds = await open_tab(client, base)
        await socket_.close()
    return seconds


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"median {statistics.median(ordered):.{digits}f}{unit}, p95 {p95:.{digits}f}{unit}, "
            f"max {ordered[-1]:.{digits}f}{unit}")


class Way:
    """One way of serving: a server with `--pool pool`, and its figures as they are measured."""

    def __init__(self, name: str, pool: int, args: argparse.Namespace) -> None:
        self.name, self.pool, self.args = name, pool, args
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = subprocess.Popen(
            [sys.executable, "-m", "chatbot", "serve", "--port", str(self.port), "--max-tabs", str(args.tabs),
             "--max-tabs-per-address", str(args.tabs), "--pool", str(pool)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.seen: set[int] = set()
        self.figures: dict = {"name": name, "pool": pool, "leaked": [], "singles": [], "first": [], "pss": [],
                              "cpu": []}

    def started(self) -> None:
        server = self.server
        if not wait_until(lambda: _answers(self.base) or server.poll() is not None, 60) or server.poll() is not None:
            raise SystemExit(f"chatbot serve --pool {self.pool} did not start")
        wait_until(self.filled, 60)

    def filled(self) -> bool:
        return ready(self.server.pid) >= self.pool

    def single(self) -> None:
        wait_until(self.filled, 10)
        time.sleep(0.3)  # the last closed tab's kiosk ends before the next is timed
        self.figures["singles"].append(asyncio.run(single(self.base)))
        self.figures.setdefault("single_load", load())

    def round(self, number: int) -> None:
        wait_until(self.filled, 30)
        self.seen |= set(kiosks(self.server.pid))
        result = asyncio.run(one_round(self.server, self.base, self.args.tabs, self.args.grace))
        self.seen |= set(result["leaked"])
        for key in ("first", "pss", "cpu", "leaked"):
            self.figures[key] += result[key]
        self.figures.setdefault("round_load", result["load"])
        print(f"  {self.name}: round {number}: {result['opened']} tabs drawn ({result['failed']} failed), first "
              f"frame {spread(result['first'], ' s')}; PSS per tab {spread(result['pss'], ' MiB', 1)}; CPU per tab "
              f"by the time all are drawn {spread(result['cpu'], ' s')}; leaked {len(result['leaked'])} ({result['load']})",
              flush=True)

    def stop(self) -> None:
        """SIGTERM, and what is left of the server and its kiosks counted."""
        server = self.server
        at_stop = set(descendants(server.pid)) | self.seen
        began = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
            self.figures["stopped"] = f"in {time.monotonic() - began:.2f} s"
        except subprocess.TimeoutExpired:
            self.figures["stopped"] = "NOT within 30 s"
        wait_until(lambda: not alive_in_groups(at_stop | {server.pid}), 5)
        self.figures["left"] = alive_in_groups(at_stop | {server.pid})

    def end(self) -> None:
        """Whatever happened, nothing of this way is left running."""
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=10)
        for pid in alive_in_groups(self.seen):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def measure(ways: list[Way], args: argparse.Namespace) -> list[dict]:
    """Both servers up at once; the single tabs of every way first, then the rounds, taking turns,
    so that no way is measured only under the load the other made."""
    try:
        for way in ways:
            way.started()
        for _ in range(args.singles):
            for way in ways:
                way.single()
        for way in ways:
            print(f"  {way.name}: single tab, first frame {spread(way.figures['singles'], ' s', 3)} "
                  f"({way.figures['single_load']})", flush=True)
        for number in range(1, args.rounds + 1):
            for way in ways:
                way.round(number)
        for way in ways:
            way.stop()
        return [way.figures for way in ways]
    finally:
        for way in ways:
            way.end()


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--singles", type=int, default=5)
    parser.add_argument("--grace", type=float, default=15.0,
                        help="seconds closed tabs' kiosks have to end before they count as leaked")
    parser.add_argument("--pool", type=int, default=4, help="the warm pool's size measured (default 4)")
    parser.add_argument("--only", choices=("pool", "baseline"), default=None,
                        help="measure one way only (default: both, taking turns)")
    args = parser.parse_args()
    if not Path("/proc").is_dir():
        print("bench/serve.py reads processes from /proc (Linux only)", file=sys.stderr)
        return 2

    from folders import own_folders  # bench/, the folder of the script run

    own_folders("serve")
    ways = [("baseline, one new Python per tab (--pool 0)", 0), (f"warm pool (--pool {args.pool})", args.pool)]
    ways = [way for way in ways if args.only is None or (args.only == "pool") == (way[1] > 0)]
    print(f"chatbot serve: {args.singles} single tabs, then {args.rounds} rounds of {args.tabs} tabs opened at once "
          f"and closed at once; {os.cpu_count()} cores, {load()} at the start")
    results = measure([Way(name, pool, args) for name, pool in ways], args)
    print()
    print("| figure | " + " | ".join(each["name"] for each in results) + " | goal |")
    print("|---|" + "---|" * len(results) + "---|")
    rows = [
        ("single tab, first frame (median)", lambda r: f"{statistics.median(r['singles']):.3f} s ({r['single_load']})",
         f"<= {GOAL_SINGLE_S} s"),
        (f"{args.tabs} at once, first frame median / p95 / max",
         lambda r: spread(r["first"], " s").replace("median ", "").replace("p95 ", "").replace("max ", "")
         .replace(", ", " / ") + f" ({r['round_load']})", f"max <= {GOAL_ALL_S:g} s"),
        ("PSS per tab, median / max", lambda r: (f"{statistics.median(r['pss']):.1f} / {max(r['pss']):.1f} MiB "
                                                 f"({r['round_load']})") if r["pss"] else "-",
         f"<= {GOAL_PSS_MIB:g} MiB"),
        ("CPU per tab by the time all are drawn, median (the load slows it less)",
         lambda r: f"{statistics.median(r['cpu']):.2f} s" if r["cpu"] else "-", ""),
        ("kiosks leaked by closed tabs", lambda r: str(len(r["leaked"])), "0"),
        ("left after SIGTERM of the server", lambda r: f"{len(r['left'])} (stopped {r['stopped']})", "0"),
    ]
    for title, value, goal in rows:
        print(f"| {title} | " + " | ".join(value(r) for r in results) + f" | {goal} |")
    pooled = [r for r in results if r["pool"] > 0]
    if len(results) == 2 and all(r["first"] and r["cpu"] for r in results):
        base, pool = results
        single_ratio = statistics.median(pool["singles"]) / statistics.median(base["singles"])
        print(f"\nwarm pool / baseline, same run: single tab {single_ratio:.2f}, "
              f"{args.tabs} at once (max) {max(pool['first']) / max(base['first']):.2f}, CPU per tab "
              f"{statistics.median(pool['cpu']) / statistics.median(base['cpu']):.2f}, PSS per tab "
              f"{statistics.median(pool['pss']) / statistics.median(base['pss']):.2f}")
    if pooled:
        r = pooled[0]
        print(f"\nwarm pool: single tab {verdict(statistics.median(r['singles']) <= GOAL_SINGLE_S)}, "
              f"{args.tabs} at once {verdict(bool(r['first']) and max(r['first']) <= GOAL_ALL_S)}, "
              f"PSS {verdict(bool(r['pss']) and max(r['pss']) <= GOAL_PSS_MIB)} "
              "(figures measured under load are slower than this code: see the load beside each)")
    return 0 if all(not r["leaked"] and not r["left"] for r in results) else 1


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/", timeout=2):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
