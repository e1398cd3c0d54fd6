"""F5 sorted by a column no index orders (issue 14, item 3): the page is read in the
background (seconds over a million allocations), the pager says "ordenando…", the rows shown
stay and the screen keeps answering keys; the page keys wait for the page. An order an index
gives (fecha, documento) is read at once, as before. F6 reads in the background a costly
report (Recepción tardía sums the whole period) and any report sorted by a column; F4 a
sort other than by fecha de pago."""

import threading
from datetime import date
from decimal import Decimal

import pytest

from brokertui.app import BrokerApp
from brokertui.core.anexo24 import ledger, reports
from brokertui.core.pedimentos import store as pedimentos
from brokertui.screens.widgets import PagedTable
from tests.conftest import TODAY
from tests.core.anexo24.conftest import RFC
from tests.tui.test_search_sort import pager, rows, sort_by


def held_sorts(monkeypatch, release: threading.Event) -> list[tuple]:
    """ledger.allocations waits for `release` when sorted by cantidad; each sort read, and
    whether on the UI thread."""
    read: list[tuple] = []
    allocations = ledger.allocations

    def waiting(db, rfc, **kwargs):
        read.append((kwargs.get("sort"), threading.current_thread() is threading.main_thread()))
        if kwargs.get("sort") == "cantidad":
            release.wait(10)
        return allocations(db, rfc, **kwargs)

    monkeypatch.setattr(ledger, "allocations", waiting)
    return read


async def test_a_sort_no_index_gives_is_read_in_the_background(year, monkeypatch):
    release = threading.Event()
    read = held_sorts(monkeypatch, release)
    app = BrokerApp(year, today=date(2026, 12, 31))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(RFC)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        before = rows(app)
        try:
            await sort_by(pilot, "Cantidad", settle=False)
            await pilot.pause()
            assert "ordenando…" in pager(app) and "orden Cantidad ▲" in pager(app)
            assert rows(app) == before  # the rows shown stay meanwhile
            table = app.screen.query_one(PagedTable)
            await pilot.press("down")  # the screen answers
            assert table.table.cursor_row == 1
            await pilot.press("n")  # the page keys wait for the page
            assert table.page == 0 and table.sorting
        finally:
            release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        amounts = [Decimal(r[4].replace(",", "")) for r in rows(app)]
        assert amounts == sorted(amounts) and len(amounts) == len(before)
        assert "ordenando" not in pager(app) and "de 5 asignaciones" in pager(app)
        assert ("cantidad", False) in read and ("cantidad", True) not in read


async def test_an_order_an_index_gives_is_read_at_once(year, monkeypatch):
    read = held_sorts(monkeypatch, threading.Event())
    app = BrokerApp(year, today=date(2026, 12, 31))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(RFC)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await sort_by(pilot, "Documento")
        table = app.screen.query_one(PagedTable)
        assert not table.sorting and "ordenando" not in pager(app)
        documents = [r[0] for r in rows(app)]
        assert documents == sorted(documents) and len(documents) == 5
        assert read[-1] == ("documento", True)


@pytest.mark.parametrize(
    ("keys", "report", "sort"),
    [
        (["8"], "recepcion_tardia", None),
        (["2", "o", "down", "enter"], "salidas", "documento"),
        (["2"], "salidas", None),
    ],
)
async def test_f6_reads_a_costly_or_sorted_report_in_the_background(
    demo_db, monkeypatch, keys, report, sort
):
    read: list[tuple] = []
    records = reports.records

    def recorded(db, heading, **kwargs):
        on_ui = threading.current_thread() is threading.main_thread()
        read.append((heading.report.name, kwargs.get("sort"), on_ui))
        return records(db, heading, **kwargs)

    monkeypatch.setattr(reports, "records", recorded)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_client("MNB050315K70")
        await pilot.press("f6", *keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert rows(app) and "leyendo" not in pager(app) and "ordenando" not in pager(app)
    assert read[-1] == (report, sort, sort is None and report == "salidas")


@pytest.mark.parametrize(("label", "sort", "on_ui"), [("Part", "partidas", False),
                                                       ("Pago", "fecha_pago", True)])  # fmt: skip
async def test_f4_reads_a_sort_no_index_gives_in_the_background(
    demo_db, monkeypatch, label, sort, on_ui
):
    read: list[tuple] = []
    listed = pedimentos.list_pedimentos

    def recorded(db, **kwargs):
        read.append((kwargs.get("sort"), threading.current_thread() is threading.main_thread()))
        return listed(db, **kwargs)

    monkeypatch.setattr(pedimentos, "list_pedimentos", recorded)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await sort_by(pilot, label)
        assert read[-1] == (sort, on_ui) and rows(app) and "ordenando" not in pager(app)
