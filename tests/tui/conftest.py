"""TUI test helpers."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual import events
from textual.command import CommandPalette
from textual.keys import _character_to_key
from textual.pilot import Pilot

from brokertui.app import BrokerApp
from tests.conftest import TODAY
from tests.core.anexo24.test_year_scenario import year  # noqa: F401 (issue 15's year, F5)


async def type_text(pilot, text: str) -> None:
    """Type `text` as a burst, a key event per character as the terminal sends them (a fast
    typist, a paste over SSH), then wait for the app to take them. Pilot.press waits for the
    app to go idle after every key (at least 40 ms: most of a capture test's time)."""
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        pilot.app.post_message(events.Key(key, char))
    await pilot.pause()  # the app hands each key to the focused widget,
    await pilot.pause()  # which takes them


async def settle(pilot) -> None:
    """Wait for the app's workers to finish, then for the screen to take their answers."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# Seconds before a wait for the app gives up: only a broken test waits this long. A test waits
# FOR what it checks (until, palette_searched), never a fixed time: on a loaded CI machine a
# timer, a worker or a repaint may come seconds late.
PATIENCE = 30.0


async def until(pilot, condition, timeout: float = PATIENCE) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not so after {timeout} s"
        await pilot.pause(0.05)


async def palette_searched(pilot) -> None:
    """Wait until the command palette has searched what was typed into it and listed the hits
    (each key starts a search in a worker, which lists its hits as it ends)."""
    await pilot.pause()
    gather = CommandPalette._GATHER_COMMANDS_GROUP
    await until(pilot, lambda: all(w.is_finished for w in pilot.app.workers if w.group == gather))
    await pilot.pause()


@asynccontextmanager
async def client_app(
    db, *keys: str, size: tuple[int, int] = (80, 24), rfc: str = "MNB050315K70"
) -> AsyncIterator[tuple[BrokerApp, Pilot]]:
    """The start of most flows: the app on `db` (today TODAY) with client `rfc` chosen, then
    `keys` pressed; yields the app and its pilot."""
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=size) as pilot:
        app.open_client(rfc)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        yield app, pilot


def cells(table) -> list[list[str]]:
    """A DataTable's rows, each as the text of its cells."""
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


@pytest.fixture(autouse=True)
def no_internal_errors(monkeypatch):
    """The exceptions the app turned into its error dialog during a test. The dialog keeps a
    user going, so a test would not notice the bug: any left here fails the test (a test of
    the dialog itself empties the list)."""
    seen: list[Exception] = []
    show = BrokerApp.internal_error

    def recorded(app, error):
        seen.append(error)
        show(app, error)

    monkeypatch.setattr(BrokerApp, "internal_error", recorded)
    yield seen
    assert not seen, f"the TUI caught an unexpected exception: {seen[0]!r}"


@pytest.fixture(autouse=True)
def keys_taken(monkeypatch):
    """Pilot.press and Pilot.pause return only once the app has taken every key: the app's
    type-ahead (screens/typeahead.py) holds a key that arrives while a screen is still
    settling (the first key of a test among them) and hands it on a moment later, through the
    app's and the screen's queues; Pilot waited only for what those queues held when it asked,
    so `await pilot.press("enter")` could return before Enter was handled (the dashboard's
    Enter under load: still on the dashboard)."""
    wait_for_screen = Pilot._wait_for_screen

    async def taken(self, timeout: float = 30.0) -> bool:
        done = await wait_for_screen(self, timeout)
        typeahead = getattr(self.app, "typeahead", None)
        deadline = time.monotonic() + PATIENCE
        while typeahead is not None and typeahead.held is not None:
            assert time.monotonic() < deadline, f"keys held for {PATIENCE} s"
            await asyncio.sleep(0.01)
            done = await wait_for_screen(self, timeout)
        return done

    monkeypatch.setattr(Pilot, "_wait_for_screen", taken)
