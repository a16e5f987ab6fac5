"""`chatbot serve`'s warm pool: kiosks started ahead, one handed to each new tab.

One fork server (`chatbot.serve_zygote`) imports the kiosk and loads the flow once; the pool asks it
for kiosks and keeps `size` of them ready (forked, no session yet). A new tab takes the oldest
ready kiosk (`KioskPool.take`) and a replacement is asked for at once; when none is ready the
tab waits for the next one forked. Each kiosk serves one tab and exits: a kiosk taken is
never in the pool again. A ready kiosk that dies is noticed (its pidfd) and replaced; past
`size` ready, a kiosk is ended, not kept. When the fork server itself ends, it is started
again; when it cannot start (`MOST_RESTARTS` in a row), the pool is off and every tab
starts its own process, as without it. Closing the pool ends the fork server, which ends
what it forked (only ready kiosks are left by then: the tabs' kiosks end with their tabs).

Linux only (pidfds, SCM_RIGHTS): elsewhere `supported()` is False and every tab starts its
own process.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import signal
import json
import socket
import struct
import sys

HEADER = struct.Struct("!I")
"""The length before a start message, and the process id the fork server sends with each kiosk's socket."""
MOST_START_BYTES = 4096
FORK_SERVER = "chatbot.serve_zygote"

log = logging.getLogger("textual-serve")

DEFAULT_SIZE = 4
"""Kiosks kept ready: a burst of tabs past it is forked on demand (a fork takes milliseconds), so a
few are enough; each ready kiosk costs about 1 MiB of its own (the rest is shared)."""
MOST_RESTARTS = 3
"""The fork server started again this many times without forking a kiosk: the pool is off."""
STOP_WITHIN = 3.0
"""Seconds the fork server has to end (with what it forked) when the pool closes, before SIGKILL."""


def start_message(width: int, height: int) -> bytes:
    """What the server sends a pooled kiosk when a tab takes it: the tab's terminal size."""
    body = json.dumps({"width": width, "height": height}).encode("utf-8")
    return HEADER.pack(len(body)) + body


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "recv_fds")


class PooledKiosk:
    """A kiosk forked ahead, read by textual-serve as it reads a spawned process: `pid`, `stdin`,
    `stdout`, `stderr`, `returncode` (0 once it has ended: its status is its parent's to read) and
    `wait()`. Its end is seen through a pidfd."""

    def __init__(self, pid: int, connection: socket.socket, pidfd: int, on_end) -> None:
        self.pid = pid
        self.connection = connection
        self.returncode: int | None = None
        self.stdin: asyncio.StreamWriter | None = None
        self.stdout: asyncio.StreamReader | None = None
        self.stderr = asyncio.StreamReader()
        self.stderr.feed_eof()  # a pooled kiosk's errors go straight to the server's output (`_server_output`)
        self._ended = asyncio.get_running_loop().create_future()
        self._pidfd = pidfd
        self._on_end = on_end
        asyncio.get_running_loop().add_reader(pidfd, self._end)

    def _end(self) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._pidfd)
        os.close(self._pidfd)
        self.returncode = 0
        if not self._ended.done():
            self._ended.set_result(0)
        self._on_end(self)

    async def wait(self) -> int:
        await asyncio.shield(self._ended)
        return 0

    async def connect(self, width: int, height: int) -> asyncio.StreamWriter:
        """The tab takes this kiosk: its size is sent, and the socket becomes the kiosk's pipes."""
        self.stdout, self.stdin = await asyncio.open_connection(sock=self.connection)
        self.stdin.write(start_message(width, height))
        return self.stdin

    def discard(self) -> None:
        """End a kiosk no tab took (nobody's session is in it)."""
        if self.stdin is None:
            self.connection.close()
        signal_group(self.pid, signal.SIGKILL)


def _server_output() -> int | None:
    """Where the kiosks' own error output goes: the server's standard output, as textual-serve sends a
    spawned kiosk's there (the server's standard error is its own log)."""
    try:
        return sys.__stdout__.fileno() if sys.__stdout__ is not None else None
    except (OSError, ValueError):
        return None


def signal_group(group: int, number: int) -> None:
    """Signal a kiosk's process group; one already gone is no error."""
    try:
        os.killpg(group, number)
    except (ProcessLookupError, PermissionError):
        pass


