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


def test_every_package_the_code_imports_is_a_declared_dependency():
    """A package imported directly is declared, not borrowed from another's dependencies (jinja2 and
    aiohttp came with textual-serve until a version of it stops bringing them)."""
    import ast
    import re
    import sys
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
                for requirement in project["dependencies"]}
    distributions = packages_distributions()
    imported = set()
    for path in (ROOT / "chatbot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            imported |= {name.split(".")[0] for name in names}
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "chatbot"}
    undeclared = {name: distributions.get(name) for name in third_party
                  if not {dist.lower().replace("_", "-") for dist in distributions.get(name, [name])} & declared}
    assert undeclared == {}
