"""The Activo fijo screen (issue 15, item 1): reached by f from Reportes (F6), it lists the
client's fixed assets with their balance, domicilio and last movement under the permanence
line, shows the activo fijo report with v, records a movement of the selected asset with m
(the form refuses more than its balance, naming the field) and writes the XLSX with x."""

import pytest
from openpyxl import load_workbook

from brokertui.app import BrokerApp
from brokertui.core.anexo24 import activo_fijo, interfaces, reports
from brokertui.screens.activo_fijo import ActivoFijoScreen, MovimientoFormScreen
from brokertui.screens.report_table import _shown
from tests.conftest import TODAY

RFC = "MNB050315K70"  # the demo IMMEX client (vigente), with plants
AF1, AF2 = "26 07 3953 7000001", "26 07 3953 7000002"
PLANTED = [  # AF imports of two of its materials
    [AF1, "1", "AF", "2026-01-12", "LAM-3MM", "2", "1", "48000", "72085101", "DEU"],
    [AF2, "1", "AF", "2026-02-03", "SOP-220", "5", "6", "1500", "39269099", "USA"],
]


def plant(db) -> None:
    """The two AF imports, the first moved to Bodega Ojinaga on 1 March."""
    columns = interfaces.COLUMNS["entradas"]
    rows = [(n, dict(zip(columns, row, strict=True))) for n, row in enumerate(PLANTED, 2)]
    interfaces.import_rows(db, "entradas", rows, RFC, "af.csv", "planted")
    move = {"fecha": "2026-03-01", "tipo": "cambio_domicilio", "domicilio": "Bodega Ojinaga"}
    activo_fijo.add_movement(db, RFC, {"pedimento": AF1, "partida": "1"} | move)


EMPTY = ["", "", ""]  # serie, marca, modelo
# The demo's AF import (core/demo/pedimentos.py): part, saldo, domicilio, último, cantidad, fecha
PRESS = ["AF-PR200", "1", "—", "importación", "1", "2025-11-26"]


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("DataTable")
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def open_screen(pilot) -> None:
    pilot.app.open_client(RFC)
    await pilot.pause()
    await pilot.press("f6", "f")
    await pilot.pause()


async def test_f_lists_the_assets_and_m_discharges_the_one_selected(demo_db):
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot)
        assert isinstance(app.screen, ActivoFijoScreen)
        heading = str(app.screen.query_one("#af-heading").render())
        assert "Permanencia: mientras el IMMEX" in heading and "art. 108 fr. III" in heading
        assert [r[2:] for r in rows(app)] == [
            [*PRESS, *EMPTY],
            ["LAM-3MM", "2", "Bodega Ojinaga", "cambio de domicilio", "2", "2026-01-12", *EMPTY],
            ["SOP-220", "5", "—", "importación", "5", "2026-02-03", *EMPTY],
        ]  # no serie, marca or modelo known yet
        await pilot.press("down", "down", "m")  # the SOP-220 asset: pedimento, partida filled
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MovimientoFormScreen)
        assert form.values()["pedimento"] == "260739537000002"
        form.row("tipo").input.value = "retorno"
        form.row("cantidad").input.value = "6"
        form.row("documento").input.value = "26 07 3953 8000001"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # more than its balance: refused, the field named
        assert "Cantidad: 6 excede el saldo del activo fijo (5)" in str(
            form.query_one("#form-status").render()
        )
        form.row("cantidad").input.value = "1.5"
        form.row("serie").input.value = "SN-7"
        form.row("marca").input.value = "[b]Haas[/b]"  # stored data is data, never markup
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActivoFijoScreen)
        assert rows(app)[2][3:6] == ["3.5", "—", "retorno"]
        assert rows(app)[2][8:] == ["SN-7", "[b]Haas[/b]", ""]  # the latest known, on the list


