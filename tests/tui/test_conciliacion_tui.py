"""The Conciliación de inventario screen (issue 15, item 3): reached by i from Reportes, it
shows the latest declared period of the current client per material, records the proposed
ajustes after asking (a), picks another declared period (d) and writes the XLSX (x)."""

from openpyxl import load_workbook

from brokertui.app import BrokerApp
from brokertui.core.anexo24 import interfaces
from brokertui.screens.conciliacion import ConciliacionScreen
from brokertui.screens.dialogs import ChoiceScreen, ConfirmScreen
from tests.conftest import TODAY

RFC = "MNB050315K70"  # the demo IMMEX client
# The demo client's exits of the first quarter (RT-0001, RT-0002: 450 TC-900) consume 1,800
# INT-4471, 913.5 SOP-220 and 370.8 LAM-3MM (more than its 250: the demo's faltante). Declared:
# INT-4471 and ALU-5052 as the customs data leave them, SOP-220 12.5 short, LAM-3MM at zero.
DECLARED = [
    ["INT-4471", "2026-01-01", "2026-03-31", "4000", "2200"],
    ["SOP-220", "2026-01-01", "2026-03-31", "2900", "1974"],
    ["LAM-3MM", "2026-01-01", "2026-03-31", "250", "0"],
    ["ALU-5052", "2026-01-01", "2026-03-31", "400", "400"],
    ["ALU-5052", "2025-10-01", "2025-12-31", "400", "400"],  # an older period
]


def plant(db) -> None:
    columns = interfaces.COLUMNS["inventarios"]
    rows = [(n, dict(zip(columns, row, strict=True))) for n, row in enumerate(DECLARED, 2)]
    interfaces.import_rows(db, "inventarios", rows, RFC, "inventarios.csv", "planted")


def summary(app) -> str:
    return str(app.screen.query_one("#ped-summary").render())


def shown(app) -> list[tuple]:
    table = app.screen.query_one("DataTable")
    return [tuple(str(c) for c in table.get_row_at(n)) for n in range(table.row_count)]


async def open_screen(app, pilot) -> None:
    app.open_client(RFC)
    await pilot.pause()
    await settled(app, pilot, "f6", "i")


async def settled(app, pilot, *keys) -> None:
    """Press `keys`, then wait for the conciliation worked out (or the ajustes recorded) off
    the UI thread."""
    await pilot.press(*keys)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_latest_period_is_shown_and_the_ajustes_recorded_after_asking(demo_db):
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        assert isinstance(app.screen, ConciliacionScreen)
        assert "del 2026-01-01 al 2026-03-31 · 4 materiales, 2 con diferencia · 2 ajustes" in (
            summary(app)
        )
        rows = shown(app)
        assert [r[0] for r in rows] == ["ALU-5052", "INT-4471", "LAM-3MM", "SOP-220"]
        # diferencia, propuesta, estado, inicial, entradas, salidas, ajustes, calculado, final
        assert rows[2][1:10] == (
            "120.8",
            "sobrante",
            "con diferencia",
            "250",
            "0",
            "370.8",
            "0",
            "-120.8",
            "0",
        )
        assert rows[3][1:10] == (
            "-12.5", "faltante", "con diferencia", "2,900", "0", "913.5", "0", "1,986.5", "1,974"
        )  # fmt: skip
        assert rows[0][3] == "cuadra"
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == (
            "¿Registrar 2 ajustes con fecha 2026-03-31?\n"
            "sobrante LAM-3MM 120.8 (pedimento 24 07 3953 4000274)\n"
            "faltante SOP-220 12.5\n"
            "El próximo descargo los aplica."
        )
        await pilot.press("n")  # changed my mind: nothing recorded
        await pilot.pause()
        assert demo_db.execute("SELECT count(*) FROM ajustes").fetchone()[0] == 0
        await settled(app, pilot, "a", "s")  # recorded, then worked out again
        await settled(app, pilot)
        assert isinstance(app.screen, ConciliacionScreen)
        assert "4 materiales, 0 con diferencia · 0 ajustes propuestos" in summary(app)
        assert [r[0:2] for r in demo_db.execute("SELECT tipo, numero_parte FROM ajustes")] == [
            ("sobrante", "LAM-3MM"),
            ("faltante", "SOP-220"),
        ]
        await pilot.press("a")
        await pilot.pause()
        assert any("Sin diferencias" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ConciliacionScreen)


async def test_a_material_moved_but_not_declared_is_named_so(demo_db):
    """LAM-3MM left out of the declaration: its 370.8 consumed still show, named."""
    columns = interfaces.COLUMNS["inventarios"]
    rows = [dict(zip(columns, row, strict=True)) for row in DECLARED if row[0] != "LAM-3MM"]
    interfaces.import_rows(demo_db, "inventarios", enumerate(rows, 2), RFC, "inv.csv", "x")
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        said = "4 materiales, 1 con diferencia, 1 sin inventario declarado · 1 ajuste propuesto"
        assert said in summary(app)
        lam = next(r for r in shown(app) if r[0] == "LAM-3MM")
        assert lam[1:7] == ("", "", "sin inventario declarado", "", "0", "370.8")


async def test_d_picks_another_declared_period(demo_db):
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await settled(app, pilot, "2")
        assert "del 2025-10-01 al 2025-12-31 · 1 material, 0 con diferencia" in summary(app)
        assert [r[0] for r in shown(app)] == ["ALU-5052"]


async def test_x_writes_the_workbook(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    path = tmp_path / "brokertui-reportes" / f"{RFC}-conciliacion-2026-01-01-2026-03-31.xlsx"
    values = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    assert values[6][:3] == ["ALU-5052", "PLACA DE ALUMINIO ALEADO", "1"]
    assert len(values) == 10


async def test_a_client_without_inventories_is_told_how_to_declare_them(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot)
        assert "sin inventarios declarados: importe la interfaz inventarios" in summary(app)
        await pilot.press("a", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConciliacionScreen)
        messages = [str(n.message) for n in app._notifications]
        assert "No hay inventarios declarados de este cliente." in messages


async def test_without_a_client_i_asks_for_one(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        app.screen.action_conciliacion()  # (without a client the period's field has the focus)
        await pilot.pause()
        assert not isinstance(app.screen, ConciliacionScreen)
        assert any("Elija primero el cliente" in str(n.message) for n in app._notifications)
