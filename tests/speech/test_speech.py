"""Reading aloud (chatbot.speech): the SSML espeak-ng reads, WAV files with the right voice, and a
speaker that says one screen at a time from its own thread."""

from __future__ import annotations

import os
import stat
import subprocess
import time
import wave
from pathlib import Path

import pytest

from chatbot.speech import espeak
from chatbot.speech.speaker import BrowserSpeaker, NoSpeaker, Speaker, speaker_for
from chatbot.speech.speech import MOST_SAID, Speech, ssml
from tests.helpers.needs import espeak_ng


@pytest.mark.parametrize("pieces, expected", [
    ((("Call 911 now", "en"),), '<speak version="1.0" xml:lang="en"><s>Call 911 now</s></speak>'),
    ((("English", "en"), ("Español", "es")),
     '<speak version="1.0" xml:lang="en"><s>English</s><s xml:lang="es">Español</s></speak>'),
    ((("<b>bold</b> & \"quoted\"", "en"),),
     '<speak version="1.0" xml:lang="en"><s>&lt;b&gt;bold&lt;/b&gt; &amp; "quoted"</s></speak>'),
    ((("  spread\n over   lines ", "en"), ("", "en")),
     '<speak version="1.0" xml:lang="en"><s>spread over lines</s></speak>'),
])
def test_the_ssml_says_each_piece_as_a_sentence_in_its_language_and_nothing_as_markup(pieces, expected):
    assert ssml(Speech("en", pieces)) == expected


def test_the_ssml_of_a_huge_screen_is_cut_at_a_bound():
    said = ssml(Speech("en", (("word " * MOST_SAID, "en"), ("more", "en"))))
    assert len(said) < MOST_SAID + 100 and "more" not in said


def test_a_wav_from_standard_output_gets_its_sizes():
    streamed = b"RIFF" + (0x7FFFF024).to_bytes(4, "little") + b"WAVEfmt " + bytes(20) + b"data" + \
        (0x7FFFF000).to_bytes(4, "little") + bytes(100)
    whole = espeak.whole_wav(streamed)
    assert int.from_bytes(whole[4:8], "little") == len(whole) - 8
    assert int.from_bytes(whole[40:44], "little") == 100
    with pytest.raises(espeak.SpeechUnavailable):
        espeak.whole_wav(b"not a wav")


SCREENS = {
    "en": Speech("en", (("Are you still there?", "en"), ("Yes, continue", "en"), ("Español", "es"))),
    "es": Speech("es", (("¿Sigue ahí?", "es"), ("Sí, seguir", "es"), ("English", "en"))),
}


def reference(program: str, speech: Speech, voice: str, path: Path) -> bytes:
    """espeak-ng run by hand on the speech's sentences, in `voice`, as a WAV's bytes."""
    sentences = "".join(f"<s>{text}</s>" if language == speech.language else f'<s xml:lang="{language}">{text}</s>'
                        for text, language in speech.pieces)
    subprocess.run([program, "-m", "-v", voice, "-s", str(espeak.WORDS_PER_MINUTE), "-w", str(path)],
                   input=f'<speak version="1.0" xml:lang="{voice}">{sentences}</speak>'.encode(), check=True)
    return path.read_bytes()


@pytest.mark.parametrize("language", ["en", "es"])
def test_speech_renders_to_a_wav_in_the_voice_of_its_language(tmp_path, language):
    program = espeak_ng()
    speech = SCREENS[language]
    path = espeak.render_wav(speech, tmp_path / "said.wav")
    with wave.open(str(path)) as sound:
        assert sound.getnchannels() == 1 and sound.getframerate() > 8000
        assert sound.getnframes() / sound.getframerate() > 1.0  # a few words, said
    other = "es" if language == "en" else "en"
    assert path.read_bytes() == reference(program, speech, language, tmp_path / "right.wav")
    assert path.read_bytes() != reference(program, speech, other, tmp_path / "wrong.wav")
    assert espeak.wav_bytes(speech)[44:] == path.read_bytes()[44:]  # the same sound for a browser tab


def test_without_espeak_ng_nothing_is_said_and_the_ui_can_say_why(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert espeak.find() is None
    speaker = speaker_for(served=False)
    assert isinstance(speaker, NoSpeaker) and not speaker.available
    speaker.say(SCREENS["en"])  # nothing happens, nothing fails
    with pytest.raises(espeak.SpeechUnavailable, match="not installed"):
        espeak.render_wav(SCREENS["en"], tmp_path / "x.wav")


def test_a_served_tab_hands_its_words_to_the_page():
    sent = []
    speaker = BrowserSpeaker(sent.append)
    speaker.say(SCREENS["es"])
    speaker.say(Speech("es", ()))  # nothing to say: nothing sent
    speaker.stop()
    assert sent == [{"type": "speak", "language": "es", "ssml": ssml(SCREENS["es"])}, {"type": "speak_stop"}]


@pytest.fixture
def slow_program(tmp_path) -> Path:
    """A stand-in for espeak-ng that keeps what it was asked to say and takes its time saying it, as
    the real one does on a sound device (this machine may have none)."""
    program = tmp_path / "espeak-ng"
    program.write_text(f'#!/bin/sh\ncat > "{tmp_path}/said-$$.ssml"\necho $$ >> "{tmp_path}/pids"\nexec sleep 60\n')
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as status:
        return status.read().split(") ")[1][0] != "Z"


def wait_until(condition, most: float = 10.0) -> None:
    deadline = time.monotonic() + most
    while not condition():
        assert time.monotonic() < deadline, "the speaker did not get there"
        time.sleep(0.01)


def test_a_new_screen_stops_the_last_one_and_close_stops_everything(slow_program, tmp_path):
    speaker = Speaker(str(slow_program))
    pids = tmp_path / "pids"
    speaker.say(SCREENS["en"])
    wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 1)
    first = int(pids.read_text().split()[0])
    assert running(first) and speaker.speaking
    speaker.say(SCREENS["es"])
    wait_until(lambda: len(pids.read_text().split()) == 2)
    second = int(pids.read_text().split()[1])
    wait_until(lambda: not running(first))
    assert running(second)
    assert (tmp_path / f"said-{second}.ssml").read_text() == ssml(SCREENS["es"])
    speaker.stop()
    wait_until(lambda: not running(second))
    speaker.say(SCREENS["en"])
    wait_until(lambda: len(pids.read_text().split()) == 3)
    speaker.close()
    assert not any(running(int(pid)) for pid in pids.read_text().split())
    assert not speaker._thread.is_alive()


def test_a_speaker_can_write_each_screen_to_a_wav_file_instead(tmp_path):
    espeak_ng()
    speaker = Speaker(to_folder=tmp_path)
    speaker.say(SCREENS["es"])
    wait_until(lambda: (tmp_path / "0001-es.wav").exists() and speaker.said == 1)
    speaker.close()
    with wave.open(str(tmp_path / "0001-es.wav")) as sound:
        assert sound.getnframes() > 0