class KioskPool:
    """At most `size` kiosks ready, forked by one fork server running `kiosk_args` (see the module)."""

    def __init__(self, kiosk_args: list[str], size: int, environment: dict[str, str]) -> None:
        self.kiosk_args = kiosk_args
        self.size = size
        self.environment = environment
        self.ready: collections.deque[PooledKiosk] = collections.deque()
        self.waiters: collections.deque[asyncio.Future] = collections.deque()
        self.asked = 0
        """Kiosks asked of the fork server and not yet received."""
        self.handed = 0
        self.replaced = 0
        """Ready kiosks that died and were replaced."""
        self.off = False
        self.closing = False
        self.server: asyncio.subprocess.Process | None = None
        self._control: socket.socket | None = None
        self._restarts = 0
        self._watch: asyncio.Task | None = None

    async def start(self) -> None:
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        try:
            self.server = await asyncio.create_subprocess_exec(
                sys.executable, "-m", FORK_SERVER, str(theirs.fileno()), *self.kiosk_args,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=_server_output(),
                env=self.environment,
                pass_fds=(theirs.fileno(),), start_new_session=True)
        except OSError as error:
            ours.close()
            self._turn_off(f"the fork server could not start ({error})")
            return
        finally:
            theirs.close()
        self._control = ours
        asyncio.get_running_loop().add_reader(ours, self._received)
        self.asked = 0
        self._watch = asyncio.create_task(self._watch_server(self.server))
        self._top_up()

    async def take(self) -> PooledKiosk | None:
        """A ready kiosk, or the next one forked; None when the pool is off (start a process instead)."""
        while self.ready and not self.off:
            kiosk = self.ready.popleft()
            if kiosk.returncode is None:
                self.handed += 1
                self._top_up()
                return kiosk
        if self.off or self.closing:
            return None
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        self._top_up()
        try:
            kiosk = await waiter
        finally:
            if waiter in self.waiters:
                self.waiters.remove(waiter)
        if kiosk is not None:
            self.handed += 1
        return kiosk

    def _top_up(self) -> None:
        """Ask for what the waiting tabs and a full pool need, less what is ready or already asked for."""
        wanted = len(self.waiters) + self.size - len(self.ready) - self.asked
        if wanted <= 0 or self._control is None or self.closing:
            return
        try:
            self._control.send(b"k" * wanted)
        except OSError:  # the fork server is gone: `_watch_server` starts another
            return
        self.asked += wanted

    def _received(self) -> None:
        """Kiosks the fork server sent (each its process id and the server's end of its socket)."""
        control = self._control
        while control is not None:
            try:
                data, fds, _flags, _address = socket.recv_fds(control, HEADER.size, 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data, fds = b"", []
            if not data:
                for fd in fds:
                    os.close(fd)
                asyncio.get_running_loop().remove_reader(control)
                return  # the fork server ended: `_watch_server` sees to it
            self.asked = max(0, self.asked - 1)
            self._restarts = 0
            if len(data) != HEADER.size or len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                continue
            self._arrived(HEADER.unpack(data)[0], socket.socket(fileno=fds[0]))

    def _arrived(self, pid: int, connection: socket.socket) -> None:
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:  # it has ended already
            connection.close()
            self._top_up()
            return
        kiosk = PooledKiosk(pid, connection, pidfd, self._ended)
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(kiosk)
                return
        if len(self.ready) >= self.size or self.closing:
            kiosk.discard()  # the limit holds: a tab that waited for it has gone
            return
        self.ready.append(kiosk)

    def _ended(self, kiosk: PooledKiosk) -> None:
        """A kiosk ended: when it was a ready one, another is asked for."""
        if kiosk in self.ready:
            self.ready.remove(kiosk)
            kiosk.connection.close()
            self.replaced += 1
            self._top_up()

    async def _watch_server(self, server: asyncio.subprocess.Process) -> None:
        await server.wait()
        if self.closing or server is not self.server:
            return
        self._close_control()
        while self.ready:  # forked by the server that ended: the new one starts afresh
            self.ready.popleft().discard()
        self._restarts += 1
        if self._restarts > MOST_RESTARTS:
            self._turn_off(f"the fork server ended {MOST_RESTARTS + 1} times without starting a kiosk")
            return
        log.warning("the warm pool's fork server ended (status %s): starting another", server.returncode)
        await self.start()

    def _turn_off(self, why: str) -> None:
        log.warning("the warm pool is off: %s; each tab starts its own process", why)
        self.off = True
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _close_control(self) -> None:
        if self._control is not None:
            try:
                asyncio.get_running_loop().remove_reader(self._control)
            except (ValueError, OSError):
                pass
            self._control.close()
            self._control = None

    async def close(self) -> None:
        """No more kiosks: the ready ones end, and the fork server with what it forked."""
        self.closing = True
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)
        while self.ready:
            self.ready.popleft().discard()
        self._close_control()  # the fork server sees its socket close and ends, with its children
        server = self.server
        if server is not None and server.returncode is None:
            try:
                await asyncio.wait_for(server.wait(), STOP_WITHIN)
            except asyncio.TimeoutError:
                signal_group(server.pid, signal.SIGKILL)
                await server.wait()
        if self._watch is not None:
            self._watch.cancel()
