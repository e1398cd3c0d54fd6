"""What guides a new user (issue 16, item 9): the simulation shows its rows, toasts stay with
their screen, an empty database opens on a guide."""

import os
from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static
from textual.widgets._toast import Toast

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.core.anexo24 import ledger
from tests.conftest import TODAY
from tests.tui.conftest import until

RFC = "MNB050315K70"


def _column(paged, key: str) -> int:
    """Where the column `key` is in the table, whatever columns come before it."""
    return [column.value for column in paged.table.columns].index(key)


async def test_the_simulation_shows_the_rows_it_would_write_and_writes_none(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_client(RFC)
        await pilot.press("f5", "v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("PagedTable")
        estados = {
            str(table.table.get_cell_at(Coordinate(i, _column(table, "estado"))))
            for i in range(table.table.row_count)
        }
        assert table.total == 16 and "simulado" in estados
        assert "SIMULACIÓN" in str(screen.query_one("#dis-summary").render())
        assert ledger.count_allocations(demo_db, RFC) == 0  # nothing was written
        await pilot.press("f2", "f5")  # back on F5: the allocations in force again (none)
        await pilot.pause()
        assert screen.simulated is None and table.total == 0


async def test_toasts_go_with_the_screen_that_made_them(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5", "d")  # no client chosen: a warning toast
        await pilot.pause()
        shown = [(n.message, n.severity) for n in app._notifications]
        assert shown == [("Elija primero el cliente (^p o F3).", "warning")]
        await pilot.press("f4")
        await pilot.pause()
        assert len(app._notifications) == 0


async def test_a_long_toast_is_one_line_over_the_header_and_f1_keeps_it_whole(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        long = "\n".join(f"Entrega {i}: 12 pedimentos importados, 3 apartados" for i in range(12))
        app.notify("Primero")
        app.notify(long, title="Importación")
        await until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        toasts = [t for t in app.screen.query(Toast) if t.region.height]
        assert len(toasts) == 1  # the newest hides the first
        shown = toasts[0].region
        assert shown.y == 0 and shown.height == 1 and shown.y + 1 <= table.region.y
        assert "Importación: Entrega 0" in toasts[0]._notification.message
        await pilot.press("f1")
        await pilot.pause()
        help_text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Mensajes recientes" in help_text and "Entrega 11: 12 pedimentos" in help_text
        assert help_text.index("Importación: Entrega") < help_text.index("· Primero")


@pytest.mark.parametrize(
    "keymap, said",
    [
        ("", ("1. F3, a: registre un cliente", "2. F4, i: importe el zip mensual de Data Stage")),
        # the user's keys (it said F3 and a whatever the keymap)
        ('"nav.clientes" = "f8"\n"clients.add" = "ctrl+a"\n', ("1. F8, ^a: registre", "2. F4, i:")),
    ],
    ids=["default", "remapped"],
)
async def test_an_empty_database_opens_on_a_short_guide(tmp_path, keymap, said):
    Path(os.environ["BROKERTUI_CONFIG"]).write_text(f"[teclas]\n{keymap}")
    database = store.connect(tmp_path / "vacia.db")
    app = BrokerApp(database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        summary = str(app.screen.query_one("#summary").render())
    database.close()
    assert "La base está vacía" in summary and all(line in summary for line in said), summary
    assert "3. F5, i: importe las interfaces del ERP" in summary
    assert "F1: ayuda de cada pantalla" in summary
