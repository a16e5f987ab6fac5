"""The private parts of Textual the kiosk still relies on, each with why no public one will do.

Everything else uses Textual's public API. These are pinned by `textual~=8.2` in
pyproject.toml, and `tests/ui/test_private_textual.py` fails, naming the hook, the day a
Textual release renames one or changes what it is given.

- `App._handle_exception(error)`: the one place Textual sends an unexpected error in a
  handler before it shows its traceback screen and exits. A kiosk must never show a
  traceback to the next person: it logs the error and starts again at the welcome.
- `App._dispatch_message(message)`: where the app's own handlers run. Wrapping it lets an
  error in them restart the kiosk instead of ending it.
- The Linux driver's `_sigtstp_application` and `_sigcont_application`: the handlers of
  ctrl+z (SIGTSTP). Textual has no setting to stop a terminal suspending the app; the
  kiosk's driver replaces both with handlers that do nothing.
- `App._on_exit_app()`: where Textual's own ExitApp lands, which the web driver posts when the
  `chatbot serve` server says "quit" (the browser went away). The kiosk notes there that it is
  leaving, so that nothing failing afterwards counts as a crash and starts a new app.
- The web driver's `run_input_thread` and `exit_event`, and `textual.messages.ExitApp`: the
  driver's input loop simply ends when the server's pipe closes (the server died); the kiosk's
  driver then posts ExitApp, so that a tab never outlives its server.
- `App._driver`, and the web driver's `write_meta(dict)`: the one way a `chatbot serve` tab tells
  its page something besides the screen (the speech to play, the page's language). Textual uses it
  for its own `open_url` and file deliveries, and offers no public way to send one of ours.
- `App._screen_stack`, `App._get_screen(screen)` and `Screen._push_result_callback(requester, callback)`:
  what `push_screen` does to mount a screen, done for one put *under* the screen on top. A kiosk
  composes the conversation below its welcome after the welcome's first frame (`KioskApp.compose_conversation`);
  Textual mounts screens only on top of its stack, which would show it and take the welcome's focus.
  `Screen._refresh_layout(size)` then lays it out at the app's size, as Textual does for a screen
  pushed (when it is first shown), so that Start shows the first question without laying it out first.
"""

from __future__ import annotations

APP_HOOKS = ("_handle_exception", "_dispatch_message", "_on_exit_app")
"""Methods of `textual.app.App` that `KioskApp` overrides."""
SUSPEND_HOOKS = ("_sigtstp_application", "_sigcont_application")
"""Methods of Textual's Linux driver that a kiosk's driver replaces with ones that do nothing."""
TEXTUAL_PIN = "~=8.2"
"""The Textual releases these hooks are known in: the project's dependency says the same."""
STACK_HOOKS = ("_screen_stack", "_get_screen")
"""What of `textual.app.App` `mount_under` reads and calls."""
SCREEN_HOOKS = ("_push_result_callback", "_refresh_layout")
"""What of `textual.screen.Screen` `mount_under` and `lay_out` call."""
WEB_HOOKS = ("run_input_thread", "write_meta")
"""What a web driver (and only a web driver) has, of which the kiosk's driver wraps `run_input_thread`
(its `exit_event`, set when the app stops it, is made in its `__init__`)."""


def driver_of(app):
    """The app's driver (None before it runs): a served kiosk writes its page's messages through it."""
    return getattr(app, "_driver", None)


def exit_app_message():
    """Textual's own message that ends an app, as its drivers post it."""
    from textual.messages import ExitApp

    return ExitApp()


def mount_under(app, screen, above):
    """Mount `screen` in the app's screen stack just under `above`, as `push_screen` mounts one on top
    (its style sheets are the app's already): composed and styled, neither shown nor focused until the
    screens above it are popped. An awaitable that is done once it is mounted."""
    stack = app._screen_stack
    screen._push_result_callback(app, None)  # popped, as every screen of the stack is, by `pop_screen`
    stack.insert(stack.index(above), screen)
    return app._get_screen(screen)[1]


def lay_out(screen, size) -> None:
    """Lay out a screen that is not shown (`mount_under`) at `size`, drawing nothing: once it is shown
    at that size, Textual has nothing left to lay out."""
    screen._refresh_layout(size)
