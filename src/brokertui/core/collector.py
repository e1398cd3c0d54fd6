"""The interpreter while bulk work runs: Python's cyclic garbage collector paused while the
work builds many small objects, and its threads handed the GIL sooner while one of them
writes through SQLite."""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off meanwhile (back on after, if it was on). For reading files and
    ledgers a batch at a time: the rows hold no cycles, and repeated full scans of a growing
    heap were a quarter of an interface check's time and tripled the Data Stage import's
    (issue 14, item 4)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


SWITCH = 0.0005  # seconds a thread runs Python before one waiting for the GIL gets it
_handing = threading.Lock()
_handovers = [0, 0.0]  # how many `quick_handover` are under way, the interval before them


@contextlib.contextmanager
def quick_handover() -> Iterator[None]:
    """Python's switch interval (5 ms) lowered to SWITCH meanwhile, for the whole process. A
    thread that works in SQLite (which lets go of the GIL) needs the GIL back at the end of
    each call, and waits up to the interval while another thread runs Python: an import's
    writer makes hundreds of calls while the rows are checked (issue 14, item 4)."""
    with _handing:
        if not _handovers[0]:
            _handovers[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(SWITCH, _handovers[1]))
        _handovers[0] += 1
    try:
        yield
    finally:
        with _handing:
            _handovers[0] -= 1
            if not _handovers[0]:
                sys.setswitchinterval(_handovers[1])
