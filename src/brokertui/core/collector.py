"""Python's cyclic garbage collector, paused while bulk work builds many small objects."""

from __future__ import annotations

import contextlib
import gc
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
