"""The Cruce Anexo 24 screen (issue 13, item 6): reached by k from Pedimentos and from the
Conciliación, it lists the client's differences, opens a pedimento with Enter (or says it is
not registered) and writes the XLSX with x."""

from openpyxl import load_workbook

from brokertui.app import BrokerApp
from brokertui.core.anexo24 import interfaces
from brokertui.screens.crosscheck import (
    CrossCheckScreen,
    DescargosCheckScreen,
    UnknownPartsScreen,
)
from brokertui.screens.pedimento_detail import PedimentoDetailScreen
from brokertui.screens.reconcile import ReconcileScreen
from tests.builders import deliver, partida, pedimento
from tests.conftest import TODAY

RFC = "MNB050315K70"  # the demo IMMEX client
PLANTED = [  # entradas of the ERP that Data Stage does not back
    ["25 07 3953 5009999", "1", "IN", "2025-11-10", "INT-4471", "10", "6", "24", "", "USA"],
    ["24 07 3953 4000137", "3", "IN", "2024-03-10", "INT-4471", "10", "6", "24", "", "USA"],
    ["24 07 3953 4000411", "1", "IN", "2024-04-02", "INT-4471", "100", "6", "240", "", "USA"],
]


# The demo's AF pedimento (core/demo/pedimentos.py): its press is a material of the client, so
# the pedimento makes its Anexo 24 lot, and the cross-check, which compares fixed assets on both
# sides, finds them equal.
DEMO_PRESS = "250739535000959"


def plant(db) -> None:
    """Three ERP entradas of the demo client: a pedimento and a partida Data Stage lacks, and
    a partida the ERP splits with a part of another fracción (fracción, cantidad and value)."""
    columns = interfaces.COLUMNS["entradas"]
    rows = [(n, dict(zip(columns, row, strict=True))) for n, row in enumerate(PLANTED, 2)]
    interfaces.import_rows(db, "entradas", rows, RFC, "entradas.csv", "planted")


def summary(app) -> str:
    return str(app.screen.query_one("#ped-summary").render())


async def open_cruce(app, pilot, *keys: str) -> None:
    """The demo client's Cruce Anexo 24 (F4, k), then `keys`."""
    app.open_client(RFC)
    await pilot.pause()
    await pilot.press("f4", "k", *keys)
    await pilot.pause()


async def test_k_opens_the_cross_check_from_pedimentos_and_from_the_reconciliation(demo_db):
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_cruce(app, pilot)
        assert isinstance(app.screen, CrossCheckScreen)
        assert "6 diferencias: sin Data Stage 1, sin Anexo 24 0" in summary(app)
        table = app.screen.query_one("DataTable")
        shown = [table.get_row_at(n) for n in range(table.row_count)]
        assert [str(r[2]) for r in shown] == [
            "sólo en Anexo 24",
            "fracción",
            "cantidad UMC",
            "cantidad UMT",
            "valor USD",
            "sólo en Anexo 24",
        ]
        assert DEMO_PRESS not in [str(r[0]).replace(" ", "") for r in shown]
        await pilot.press("escape", "c", "k")
        await pilot.pause()
        assert isinstance(app.screen, CrossCheckScreen)
        assert isinstance(app.screen_stack[-2], ReconcileScreen)


async def test_enter_opens_the_pedimento_or_says_it_is_not_registered(demo_db):
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_cruce(app, pilot)
        await pilot.press(*["down"] * 5, "enter")  # the last row: a pedimento only the ERP has
        await pilot.pause()
        assert isinstance(app.screen, CrossCheckScreen)
        assert any("no está registrado" in str(n.message) for n in app._notifications)
        await pilot.press(*["up"] * 5, "enter")
        await pilot.pause()
        assert isinstance(app.screen, PedimentoDetailScreen)
        assert app.screen.numero == "240739534000137"


