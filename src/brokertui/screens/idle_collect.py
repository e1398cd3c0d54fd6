"""Python's full garbage collections moved to the app's idle time (issue 14, item 3).

Python collects its oldest generation (every object it tracks) when enough survivors piled
up: in the TUI, every few keys, in the middle of one, for 50-150 ms with a big client's
screens open (profiled at scale 1: F4's second visit 205 ms, 154 of them this). While the app
runs, that automatic collection is made rare (only after FULL_AFTER young ones instead of
Python's 10: a safety net), and the app collects everything itself once nobody has pressed a
key for QUIET seconds and no worker runs (a long job's objects are not scanned over and over
while it builds them). Young collections stay as they are: they are short.

A collection of everything takes about a microsecond per object (60-160 ms over a big
client's screens), and a key pressed meanwhile waits for it. So what survives an idle
collection is frozen (gc.freeze: left out of every later collection) and the next idle one
scans only what came since (a few ms to tens); every UNFREEZE_EVERY seconds an idle one
unfreezes and scans everything, so garbage among the frozen objects (a closed dialog's
widgets reference each other) is still collected."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from textual.app import App

QUIET = 1.0  # seconds without a key (or mouse event) before the app collects
FULL_AFTER = 1000  # young collections before Python's own full one (its default: 10)
UNFREEZE_EVERY = 60.0  # seconds between idle collections of everything, the frozen included


class IdleCollector:
    def __init__(self, app: App, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.last_input = clock()
        self.last_unfrozen = clock()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Python's full collections deferred, checked twice per QUIET period."""
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, FULL_AFTER)
        self.app.set_interval(QUIET / 2, self.tick)

    def stop(self) -> None:
        """Python's thresholds as they were and nothing frozen (the process may go on without
        the app)."""
        if self._thresholds is not None:
            gc.unfreeze()
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def input(self) -> None:
        """A key or mouse event came: not idle."""
        self.last_input = self.clock()

    def tick(self) -> bool:
        """If the app is idle and something survived a young collection since the last full
        one, collect (what is not frozen, or everything every UNFREEZE_EVERY seconds) and
        freeze what survives; True when it did."""
        now = self.clock()
        quiet = now - self.last_input >= QUIET
        survivors = gc.get_count()[2] > 0  # middle-generation collections since a full one
        busy = any(worker.is_running for worker in self.app.workers)
        if not quiet or not survivors or busy:
            return False
        if now - self.last_unfrozen >= UNFREEZE_EVERY:
            gc.unfreeze()
            self.last_unfrozen = now
        gc.collect()
        gc.freeze()
        return True
