"""Kiosk mode's rules without a screen: the keys let through, the staff sequence, the waits
after wrong PINs, the crash count, the log (never an answer in it), and the command line."""

from __future__ import annotations

import stat

import pytest

from chatbot.cli import main
from chatbot.commands.arguments import build_parser, kiosk_options, kiosk_refused, ui_options
from chatbot.kiosk import log as kiosk_log
from chatbot.kiosk.rules import CrashWindow, KioskOptions, StaffSequence, allowed_key, pin_delay


@pytest.mark.parametrize("key, character", [
    ("ctrl+c", "\x03"), ("ctrl+q", "\x11"), ("ctrl+z", "\x1a"), ("ctrl+backslash", "\x1c"), ("ctrl+d", "\x04"),
    ("ctrl+p", "\x10"), ("escape", "\x1b"), ("ctrl+u", "\x15"), ("ctrl+s", "\x13"), ("alt+x", "x"),
    ("super+q", None), ("ctrl+shift+q", None), ("shift+f1", None),
    *[(f"f{number}", None) for number in range(1, 25)],
])
def test_keys_that_could_leave_or_change_the_app_are_swallowed(key, character):
    assert not allowed_key(key, character)


@pytest.mark.parametrize("key, character", [
    ("y", "y"), ("n", "n"), ("7", "7"), ("A", "A"), ("full_stop", "."), ("space", " "), ("enter", "\r"),
    ("tab", "\t"), ("shift+tab", None), ("backspace", "\x08"), ("delete", None), ("up", None), ("down", None),
    ("left", None), ("right", None), ("home", None), ("end", None), ("pageup", None), ("pagedown", None),
    ("eacute", "é"),
])
def test_keys_a_person_answers_and_moves_with_are_let_through(key, character):
    assert allowed_key(key, character)


@pytest.mark.parametrize("presses, opens", [
    ([("f12", 0.0), ("f12", 0.5), ("f12", 1.0)], True),
    ([("f12", 0.0), ("f12", 1.0), ("f12", 2.5)], False),  # the first is too long ago
    ([("f12", 0.0), ("f12", 1.0), ("f12", 2.5), ("f12", 2.6)], True),  # the last three are close
    ([("f12", 0.0), ("f12", 0.1), ("y", 0.2), ("f12", 0.3)], False),
    ([("f11", 0.0), ("f11", 0.1), ("f11", 0.2)], False),
])
def test_the_staff_sequence_is_f12_three_times_within_two_seconds(presses, opens):
    sequence = StaffSequence()
    assert [sequence.press(key, when) for key, when in presses][-1] is opens


def test_the_staff_sequence_starts_over_once_complete():
    sequence = StaffSequence()
    assert [sequence.press("f12", when) for when in (0, 0.1, 0.2, 0.3, 0.4, 0.5)] == [
        False, False, True, False, False, True]


@pytest.mark.parametrize("failures, wait", [(0, 0), (1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (50, 60)])
def test_each_wrong_pin_doubles_the_wait_up_to_a_minute(failures, wait):
    assert pin_delay(failures) == wait


def test_crashes_count_within_their_window_only():
    window = CrashWindow(limit=3, window=10)
    assert [window.record(when) for when in (0, 5, 11, 12)] == [1, 2, 2, 3]
    assert window.too_many


@pytest.mark.parametrize("field", ["idle_timeout", "idle_warning", "pin_timeout", "crash_window"])
def test_options_refuse_times_that_are_not_more_than_zero(field):
    with pytest.raises(ValueError, match=field):
        KioskOptions(**{field: 0})


@pytest.mark.parametrize("timeout, warning, tick", [(120, 30, 0.25), (0.3, 0.3, 0.05), (0.01, 5, 0.02)])
def test_the_idle_clock_is_looked_at_often_enough_for_the_shortest_time(timeout, warning, tick):
    assert KioskOptions(idle_timeout=timeout, idle_warning=warning).tick == pytest.approx(tick)


# -- the log -------------------------------------------------------------------------------------

def _fails_with(secret: str) -> BaseException:
    def read_answer(typed):
        raise ValueError(f"could not read {typed!r}")

    try:
        try:
            read_answer(secret)
        except ValueError as error:
            raise RuntimeError(f"while answering {secret}") from error
    except RuntimeError as error:
        return error


def test_a_crash_report_names_types_and_places_never_messages():
    lines = kiosk_log.crash_report(_fails_with("my temperature is 38.9"))
    text = "\n".join(lines)
    assert lines[0] == "builtins.RuntimeError"
    assert "caused by builtins.ValueError" in text
    assert "in _fails_with" in text and "in read_answer" in text
    assert "38.9" not in text and "temperature" not in text and "could not read" not in text


def test_the_log_is_private_and_goes_where_chatbot_log_dir_says(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATBOT_LOG_DIR", str(tmp_path / "logs"))
    path = kiosk_log.log_crash("abcd1234", _fails_with("secret answer"), 1, 3)
    assert path == tmp_path / "logs" / "kiosk.log"
    text = path.read_text()
    assert "session=abcd1234 error 1 of 3 allowed: restarting at the welcome screen" in text
    assert "secret" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_log_is_rotated_when_it_grows_large(tmp_path, monkeypatch):
    monkeypatch.setattr(kiosk_log, "MAX_BYTES", 200)
    path = tmp_path / "kiosk.log"
    for number in range(10):
        kiosk_log.write(f"{number:08x}", "kiosk started", path=path)
    assert path.with_name("kiosk.log.1").exists() and path.stat().st_size <= 250


def test_a_log_that_cannot_be_written_never_stops_the_kiosk(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert kiosk_log.write("abcd1234", "kiosk started", path=blocked / "kiosk.log") is None


# -- the command line ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv, timeout, warning, theme", [
    (["--kiosk"], 120, 30, None),
    (["--kiosk", "--idle-timeout", "5", "--idle-warning", "5", "--theme", "default"], 5, 5, "default"),
    (["--kiosk", "--idle-warning", "0.5"], 120, 0.5, None),  # shorter than WCAG's 20 s: for testing
])
def test_kiosk_options_on_the_command_line(argv, timeout, warning, theme):
    args = build_parser([]).parse_args(argv)
    options = kiosk_options(args)
    assert (options.idle_timeout, options.idle_warning, ui_options(args).theme) == (timeout, warning, theme)
    assert kiosk_refused(args) is None


@pytest.mark.parametrize("argv, message", [
    (["--kiosk", "--idle-timeout", "0"], "it must be more than 0 seconds"),
    (["--kiosk", "--idle-warning", "soon"], "'soon' is not a number of seconds"),
    (["--kiosk", "--idle-timeout", "nan"], "it must be more than 0 seconds"),
    (["--kiosk", "--theme", "neon"], "invalid choice: 'neon'"),
    (["--idle-timeout", "5"], "--idle-timeout applies only with --kiosk"),
])
def test_bad_kiosk_options_are_refused_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as leaving:
        main(argv)
    assert leaving.value.code == 2
    assert message in capsys.readouterr().err


def test_the_help_says_how_staff_leave():
    assert "F12 three times within 2 seconds" in " ".join(build_parser([]).format_help().split())