async def test_x_writes_the_differences_to_xlsx(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_cruce(app, pilot)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    path = tmp_path / "brokertui-reportes" / f"{RFC}-cruce-entradas-{TODAY.isoformat()}.xlsx"
    sheet = load_workbook(path).active
    assert sheet.max_row == 7 + 6  # 5 heading lines, a blank row, the column names, the rows
    assert [c.value for c in sheet[8]][:3] == ["240739534000137", "partida_solo_anexo24", 3]


def plant_parts(db) -> None:
    """A Data Stage delivery for the demo client whose part numbers no catalog has: one in
    551, one in 558 observaciones, and one partida with none."""
    observation = {
        "Fraccion": "85389099",
        "SecuenciaFraccion": "2",
        "SecuenciaObservacion": "1",
        "Observaciones": "No. De parte: QX-1",
    }
    ped = pedimento(
        "260739536000777",
        rfc=RFC,
        partidas=[partida(parte="ZZ-9"), partida(parte=""), partida(parte="")],
        miembros={"558": [observation]},
    )
    deliver(db, ped)


async def test_u_lists_the_part_numbers_no_catalog_knows(demo_db):
    plant_parts(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_cruce(app, pilot, "u")
        assert isinstance(app.screen, UnknownPartsScreen)
        table = app.screen.query_one("DataTable")
        rows = [[str(c) for c in table.get_row_at(n)][1:4] for n in range(table.row_count)]
        assert rows == [["1", "ZZ-9", "551"], ["2", "QX-1", "558"]]
        assert "sin número 1" in summary(app) and "2 sin catálogo" in summary(app)
        await pilot.press("escape")
        assert isinstance(app.screen, CrossCheckScreen)


async def test_the_rules_screen_edits_the_part_number_pattern(demo_db):
    from brokertui.core.pedimentos import rules as pedimento_rules
    from brokertui.screens.client_rules import ClientRulesScreen

    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ClientRulesScreen)
        field = app.screen.query_one("#pattern")
        field.focus()
        field.value = ""
        await pilot.press(*"Parte (", "enter")
        await pilot.pause()
        message = str(app.screen.query_one("#pattern-message").render())
        assert "patron_numero_parte" in message and "expresión regular" in message
        assert pedimento_rules.part_pattern(demo_db, RFC) == r"No\.? ?de parte:?\s*(\S+)"
        await pilot.press(*"#(.+))", "enter")  # now "Parte (#(.+))": a group, balanced
        await pilot.pause()
        assert str(app.screen.query_one("#pattern-message").render()) == ""
        assert pedimento_rules.part_pattern(demo_db, RFC) == "Parte (#(.+))"


def plant_descargo(db) -> None:
    """A return of the demo client whose 512 discharges an entry brokertui has not discharged
    for it (no salida carries its number)."""
    row = {
        "PatenteAduanalOrig": "3953",
        "PedimentoOriginal": "4000137",
        "SeccionAduaneraDespOrig": "070",
        "DocumentoOriginal": "IN",
        "FechaOperacionOrig": "2024-03-01 10:00:00",
        "FraccionOriginal": "85389099",
        "UnidadMedida": "6",
        "MercanciaDescargada": "40",
    }
    ped = pedimento(
        "260739536000888",
        rfc=RFC,
        clave="RT",
        tipo_operacion="2",
        entrada=None,
        partidas=[partida(parte="")],
        miembros={"512": [row]},
    )
    deliver(db, ped)


async def test_d_compares_the_512_descargos_with_the_ledger(demo_db):
    plant_descargo(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_cruce(app, pilot, "d")
        assert isinstance(app.screen, DescargosCheckScreen)
        table = app.screen.query_one("DataTable")
        assert [str(c) for c in table.get_row_at(0)] == [
            "260739536000888",
            "240739534000137",
            "sólo en 512",
            "40 (6)",
            "",
        ]
        assert table.row_count == 1 and "1 diferencia en las salidas" in summary(app)


async def test_the_cross_check_stays_on_its_client_when_the_palette_switches(
    demo_db, tmp_path, monkeypatch
):
    """Ctrl+P to another client with the Cruce in front: its rows stay the first client's, and
    so does what x writes (it exported the other client's under the first one's rows)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    plant(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_cruce(app, pilot)
        app.switch_client("ASM980127HN4")
        await pilot.pause()
        assert isinstance(app.screen, CrossCheckScreen)
        assert "6 diferencias" in summary(app)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    written = [p.name for p in (tmp_path / "brokertui-reportes").iterdir()]
    assert written == [f"{RFC}-cruce-entradas-{TODAY.isoformat()}.xlsx"]


async def test_the_conciliacion_stays_on_its_client_when_the_palette_switches(demo_db):
    """Ctrl+P to another client with the captura/Data Stage conciliación in front, then a
    colleague's change refreshes it: it reads the client it shows (it read the other one)."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("f4", "c")
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        app.switch_client("ASM980127HN4")
        await pilot.pause()
        app.screen.refresh_data()  # what Live does after a colleague's write
        await pilot.pause()
        assert summary(app).startswith(f"{RFC} ·")
