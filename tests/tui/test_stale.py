"""No lost updates in the TUI (issue 12, item 2), with two app instances on one database file,
each on its own connection: user 1 opens a client's edit form, user 2 changes calle and número,
user 1 appends to the razón social and saves. The save is refused with who changed what, and
each way on (reload, overwrite, merge) stores exactly what was chosen."""

from contextlib import asynccontextmanager
from datetime import datetime

import pytest

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.core.errors import Change, StaleRecord
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import clients, programs
from brokertui.screens import stale
from brokertui.screens.client_forms import ClientFormScreen
from brokertui.screens.clients import ClientDetailScreen
from brokertui.screens.dialogs import ChoiceScreen
from brokertui.screens.pedimento_detail import edit_captured
from brokertui.screens.pedimento_form import PedimentoFormScreen
from brokertui.screens.raoce import RaoceScreen
from brokertui.screens.stale import StaleScreen
from tests.conftest import TODAY
from tests.core.pedimentos.test_pedimentos import values as pedimento_values
from tests.tui.conftest import type_text

RFC = "MAB9307148T4"
NUMERO = "262439536000098"
ORIGINAL = {"razon_social": "Alfa SA", "calle": "Av. Uno", "numero_exterior": "5"}


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "office.db"
    database = store.connect(path)
    clients.add_client(database, {"rfc": RFC, **ORIGINAL})
    database.close()
    return path


@asynccontextmanager
async def user(path):
    """One broker: a BrokerApp on its own connection to the shared file, on the client list."""
    database = store.connect(path)
    app = BrokerApp(database, today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f3", "enter")
            assert isinstance(app.screen, ClientDetailScreen)
            yield app, pilot
    finally:
        database.close()


async def set_field(pilot, app, name: str, value: str) -> None:
    app.screen.query_one(f"#f-{name}").focus()
    await pilot.press("end", "ctrl+u")  # clear the field
    await type_text(pilot, value)


def stored(path) -> dict:
    database = store.connect(path)
    try:
        client = clients.get_client(database, RFC)
    finally:
        database.close()
    return {
        "razon_social": client.razon_social,
        "calle": client.calle,
        "numero_exterior": client.numero_exterior,
        "version": client.version,
    }


@asynccontextmanager
async def refused_save(path, *, my_calle: str | None = None):
    """User 1 edits while user 2 saves calle 'Av. Dos' and número '12'; user 1's save (razón
    social + ' de CV', and `my_calle`) meets the StaleScreen."""
    async with user(path) as (app, pilot):
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ClientFormScreen) and form.focused.id == "f-razon_social"
        async with user(path) as (other, other_pilot):
            await other_pilot.press("e")
            await set_field(other_pilot, other, "calle", "Av. Dos")
            await set_field(other_pilot, other, "numero_exterior", "12")
            await other_pilot.press("ctrl+s")
            await other_pilot.pause()
            assert isinstance(other.screen, ClientDetailScreen)  # saved
        assert stored(path)["calle"] == "Av. Dos"
        await pilot.press("end")
        await type_text(pilot, " de CV")
        if my_calle is not None:
            await set_field(pilot, app, "calle", my_calle)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StaleScreen)
        yield app, pilot, form


async def test_the_dialog_says_who_changed_what_and_nothing_is_saved(path):
    async with refused_save(path) as (app, pilot, form):
        text = str(app.screen.query_one("#stale-changes").render())
        user = store.os_user()
        assert f"{user} cambió calle: 'Av. Uno' → 'Av. Dos' hace " in text
        assert f"{user} cambió numero_exterior: '5' → '12' hace " in text
        assert stored(path)["razon_social"] == "Alfa SA"
        await pilot.press("escape")  # back to the form: still mine, still unsaved
        assert app.screen is form
        assert form.values()["razon_social"] == "Alfa SA de CV"
        assert form.values()["calle"] == "Av. Uno"
    assert stored(path) == {
        "razon_social": "Alfa SA",
        "calle": "Av. Dos",
        "numero_exterior": "12",
        "version": 2,
    }


async def test_reload_discards_mine_and_shows_theirs(path):
    async with refused_save(path) as (app, pilot, form):
        await pilot.press("r")
        assert app.screen is form
        assert {k: form.values()[k] for k in ORIGINAL} == {
            "razon_social": "Alfa SA",
            "calle": "Av. Dos",
            "numero_exterior": "12",
        }
        assert "Se cargó lo guardado (versión 2)" in str(form.query_one("#form-status").render())
        await pilot.press("end")  # and a save from there is no longer stale
        await type_text(pilot, " de CV")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
    assert stored(path) == {
        "razon_social": "Alfa SA de CV",
        "calle": "Av. Dos",
        "numero_exterior": "12",
        "version": 3,
    }


