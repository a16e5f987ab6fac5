"""Helpers the records tests share (a module of its own: conftest is not imported by tests)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from chatbot.engine import Conversation
from chatbot.replay.patients import typed_answer


def answer_as(conversation: Conversation, findings: dict, count: int | None = None, recorder=None) -> None:
    """Answer as a patient with `findings` would, `count` questions or to the end, telling `recorder`."""
    flow = conversation.flow
    while not conversation.finished and (count is None or count > 0):
        conversation.answer(typed_answer(conversation.current.question, findings, flow))
        if recorder is not None:
            recorder.answered(conversation)
        if count is not None:
            count -= 1


def kiosk_session(database: str, flow, findings: dict, language: str = "en", count: int | None = None,
                  place: str = "kiosk:k1", identification: dict | None = None) -> str:
    """A session recorded by a kiosk with `findings` (finished unless `count` stops it, then wiped), the
    person saying who they are (`identification`) after their answers; its id."""
    from chatbot.records.recorder import Recorder

    recorder = Recorder(database, place=place)
    conversation = Conversation(flow, language)
    conversation.start()
    session_id = recorder.begin(conversation)
    answer_as(conversation, findings, count, recorder)
    if identification is not None:
        recorder.identified(identification)
    if count is not None:
        recorder.wiped()
    assert recorder.close() is None
    return session_id


ROOT = Path(__file__).resolve().parents[2]


def with_database(url: str, name: str, user: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}@{netloc.rsplit('@', 1)[-1]}" if "@" in netloc else f"{user}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{name}"))


def server_port_url(url: str, user: str, password: str) -> str:
    """A TCP URL on 127.0.0.1 to the same server, with a user and password (for the wrong-password case)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    port = query.pop("port", None) or parts.port or 5432
    return f"postgresql://{user}:{password}@127.0.0.1:{port}/postgres"


TEST_PIN = "482619"


def as_nurse(store, name: str, pin: str = TEST_PIN):
    """`store` signed in as `name`, who is added to the staff first if need be (with a hash of low cost: a
    test's, never the product's); the store, for `review(as_nurse(reader, "Rosa"), ...)`."""
    from chatbot import pinhash
    from chatbot.records.model import now
    from chatbot.records.staff import add_staff, pin_setting, try_pin

    setting = pin_setting(store, name)
    if setting is None:
        setting = pinhash.PinHash(10, 8, 1, b"a salt for tests")
        add_staff(store, name, pinhash.hash_pin(pin, setting), now())
    attempt = try_pin(store, name, pinhash.hash_pin(pin, setting), None, now(), lambda failures: 0.0)
    assert attempt.name == name, attempt
    return store
