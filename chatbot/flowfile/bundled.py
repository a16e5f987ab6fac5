"""Where the flow shipped with the package is: flows/symptoms.yaml in the repository, `chatbot.flows`
once installed. Found from the package's folder, without `importlib.resources` (and the zipfile it
imports): the UI's start-up (`chatbot.flowfile.cache`) reads it before its first frame."""

from __future__ import annotations

from pathlib import Path


def bundled_flow_path() -> Path:
    """The bundled flow file."""
    import chatbot.flows

    return Path(next(iter(chatbot.flows.__path__))) / "symptoms.yaml"
