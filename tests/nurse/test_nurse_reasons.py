"""A nurse reads the reasons in the third person (triage rules, revision 3): the record, the
station's reading, the handover and the records summary; the person's phone line keeps the
first person. A session written as a kiosk writes it, read back as the station reads it.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chatbot.engine import Conversation
from chatbot.nurse.handover import sbar, summary
from chatbot.nurse.reading import read_session
from chatbot.records.backends import open_reader
from chatbot.summary import phone_line

from nursetools import EMERGENCY, kiosk_session
from recordtools import answer_as


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_reasons_a_nurse_reads_are_in_the_third_person(database, flow, language):
    session_id = kiosk_session(database, flow, EMERGENCY, language=language)
    with open_reader(database) as reader:
        session = reader.get_session(session_id)
    e1 = next(rule for rule in flow.rules if rule.id == "E1")
    third, first = e1.nurse_reason.get(language), e1.reason.get(language)
    assert [reason.reason for reason in session.reasons] == [third]
    reading = read_session(session, flow, language, datetime.now(timezone.utc))
    assert reading.reasons == [third]
    assert third in " ".join(sbar(reading, language).split())
    assert third in " ".join(summary(reading, language).split())  # `chatbot records show`
    assert first not in summary(reading, language)

    talk = Conversation(flow, language)
    talk.start()
    answer_as(talk, EMERGENCY)
    assert first in phone_line(talk.result(), language)  # what the person says on the phone