@pytest.mark.parametrize(
    ("key", "calle", "numero"),
    [("s", "Av. Uno", "5"), ("c", "Av. Dos", "12")],  # s: overwrite with mine as typed;
)  # c: merge, their fields and mine
async def test_overwrite_or_merge_saves(path, key, calle, numero):
    async with refused_save(path) as (app, pilot, _):
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
    assert stored(path) == {
        "razon_social": "Alfa SA de CV",
        "calle": calle,
        "numero_exterior": numero,
        "version": 3,
    }


@pytest.mark.parametrize(("key", "calle"), [("m", "Av. Tres"), ("s", "Av. Dos")])
async def test_merge_asks_for_a_field_both_changed(path, key, calle):
    async with refused_save(path, my_calle="Av. Tres") as (app, pilot, _):
        await pilot.press("c")
        assert isinstance(app.screen, ChoiceScreen)
        assert app.screen.title_text == "Combinar: calle"
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
    assert stored(path) == {
        "razon_social": "Alfa SA de CV",
        "calle": calle,
        "numero_exterior": "12",
        "version": 3,
    }


def test_ago():
    now = datetime.fromisoformat("2026-04-15T10:00:12+00:00")
    assert stale.ago("2026-04-15T10:00:00+00:00", now) == "hace 12 s"
    assert stale.ago("2026-04-15T09:57:00+00:00", now) == "hace 3 min"
    assert stale.ago("2026-04-15T08:00:00+00:00", now) == "hace 2 h"
    assert stale.ago("2026-04-13T08:00:00+00:00", now) == "el 2026-04-13 02:00"  # UTC-6


def test_dialog_snapshot(snap_compare, path, monkeypatch):
    """The dialog at 80×24: user 'ana' changed calle and número 12 s before the save."""
    monkeypatch.setattr(store, "os_user", lambda: "ana")
    monkeypatch.setattr(store, "now", lambda: "2026-04-15T10:00:00+00:00")
    monkeypatch.setattr(stale, "clock", lambda: datetime.fromisoformat("2026-04-15T10:00:12+00:00"))
    database = store.connect(path)
    app = BrokerApp(database, today=TODAY)

    async def edit_meanwhile(pilot):
        await pilot.press("f3", "enter", "e")
        other = store.connect(path)
        clients.update_client(other, RFC, {"calle": "Av. Dos", "numero_exterior": "12"})
        other.close()
        await pilot.press("end")
        await type_text(pilot, " de CV")
        await pilot.press("ctrl+s")
        await pilot.pause()

    try:
        assert snap_compare(app, run_before=edit_meanwhile, terminal_size=(80, 24))
    finally:
        database.close()


@asynccontextmanager
async def raoce_stale(path):
    """User 1 has the RAOCE worksheet open (ventas 100, exportaciones 50) and types a tipo de
    cambio while user 2 saves ventas 200; user 1's save meets the StaleScreen."""
    database = store.connect(path)
    programs.add_program(
        database, RFC, {"type": "ECEX", "number": "E-1", "authorized_on": "2020-01-01"}, today=TODAY
    )
    raoce.set_worksheet(database, RFC, TODAY.year, ventas="100", exportaciones="50")
    database.close()
    async with raoce_user(path) as (app, pilot):
        async with raoce_user(path) as (other, other_pilot):
            await set_field(other_pilot, other, "ventas", "200")
            await other_pilot.press("ctrl+s")
            await other_pilot.pause()
        await set_field(pilot, app, "tipo_cambio", "17.5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StaleScreen)
        text = str(app.screen.query_one("#stale-changes").render())
        assert "cambió ventas: '100' → '200' hace " in text
        yield app, pilot


@asynccontextmanager
async def raoce_user(path):
    database = store.connect(path)
    app = BrokerApp(database, today=TODAY)
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            app.open_client(RFC)
            await pilot.press("f7")
            await pilot.pause()
            assert isinstance(app.screen, RaoceScreen)
            yield app, pilot
    finally:
        database.close()


def worksheet(path) -> tuple:
    database = store.connect(path)
    try:
        sheet = raoce.show(database, RFC, TODAY.year)
    finally:
        database.close()
    return sheet["ventas_totales"], sheet["tipo_cambio_promedio"], sheet["version"]


async def test_raoce_worksheet_merge(path):
    async with raoce_stale(path) as (app, pilot):
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, RaoceScreen)
        assert app.screen.values()["ventas"] == "200"
    assert worksheet(path) == ("200", "17.5", 3)


