"""What `pip install .` ships: every subpackage, the bundled flow and the styles."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_subpackage_is_listed_for_the_wheel():
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "chatbot").rglob("__init__.py")}
    listed = set(SETUPTOOLS["packages"]) - {"chatbot.flows"}
    assert on_disk == listed


def test_the_bundled_flow_and_styles_are_package_data():
    assert SETUPTOOLS["package-dir"]["chatbot.flows"] == "flows"
    assert "*.yaml" in SETUPTOOLS["package-data"]["chatbot.flows"]
    assert (ROOT / "flows" / "symptoms.yaml").is_file()
    assert list((ROOT / "chatbot").glob("*.tcss")) and "*.tcss" in SETUPTOOLS["package-data"]["chatbot"]
