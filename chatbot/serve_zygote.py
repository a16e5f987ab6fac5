"""The fork server behind `chatbot serve`'s warm pool (`chatbot.commands.serve_pool`): one process that has
done everything a served kiosk does before its first person (the imports, the flow loaded,
the styles parsed, the objects it made set aside from the garbage collector) and forks one kiosk per request.

A child forked from it shares those pages with it and every other child (copy on write), so a
tab costs little more than what its own session makes, and it has nothing left to import.

    python -m chatbot.serve_zygote FD KIOSK-OPTIONS...

It sits above the command line (`chatbot.cli`), whose kiosk it runs in each child. `FD` is a
Unix socket to the server (`serve_pool.KioskPool`); `KIOSK-OPTIONS` are those of
`python -m chatbot` for a tab (`serve.kiosk_argv`). Each byte the server sends asks for one
kiosk: a socket pair is made, the child forked, and the server's end of the pair is passed
to the server with the child's process id (SCM_RIGHTS). When the server's end of `FD`
closes (the server stopped, or was killed), this process ends what it forked (`_end_children`)
and then itself.

A child starts its own session (process group), keeps its end of the pair and nothing else
of this process's, and waits for the server's start message (`serve_pool.start_message`: the
tab's terminal size). Then that socket is its standard input and output, as a spawned kiosk's
pipes are, and it runs the kiosk exactly as `python -m chatbot --kiosk --served` does. It
serves that one tab and exits: nothing of one person's kiosk is ever handed to another.

Fork safety: no thread, event loop, open database or log file exists here before a fork (the
records are opened by each child, after its first frame); `random` is seeded again in each
child, and session ids, PIN back-off and every other state of a session are made in the child.
"""

from __future__ import annotations

import gc
import json
import os
import random
import signal
import socket
import sys
import threading

from chatbot.commands.serve_pool import HEADER, MOST_START_BYTES

WARM_MODULES = (
    "chatbot.kiosk.supervisor",
    "chatbot.kiosk.screens",
    "chatbot.tui",
    "chatbot.records.recorder",
    "chatbot.speech.speaker",
    "textual.drivers.web_driver",
    "textual.drivers._byte_stream",
    "textual.drivers._input_reader_linux",
    "textual._xterm_parser",
    "textual.scrollbar",
    "textual.pilot",
    "textual.drivers.headless_driver",
    "chatbot.cli",
)
"""Imported here once, before any fork: what a served kiosk imports on the way to its first frame.
A name that is not there (another platform, another Textual) is skipped."""


def main(argv: list[str]) -> int:
    """Warm up as a kiosk with `argv[1:]` would, then fork one child per byte read from socket `argv[0]`."""
    from chatbot.collector import pause_for_start_up
    from chatbot.redaction import redact_tracebacks

    redact_tracebacks()
    control = socket.socket(fileno=int(argv[0]))
    pause_for_start_up()
    from chatbot.commands.arguments import kiosk_options, parse, ui_options
    from chatbot.flowfile.cache import load_flow_cached

    args = parse(argv[1:])
    options, kiosk = ui_options(args), kiosk_options(args)
    flow = load_flow_cached(options.flow)
    _warm()
    _parse_styles(flow, options, kiosk)
    gc.collect()
    gc.freeze()  # the children never walk (and so never copy) what is made here
    if threading.active_count() != 1:
        from chatbot.catalog import message
        from chatbot.commands.said import said

        print("chatbot serve: " + said(message("the warm pool is off (a thread was started before forking)")),
              file=sys.stderr)
        return 1
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is the server's: it ends the pool
    while True:
        asked = control.recv(256)
        if not asked:
            _end_children()
            return 0
        for _ in range(len(asked)):
            theirs = _fork(control)
            if theirs is not None:  # the child
                return _run_tab(theirs, flow, options, kiosk)


def _warm() -> None:
    import importlib

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _parse_styles(flow, options, kiosk) -> None:
    """Every style a kiosk reads, parsed once here (`chatbot.terminal.parsed_styles`) on an app made as
    theirs are and never run: no event loop, no thread, and nothing of a session is kept."""
    from chatbot.kiosk.supervisor import kiosk_app
    from chatbot.terminal import parsed_styles

    parsed_styles.prepare(kiosk_app(flow, options, kiosk))


FORKED: set[int] = set()
"""The children still running."""
END_WITHIN = 2.0
"""Seconds the children have to end on SIGTERM when the server has gone, before SIGKILL."""


def _reap(*_: object) -> None:
    """Children that ended are reaped at once (the server watches them by their process id)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            FORKED.clear()
            return
        if pid == 0:
            return
        FORKED.discard(pid)


def _end_children() -> None:
    """The server has gone: every child's group gets SIGTERM (a kiosk in use ends cleanly), and
    SIGKILL `END_WITHIN` seconds later. By a server's own stop, only ready kiosks are left."""
    import time

    for number in (signal.SIGTERM, signal.SIGKILL):
        for pid in list(FORKED):
            try:
                os.killpg(pid, number)
            except (ProcessLookupError, PermissionError):
                FORKED.discard(pid)
        deadline = time.monotonic() + END_WITHIN
        while FORKED and time.monotonic() < deadline:
            _reap()
            time.sleep(0.02)


def _fork(control: socket.socket) -> socket.socket | None:
    """One child; in the child its socket, here None (the server got the other end)."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        FORKED.clear()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        control.close()
        ours.close()
        os.setsid()
        return theirs
    FORKED.add(pid)
    theirs.close()
    try:
        socket.send_fds(control, [HEADER.pack(pid)], [ours.fileno()])
    except OSError:  # the server is gone: the child sees its socket close and ends
        pass
    ours.close()
    return None


def _run_tab(connection: socket.socket, flow, options, kiosk) -> int:
    """The child: wait for a tab, then be its kiosk (the socket is its standard input and output)."""
    try:
        size = _read_exactly(connection, HEADER.size)
        start = json.loads(_read_exactly(connection, min(HEADER.unpack(size)[0], MOST_START_BYTES)))
        width, height = int(start["width"]), int(start["height"])
    except (EOFError, OSError, ValueError, KeyError, TypeError):
        return 0  # the pool closed before a tab came: nobody was served
    os.dup2(connection.fileno(), 0)
    os.dup2(connection.fileno(), 1)
    connection.close()
    os.environ["COLUMNS"], os.environ["ROWS"] = str(width), str(height)
    random.seed()  # as os.fork does for `random` itself: said here, as each child's own
    from chatbot.cli import open_ui

    return open_ui(options, kiosk, flow)


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = connection.recv(size - len(data))
        if not more:
            raise EOFError
        data += more
    return data


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
