"""Every way of running the chatbot records (issue 12, point 4): the real app through Pilot, the
kiosk, `--no-record`, a database that is away, and `replay` / `simulate --database`.

The store is the real one (SQLite, and PostgreSQL when CHATBOT_TEST_POSTGRES is set), read back
with its own reader; the app is the real one, answered with the keys a person presses.
"""

from __future__ import annotations

import asyncio
import re
import socket
import stat
from dataclasses import replace

import pytest

from chatbot.cli import main, open_recorder
from chatbot.engine import Conversation
from chatbot.commands.arguments import parse, ui_options
from chatbot.kiosk.app import KioskApp
from chatbot.records.backends import open_reader
from chatbot.records.outbox import take_over
from chatbot.records.recorder import Recorder
from chatbot.records.store import SessionReader, SessionWriter
from chatbot.replay.pilot import settled
from chatbot.tui import SymptomCheckerApp
from chatbot.widgets import words

from recordtools import ROOT, answer_as
from tests.helpers.kiosk import SLOW, Clock, idle_for, start, tap, until_wiped
from tests.helpers.pilot import quick

SIZE = (80, 24)
TO_URGENT = ["7", "no", "no"]  # the first three answers of the urgent path (tests/helpers/tui.py)
KEPT_URGENT = ["7", "No", "No"]  # as kept: a yes/no button gives its own words
AWAY = "postgresql://nobody@127.0.0.1:1/chatbot"  # nothing listens on port 1: refused at once


async def give(app, pilot, typed: str) -> None:
    """Answer with the keys a person would press for `typed`."""
    for key in app.answer_keys(typed):
        await pilot.press(key)
    await settled(app)


class Told(SymptomCheckerApp):
    """The app, keeping what it told the person in notifications."""

    def notify(self, message, **options):
        self.told = [*getattr(self, "told", []), message]
        super().notify(message, **options)


class ToldKiosk(KioskApp):
    def notify(self, message, **options):
        self.told = [*getattr(self, "told", []), message]
        super().notify(message, **options)


