"""The UI's cached copy of a loaded flow: used while nothing changed, never trusted blindly."""

from __future__ import annotations

import os
import pickle
import shutil
import stat

import pytest

import chatbot.flowfile.loader
from chatbot.flowfile import cache as flowcache
from chatbot.engine import Conversation
from chatbot.flowfile.cache import cache_dir, load_flow_cached
from chatbot.flowfile.loader import bundled_flow_path
from chatbot.flow.problems import FlowError
from chatbot.flow.text import english

HERE = os.path.dirname(os.path.dirname(__file__))  # tests/


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache folder, and a count of the times the flow file is really loaded."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CHATBOT_FLOW_CACHE", raising=False)
    loads = []
    real = chatbot.flowfile.loader.load_flow

    def counting(path=None):
        loads.append(path)
        return real(path)

    monkeypatch.setattr(chatbot.flowfile.loader, "load_flow", counting)
    return loads


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "flow.yaml"
    shutil.copy(bundled_flow_path(), path)
    return path


def outcome_of(flow, *answers):
    talk = Conversation(flow)
    talk.start()
    for typed in answers:
        talk.answer(typed)
    return talk.current.outcome.id, talk.asked


def test_the_second_start_uses_the_copy_and_it_behaves_the_same(cache, flow_file):
    first = load_flow_cached(flow_file)
    second = load_flow_cached(flow_file)
    assert len(cache) == 1
    assert second is not first and list(second.questions) == list(first.questions)
    for answers in (["1"], ["7", "u", "yes", "38.5"], ["7", "no", "no", "36.8", "no", "no", "no", "5", "4"] + ["no"] * 7):
        assert outcome_of(second, *answers) == outcome_of(first, *answers)
    [copy] = cache_dir().iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_dir().stat().st_mode) == 0o700


def test_a_changed_flow_file_is_read_again(cache, flow_file):
    load_flow_cached(flow_file)
    flow_file.write_text(flow_file.read_text().replace("Symptom checker for bone marrow failure",
                                                       "A changed title"))
    changed = load_flow_cached(flow_file)
    assert len(cache) == 2
    assert changed.welcome.title.get("en") == "A changed title"


def test_a_copy_is_only_used_for_exactly_the_bytes_it_was_made_from(cache, flow_file):
    """Copies are compared, not trusted by name: a copy made from other bytes is never used."""
    load_flow_cached(flow_file)
    [copy] = cache_dir().iterdir()
    stamp, flow_bytes, flow = pickle.loads(copy.read_bytes())
    flow.welcome = flow.welcome._replace(title=english("A stale title"))
    copy.write_bytes(pickle.dumps((stamp, flow_bytes + b"\n# one more line\n", flow)))
    assert load_flow_cached(flow_file).welcome.title.get("en") != "A stale title"
    assert len(cache) == 2


def test_a_flow_with_problems_is_reported_and_never_cached(cache):
    with pytest.raises(FlowError):
        load_flow_cached(os.path.join(HERE, "bad_flows", "undefined_state.yaml"))
    assert not cache_dir().exists() or not any(cache_dir().iterdir())


@pytest.mark.parametrize("loosen", ["folder", "copy"])
def test_a_copy_others_could_have_written_is_not_trusted(cache, flow_file, loosen):
    load_flow_cached(flow_file)
    [copy] = cache_dir().iterdir()
    (cache_dir() if loosen == "folder" else copy).chmod(0o777 if loosen == "folder" else 0o666)
    load_flow_cached(flow_file)
    assert len(cache) == 2


def test_a_broken_copy_is_replaced(cache, flow_file):
    load_flow_cached(flow_file)
    [copy] = cache_dir().iterdir()
    copy.write_bytes(b"not a pickle")
    flow = load_flow_cached(flow_file)
    assert len(cache) == 2 and flow.start == "danger_signs"
    assert load_flow_cached(flow_file).start == "danger_signs" and len(cache) == 2


def test_the_cache_can_be_turned_off(cache, flow_file, monkeypatch):
    monkeypatch.setenv("CHATBOT_FLOW_CACHE", "0")
    load_flow_cached(flow_file)
    load_flow_cached(flow_file)
    assert len(cache) == 2 and not cache_dir().exists()


def test_only_a_few_copies_are_kept(cache, tmp_path):
    for number in range(flowcache.KEEP + 3):
        path = tmp_path / f"flow{number}.yaml"
        shutil.copy(bundled_flow_path(), path)
        load_flow_cached(path)
    assert len(list(cache_dir().glob("*.pickle"))) == flowcache.KEEP
