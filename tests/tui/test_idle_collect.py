"""Python's full garbage collections happen in the app's idle time (issue 14, item 3): not
within QUIET seconds of a key nor while a worker runs, and garbage among the objects frozen by
an earlier one is still collected every UNFREEZE_EVERY seconds."""

import gc
import threading
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.app import App

from brokertui.app import BrokerApp
from brokertui.screens import idle_collect
from brokertui.screens.idle_collect import IdleCollector
from tests.conftest import TODAY


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def old_garbage() -> weakref.ref:
    """A cycle that survived a full collection, then dropped: young collections never see
    it again."""
    node = Node()
    gc.collect()
    return weakref.ref(node)


@asynccontextmanager
async def collecting(clock: Clock) -> AsyncIterator[tuple[App, IdleCollector]]:
    """A bare app running with an idle collector on `clock`, stopped at the end."""
    app = App()
    async with app.run_test():
        collector = IdleCollector(app, clock)
        collector.start()
        try:
            yield app, collector
        finally:
            collector.stop()


def survive_young_collections() -> list:
    """Enough new objects kept for Python to run a middle-generation collection."""
    kept = [[] for _ in range(50_000)]
    assert gc.get_count()[2] > 0
    return kept


async def test_a_full_collection_waits_for_a_quiet_moment():
    clock = Clock()
    async with collecting(clock) as (_, collector):
        assert gc.get_threshold()[2] == idle_collect.FULL_AFTER
        node = old_garbage()
        kept = survive_young_collections()
        collector.input()
        clock.now += idle_collect.QUIET / 2
        assert not collector.tick() and node() is not None  # a key just came
        clock.now += idle_collect.QUIET / 2
        assert collector.tick() and node() is None
        assert gc.get_freeze_count() > len(kept)  # what survived is frozen
        assert not collector.tick()  # nothing new since
    assert gc.get_threshold()[2] != idle_collect.FULL_AFTER and gc.get_freeze_count() == 0


async def test_garbage_among_frozen_objects_is_collected_every_unfreeze_period():
    clock = Clock()
    async with collecting(clock) as (_, collector):
        clock.now += idle_collect.QUIET
        node = Node()
        survive_young_collections()
        assert collector.tick()  # the node is frozen
        node = weakref.ref(node)
        survive_young_collections()
        assert collector.tick() and node() is not None
        clock.now += idle_collect.UNFREEZE_EVERY
        survive_young_collections()
        assert collector.tick() and node() is None


async def test_no_full_collection_while_a_worker_runs():
    clock = Clock()
    release = threading.Event()
    async with collecting(clock) as (app, collector):
        try:
            worker = app.run_worker(release.wait, thread=True)
            clock.now += idle_collect.QUIET
            node = old_garbage()
            survive_young_collections()
            assert not collector.tick() and node() is not None
            release.set()
            await worker.wait()
            assert collector.tick() and node() is None
        finally:
            release.set()


async def test_the_app_counts_a_key_as_input_collects_when_idle_and_restores_python(demo_db):
    before = gc.get_threshold()
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test() as pilot:
        assert gc.get_threshold()[2] == idle_collect.FULL_AFTER
        clock = Clock()
        app.idle_collect.clock = clock
        clock.now += 50
        await pilot.press("f3")
        assert app.idle_collect.last_input == clock.now
        await app.workers.wait_for_complete()  # no worker of the app's runs for good
        clock.now += idle_collect.QUIET
        node = old_garbage()
        kept = survive_young_collections()
        assert app.idle_collect.tick() and node() is None and kept
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
