"""`records export --format csv` is safe to open in a spreadsheet: no cell a kiosk controls runs as a formula.

A kiosk login can store any text as what was typed (it calls `rec_record_answer` itself);
staff open exports in spreadsheets. Every cell that starts with = + - @, a tab or a
carriage return gets a leading apostrophe (OWASP's advice), so it is shown as text.
"""

from __future__ import annotations

import csv
import io

import pytest

from chatbot.cli import main
from chatbot.commands.records import cell
from chatbot.records.backends import open_writer
from chatbot.records.model import AnswerRecord, Event, SessionStart, now

HOSTILE = ['=HYPERLINK("//e.vil","not measured")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value, shown", [
    ('=HYPERLINK("//e.vil","x")', '\'=HYPERLINK("//e.vil","x")'),
    ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("-37.5", "-37.5"), ("38.6", "38.6"), ("a=b", "a=b"), (None, ""), (3, "3"),
])
def test_a_cell_that_would_run_starts_with_an_apostrophe(value, shown):
    assert cell(value) == shown


def test_the_csv_export_of_hostile_answers_opens_as_text(tmp_path, capsys):
    """Answers typed (or forged by a kiosk login) as formulas reach the CSV only as text."""
    url = f"sqlite://{tmp_path / 'records.sqlite3'}"
    at = now()
    with open_writer(url) as writer:
        writer.start_session(SessionStart("s1", "symptoms", 3, "hash", "en", "kiosk:k1", at),
                             Event("s1", 1, "created", at))
        for seq, typed in enumerate(HOSTILE, start=1):
            writer.record_answer(AnswerRecord("s1", seq, "temperature", "Your temperature?", "temperature", typed,
                                              typed, typed, {"temperature": typed}, at),
                                 Event("s1", seq + 1, "answered", at))
    assert main(["records", "export", "--format", "csv", "--database", url]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [value for row in rows[1:] for value in row]
    assert len(rows) == 1 + len(HOSTILE)
    assert [value for value in cells if value[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert [row[rows[0].index("typed")] for row in rows[1:]] == ["'" + typed for typed in HOSTILE]
