"""The build's one step beyond pyproject.toml: the UI's gettext catalogs compiled, .po to .mo, by Babel.

`chatbot/locale/LANG/LC_MESSAGES/chatbot.po` is the source a translator edits; its `.mo` is made
here, into the wheel (and, for an editable install, beside the `.po`), and never committed.
A catalog with a fuzzy or untranslated entry still builds (that entry shows its English); CI
refuses one (`msgfmt --check --statistics` in .ci/run).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """build_py, then every .po of chatbot/locale compiled to its .mo beside it in the build."""

    def run(self):
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        here = Path(__file__).resolve().parent
        for po in sorted((here / "chatbot" / "locale").glob("*/LC_MESSAGES/*.po")):
            relative = po.relative_to(here).with_suffix(".mo")
            target = here / relative if self.editable_mode else Path(self.build_lib) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithCatalogs})
