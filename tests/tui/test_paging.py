"""A paged table shows its page at once and counts in the background (issue 14, item 3): the
pager says "≥ … contando…" until the count, on a connection of its own, comes back; turning a
page runs the page's query only, after the last row shown (keyset paging); a screen opened
by its key queries once."""

from datetime import date

import pytest

from brokertui.app import BrokerApp
from brokertui.core import changes, formatting, plural
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24 import reports
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.clients import ClientsScreen
from brokertui.screens.widgets import PagedTable, View
from tests.conftest import TODAY
from tests.core.anexo24.conftest import RFC, inventory, load

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


def ledger_of_ties(db, tmp_path) -> None:
    """The Anexo 24 test client discharged: 260 exits on 3 days (ties in Fecha), one
    allocation or more each."""
    inventory(db, tmp_path)
    days = ["2026-02-10", "2026-02-11", "2026-02-12"]
    exits = [[f"S-{k:03d}", "V1", days[k % 3], "M", "MAT-B", "1"] for k in range(260)]
    load(db, tmp_path, "salidas", exits)
    discharge.run(db, RFC, hasta=date(2026, 6, 30))


async def every_page(pilot, table: PagedTable) -> list[str]:
    """The row keys of every page, turning them with n to the last."""
    keys = []
    while True:
        keys += [row.value for row in table.table.rows]
        if not table.more:
            return keys
        await pilot.press("n")


@pytest.mark.parametrize("view", [View(), View(sort="fecha", descending=True)])
async def test_f5s_pages_one_after_another_are_every_allocation_once(db, tmp_path, view):
    """Keyset paging (core/paging.py): each page is read after the last row of the one
    before; with ties in the order no allocation is skipped or shown twice, and p goes back
    to the same rows."""
    ledger_of_ties(db, tmp_path)
    whole = discharge.allocations(db, RFC, sort=view.sort, descending=view.descending)
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_client(RFC)
        await pilot.press("f5")
        table = app.screen.query_one(PagedTable)
        table.set_view(view, keep=False)
        first = [row.value for row in table.table.rows]
        shown = await every_page(pilot, table)
        assert len(whole) > 2 * table.page_size
        assert shown == [str(r["id"]) for r in whole]
        await pilot.press("p", "p")
        assert [row.value for row in table.table.rows] == first


@pytest.mark.parametrize(
    ("name", "view"),
    [
        ("descargos", View()),
        ("descargos", View(sort="fecha", descending=True)),
        ("salidas", View(sort="documento")),
        ("entradas", View()),
        ("saldos", View()),
    ],
)
async def test_f6s_keyed_reports_pages_one_after_another_are_every_row_once(
    db, tmp_path, name, view
):
    """A keyed report's pages (reports.Report.keyed, and the saldos' lots, insumos then
    activo fijo) are read after the last row shown, as F5's: every row once, in the report's
    order or the column's, and p goes back."""
    ledger_of_ties(db, tmp_path)
    entradas = [  # ties in the report's order: one pedimento and partida, two parts
        [f"26 07 3953 6{100000 + k:06d}", "1", "IN", "2026-02-01", part, "1", "1", "1",
         "73181599", "USA"]
        for k in range(120)
        for part in ("MAT-A", "MAT-B")
    ] + [  # activo fijo lots: the saldos list them after the insumos
        [f"26 07 3953 6{200000 + k:06d}", "1", "AF", "2026-02-02", "MAT-A", "1", "1", "1",
         "73181599", "USA"]
        for k in range(3)
    ]  # fmt: skip
    load(db, tmp_path, "entradas", entradas, name="more.csv")
    heading = reports.heading(db, name, RFC, hasta=TODAY)
    whole = list(reports.records(db, heading, sort=view.sort, descending=view.descending))
    key = next(k for k, n in commands.REPORT_KEYS.items() if n == name)
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_client(RFC)
        await pilot.press("f6", key)
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        table.set_view(view, keep=False)

        async def settled() -> None:  # a sorted report's page is read in the background
            await app.workers.wait_for_complete()
            await pilot.pause()

        await settled()
        first = [str(cell) for cell in table.table.get_row_at(0)]
        shown = []
        while True:
            shown += [str(table.table.get_row_at(i)[0]) for i in range(table.table.row_count)]
            if not table.more:
                break
            await pilot.press("n")
            await settled()
        assert len(whole) > 2 * table.page_size
        assert all(after is not None for after in table._afters[1:])  # read after a key
        column = table.columns[0].key
        shown_as = formatting.pedimento if column == "pedimento" else str
        assert shown == [shown_as(r[column]) for r in whole]
        while table.page:
            await pilot.press("p")
            await settled()
        assert [str(cell) for cell in table.table.get_row_at(0)] == first


def traced(db) -> list[str]:
    """The queries the app's connection runs from now on (not the live poll's, nor the
    savepoints sqlite_utils puts around a query)."""
    statements: list[str] = []

    def query(sql: str) -> None:
        if sql == changes.AUDIT_MARK:  # the live poll's timer: under load it may tick twice
            return
        if sql.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
            statements.append(sql)

    db.conn.set_trace_callback(query)
    return statements


@pytest.mark.parametrize("keys", [["f3"], ["f4"], ["f5"], ["f6"], ["f5", "f4", "f5"], ["f5", "n"]])
async def test_a_key_runs_no_query_twice(db, tmp_path, keys):
    """From a key to its screen's rows (counts in the background, on their own connection),
    the app's connection runs each statement once: no page, count or summary read twice."""
    ledger_of_ties(db, tmp_path)
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_client(RFC)
        for key in keys:
            await app.workers.wait_for_complete()
            await pilot.pause()
            statements = traced(db)
            await pilot.press(key)
            db.conn.set_trace_callback(None)
            repeated = {sql for sql in statements if statements.count(sql) > 1}
            # F5 reads the client's row (by its unique index, tens of microseconds) for its
            # ledger mode and again for its page; any other key once at most.
            client = [sql for sql in statements if "FROM clients c\n WHERE c.rfc =" in sql]
            assert len(client) <= (2 if key == "f5" else 1), key
            repeated = {sql for sql in repeated if sql not in client}
            assert statements and not repeated, key


async def test_a_main_screen_left_by_its_key_shows_its_page_again_on_return(db, tmp_path):
    """Leaving F5 empties its table (it reloads on its return, Textual would draw the old
    rows first for nothing); back on F5, the same page is there."""
    ledger_of_ties(db, tmp_path)
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_client(RFC)
        await pilot.press("f5")
        table = app.screen.query_one(PagedTable)
        shown = [row.value for row in table.table.rows]
        await pilot.press("f4")
        assert table.table.row_count == 0
        await pilot.press("f5")
        assert [row.value for row in table.table.rows] == shown


def test_the_pager_names_one_row_in_the_singular():
    """'1–1 de 1 fila' (issue 15 trial: '1 filas'), for every noun a list pages."""
    nouns = ["activos", "asignaciones", "bienes", "clientes", "diferencias", "filas"]
    nouns += ["materiales", "meses", "obligaciones", "partidas", "pedimentos", "registros"]
    assert [plural.singular(n) for n in nouns] == [
        "activo", "asignación", "bien", "cliente", "diferencia", "fila",
        "material", "mes", "obligación", "partida", "pedimento", "registro",
    ]  # fmt: skip
