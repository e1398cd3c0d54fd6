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


class _Handovers:
    """How many `quick_handover` are under way, and the switch interval before the first."""

    lock = threading.Lock()
    under_way = 0
    interval = 0.0


@contextlib.contextmanager
def quick_handover() -> Iterator[None]:
    """Python's switch interval (5 ms) lowered to SWITCH meanwhile, for the whole process. A
    thread that works in SQLite (which lets go of the GIL) needs the GIL back at the end of
    each call, and waits up to the interval while another thread runs Python: an import's
    writer makes hundreds of calls while the rows are checked (issue 14, item 4)."""
    with _Handovers.lock:
        if not _Handovers.under_way:
            _Handovers.interval = sys.getswitchinterval()
            sys.setswitchinterval(min(SWITCH, _Handovers.interval))
        _Handovers.under_way += 1
    try:
        yield
    finally:
        with _Handovers.lock:
            _Handovers.under_way -= 1
            if not _Handovers.under_way:
                sys.setswitchinterval(_Handovers.interval)
