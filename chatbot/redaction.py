"""Passwords out of everything shown: one redaction for every URL (database and FHIR), in any message.

`redact_url(url)` shows one URL with its password, and any `password=` value, as
`***`, whatever the password holds (spaces, `@`, `:`, `/`, `%`, letters of any script,
nothing at all): it cannot know where such a password ends, so it hides everything
from the user's `:` to the URL's last `@`, which may be more than the password, never
less. `redact(text)` does the same for every URL in a message (a password there ends
before the next URL); every message that could quote a URL passes it.

A library that reads such a URL (urllib, libpq) may split the password at its `/`,
`?`, `#`, `@` or space and quote a piece of it in its own error message, past any
redaction. So a URL whose user or password holds one of these is refused before any
library sees it (`userinfo_refused`), with what to write instead (percent-encoding).
"""

from __future__ import annotations

import re

from chatbot.catalog import Message, message

HIDDEN = "***"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_USER = re.compile(r"[^:@/\s]*")
_PASSWORD_PARAMETER = re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&\s]*)")
_NEXT_URL = re.compile(r"[\s'\"(<\[][A-Za-z][A-Za-z0-9+.-]*://")
_AMBIGUOUS = re.compile(r"[/?#@\s]|%(?![0-9A-Fa-f]{2})")


def redact_url(url: str) -> str:
    """`url` (one URL, as given) with its password, and any `password=` value, replaced by `***`:
    everything from the user's `:` to the URL's last `@` may be the password, so all of it goes."""
    return _redact_line(str(url), whole=True)


def redact(text: str) -> str:
    """`text` (a message) with the password of every URL in it, and any `password=` value, replaced
    by `***`. A password ends at the last `@` before the next URL (one after a space or a quote)."""
    return "\n".join(_redact_line(line, whole=False) for line in str(text).split("\n"))


def _redact_line(line: str, *, whole: bool) -> str:
    shown, at = [], 0
    while (scheme := _SCHEME.search(line, at)) is not None:
        user_end = _USER.match(line, scheme.end()).end()
        end = len(line) if whole else _next_url(line, user_end)
        last_at = line.rfind("@", user_end, end)
        if user_end < len(line) and line[user_end] == ":" and last_at > user_end:
            shown.append(line[at:user_end + 1] + HIDDEN)  # everything up to the last @ may be the password
            at = last_at
        else:
            shown.append(line[at:scheme.end()])
            at = scheme.end()
    shown.append(line[at:])
    return _PASSWORD_PARAMETER.sub(lambda match: match.group(1) + HIDDEN, "".join(shown))


def _next_url(line: str, start: int) -> int:
    """Where the next URL that stands on its own (after a space, a quote or a bracket) begins."""
    following = _NEXT_URL.search(line, start)
    return following.start() + 1 if following else len(line)


def userinfo_refused(url: str) -> Message | None:
    """Why the user and password part of `url` would be misread (and so quoted in pieces by a
    library's message), or None. Only a URL with an `@` has that part."""
    scheme = _SCHEME.match(url.strip())
    if scheme is None:
        return None
    rest = url.strip()[scheme.end():]
    last_at = rest.rfind("@")
    if last_at < 0 or not _AMBIGUOUS.search(rest[:last_at]):
        return None
    # no at sign in the words: redact() reads one as a URL's
    return message("percent-encode the user name and password (and the rest of the address): write the at sign "
                   "as %40, / as %2F, ? as %3F, # as %23, a space as %20 and % as %25")


def redact_tracebacks() -> None:
    """From now on, a traceback printed because nothing caught an exception (in any thread) is
    printed redacted: a message that quotes a URL shows no password there either."""
    import sys
    import threading

    def show(kind, error, trace) -> None:
        import traceback

        sys.stderr.write(redact("".join(traceback.format_exception(kind, error, trace))))

    sys.excepthook = show
    threading.excepthook = lambda hook: show(hook.exc_type, hook.exc_value, hook.exc_traceback)