async def test_the_demos_af_pedimento_is_an_asset_of_its_immex_client(demo_db):
    """The demo's AF pedimento (the press, AF-PR200) is in its materiales and activo fijo
    catalogs, so F6 → f lists it; it listed no asset (found by a new user's trial)."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot)
        assert [r[2:8] for r in rows(app)] == [PRESS]
        assert rows(app)[0][0] == "25 07 3953 5000959"


async def opened(pilot, *keys):
    """The planted assets on the activo fijo screen, after `keys`."""
    plant(pilot.app.db)
    await open_screen(pilot)
    await pilot.press(*keys)
    await pilot.pause()


async def test_v_shows_the_report_t_every_asset_and_x_writes_the_xlsx(
    demo_db, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, "v")
        assert [r[1] for r in rows(app)] == [
            "importación AF",
            "importación AF",
            "cambio de domicilio",
        ]
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        sheet = load_workbook(
            tmp_path / "brokertui-reportes" / f"{RFC}-activo_fijo-2026-04-15.xlsx"
        ).active
        assert sheet.cell(7, 2).value == "importación AF"
        await pilot.press("t")  # back to the assets, every one of them
        await pilot.pause()
        assert len(rows(app)) == 3  # the demo's press too
        heading = str(app.screen.query_one("#af-heading").render())
        assert heading.startswith("Todos los activos al 2026-04-15")  # was 'Activos todos al'


@pytest.mark.parametrize("keys", [(), ("v",), ("m",)], ids=["activos", "reporte", "movimiento"])
def test_activo_fijo_screen(snap_compare, demo_db, keys):
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=lambda pilot: opened(pilot, *keys), terminal_size=(80, 24))


async def test_the_report_view_shows_each_core_value_under_its_column(demo_db):
    """The report's cells at 80 columns match the core rows column by column (issue 15 trial:
    Cantidad and Saldo looked misplaced). The blank under Cantidad is the cambio de domicilio,
    which moves no quantity; its Saldo is the asset's."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, "v")
        table = app.screen.query_one("DataTable")
        labels = [str(c.label) for c in table.columns.values()]
        heading = app.screen.report()
        expected = [
            {c.label: _shown(c.key, c.kind, row[c.key]) for c in heading.report.columns}
            for row in reports.records(demo_db, heading)
        ]
        shown = [dict(zip(labels, r, strict=True)) for r in rows(app)]
        assert [r["Cantidad"] for r in shown] == ["2", "5", ""]
        assert [r["Saldo"] for r in shown] == ["2", "5", "2"]
        assert shown == [{k: v for k, v in row.items() if k in labels} for row in expected]


async def test_the_client_detail_shows_the_state_the_raoce_rules_derive(db):
    """Issue 15 trial: an IMMEX authorised in 2020 with no RAOCE 2026 filed is cancelled by
    the rules (rules.md §1) on Activo fijo and the dashboard; the client detail showed only
    'vigente'. One authorised in 2026 owes no RAOCE that year (raoce-2026-guide.txt: "Las
    empresas con programa IMMEX autorizado en 2026 NO deben presentar el RAOCE")."""
    from datetime import date

    from brokertui.core.registry import clients, programs
    from brokertui.screens.clients import ClientDetailScreen
    from tests.builders import client_rfc

    today = date(2026, 12, 15)
    old, new = client_rfc(1), client_rfc(2)
    for rfc, authorized in ((old, "2020-01-01"), (new, "2026-03-01")):
        clients.add_client(db, {"rfc": rfc, "razon_social": "Cliente SA"})
        program = {"type": "IMMEX", "number": f"{authorized[:4]}-1", "authorized_on": authorized}
        programs.add_program(db, rfc, program | {"modalidad": "industrial"}, today=today)
    app = BrokerApp(db, today=today)
    async with app.run_test(size=(80, 24)) as pilot:
        for rfc, status in ((old, "vigente (RAOCE: cancelado el 2026-09-01)"), (new, "vigente")):
            app.push_screen(ClientDetailScreen(rfc))
            await pilot.pause()
            assert rows(app)[0][3] == status
            permanence = activo_fijo.permanence(db, rfc, today).nota
            assert ("cancelado el 2026-09-01" in permanence) == (rfc == old)
            app.pop_screen()
            await pilot.pause()