async def test_raoce_worksheet_keeps_mine_on_esc_and_reload_shows_theirs(path):
    async with raoce_stale(path) as (app, pilot):
        await pilot.press("escape")
        sheet = app.screen
        assert isinstance(sheet, RaoceScreen)
        assert (sheet.values()["ventas"], sheet.values()["tipo_cambio"]) == ("100", "17.5")
        assert worksheet(path) == ("200", None, 2)
        await pilot.press("ctrl+s", "r")
        assert (sheet.values()["ventas"], sheet.values()["tipo_cambio"]) == ("200", "")
        await set_field(pilot, app, "tipo_cambio", "18")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, StaleScreen)
    assert worksheet(path) == ("200", "18", 3)


@asynccontextmanager
async def pedimento_stale(path):
    """User 1 edits a captured pedimento (tipo de cambio 18.5) while another saves its partida
    1 with cantidad UMC 15; user 1's save meets the StaleScreen."""
    database = store.connect(path)
    pedimentos.save(database, pedimento_model.parse(pedimento_values()), today=TODAY)
    database.close()
    database = store.connect(path)
    app = BrokerApp(database, today=TODAY)
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            app.open_client(RFC)
            await pilot.press("f4")
            await pilot.pause()
            edit_captured(app.screen, NUMERO, app.screen.reload)
            await pilot.pause()
            form = app.screen
            assert isinstance(form, PedimentoFormScreen) and form.version == 1
            other = store.connect(path)
            changed = pedimento_model.parse(pedimento_values(partida_cantidad_umc="15"))
            pedimentos.save(other, changed, today=TODAY, replace=True, expected_version=1)
            other.close()
            await set_field(pilot, app, "encabezado-tipo_cambio", "18.5")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, StaleScreen)
            text = str(app.screen.query_one("#stale-changes").render())
            assert "cambió partida 1, cantidad_umc: '12' → '15' hace " in text
            yield app, pilot, form
    finally:
        database.close()


def stored_pedimento(path) -> tuple:
    database = store.connect(path)
    try:
        ped = pedimentos.get_pedimento(database, NUMERO, "captura")
    finally:
        database.close()
    return ped["tipo_cambio"], ped["partidas"][0]["cantidad_umc"], ped["version"]


async def test_pedimento_merge_keeps_their_partida_and_my_header(path):
    async with pedimento_stale(path) as (app, pilot, form):
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is not form  # saved and closed
    assert stored_pedimento(path) == ("18.5", "15", 3)


async def test_pedimento_reload_shows_theirs(path):
    async with pedimento_stale(path) as (app, pilot, form):
        await pilot.press("r")
        assert app.screen is form
        assert form.values()["encabezado"]["tipo_cambio"] == "18.00120"
        assert form.values()["partidas"][0]["cantidad_umc"] == "15"
        assert form.version == 2
    assert stored_pedimento(path) == ("18.00120", "15", 2)


async def test_pedimento_overwrite_saves_mine(path):
    async with pedimento_stale(path) as (app, pilot, form):
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is not form
    assert stored_pedimento(path) == ("18.5", "12", 3)


def test_the_dialog_lists_at_most_eight_changes():
    at = "2026-04-15T10:00:00+00:00"
    changes = [
        Change(n + 2, at, "ana", "client.edit", {"colonia": (f"C{n}", f"C{n + 1}")})
        for n in range(10)
    ]
    lines = stale.change_lines(
        StaleRecord("el cliente X", 1, 11, changes, {}), datetime.fromisoformat(at)
    )
    assert len(lines) == 9 and lines[-1] == "y 2 cambios más"
    assert lines[0] == "ana cambió colonia: 'C0' → 'C1' hace 0 s"


async def test_the_dialog_names_its_keys_as_remapped(path):
    """The dialog's lines say each key as the footer does (it said 'Esc' whatever the
    keymap)."""
    import os
    from pathlib import Path

    Path(os.environ["BROKERTUI_CONFIG"]).write_text('[teclas]\n"stale.back" = "ctrl+b"\n')
    async with user(path) as (app, pilot):
        await pilot.press("e")
        other = store.connect(path)
        clients.update_client(other, RFC, {"calle": "Av. Dos"})
        other.close()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StaleScreen)
        lines = [str(choice.render()) for choice in app.screen.query(".choice")]
        assert lines[-1] == "^b  Volver — Al formulario, sin guardar"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, ClientFormScreen)
