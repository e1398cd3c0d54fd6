"""The dashboard (home, F2): urgency order, filters by key, Enter, midnight rollover."""

from datetime import date

from brokertui.app import BrokerApp
from brokertui.core import clock
from brokertui.core.demo import clients as demo
from brokertui.screens.clients import ClientDetailScreen
from brokertui.screens.dashboard import DashboardScreen
from tests.tui.conftest import settle

JUNE = date(2026, 6, 15)


def rfcs(table, program=None):
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return [str(r[1]) for r in rows if program is None or str(r[2]) == program]


def raoce_rows(table):
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return [r for r in rows if str(r[2]) not in ("Temp.", "DStage", "Oficio", "24h")]


async def test_home_is_the_dashboard_sorted_by_urgency(db):
    demo.load(db, JUNE)
    app = BrokerApp(db, today=JUNE)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("DataTable")
        marks = [str(row[0]) for row in raoce_rows(table)]
        assert marks == ["!!", "!!", "✗", "✗", "·", "·", "✓", "✓", "✓", "✓"]
        suspended = [str(r[1]) for r in raoce_rows(table)][:2]
        assert suspended == ["CEB110902QW7", "GOEE7512038LA"]
        summary = app.screen.query_one("#summary")
        assert "suspendidos 2" in str(summary.render()) and "cancelados 2" in str(summary.render())
        assert summary.size.height == 2  # its two lines fit 80 columns (the first wrapped)
        await pilot.press("u")
        assert [str(r[1]) for r in raoce_rows(table)] == ["CEB110902QW7", "GOEE7512038LA"]
        await pilot.press("u", "r")  # program filter: IMMEX
        assert {str(table.get_row_at(i)[2]) for i in range(table.row_count)} == {"IMMEX"}
        await pilot.press("r", "r", "r", "r")  # PROSEC, ALTEX, ECEX, temporary imports
        assert rfcs(table) == ["MNB050315K70"] * 6
        # the demo's oficio countdown, late Data Stage months (its Data Stage client's) and its
        # file of exits sent late (24h, stamped before its today); no activo fijo near its limit
        shown = []
        for _ in range(4):
            await pilot.press("r")
            rows = [table.get_row_at(i) for i in range(table.row_count)]
            shown.append(sorted((str(r[1]), str(r[2])) for r in rows))
        mnb = "MNB050315K70"
        assert sorted(shown) == [[], [(mnb, "24h")], [(mnb, "DStage")], [(mnb, "Oficio")]]
        await pilot.press("r")  # back to all
        assert table.row_count == 19
        await pilot.press("minus")
        assert "RAOCE 2025" in str(app.screen.query_one("#filters").render())


async def test_enter_opens_the_client_and_client_filter(db):
    demo.load(db, JUNE)
    app = BrokerApp(db, today=JUNE)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("DataTable")
        table.move_cursor(row=rfcs(table).index("CEB110902QW7"))
        await pilot.press("enter")
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.client.rfc == "CEB110902QW7"
        await pilot.press("f2")
        await pilot.press("c")
        assert rfcs(app.screen.query_one("DataTable")) == ["CEB110902QW7"]  # no lots of its own


async def test_rolls_over_at_midnight(db):
    demo.load(db, date(2026, 5, 29))
    app = BrokerApp(db, today=date(2026, 5, 29))
    async with app.run_test(size=(80, 24)):
        screen = app.screen
        # Only the PROSEC-alone holder is suspended (due 30 April); IMMEX holders are due today.
        assert "suspendidos 1" in str(screen.query_one("#summary").render())
        with clock.pinned_today(date(2026, 5, 30)):  # the clock passes midnight
            screen.check_day()
            summary = str(screen.query_one("#summary").render())
        assert "suspendidos 4" in summary and "cancelados 2" in summary


async def test_temporary_imports_expiring_in_30_60_90_days(db):
    demo.load(db, JUNE)
    app = BrokerApp(db, today=JUNE)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("DataTable")
        lots = [
            r for r in (table.get_row_at(i) for i in range(table.row_count)) if str(r[2]) == "Temp."
        ]
        # The demo dates its lots to end -12, 9, 26, 47, 58 and 83 days from today.
        assert [int(str(r[6])) for r in lots] == [-12, 9, 26, 47, 58, 83]
        assert [str(r[3]) for r in lots] == [
            "vencido",
            "≤30 días",
            "≤30 días",
            "≤60 días",
            "≤60 días",
            "≤90 días",
        ]
        summary = str(app.screen.query_one("#summary").render())
        assert "vencidos 1 · vencen ≤30 d 2 · ≤60 d 2 · ≤90 d 1" in summary
        first_lot = next(
            i for i in range(table.row_count) if str(table.get_row_at(i)[2]) == "Temp."
        )
        table.move_cursor(row=first_lot)
        await pilot.press("enter")
        await settle(pilot)  # a loaded machine may still be pushing the screen
        assert type(app.screen).__name__ == "PedimentoDetailScreen"
