"""Keys typed faster than the app answers land in order where they were typed (issue 12,
item 1; screens/typeahead.py), here in-process: a burst is every key posted to the app at
once, before it handled any (tests/pty/test_typeahead.py types through a real terminal).
Autocomplete fills a field only when asked (Right or End at the end of the text)."""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.keys import _character_to_key

from brokertui.app import BrokerApp, ClientSwitcher
from brokertui.core.registry import clients, programs
from brokertui.screens.client_forms import ClientFormScreen, ProgramFormScreen
from brokertui.screens.clients import ClientDetailScreen
from brokertui.screens.pedimento_form import PedimentoFormScreen
from tests.conftest import TODAY
from tests.tui.conftest import settle

NAMED = {"tab", "shift+tab", "enter", "backspace", "left", "right", "home", "end", "ctrl+s"}
NAMED |= {"ctrl+n", "ctrl+p", "f3", "f4"}


async def burst(pilot, *parts: str) -> None:
    """Post every key of `parts` at once (a part is a key name of NAMED or text to type), then
    wait until the app has taken them all and its screen is idle. (Pilot's pause alone may
    return early on a loaded machine: it takes a process waiting for a CPU for an idle one.)"""
    app = pilot.app
    for part in parts:
        if part in NAMED:
            app.post_message(events.Key(part, None))
            continue
        for char in part:
            app.post_message(events.Key(_character_to_key(char), char))
    deadline = time.monotonic() + 30
    while app._message_queue.qsize() or app.typeahead.held is not None:
        assert time.monotonic() < deadline, "the app did not take the keys in 30 s"
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


def value(screen, field: str) -> str:
    return screen.query_one(f"#f-{field}").value


async def test_a_whole_client_form_in_one_burst_is_saved_as_typed(db):
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await burst(
            pilot,
            "f3",
            "a",  # the form opens behind the keys already typed: they wait for it
            *("mab9307148t4", "tab", "Maquiladora Alfa", "tab", "Av. Industria", "tab"),
            *("1200", "tab", "tab", "Parque Industrial", "tab", "Apodaca", "tab", "66600"),
            *("tab", "NLE", "ctrl+s"),
        )
        await settle(pilot)  # the save's answer, on a loaded machine
        assert isinstance(app.screen, ClientDetailScreen)
    client = clients.get_client(db, "MAB9307148T4")
    assert (client.razon_social, client.calle, client.numero_exterior) == (
        "Maquiladora Alfa",
        "Av. Industria",
        "1200",
    )
    assert (client.colonia, client.municipio, client.codigo_postal) == (
        "Parque Industrial",
        "Apodaca",
        "66600",
    )
    assert client.entidad_federativa == "NLE"


async def test_editing_keys_in_a_burst_apply_between_the_letters_around_them(db):
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ClientFormScreen())
        await pilot.pause()
        await burst(pilot, "XAXX ñé", "left", "left", "backspace", "Ü", "home", "Z", "end", "!")
        assert value(app.screen, "rfc") == "ZXAXXÜñé!"


async def test_a_check_never_rewrites_the_field_the_user_is_back_in(db):
    """Leaving a field checks the value it was left with; the value as stored is shown only
    while the user is elsewhere and has not changed it since (the check runs a moment after
    the Tab, when a fast typist may be back in the field)."""
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ClientFormScreen())
        await pilot.pause()
        row = app.screen.row("rfc")
        await burst(pilot, "mab9307148t4x")
        row.normalize("MAB9307148T4", left="mab9307148t4")  # changed since it was left
        await burst(pilot, "backspace")
        row.normalize("MAB9307148T4", left="mab9307148t4")  # back in it
        assert row.input.value == "mab9307148t4"
        await burst(pilot, "tab")
        assert row.input.value == "MAB9307148T4"  # left alone: shown as stored


async def test_autocomplete_fills_a_field_only_on_right_or_end(demo_db):
    """Tab leaves a prefix as typed (an 'i' meant for another field never becomes
    'industrial'); Right or End at the end of the text takes the entry shown."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ProgramFormScreen("MNB050315K70", TODAY))
        await pilot.pause()
        form = app.screen
        await burst(pilot, "pros", "tab", "PS-1", "tab", "2020-01-01", "tab", "i", "tab")
        assert value(form, "type") == "pros"
        assert value(form, "modalidad") == "i"  # not "industrial"
        assert "debe ser una de" in str(form.query_one("#row-modalidad .field-message").render())
        await burst(pilot, "shift+tab", "backspace", "tab", "I", "shift+tab", "shift+tab")
        await burst(pilot, "shift+tab", "shift+tab", "end", "right")
        assert value(form, "type") == "PROSEC"
        await burst(pilot, "ctrl+s")
    held = [(p.type, p.number, p.modalidad, p.sectors) for p in programs.list_programs(demo_db)]
    assert ("PROSEC", "PS-1", None, "I") in held


async def test_block_rows_added_in_a_burst_keep_their_own_values(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        await burst(pilot, "f4", "a")
        form = app.screen
        assert isinstance(form, PedimentoFormScreen)
        editor = form.block("partidas")
        editor.field("fraccion").input.focus()
        await pilot.pause()
        await burst(pilot, "39269099", "tab", "10", "ctrl+n", "72085101", "tab", "20")
        rows = [(row["fraccion"], row["nico"]) for row in editor.values()]
        assert rows == [("39269099", "10"), ("72085101", "20")]
        assert editor.current == 1


async def test_ctrl_p_a_client_and_enter_typed_at_once_switch_to_it(demo_db, monkeypatch):
    """Enter typed before the palette's search of the RFC is done waits for it (it chose among
    the hits of the text as it was a moment before). The search is slowed down, as on a busy
    machine."""
    search = ClientSwitcher.search

    async def slow(self, query):
        await asyncio.sleep(0.3)
        async for hit in search(self, query):
            yield hit

    monkeypatch.setattr(ClientSwitcher, "search", slow)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        for rfc in ("ASM980127HN4", "MNB050315K70"):
            await burst(pilot, "f4", "ctrl+p", rfc, "enter")
            assert app.client is not None and app.client.rfc == rfc
            assert app.current_mode == "pedimentos"
