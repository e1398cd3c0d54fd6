"""The interpreter's knobs for bulk work (core/collector.py): each is put back as it was, after
a failure too, and overlapping uses (two imports in one TUI) put it back only when the last
one ends."""

import gc
import sys

import pytest

from brokertui.core import collector


def test_the_collector_is_off_while_paused_and_back_on_after_a_failure():
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_threads_hand_over_sooner_until_the_last_overlapping_use_ends():
    before = sys.getswitchinterval()
    assert before > collector.SWITCH
    first, second = collector.quick_handover(), collector.quick_handover()
    first.__enter__()
    assert sys.getswitchinterval() == collector.SWITCH
    second.__enter__()
    first.__exit__(None, None, None)  # the other is still under way
    assert sys.getswitchinterval() == collector.SWITCH
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
    with pytest.raises(ValueError), collector.quick_handover():
        raise ValueError
    assert sys.getswitchinterval() == before


def test_an_interval_already_shorter_is_kept():
    before = sys.getswitchinterval()
    sys.setswitchinterval(collector.SWITCH / 2)
    try:
        with collector.quick_handover():
            assert sys.getswitchinterval() == pytest.approx(collector.SWITCH / 2)
        assert sys.getswitchinterval() == pytest.approx(collector.SWITCH / 2)
    finally:
        sys.setswitchinterval(before)
