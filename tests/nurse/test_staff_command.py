"""`chatbot staff` on both backends: add with the PIN on standard input, list, remove; bad input is one line."""

from __future__ import annotations

import io

import pytest

from chatbot.cli import main


def staff(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["staff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_staff_are_added_listed_and_removed(database, capsys, monkeypatch):
    """A provisioning script pipes the PIN in; the list shows names only, never a hash."""
    assert staff(capsys, monkeypatch, "add", "Rosa", "--database", database, stdin="482619\n")[0] == 0
    code, out, _ = staff(capsys, monkeypatch, "list", "--database", database)
    assert code == 0 and out.startswith("Rosa\tadded ")
    assert staff(capsys, monkeypatch, "remove", "Rosa", "--database", database)[0] == 0
    assert staff(capsys, monkeypatch, "list", "--database", database)[1] == ""


@pytest.mark.parametrize("args, stdin, says", [
    (("add", "Rosa"), "111111\n", "too easy to guess"),
    (("add", "Rosa"), "12\n", "6 to 12 digits"),
    (("add", "Rosa"), "4826\n", "6 to 12 digits"),  # four digits were enough once; a guesser took 5 minutes
    (("unlock", "Nobody"), "", "no staff member called 'Nobody'"),
    (("remove", "Nobody"), "", "no staff member called 'Nobody'"),
])
def test_bad_staff_input_is_one_line(database, capsys, monkeypatch, args, stdin, says):
    """No traceback, one line saying what is wrong, nothing changed."""
    code, out, err = staff(capsys, monkeypatch, *args, "--database", database, stdin=stdin)
    assert code != 0 and says in err and err.count("\n") == 1 and out == ""
