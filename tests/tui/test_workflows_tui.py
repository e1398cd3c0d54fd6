"""Workflows that were only on the command line, now in the TUI (issue 16, item 3): the PROSEC
relación de bienes producidos (F7, Ctrl+O), program status and dates from the client, catalog
bajas with their date, and the catalogs (materiales, productos, BOM) of a client."""

from textual.widgets import DataTable, Static

from brokertui.app import BrokerApp
from brokertui.core.raoce import worksheet as raoce
from brokertui.screens.dialogs import ConfirmScreen
from brokertui.screens.raoce import RaoceScreen
from brokertui.screens.raoce_bienes import BienesScreen, BienFormScreen
from tests.conftest import TODAY
from tests.tui.conftest import type_text

CEB = "CEB110902QW7"  # the demo PROSEC-only client (sectores I, II)
MNB = "MNB050315K70"  # the demo IMMEX client, with catalogs and pedimentos


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


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
        assert "sector: el sector XIX no está autorizado en su PROSEC (sectores I, II)" in text(
            app, "#form-status"
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
