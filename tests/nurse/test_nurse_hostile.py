"""A session whose every word a kiosk login chose, at the station (issue 21, item 6): its row in the
queue, the SBAR text, what is copied to the clipboard, the printable page and the files' names
hold nothing that acts.

The session is written as a kiosk login could have before migration 0003 (its id and place
hostile too), and opened at the station with Pilot, in English and in Spanish.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from test_nurse_station import open_first, sign_in, station, synchronous  # noqa: F401 - station is a fixture
from test_records_hostile import HOSTILE, _without_the_rule, acting, forged, record_hostile
from tests.helpers.pilot import quick


@pytest.mark.parametrize("language, heading", [("en", "S (situation)"), ("es", "S (situación)")])
@synchronous
async def test_the_handover_copies_and_saves_a_kiosks_words_and_nothing_that_acts(station, database, tmp_path,
                                                                                   language, heading):
    session_id = f"a1b2/../../{HOSTILE}"
    _without_the_rule(database, lambda: record_hostile(database, session_id, place=f"kiosk:{HOSTILE}"))
    app = station(language)
    async with quick(app.run_test(size=(80, 24))) as pilot:
        await sign_in(pilot)
        row = " ".join(str(cell) for cell in app.queue_screen.query_one(DataTable).get_row(session_id))
        await open_first(pilot, session_id)
        await pilot.press("h")
        await pilot.press("p")
        await pilot.pause()
        copied = app.clipboard
    saved = sorted((tmp_path / "saved").iterdir(), key=lambda path: path.suffix)
    assert [path.suffix for path in saved] == [".html", ".txt"]  # both in the folder, none beside or under it
    for path in saved:
        assert acting(path.name) == [] and "/" not in path.name and not path.name.startswith(".")
        assert acting(path.read_text(encoding="utf-8")) == []
    assert "owned" in row and acting(row) == []  # the queue's place and status cells
    assert heading in copied and "owned" in copied and acting(copied) == [] and not forged(copied)
    assert copied == saved[1].read_text(encoding="utf-8")
