"""A real browser in the suite: Playwright for Python driving Debian's chromium (never a browser it
downloads) against a real `chatbot serve` on 127.0.0.1, every tab recording to a temporary SQLite
database.

Without chromium or the playwright package these tests skip, saying which is missing; under CI=true
(`.ci/run` installs both) they fail instead. A failed test leaves a screenshot of each of its pages
in build/browser/. Every wait is bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.needs import missing

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser"
CHROMIUM = ("chromium", "chromium-browser")
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]
"""This machine's network is closed: nothing of chromium's own calls out (and a test has no user to
make the first gesture that lets a tab play sound)."""
STARTS_WITHIN = 90.0  # a loaded machine starts Python, Textual and aiohttp slowly


def chromium_path() -> str | None:
    """Debian's chromium: CHATBOT_CHROMIUM, else the first on PATH."""
    given = os.environ.get("CHATBOT_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


@pytest.fixture
def browser():
    """chromium, headless, for one test. Not kept longer: while Playwright's synchronous API runs, its
    event loop is the thread's running loop, and any other test on the same worker that calls
    asyncio.run() (every Pilot test) would fail."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        missing("chromium is not installed (apt-get install chromium)")
    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])  # as root, chromium wants it
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=path, args=args, headless=True)
    except Exception as error:  # noqa: BLE001 - chromium that cannot start is said in one line
        playwright.stop()
        missing(f"chromium at {path} does not start: {str(error).splitlines()[0]}")
    yield launched
    launched.close()
    playwright.stop()


@dataclass
class Served:
    """A running `chatbot serve`: where to reach it and where its tabs record."""

    base: str
    database: str
    process: subprocess.Popen
    options: tuple[str, ...]

    def sessions(self):
        """Every session its tabs recorded, newest first."""
        from chatbot.records.backends import open_reader

        with open_reader(self.database) as reader:
            return reader.list_sessions()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_serving(folder: Path, *options: str) -> Served:
    """`chatbot serve` on a free port, its folders and database in `folder`, given `options`."""
    from chatbot.records.backends import migrate

    port = free_port()
    database = f"sqlite:///{folder / 'records.sqlite3'}"
    migrate(database)  # as a clinic does first: `chatbot records migrate`
    env = {**os.environ, "CHATBOT_LOG_DIR": str(folder / "log"), "CHATBOT_DATA_DIR": str(folder / "data"),
           "CHATBOT_CONFIG_DIR": str(folder / "config"), "XDG_CACHE_HOME": str(folder / "cache")}
    env.pop("CHATBOT_DATABASE", None)
    process = subprocess.Popen([sys.executable, "-m", "chatbot", "serve", "--port", str(port), "--database",
                                database, "--idle-timeout", "600", *options], env=env, cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTS_WITHIN
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=5):
                return Served(base, database, process, options)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_serving(process)
                raise AssertionError(f"chatbot serve did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)


def stop_serving(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    """`serve(*options)`: a `chatbot serve` for the module, one per set of options, stopped at its end."""
    running: dict[tuple[str, ...], Served] = {}

    def serving(*options: str) -> Served:
        if options not in running:
            running[options] = start_serving(tmp_path_factory.mktemp("serve"), *options)
        return running[options]

    yield serving
    for served in running.values():
        stop_serving(served.process)


@pytest.fixture
def pages(browser, request):
    """`pages(url, viewport=..., touch=False)`: a new tab in a fresh browser context, on `url`. Each is
    closed after the test; when the test failed, each is first saved as a screenshot in build/browser/."""
    contexts = []
    opened = []

    def open_page(url: str, *, viewport=(1024, 768), touch: bool = False):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, has_touch=touch,
                                      is_mobile=touch, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        opened.append(page)
        return page

    yield open_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", request.node.name)
        for number, page in enumerate(opened):
            try:
                page.screenshot(path=str(SHOTS / f"{name}-{number}.png"))
            except Exception:  # noqa: BLE001 - a page that is gone has nothing to show
                pass
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Each test's report, for the `pages` fixture to know whether it failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
