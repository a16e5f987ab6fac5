"""Style sheets parsed once for every app started later in this process: a warm pool's kiosks.

An app parses its style sheets and each widget class's default styles as it starts (a fifth of a
served kiosk's time to its first frame), and its rules are its own: the next app parses them all
again. The warm pool's fork server (`chatbot.serve_zygote`) calls `prepare(app)` with an app made,
never run, as its kiosks will make theirs: every style such an app can read (its style sheets and
the default styles of every widget class imported by then) is parsed here, before the forks. Each
app calls `use(self)` when it is made, and its style sheet starts with those rules: its children
share them (copy on write) and parse only what is new. Nothing but the parsed rules is kept, by
the style's source and the theme's variables, so an app with other colours parses its own.

Plain `chatbot` is one app in a new process each time: it reads the rules its last run parsed from
the user's cache folder instead (`from_disk` as it is made, `to_disk` when it ends), a private copy
kept like the flow's (`chatbot.flowfile.cache`), by Textual's version and the theme's variables. Each
rule is kept by Textual's own key, which holds the style's whole source: a changed style sheet does not
match its old rules, and is parsed again.

Textual has no public way to hand parsed rules to a new app; this relies on three private parts of
it (pinned by `textual~=8.2`, checked by `tests/ui/test_private_textual.py`):
- `Stylesheet._parse_cache`: the LRU cache of rules an app's style sheet keeps by source (the CSS,
  where it was read from, whether it is a widget's default, its tie-breaker and scope); it is
  emptied when the theme's variables change;
- `Stylesheet._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)`: parses one source
  into that cache;
- `DOMNode._get_default_css()`: a widget class's default styles as Textual reads them, with their
  tie-breakers and scopes (it reads only the class).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

STYLESHEET_HOOKS = ("_parse_cache", "_parse_rules")
"""What of Textual's `Stylesheet` this module reads."""
NODE_HOOKS = ("_get_default_css",)
"""What of Textual's `DOMNode` this module reads."""

PARSED: dict[tuple, dict[tuple, list]] = {}
"""The theme's variables -> Textual's key of one source -> its rules."""


def _variables(app: App) -> tuple:
    """The theme's variables the app's style sheet was made with (Textual keeps them as `theme_variables`)."""
    return tuple(sorted(app.theme_variables.items()))


def prepare(app: App) -> int:
    """Parse every style an app like `app` can read, for those made after this; the number of sources.

    `app` is made and never run (no event loop, no thread): its own style sheet is left as it was."""
    from textual.css.stylesheet import Stylesheet
    from textual.dom import DOMNode

    sheet = Stylesheet(variables=dict(_variables(app)))
    sources = []
    for path in app.css_path:
        try:
            with open(path, encoding="utf-8") as css:
                sources.append((css.read(), (os.path.abspath(path), ""), False, 0, ""))
        except OSError:
            continue
    for node_class in _classes(DOMNode):
        blank = object.__new__(node_class)  # read for its class alone: nothing of an instance is made
        sources += [(css, where, True, tie, scope) for where, css, tie, scope in node_class._get_default_css(blank)]
    sheet._parse_cache.grow(len(sources) + 1)
    for css, where, default, tie, scope in sources:
        try:
            sheet._parse_rules(css, where, default, tie, scope)
        except Exception:  # the app reports it, should it ever read it
            continue
    kept = PARSED.setdefault(_variables(app), {})
    kept.update((key, sheet._parse_cache.get(key)) for key in list(sheet._parse_cache.keys()))
    return len(kept)


def use(app: App) -> None:
    """`app`'s style sheet starts with the rules `prepare` parsed for its theme (nothing when none were)."""
    kept = PARSED.get(_variables(app)) if PARSED else None
    if not kept:
        return
    cache = app.stylesheet._parse_cache
    cache.grow(cache.maxsize + len(kept))
    for key, rules in kept.items():
        cache.set(key, rules)


def from_disk(app: App) -> int:
    """`app`'s style sheet starts with the rules a run before this one kept (`to_disk`) for its theme and
    this Textual: the number of sources (0 when there is no copy, or it cannot be trusted)."""
    from chatbot.flowfile.cache import enabled, read_copy

    if not enabled():
        return 0
    stamp = _stamp(app)
    try:
        kept_stamp, kept = read_copy(_copy(stamp))
    except Exception:  # missing, not private, stale or broken: parse as usual
        return 0
    if kept_stamp != stamp or not isinstance(kept, dict):
        return 0
    cache = app.stylesheet._parse_cache
    cache.grow(cache.maxsize + len(kept))
    for key, rules in kept.items():
        cache.set(key, rules)
    app._styles_from_disk = frozenset(kept)
    return len(kept)


def to_disk(app: App) -> None:
    """Keep the rules `app` parsed for the next run (`from_disk`), when it parsed any not kept already."""
    from chatbot.flowfile.cache import enabled, keep_copy

    cache = app.stylesheet._parse_cache
    keys = list(cache.keys())
    if not enabled() or set(keys) <= getattr(app, "_styles_from_disk", frozenset()):
        return
    stamp = _stamp(app)
    keep_copy((stamp, {key: cache.get(key) for key in keys}), _copy(stamp))


def _stamp(app: App) -> tuple:
    """What parsed rules depend on besides their source: the theme's variables, this Python, and Textual's
    parser (its files, as the flow's copy is stamped with the code that reads flows: Textual's version
    would be read from its package metadata, slower than the parse it saves)."""
    import sys

    import textual.css

    parser = sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                    for entry in os.scandir(textual.css.__path__[0]) if entry.name.endswith(".py"))
    return sys.version, textual.css.__path__[0], tuple(parser), _variables(app)


def _copy(stamp: tuple):
    import zlib

    from chatbot.flowfile.cache import cache_dir

    return cache_dir("styles") / f"{zlib.crc32(repr(stamp).encode()):08x}.pickle"  # a name; the stamp is compared


def _classes(root: type) -> list[type]:
    found, waiting = [], [root]
    while waiting:
        for child in waiting.pop().__subclasses__():
            if child not in found:
                found.append(child)
                waiting.append(child)
    return found
