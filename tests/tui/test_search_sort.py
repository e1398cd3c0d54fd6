"""`/` search and `o` sort on every list (issue 16, items 1 and 2), driven by the pilot: each
list finds without accents, sorts by the column picked (again: reversed), and the view is
kept per user and list across a restart. Ctrl+P jumps to a pedimento by part of its number."""

from brokertui.app import BrokerApp
from brokertui.core import preferences
from brokertui.core.registry import clients
from brokertui.screens.clients import ClientsScreen
from brokertui.screens.pedimento_detail import PedimentoDetailScreen
from brokertui.screens.widgets import PagedTable, SortScreen
from tests.conftest import TODAY
from tests.tui.conftest import palette_searched, settle, type_text

PEDIMENTO = "250739535000685"  # a demo pedimento: 25 07 3953 5000685


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(PagedTable).table
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def pager(app) -> str:
    return str(app.screen.query_one(PagedTable).query_one(".pager").render())


async def search(pilot, text: str) -> None:
    await pilot.press("slash", "ctrl+u")
    await type_text(pilot, text)
    await pilot.press("enter")


async def sort_by(pilot, label: str, *, settle: bool = True) -> None:
    """`o`, then the picker's line starting with `label`, Enter; `settle`: and the page read
    (a sort no index gives is read in the background)."""
    await pilot.press("o")
    picker = pilot.app.screen
    assert isinstance(picker, SortScreen)
    options = picker.query_one("OptionList")
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    target = next(i for i, text in enumerate(labels) if text.startswith(label))
    options.highlighted = target
    await pilot.press("enter")
    if settle:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_clients_found_without_accents_and_the_search_cleared(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await search(pilot, "queretaro")
        assert [r[0] for r in rows(app)] == ["PTQ091125AB2"]
        await search(pilot, "plast")
        assert rows(app)[0][1].startswith("Plásticos")
        await pilot.press("slash", "escape")  # Esc clears: the whole list again
        assert len(rows(app)) == clients.count_clients(app.db)
        assert app.screen.query_one(PagedTable).table.has_focus


async def test_sort_picked_reversed_and_kept_across_a_restart(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await sort_by(pilot, "Razón social")
        first = rows(app)[0][1]
        assert first.startswith("Autopartes")
        assert "orden Razón social ▲" in pager(app)
        await sort_by(pilot, "Razón social")  # the same column again: reversed
        assert rows(app)[0][1].startswith("Plásticos")
        await pilot.press("O")  # and back
        assert rows(app)[0][1] == first
        await search(pilot, "s.a. de c.v.")
    assert preferences.get(demo_db, "vista.clientes") == {
        "search": "s.a. de c.v.",
        "sort": "razon_social",
        "descending": False,
    }
    again = BrokerApp(demo_db, today=TODAY)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)  # a loaded machine may still be mounting the screen
        assert isinstance(again.screen, ClientsScreen)
        table = again.screen.query_one(PagedTable)
        assert table.view.sort == "razon_social" and table.search_bar.value == "s.a. de c.v."
        assert rows(again)[0][1].startswith("Autopartes")
        await sort_by(pilot, "Orden de la lista")
        assert table.view.sort is None and "orden" not in pager(again)


async def test_pedimentos_found_by_number_in_any_written_form(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        total = len(rows(app))
        for typed in ("3953 5000685", "39535000685", "5000685", "25-07-3953-5000685"):
            await search(pilot, typed)
            assert [r[0] for r in rows(app)] == ["25 07 3953 5000685"], typed
        await search(pilot, "2025-01-01..2025-12-31 IN")
        dated = rows(app)
        assert dated and all(r[3].startswith("2025") and r[1] == "IN" for r in dated)
        assert len(dated) < total
        await search(pilot, "2025-02-30")  # an impossible date: said, nothing breaks
        told = [n.message for n in app._notifications]  # the toasts shown
        assert any(m.startswith("Buscar: ") for m in told), told
        await search(pilot, "")
        await sort_by(pilot, "Part")
        counts = [int(r[4]) for r in rows(app)]
        assert counts == sorted(counts)


async def test_palette_jumps_to_a_pedimento_by_part_of_its_number(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "3953 5000685")
        await palette_searched(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PedimentoDetailScreen)
        assert app.screen.numero == PEDIMENTO


async def test_the_other_lists_search_and_sort(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await search(pilot, "plasticos tecnicos")  # F2, the dashboard
        assert rows(app) and all(r[1] == "PTQ091125AB2" for r in rows(app))
        await search(pilot, "")
        await sort_by(pilot, "Días")
        days = [int(r[6]) for r in rows(app) if r[6]]
        assert days == sorted(days)
        app.set_client("MNB050315K70")
        await pilot.press("f5", "d")  # a discharge run, so that F5 lists allocations
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one(PagedTable).table.focus()
        every = rows(app)
        part = every[0][3]
        await search(pilot, part.lower())
        assert rows(app) and all(r[3] == part for r in rows(app))
        await pilot.press("f6")
        await pilot.pause()
        await search(pilot, part.lower())
        assert rows(app) and all(part in " ".join(r) for r in rows(app))
