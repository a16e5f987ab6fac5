"""The garbage collector is paused while the UI starts, and always comes back on."""

from __future__ import annotations

import gc

import pytest

from chatbot.cli import main
from chatbot.collector import pause_for_start_up, started


@pytest.fixture
def collector():
    yield
    gc.unfreeze()
    gc.enable()


def test_paused_for_start_up_then_what_stays_is_set_aside(collector):
    pause_for_start_up()
    assert not gc.isenabled()
    started()
    assert gc.isenabled() and gc.get_freeze_count() > 0


def test_a_ui_that_cannot_start_leaves_the_collector_on(collector, capsys):
    assert main(["--flow", "tests/bad_flows/undefined_state.yaml"]) == 2
    assert "problem" in capsys.readouterr().err
    assert gc.isenabled()
