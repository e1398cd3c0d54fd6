"""A paged table shows its page at once and counts in the background (issue 14, item 3): the
pager says "≥ … contando…" until the count, on a connection of its own, comes back; turning a
page runs the page's query only; a screen opened by its key queries once."""

from brokertui.app import BrokerApp
from brokertui.core.registry import clients
from brokertui.screens.clients import ClientsScreen
from brokertui.screens.widgets import PagedTable
from tests.conftest import TODAY

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def add_clients(db, count: int) -> None:
    for k in range(count):
        letters = "".join(LETTERS[k // 23**i % 23] for i in range(3))
        rfc = f"{letters}9001{k % 28 + 1:02d}AB{k % 10}"
        clients.add_client(db, {"rfc": rfc, "razon_social": f"CLIENTE {k}"}, force=True)


def pager(table: PagedTable) -> str:
    return str(table.query_one(".pager").visual)


def spy(monkeypatch, name: str) -> list[int]:
    """Calls of ClientsScreen.`name` (its fetch or count), by offset for a fetch."""
    calls: list[int] = []
    method = getattr(ClientsScreen, name)

    def recorded(screen, *args):
        calls.append(args[0] if args else -1)
        return method(screen, *args)

    monkeypatch.setattr(ClientsScreen, name, recorded)
    return calls


async def test_the_page_first_then_the_count_then_pages_without_counting(db, monkeypatch):
    add_clients(db, 250)
    fetches, counts = spy(monkeypatch, "_fetch"), spy(monkeypatch, "_count")
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        table = app.screen.query_one(PagedTable)
        assert table.table.row_count == 100
        assert fetches == [0]  # one query for the page: F3 shows its screen once
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert counts == [-1]
        assert pager(table) == "1–100 de 250 clientes · página 1 de 3"
        await pilot.press("n")
        assert pager(table) == "101–200 de 250 clientes · página 2 de 3"
        await pilot.press("n", "n")  # no fourth page
        assert pager(table) == "201–250 de 250 clientes · página 3 de 3"
        assert fetches == [0, 100, 200] and counts == [-1]


async def test_the_pager_says_counting_until_the_count_is_back(db, monkeypatch):
    add_clients(db, 120)
    held: list = []
    monkeypatch.setattr(
        "brokertui.screens.widgets.read_later", lambda node, read, done, **kw: held.append(done)
    )
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        table = app.screen.query_one(PagedTable)
        assert pager(table) == "1–100 de ≥ 101 clientes · página 1 · contando…"
        await pilot.press("n")  # the next page is known to exist before the count
        assert pager(table) == "101–120 de ≥ 120 clientes · página 2 · contando…"
        held[0](120)
        assert pager(table) == "101–120 de 120 clientes · página 2 de 2"


async def test_a_table_on_one_page_is_never_counted(db, monkeypatch):
    add_clients(db, 30)
    counts = spy(monkeypatch, "_count")
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await app.workers.wait_for_complete()
        assert pager(app.screen.query_one(PagedTable)) == "1–30 de 30 clientes · página 1 de 1"
    assert counts == []


async def test_a_background_count_reads_on_its_own_connection(db):
    add_clients(db, 150)
    app = BrokerApp(db, today=TODAY)
    seen = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        table = app.screen.query_one(PagedTable)
        count = table.count
        table.count = lambda: seen.append(app.db) or count()
        table.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pager(table).startswith("1–100 de 150 clientes")
    assert seen and seen[0] is not db
