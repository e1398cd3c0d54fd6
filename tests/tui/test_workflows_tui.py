"""Workflows that were only on the command line, now in the TUI (issue 16, item 3): the PROSEC
relación de bienes producidos (F7, Ctrl+O), program status and dates from the client, catalog
bajas with their date, and the catalogs (materiales, productos, BOM) of a client."""

from textual.widgets import DataTable, Static

from brokertui.app import BrokerApp
from brokertui.core.anexo24 import catalog_list
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import programs
from brokertui.screens.catalogs import CatalogsScreen
from brokertui.screens.client_forms import ProgramStatusScreen
from brokertui.screens.clients import ClientDetailScreen
from brokertui.screens.dialogs import ConfirmScreen
from brokertui.screens.raoce import RaoceScreen
from brokertui.screens.raoce_bienes import BienesScreen, BienFormScreen
from tests.conftest import TODAY
from tests.tui.conftest import cells, type_text, until

CEB = "CEB110902QW7"  # the demo PROSEC-only client (sectores I, II)
MNB = "MNB050315K70"  # the demo IMMEX client, with catalogs and pedimentos
ASM = "ASM980127HN4"  # the demo IMMEX and PROSEC client


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_relacion_de_bienes_from_f7(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(CEB)
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert "Relación de bienes producidos (PROSEC): 0 bienes · ^o la captura" in text(
            app, "#raoce-computed"
        )
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, BienesScreen)
        assert "sectores autorizados: I Industria Eléctrica; II Industria Electrónica" in text(
            app, "#bienes-head"
        )
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, BienFormScreen)
        await type_text(pilot, "XIX")  # not one of its sectors
        await pilot.press("tab")
        await type_text(pilot, "8544.49")  # 6 digits
        await pilot.press("tab")
        assert "son 8 dígitos" in text(app, "#row-fraccion .field-message")
        await type_text(pilot, "Arnés eléctrico")
        await pilot.press("tab")
        await type_text(pilot, "pieza")
        await pilot.press("tab")
        await type_text(pilot, "1500")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.focused.id == "f-fraccion"  # the first field to correct
        await pilot.press("end", *".99")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text(app, "#form-status") == (
            "Clave de sector: el sector XIX no está autorizado en su PROSEC (sectores I, II)"
        )
        assert app.focused.id == "f-sector"
        await pilot.press("ctrl+u", "I", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BienesScreen)
        table = app.screen.query_one(DataTable)
        assert cells(table) == [["I", "85444999", "Arnés eléctrico", "Pieza", "1,500"]]
        await pilot.press("e")  # edit: the volume
        await pilot.pause()
        app.screen.query_one("#f-volumen").focus()
        await pilot.press("ctrl+u", *"2500.5", "ctrl+s")
        await pilot.pause()
        assert cells(table)[0][4] == "2,500.5"
        [bien] = raoce.list_bienes(demo_db, CEB, 2026)
        assert (bien.sector, bien.fraccion, bien.unidad, bien.volumen) == (
            "I",
            "85444999",
            "6",
            "2500.5",
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RaoceScreen)
        assert "(PROSEC): 1 bien · ^o" in text(app, "#raoce-computed")
        assert "I 85444999 Arnés eléctrico · 2,500.5 Pieza" in text(app, "#raoce-computed")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("s")
        await pilot.pause()
        assert raoce.list_bienes(demo_db, CEB, 2026) == []
        assert cells(app.screen.query_one(DataTable)) == []


async def test_relacion_de_bienes_only_for_prosec(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(MNB)  # IMMEX only
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert "Relación de bienes" not in text(app, "#raoce-computed")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, RaoceScreen)


async def test_program_status_and_date_from_the_client_asking_first(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(ASM)
        await pilot.pause()
        await pilot.press("s")  # the first program: IMMEX 0877-2004
        await pilot.pause()
        assert isinstance(app.screen, ProgramStatusScreen)
        assert app.focused.id == "f-status"
        await pilot.press("ctrl+u", *"pausado", "tab")
        assert text(app, "#row-status .field-message") == "debe ser vigente, suspendido o cancelado"
        await pilot.press("shift+tab", "ctrl+u", *"suspendido", "tab", "ctrl+u", *"2030-01-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "estatus: vigente → suspendido" in app.screen.question
        await pilot.press("s")
        await pilot.pause()
        status = text(app, "#form-status")  # the field as the form labels it, never its id
        assert status == "Fecha de autorización: la fecha de autorización 2030-01-01 es futura"
        assert app.focused.id == "f-authorized_on"
        await pilot.press("ctrl+u", *"2004-05-18", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # asked again: the date changed
        assert "autorización: 2004-05-17 → 2004-05-18" in app.screen.question
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        row = app.screen.query_one("#programs", DataTable).get_row_at(0)
        assert [str(c) for c in row[:4]] == ["IMMEX", "IMMEX 0877-2004", "2004-05-18", "suspendido"]
    program = programs.find_program(demo_db, ASM, "IMMEX")
    assert (program.status, program.authorized_on.isoformat(), program.version) == (
        "suspendido",
        "2004-05-18",
        2,
    )


async def test_program_status_no_leaves_it_unsaved(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(ASM)
        await pilot.pause()
        await pilot.press("s", "ctrl+u", *"cancelado", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProgramStatusScreen)
    assert programs.find_program(demo_db, ASM, "IMMEX").status == "vigente"


async def test_catalogs_of_a_client_search_and_baja_with_its_date(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(MNB)
        await pilot.pause()
        assert "Catálogos Anexo 24: 6 materiales, 1 producto, 3 renglones de BOM (m los" in (
            text(app, "#summary")
        )
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CatalogsScreen)
        table = app.screen.query_one(DataTable)
        assert [row[0] for row in cells(table)] == [
            "AF-PR200",  # the press of its AF pedimento: a fixed asset
            "ALU-5052",
            "CNT-40",
            "INT-4471",
            "LAM-3MM",
            "SOP-220",
        ]
        await pilot.press("slash", *"lamina", "enter")
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 1)
        assert [row[0] for row in cells(app.screen.query_one(DataTable))] == ["LAM-3MM"]
        await pilot.press("b")  # its baja, dated the end of March
        await pilot.pause()
        await pilot.press("ctrl+u", *"2026-03-31", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "¿Dar de baja LAM-3MM en materiales con fecha 2026-03-31?" in app.screen.question
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, CatalogsScreen)
        assert cells(app.screen.query_one(DataTable))[0][:2] == ["LAM-3MM", "2026-03-31"]
        await pilot.press("b")  # already given its baja: said, nothing asked
        await pilot.pause()
        assert isinstance(app.screen, CatalogsScreen)
        await pilot.press("3")
        await pilot.pause()
        bom = cells(app.screen.query_one(DataTable))
        assert bom[0][:5] == ["TC-900", "INT-4471", "PARTES PARA INTERRUPTOR", "4", "0"]
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, CatalogsScreen)  # a BOM line has no baja
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
    [row] = catalog_list.rows(demo_db, MNB, "materiales", search="LAM-3MM")
    assert row["baja_date"] == "2026-03-31"
