"""The canary: the private Textual hooks the kiosk (chatbot/kiosk/private_textual.py), the terminal
driver (chatbot/terminal/private_textual.py) and the styles a warm pool parses ahead
(chatbot/terminal/parsed_styles.py) rely on are still there, taking what they took. When a
Textual release changes one, this fails and names it, before a kiosk in a waiting room finds out."""

from __future__ import annotations

import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

from textual._xterm_parser import XTermParser
from textual.app import App
from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.drivers.linux_driver import LinuxDriver
from textual.drivers.web_driver import WebDriver

from chatbot.kiosk import private_textual
from chatbot.kiosk.app import KioskApp
from chatbot.terminal import parsed_styles
from chatbot.terminal import private_textual as terminal_private
from chatbot.terminal.driver import TerminalDriver, TerminalParser

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


TERMINAL_EXPECTED = {
    (XTermParser, "feed"): ["self", "data"],
    (XTermParser, "tick"): ["self"],
    (XTermParser, "_sequence_to_key_events"): ["self", "sequence", "alt"],
    (LinuxDriver, "run_input_thread"): ["self"],
}


def test_every_private_hook_of_the_terminal_driver_is_still_there_and_takes_what_it_took():
    """The parser's hooks and the driver's, and the places Textual makes what the driver reads."""
    named = {(XTermParser, name) for name in terminal_private.PARSER_HOOKS} | {
        (LinuxDriver, name) for name in terminal_private.DRIVER_HOOKS}
    assert named == set(TERMINAL_EXPECTED), "chatbot/terminal/private_textual.py and this canary must list the same hooks"
    changed = [f"{owner.__name__}.{name}" for (owner, name), parameters in TERMINAL_EXPECTED.items()
               if getattr(owner, name, None) is None or list(inspect.signature(getattr(owner, name)).parameters) != parameters]
    if "alt=alt" not in inspect.getsource(XTermParser.parse):
        changed.append("XTermParser.parse no longer names alt where it hands on an unknown sequence")
    if "self.run_input_thread()" not in inspect.getsource(LinuxDriver._run_input_thread):
        changed.append("LinuxDriver's input thread no longer runs run_input_thread")
    made = inspect.getsource(LinuxDriver.__init__) + inspect.getsource(LinuxDriver.start_application_mode)
    for attribute in terminal_private.DRIVER_ATTRIBUTES:
        if f"self.{attribute} =" not in made + inspect.getsource(LinuxDriver.__mro__[1].__init__):
            changed.append(f"a LinuxDriver is no longer made with {attribute}")
    if "WriterThread(self._file)" not in made:
        changed.append("the writer thread no longer writes to LinuxDriver._file")
    assert not changed, f"Textual {version('textual')} changed: {', '.join(changed)}"
    assert issubclass(TerminalDriver, LinuxDriver) and issubclass(TerminalParser, XTermParser)


def test_the_parts_of_a_style_sheet_parsed_ahead_are_still_there_and_take_what_they_took():
    """`parsed_styles` reads a style sheet's parse cache by Textual's own key, fills it through `_parse_rules`,
    and reads a class's default styles through `_get_default_css`."""
    assert parsed_styles.STYLESHEET_HOOKS == ("_parse_cache", "_parse_rules")
    assert parsed_styles.NODE_HOOKS == ("_get_default_css",)
    sheet = Stylesheet()
    changed = []
    if not isinstance(getattr(sheet, "_parse_cache", None), LRUCache):
        changed.append("Stylesheet._parse_cache is no longer an LRUCache")
    if list(inspect.signature(Stylesheet._parse_rules).parameters) != [
            "self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]:
        changed.append("Stylesheet._parse_rules")
    if "cache_key = (css, read_from, is_default_rules, tie_breaker, scope)" not in inspect.getsource(
            Stylesheet._parse_rules):
        changed.append("the key of Stylesheet._parse_cache")
    if list(inspect.signature(DOMNode._get_default_css).parameters) != ["self"]:
        changed.append("DOMNode._get_default_css")
    assert not changed, f"Textual {version('textual')} changed: {', '.join(changed)}"


def test_the_parts_that_mount_a_screen_under_the_one_on_top_are_still_there_and_take_what_they_took():
    """`private_textual.mount_under` does what `push_screen` does, for a place under the top of the stack
    (the kiosk's conversation under its welcome), and `lay_out` lays a screen out that is not shown."""
    from textual.screen import Screen

    assert private_textual.STACK_HOOKS == ("_screen_stack", "_get_screen")
    assert private_textual.SCREEN_HOOKS == ("_push_result_callback", "_refresh_layout")
    changed = []
    if not isinstance(inspect.getattr_static(App, "_screen_stack"), property):
        changed.append("App._screen_stack is no longer a property")
    if list(inspect.signature(App._get_screen).parameters) != ["self", "screen"] or \
            "self._register(self, _screen)" not in inspect.getsource(App._get_screen):
        changed.append("App._get_screen")
    if list(inspect.signature(Screen._push_result_callback).parameters) != ["self", "requester", "callback", "future"]:
        changed.append("Screen._push_result_callback")
    if "_pop_result_callback()" not in inspect.getsource(App.pop_screen):
        changed.append("App.pop_screen no longer pops a screen's result callback")
    if list(inspect.signature(Screen._refresh_layout).parameters) != ["self", "size", "scroll"]:
        changed.append("Screen._refresh_layout")
    assert not changed, f"Textual {version('textual')} changed: {', '.join(changed)}"
