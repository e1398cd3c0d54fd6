"""The dashboard (home, F2): urgency order, filters by key, Enter, midnight rollover."""

from datetime import date

from brokertui.app import BrokerApp
from brokertui.core import demo
from brokertui.screens.clients import ClientDetailScreen
from brokertui.screens.dashboard import DashboardScreen

JUNE = date(2026, 6, 15)


def rfcs(table):
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_home_is_the_dashboard_sorted_by_urgency(db):
    demo.load(db, JUNE)
    app = BrokerApp(db, today=JUNE)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("DataTable")
        marks = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert marks == ["!!", "!!", "✗", "✗", "·", "·", "✓", "✓", "✓", "✓"]
        assert rfcs(table)[:2] == ["CEB110902QW7", "GOEE7512038LA"]  # the suspended ones
        summary = str(app.screen.query_one("#summary").render())
        assert "suspendidos 2" in summary and "cancelados 2" in summary
        await pilot.press("u")
        assert rfcs(table) == ["CEB110902QW7", "GOEE7512038LA"]
        await pilot.press("u", "r")  # program filter: IMMEX
        assert {str(table.get_row_at(i)[2]) for i in range(table.row_count)} == {"IMMEX"}
        await pilot.press("r", "r", "r", "r")  # PROSEC, ALTEX, ECEX, back to all
        assert table.row_count == 10
        await pilot.press("minus")
        assert "RAOCE 2025" in str(app.screen.query_one("#filters").render())


async def test_enter_opens_the_client_and_client_filter(db):
    demo.load(db, JUNE)
    app = BrokerApp(db, today=JUNE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.client.rfc == "CEB110902QW7"
        await pilot.press("f2")
        await pilot.press("c")
        assert rfcs(app.screen.query_one("DataTable")) == ["CEB110902QW7"]


async def test_rolls_over_at_midnight(db):
    demo.load(db, date(2026, 5, 29))
    app = BrokerApp(db, today=date(2026, 5, 29))
    async with app.run_test(size=(80, 24)):
        screen = app.screen
        # Only the PROSEC-alone holder is suspended (due 30 April); IMMEX holders are due today.
        assert "suspendidos 1" in str(screen.query_one("#summary").render())
        app.fixed_today = date(2026, 5, 30)  # the clock passes midnight
        screen.check_day()
        summary = str(screen.query_one("#summary").render())
        assert "suspendidos 4" in summary and "cancelados 2" in summary
