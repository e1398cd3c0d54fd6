"""No exception ends the TUI (issue 11, item 5): an action or a handler that fails shows the
error dialog, the trace goes to the log the jobs use, and the app keeps answering keys."""

from textual.widgets import DataTable

from brokertui.app import BrokerApp
from brokertui.screens.clients import ClientsScreen
from brokertui.screens.dialogs import ErrorScreen
from brokertui.screens.pedimentos import PedimentosScreen
from tests.conftest import TODAY


def fail(*args) -> None:
    raise RuntimeError("algo salió mal")


def shown(app) -> str:
    assert isinstance(app.screen, ErrorScreen)
    return str(app.screen.query_one(".question").render())


async def test_a_failing_action_shows_the_dialog_and_the_app_goes_on(
    demo_db, log_file, monkeypatch, no_internal_errors
):
    monkeypatch.setattr(ClientsScreen, "action_toggle_bajas", fail)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "t")
        assert shown(app) == f"Error interno: RuntimeError: algo salió mal (detalle en {log_file})"
        await pilot.press("escape")
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("slash", *"mnb", "enter")  # the screen still answers its keys
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("f4")
        assert isinstance(app.screen, PedimentosScreen)
    trace = log_file.read_text()
    assert "RuntimeError: algo salió mal" in trace  # the headline, then the trace
    assert 'raise RuntimeError("algo salió mal")' in trace
    assert [str(e) for e in no_internal_errors] == ["algo salió mal"]
    no_internal_errors.clear()


async def test_a_failing_handler_leaves_its_screen_running(
    demo_db, log_file, monkeypatch, no_internal_errors
):
    """Textual ends the message loop of a screen whose handler raised; the guard keeps it."""
    monkeypatch.setattr(ClientsScreen, "on_data_table_row_selected", fail)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "enter")
        assert "Error interno: RuntimeError" in shown(app)
        await pilot.press("enter")  # the dialog's button
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("slash", *"mnb", "enter")  # the screen's own handlers still run
        assert app.screen.query_one(DataTable).row_count == 1
    assert "Traceback" in log_file.read_text()
    assert len(no_internal_errors) == 1
    no_internal_errors.clear()


async def test_one_dialog_however_often_it_fails(
    demo_db, log_file, monkeypatch, no_internal_errors
):
    monkeypatch.setattr(ClientsScreen, "action_toggle_bajas", fail)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "t")
        app.internal_error(RuntimeError("otra vez"))
        await pilot.pause()
        assert "algo salió mal" in shown(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ClientsScreen)
    no_internal_errors.clear()
