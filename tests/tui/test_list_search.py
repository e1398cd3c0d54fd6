"""`/` on the lists computed whole in memory (issue 16, item 1): the parts no catalog knows,
the 512 descargos, the Data Stage deliveries, and a simulated discharge's rows (`v`), which
the search used to leave as they were."""

from textual.widgets import DataTable

from brokertui.app import BrokerApp
from brokertui.screens.crosscheck import DescargosCheckScreen, UnknownPartsScreen
from brokertui.screens.deliveries import DeliveriesScreen
from tests.conftest import TODAY
from tests.tui.conftest import type_text
from tests.tui.test_crosscheck_tui import plant_descargo, plant_parts

MNB = "MNB050315K70"


def column(app, n: int) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[n]) for i in range(table.row_count)]


async def search(pilot, text: str) -> None:
    await pilot.press("slash", "ctrl+u")
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def opened(pilot, *keys: str) -> None:
    pilot.app.open_client(MNB)
    await pilot.pause()
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_parts_without_catalog(demo_db):
    plant_parts(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, "f4", "k", "u")
        assert isinstance(app.screen, UnknownPartsScreen)
        assert column(app, 2) == ["ZZ-9", "QX-1"]
        await search(pilot, "qx")
        assert column(app, 2) == ["QX-1"]
        await search(pilot, "3953 6000777")  # part of the número, spaced as shown
        assert column(app, 2) == ["ZZ-9", "QX-1"]
        await search(pilot, "558 materiales")  # where the part came from, and the motivo
        assert column(app, 2) == ["QX-1"]


async def test_512_descargos(demo_db):
    plant_descargo(demo_db)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, "f4", "k", "d")
        assert isinstance(app.screen, DescargosCheckScreen)
        await search(pilot, "3953-4000137")
        assert column(app, 1) == ["240739534000137"]
        await search(pilot, "solo brokertui")  # no such difference: accents aside
        assert column(app, 1) == []


async def test_deliveries_of_every_client(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4", "d")  # no client chosen: every client's months
        await pilot.pause()
        assert isinstance(app.screen, DeliveriesScreen)
        months = column(app, 1)
        assert len(set(months)) > 1
        await search(pilot, f"mnb {months[-1]}")  # a month written AAAA-MM: one number
        assert column(app, 1) == [months[-1]] and column(app, 0) == [MNB]
        await search(pilot, f"..{months[1]}-20")  # a date range bounds the limit date
        assert column(app, 3) and max(column(app, 3)) <= f"{months[1]}-20"
        assert len(column(app, 3)) < len(months)


async def test_a_simulated_discharge_is_searched_too(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot, "f5", "v")
        parts = column(app, 3)
        assert len(set(parts)) > 1 and set(column(app, 5)) <= {"simulado", "FALTANTE", "vencido"}
        await search(pilot, "sop-220")
        assert column(app, 3) and set(column(app, 3)) == {"SOP-220"}
        assert "SIMULACIÓN" in str(app.screen.query_one("#dis-summary").render())
