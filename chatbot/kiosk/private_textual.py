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
"""

from __future__ import annotations

APP_HOOKS = ("_handle_exception", "_dispatch_message")
"""Methods of `textual.app.App` that `KioskApp` overrides."""
SUSPEND_HOOKS = ("_sigtstp_application", "_sigcont_application")
"""Methods of Textual's Linux driver that a kiosk's driver replaces with ones that do nothing."""
TEXTUAL_PIN = "~=8.2"
"""The Textual releases these hooks are known in: the project's dependency says the same."""
