"""TUI test helpers."""

import pytest
from textual import events
from textual.keys import _character_to_key

from brokertui.app import BrokerApp
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
