"""The canary: the private Textual hooks the kiosk relies on (chatbot/kiosk/private_textual.py)
are still there, taking what they took. When a Textual release changes one, this fails and
names it, before a kiosk in a waiting room finds out."""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.drivers.web_driver import WebDriver

from chatbot.kiosk import private_textual
from chatbot.kiosk.app import KioskApp

EXPECTED = {
    (App, "_handle_exception"): ["self", "error"],
    (App, "_dispatch_message"): ["self", "message"],
    (App, "_on_exit_app"): ["self"],
    (WebDriver, "run_input_thread"): ["self"],
    (LinuxDriver, "_sigtstp_application"): ["self", "_"],
    (LinuxDriver, "_sigcont_application"): ["self", "_"],
}


def test_every_private_hook_is_still_there_and_takes_what_it_took():
    """Each hook of `private_textual` is in the Textual installed, with the parameters we call it with."""
    named = {(App, name) for name in private_textual.APP_HOOKS} | {
        (LinuxDriver, name) for name in private_textual.SUSPEND_HOOKS} | {(WebDriver, "run_input_thread")}
    assert named == set(EXPECTED), "private_textual and this canary must list the same hooks"
    changed = []
    for (owner, name), parameters in EXPECTED.items():
        hook = getattr(owner, name, None)
        if hook is None or list(inspect.signature(hook).parameters) != parameters:
            changed.append(f"{owner.__name__}.{name}")
        elif owner is App and name not in vars(KioskApp):
            changed.append(f"KioskApp no longer overrides {name}")
    if not all(hasattr(WebDriver, hook) for hook in private_textual.WEB_HOOKS) or "self.exit_event" not in \
            inspect.getsource(WebDriver.__init__):
        changed.append("WebDriver's input loop")
    assert not changed, f"Textual {version('textual')} changed: {', '.join(changed)}"
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert f"textual{private_textual.TEXTUAL_PIN}" in pyproject["project"]["dependencies"]