def run(app, recorder, scenario):
    app.recorder = recorder

    async def main_():
        async with quick(app.run_test(size=SIZE)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            result = await scenario(app, pilot)
            await app.workers.wait_for_complete()
            await settled(app)
            return result

    result = asyncio.run(main_())
    if recorder is not None:
        recorder.wait(5)  # the recorder's own thread writes the database
    return result


async def until(pilot, condition, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not in time"
        await pilot.pause(0.05)


def sessions(url: str):
    reader = open_reader(url)
    try:
        return [reader.get_session(each.id) for each in reader.list_sessions()]
    finally:
        reader.close()


def kept(session) -> list[str]:
    return [answer.typed for answer in session.answers if answer.withdrawn_at is None]


def test_each_answer_given_through_the_app_is_kept_before_the_next_question_is_drawn(database, flow):
    """The done-when of issue 12: what the screen has acknowledged is already kept (in the outbox, on
    disk), and in the store as soon as the recorder's thread has written it."""
    recorder = Recorder(database, place="terminal:test")
    seen = []

    async def scenario(app, pilot):
        for typed in TO_URGENT:
            await give(app, pilot, typed)
            kept_now = recorder.unwritten
            assert recorder.wait()
            seen.append((app.state.question_id, len(sessions(database)[0].answers)))
            assert kept_now >= 0

    run(SymptomCheckerApp(flow), recorder, scenario)
    assert [count for _, count in seen] == [1, 2, 3]
    [session] = sessions(database)
    assert session.place == "terminal:test" and session.status == "unfinished"
    assert [answer.question_id for answer in session.answers] == ["danger_signs", *[
        question for question, _ in seen[:-1]]]
    recorder.close()
    assert sessions(database)[0].status == "abandoned"  # closed mid-conversation: kept, marked


def test_starting_again_keeps_the_old_session_as_abandoned(database, flow):
    """`r` then yes: the screen forgets, the record does not."""
    recorder = Recorder(database)

    async def scenario(app, pilot):
        for typed in TO_URGENT[:2]:  # the third question is a temperature: its field would take the r
            await give(app, pilot, typed)
        await pilot.press("r")
        await settled(app)
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await settled(app)
        await give(app, pilot, "1")

    run(SymptomCheckerApp(flow), recorder, scenario)
    by_answers = sorted(sessions(database), key=lambda session: len(session.answers))
    assert [(session.status, kept(session)) for session in by_answers] == [
        ("finished", ["1"]), ("abandoned", KEPT_URGENT[:2])]
    assert "restarted" in [event.kind for event in by_answers[1].events]


def test_the_kiosk_idle_wipe_keeps_the_session_as_abandoned_and_logs_only_its_id(database, flow, tmp_path):
    """The wipe forgets the person on screen; the record keeps them, and the kiosk only ever holds a writer."""
    recorder = Recorder(database, place="kiosk:waiting-room")
    app = KioskApp(flow, kiosk=SLOW, clock=Clock())

    async def scenario(app, pilot):
        await start(app, pilot, ["7", "no"])
        await app.workers.wait_for_complete()
        writer = recorder.delivery._writer
        await idle_for(app, pilot, SLOW.idle_timeout)
        await idle_for(app, pilot, SLOW.idle_warning)
        await until_wiped(app, pilot)
        return writer

    writer = run(app, recorder, scenario)
    assert isinstance(writer, SessionWriter) and not isinstance(writer, SessionReader)
    [session] = sessions(database)
    assert (session.place, session.status, len(session.answers)) == ("kiosk:waiting-room", "abandoned", 2)
    assert "wiped" in [event.kind for event in session.events]
    log = (tmp_path / "log" / "kiosk.log").read_text().splitlines()
    assert f"recording as {session.id}" in log[-1], "\n".join(log)
    assert all(re.fullmatch(r"\S+ session=[0-9a-f]+ (kiosk started|recording as [0-9a-f]{32})", line) for line in log)


def test_no_record_writes_nothing(tmp_path, flow):
    """`chatbot --no-record`: no recorder at all, so no database is even created."""
    options = ui_options(parse(["--no-record"]))
    assert options.record_sessions is False and open_recorder(options, kiosk=False) is None

    async def scenario(app, pilot):
        for typed in TO_URGENT:
            await give(app, pilot, typed)

    run(SymptomCheckerApp(flow), None, scenario)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("argv, place", [
    ([], f"terminal:{socket.gethostname()}"),
    (["--kiosk"], f"kiosk:{socket.gethostname()}"),
    (["--kiosk", "--kiosk-id", "lobby-2"], "kiosk:lobby-2"),
    (["--kiosk", "--served"], f"serve:{socket.gethostname()}"),  # what `chatbot serve` runs for each tab
])
def test_each_way_of_running_names_its_place(argv, place):
    """The records say where a session was held: a terminal, a kiosk by its id, a serve host."""
    options = ui_options(parse(argv))
    assert options.record_sessions and open_recorder(options, kiosk="--kiosk" in argv).place == place


@pytest.mark.parametrize("app_class, language, notice", [
    (Told, "en", words.RECORDS_AWAY.get("en")),
    (Told, "es", words.RECORDS_AWAY.get("es")),
    (ToldKiosk, "es", words.RECORDS_AWAY.get("es")),
])
def test_a_database_that_is_away_shows_a_calm_notice_and_the_conversation_goes_on(app_class, language, notice,
                                                                                    flow, tmp_path):
    """Nothing is dropped: the answers wait in the outbox, which at exit stays on disk, owner-only."""
    recorder = Recorder(AWAY, outbox_dir=tmp_path / "outbox")
    app = app_class(flow, language=language, **({"kiosk": SLOW, "clock": Clock()} if app_class is ToldKiosk else {}))

    async def scenario(app, pilot):
        if app_class is ToldKiosk:
            await tap(app, pilot, "#start")
            await app.workers.wait_for_complete()
        for typed in TO_URGENT:
            await give(app, pilot, typed)
        await until(pilot, lambda: app.records_problem is not None)
        return app.state.answers

    answers = run(app, recorder, scenario)
    assert len(answers) == 3 and app.told.count(notice) == 1
    assert recorder.problem and recorder.unwritten > 0
    saved = recorder.close()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    outbox = take_over(saved)
    assert [write.operation for _, write in outbox.head(100)].count("record_answer") == 3
    outbox.release()


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_ending_shown_while_the_database_is_away_has_no_notice_over_it(language, flow, tmp_path):
    """The database is away from the start (the calm notice shows over the question), and the first answer is
    an emergency: "Call 911" comes first and uncovered, the notice gone with the question."""
    recorder = Recorder(AWAY, outbox_dir=tmp_path / "outbox")
    app = Told(flow, language=language)

    async def scenario(app, pilot):
        await give(app, pilot, "1")
        await until(pilot, lambda: app.records_problem is not None)
        return app.state.outcome_level, [notification.message for notification in app._notifications]

    assert run(app, recorder, scenario) == ("emergency", [])
    assert app.told == [words.RECORDS_AWAY.get(language)] and recorder.unwritten > 0
    recorder.close()


def typed_to(flow, findings: dict) -> list[str]:
    """What a person with `findings` types, answer after answer, to the end."""
    conversation = Conversation(flow)
    conversation.start()
    answer_as(conversation, findings)
    return [turn.typed for turn in conversation.transcript]


ENDINGS = {"emergency": {"chest_pain": True}, "urgent": {"fever_feeling": True, "temperature": 37.0},
           "routine": {"known_low_white_count": True}}


@pytest.mark.parametrize("app_class, language, level", [
    (Told, "en", "emergency"), (Told, "es", "emergency"), (Told, "en", "urgent"), (Told, "en", "routine"),
    (ToldKiosk, "en", "emergency"), (ToldKiosk, "es", "emergency")])
def test_a_database_lost_while_an_ending_is_shown_says_so_in_its_quiet_line_never_over_it(app_class, language, level,
                                                                                          flow, tmp_path):
    """The ending is drawn, then the database goes away (its folder's mount lost) before the recorder's next
    look: the look says so in the ending's own quiet line, no notice lies over "Call 911" (or a staffed
    kiosk's "Tell the staff at the desk now"), and the same line says when the answers are saved again."""
    mount = tmp_path / "mount"
    mount.mkdir()
    recorder = Recorder(f"sqlite://{mount / 'records.sqlite3'}", outbox_dir=tmp_path / "outbox", background=False)
    recorder.delivery._deliver = lambda force=False: False  # the ending's writes wait: the database is not tried
    staffed = {"kiosk": replace(SLOW, staffed=True), "clock": Clock()}
    app = app_class(flow, language=language, **(staffed if app_class is ToldKiosk else {}))

    def shown() -> tuple[str, list[str], str | None]:
        quiet = app.screen.query_one("#outcome-quiet")
        return (str(app.screen.query_one("#outcome-title").render()),
                [notification.message for notification in app._notifications],
                str(quiet.render()) if quiet.display else None)

    async def scenario(app, pilot):
        if app_class is ToldKiosk:
            await tap(app, pilot, "#start")
            await app.workers.wait_for_complete()
        for typed in typed_to(flow, ENDINGS[level]):
            await give(app, pilot, typed)
        assert app.state.outcome_level == level
        drawn = shown()
        mount.rmdir()
        mount.write_text("not a folder now")  # the database goes away
        del recorder.delivery._deliver
        assert not recorder.retry() and recorder.problem  # the recorder's thread finds it ...
        app._records_checked()  # ... and the app's next look
        await settled(app)
        away = shown()
        mount.unlink()
        mount.mkdir()  # back
        assert recorder.retry()
        app._records_checked()
        await settled(app)
        return drawn, away, shown()

    drawn, away, back = run(app, recorder, scenario)
    title = drawn[0]
    assert drawn == (title, [], None) and title
    assert away == (title, [], words.RECORDS_AWAY.get(language))
    assert back == (title, [], words.RECORDS_BACK.get(language))
    assert not getattr(app, "told", [])  # nothing was said as a notice at all
    assert recorder.close() is None


@pytest.mark.parametrize("language", ["en", "es"])
def test_help_asked_while_the_database_was_away_is_said_sent_in_an_endings_quiet_line(language, flow, tmp_path):
    """A staffed kiosk: the database goes away, the person asks for help (told to go to the desk, the request
    waiting), then answers to an emergency; when the records come back the request reaches the desk, and the
    ending's quiet line says so: no "help sent" notice lies over "Tell the staff at the desk now"."""
    mount = tmp_path / "mount"
    mount.mkdir()
    recorder = Recorder(f"sqlite://{mount / 'records.sqlite3'}", outbox_dir=tmp_path / "outbox", background=False)
    recorder.delivery._deliver = lambda force=False: False  # the session's first writes wait: not tried yet
    app = ToldKiosk(flow, language=language, kiosk=replace(SLOW, staffed=True), clock=Clock())

    async def scenario(app, pilot):
        await tap(app, pilot, "#start")
        await app.workers.wait_for_complete()
        mount.rmdir()
        mount.write_text("not a folder now")  # the database goes away
        del recorder.delivery._deliver
        assert not recorder.retry() and recorder.problem
        app._records_checked()
        await pilot.press("h")
        await settled(app)
        waiting = app.help_told
        for typed in typed_to(flow, ENDINGS["emergency"]):
            await give(app, pilot, typed)
        assert app.state.outcome_level == "emergency"
        told_before = len(app.told)
        mount.unlink()
        mount.mkdir()  # back
        assert recorder.retry()
        app._records_checked()
        await settled(app)
        quiet = app.screen.query_one("#outcome-quiet")
        return (waiting, app.help_told, app.told[told_before:],
                [notification.message for notification in app._notifications],
                str(quiet.render()) if quiet.display else None, str(app.screen.query_one("#tell-desk").render()))

    waiting, told, noticed, shown, quiet, first = run(app, recorder, scenario)
    assert (waiting, told) == ("waiting", "sent")
    assert noticed == [] and shown == []  # nothing said as a notice once the ending is shown
    assert quiet == words.HELP_SENT.get(language) and first == words.TELL_DESK.get(language)
    assert recorder.close() is None


def test_a_wrong_database_url_stops_with_one_line_before_any_screen(capsys):
    assert main(["--database", "mysql://somewhere/db"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unknown kind 'mysql'" in error


@pytest.mark.parametrize("argv, place", [
    (["replay", str(ROOT / "tests/conversations")], "replay"),
    (["simulate", str(ROOT / "tests/patients/examples.yaml")], "simulate"),
])
def test_replay_and_simulate_keep_each_conversation_as_a_session(argv, place, database, capsys):
    """For demos and load tests: each script or patient a session of its own, finished."""
    assert main([*argv, "--database", database]) == 0
    printed = capsys.readouterr().out
    stored = sessions(database)
    assert stored and {session.place for session in stored} == {place}
    if place == "simulate":
        assert len(stored) == sum(1 for line in printed.splitlines() if line.rstrip().endswith("ok"))
        assert {session.status for session in stored} == {"finished"}


def test_answers_kept_while_the_database_was_away_are_written_when_it_is_back(tmp_path, flow):
    """SQLite's folder is a file at first (cannot be written); once it is gone, the recorder's own
    thread writes every answer at its next try, and the person is told, calmly, once each way."""
    blocker = tmp_path / "records"
    blocker.write_text("")
    url = f"sqlite://{blocker / 'records.sqlite3'}"
    recorder = Recorder(url, unsaved_dir=tmp_path / "unsaved")

    async def scenario(app, pilot):
        for typed in TO_URGENT:
            await give(app, pilot, typed)
        await until(pilot, lambda: app.records_problem is not None)
        waiting = recorder.unwritten
        blocker.unlink()
        await until(pilot, lambda: app.records_problem is None)
        return waiting

    app = Told(flow)
    waiting = run(app, recorder, scenario)
    assert waiting > 0 and recorder.unwritten == 0 and recorder.problem is None and app.records_problem is None
    assert app.told == [words.RECORDS_AWAY.get("en"), words.RECORDS_BACK.get("en")]
    [session] = sessions(url)
    assert kept(session) == KEPT_URGENT
    assert recorder.close() is None


def test_replay_through_the_ui_keeps_the_same_sessions_as_on_the_engine(tmp_path, capsys):
    """One recorder serves an app per script: each script's answers land in its own session, whichever
    way it is replayed (back and restart included)."""
    script = str(ROOT / "tests/conversations/going-back.yaml")

    def kept_by(*options: str):
        url = f"sqlite://{tmp_path / '-'.join(['records', *options])}.sqlite3"
        assert main(["replay", script, "--database", url, *options]) == 0
        return sorted((session.status, session.level, tuple(answer.question_id for answer in session.answers
                                                            if answer.withdrawn_at is None))
                      for session in sessions(url))  # what was typed differs: words in one, keys in the other

    engine = kept_by()
    assert engine == kept_by("--tui") and {status for status, _, _ in engine} == {"finished", "abandoned"}
