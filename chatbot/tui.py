"""The Textual UI (being built)."""


def run_app(args) -> int:
    raise SystemExit("the Textual UI is not built yet")
