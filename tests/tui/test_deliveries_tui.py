"""Broker deliveries in the TUI (issue 13, items 2 and 7): the oficio form in the client's
screens, the Entregas Data Stage screen (months, the oficio, what is kept aside), the dashboard
row that opens it, a folder import with one progress bar, and a client registered later taking
its kept-aside pedimentos."""

from datetime import date

from textual.widgets import DataTable, ProgressBar, Static

from brokertui.app import BrokerApp
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer, oficios
from brokertui.core.registry import clients
from brokertui.screens.clients import ClientDetailScreen
from brokertui.screens.dashboard import DashboardScreen
from brokertui.screens.datastage_import import DataStageImportScreen
from brokertui.screens.deliveries import DeliveriesScreen
from tests.builders import client_rfc, monthly
from tests.conftest import TODAY
from tests.tui.conftest import cells, settle, type_text

MNB = "MNB050315K70"  # the demo IMMEX client, with a Data Stage delivery


async def test_oficio_form_then_the_clients_deliveries(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(MNB)
        await pilot.pause()
        summary = app.screen.query_one("#summary", Static)  # the demo's, expiring: renewed
        assert "800-02-00-00-00-2025-1187, vence el 2026-05-25 (en 40 días)" in str(
            summary.render()
        )
        await pilot.press("o")
        await type_text(pilot, "800-05-2026-0412")
        await pilot.press("tab")
        await type_text(pilot, "2026-03-20")
        await pilot.press("tab")
        await type_text(pilot, "2026-03-01")  # before the oficio's date
        await pilot.press("ctrl+s")
        status = str(app.screen.query_one("#form-status", Static).render())
        assert "Vence: debe ser posterior a la fecha del oficio" in status
        await pilot.press("ctrl+u")
        await type_text(pilot, "2027-03-19")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        assert "800-05-2026-0412, vence el 2027-03-19 (en 338 días)" in str(
            app.screen.query_one("#summary", Static).render()
        )
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DeliveriesScreen)
        heading = str(app.screen.query_one("#ds-oficio", Static).render())
        assert "Oficio 800-05-2026-0412 del 2026-03-20, vence el 2027-03-19" in heading
        rows = cells(app.screen.query_one(DataTable))
        assert rows and {r[0] for r in rows} == {MNB}
        assert rows[0][1] == "2026-03" and rows[0][2] == "por llegar"  # due 2026-04-15, today
        assert "recibida" in {r[2] for r in rows}
        await pilot.press("escape")
        assert isinstance(app.screen, ClientDetailScreen)


async def test_a_late_delivery_on_the_dashboard_opens_the_deliveries(db, tmp_path):
    rfc = client_rfc(1)
    clients.add_client(db, {"rfc": rfc, "razon_social": "Cliente Uno SA"})
    path = datastage_build.write_zip(tmp_path / "1.zip", [monthly(1, 2026, 1)])
    importer.import_zip(db, path)
    oficios.record(db, rfc, "OF-1", "2026-01-02", "2026-05-31")
    app = BrokerApp(db, today=date(2026, 4, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one(DataTable)
        rows = cells(table)
        assert [r[1:6] for r in rows] == [
            [rfc, "DStage", "atrasada", "entrega", "2026-03-15"],
            [rfc, "Oficio", "≤60 días", "renovar oficio", "2026-05-31"],
        ]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DeliveriesScreen)
        months = cells(app.screen.query_one(DataTable))
        assert [m[1:3] for m in months] == [
            ["2026-03", "atrasada"],
            ["2026-02", "atrasada"],
            ["2026-01", "recibida"],
        ]


async def test_without_client_the_screen_lists_every_client_and_the_kept_aside(db, tmp_path):
    for who in (1, 2):
        clients.add_client(db, {"rfc": client_rfc(who), "razon_social": f"Cliente {who} SA"})
    peds = [monthly(1, 2026, 3), monthly(2, 2026, 3), monthly(5, 2026, 3)]
    importer.import_zip(db, datastage_build.write_zip(tmp_path / "3.zip", peds))
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeliveriesScreen)
        heading = str(screen.query_one("#ds-oficio", Static).render())
        assert "Todos los clientes · 0 meses atrasados · 2 sin oficio" in heading
        kept = str(screen.query_one("#ds-kept", Static).render())
        assert kept.startswith("1 pedimento apartado de 1 RFC que no son clientes")
        assert [r[:3] for r in cells(screen.query_one(DataTable))] == [
            [client_rfc(1), "2026-03", "recibida"],
            [client_rfc(2), "2026-03", "recibida"],
        ]
        await pilot.press("o")  # no client chosen: said, nothing opens
        assert isinstance(app.screen, DeliveriesScreen)


async def test_folder_import_with_one_bar_and_a_summary(demo_db, tmp_path):
    folder = tmp_path / "entregas"
    folder.mkdir()
    for month in (1, 2):
        peds = [monthly(1, 2026, month), monthly(2, 2026, month)]
        datastage_build.write_zip(folder / f"{month}_Solicitudes.zip", peds, folio=str(month))
    (folder / "correo.msg").write_bytes(b"x")
    clients.add_client(demo_db, {"rfc": client_rfc(1), "razon_social": "Cliente Uno SA"})
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "i")
        await type_text(pilot, str(folder))
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DataStageImportScreen)
        assert not screen.query_one(ProgressBar).display  # ended: the result instead
        text = str(screen.query_one("#import-result", Static).render())
        assert f"{folder}: 2 zips leídos, 0 ya importados." in text
        assert "Pedimentos nuevos 2, actualizados 0, sin cambio 0." in text
        assert f"{client_rfc(2)}       2 ped.  CLIENTE 2 DEL BAJÍO" in text
        assert "correo.msg: no es un archivo .zip de Data Stage" in text


async def test_a_client_registered_in_the_tui_takes_its_kept_aside_pedimentos(db, tmp_path):
    path = datastage_build.write_zip(tmp_path / "1.zip", [monthly(3, 2026, 1)])
    importer.import_zip(db, path)
    path.unlink()
    app = BrokerApp(db, today=TODAY)
    seen: list[str] = []
    app.notify = lambda message, **kw: seen.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "a")
        await type_text(pilot, client_rfc(3))
        await pilot.press("tab")
        await type_text(pilot, "Cliente Tres SA")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("1 entrega Data Stage guardada tenía pedimentos suyos." in s for s in seen)
        assert any("Pedimentos nuevos 1, actualizados 0" in s for s in seen)
    stored = db.execute(
        "SELECT count(*) FROM pedimentos p JOIN clients c ON c.id = p.client_id WHERE c.rfc = ?",
        [client_rfc(3)],
    ).fetchone()[0]
    assert stored == 1
