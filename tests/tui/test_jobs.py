"""Long jobs (screens/jobs.py): progress on the bar, and a failure leaves the screen usable."""

import threading

import pytest
from textual.widgets._toast import Toast

from brokertui.app import BrokerApp
from brokertui.core import preferences
from brokertui.core.anexo24 import ledger
from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer
from brokertui.screens.datastage_import import DataStageImportScreen
from brokertui.screens.jobs import JobBar
from brokertui.screens.pedimentos import PedimentosScreen
from tests.builders import partida, pedimento
from tests.conftest import TODAY
from tests.tui.conftest import PATIENCE, settle, type_text, until

RFC = "MNB050315K70"  # the demo IMMEX client


@pytest.fixture
def zip_path(tmp_path):
    return datastage_build.write_zip(
        tmp_path / "1999_Solicitudes.zip",
        [pedimento("262439536000777", rfc=RFC, partidas=[partida(), partida()])],
    )


async def open_import(app, pilot, path) -> DataStageImportScreen:
    app.open_client(RFC)
    await pilot.pause()
    await pilot.press("f4", "i")
    await type_text(pilot, str(path))
    assert isinstance(app.screen, DataStageImportScreen)
    return app.screen


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (RuntimeError("falla"), "Error interno: RuntimeError: falla (detalle en "),
        (BrokerError("miembro 501: falta la columna RFC"), "miembro 501: falta la columna RFC"),
    ],
)
async def test_a_failed_import_is_told_and_the_screen_stays_usable(
    demo_db, zip_path, monkeypatch, log_file, error, shown
):
    real = importer.import_zip

    def broken(db, path, *, rfc=None, progress):
        progress(1, 4, "Validando")
        raise error

    monkeypatch.setattr(importer, "import_zip", broken)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_import(app, pilot, zip_path)
        await pilot.press("enter")
        await settle(pilot)
        assert app.return_code is None  # still running
        result = screen.query_one("#import-result")
        assert str(result.render()).startswith(shown) and result.has_class("-error")
        assert str(screen.query_one("#import-stage").render()) == "Error"
        assert not screen.query_one(JobBar).display  # gone, not left at 25 %
        if isinstance(error, BrokerError):
            assert not log_file.exists()  # the user's own problem: nothing to log
        else:
            assert str(log_file) in str(result.render())
            logged = log_file.read_text()
            assert "Traceback" in logged and "RuntimeError: falla" in logged
        monkeypatch.setattr(importer, "import_zip", real)
        await pilot.press("enter")  # a second run works
        await settle(pilot)
        assert "1 pedimento, 2 partidas" in str(result.render())
        assert not result.has_class("-error")
        # only an import that worked keeps its folder among the user's recent ones
        assert preferences.recent(demo_db, "carpetas.datastage") == [str(zip_path.parent.resolve())]
        assert not screen.query_one(JobBar).display  # the result is told instead
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PedimentosScreen)


async def test_import_progress_reaches_the_bar_while_the_screen_answers_keys(
    demo_db, zip_path, monkeypatch
):
    real, release = importer.import_zip, threading.Event()

    def slow(db, path, *, rfc=None, progress):
        progress(5, 10, "Validando")
        release.wait(timeout=PATIENCE)
        return real(db, path, rfc=rfc, progress=progress)

    monkeypatch.setattr(importer, "import_zip", slow)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_import(app, pilot, zip_path)
        bar = screen.query_one(JobBar)
        assert not bar.display  # no job yet: no bar at 0 %
        try:
            await pilot.press("enter")
            await until(pilot, lambda: bar.percentage == 0.5)
            assert bar.display
            assert str(screen.query_one("#import-stage").render()) == "Validando…"
            await pilot.press("escape")  # refused while the job runs, but answered
            await pilot.pause()
            assert app.screen is screen
            assert "sigue en curso" in list(app._notifications)[-1].message
        finally:
            release.set()
        await settle(pilot)
        assert not bar.display
        assert "1 pedimento," in str(screen.query_one("#import-result").render())


async def test_a_failed_discharge_is_notified_and_d_runs_again(demo_db, monkeypatch, log_file):
    real = ledger.run

    def broken(*args, **kwargs):
        raise KeyError("numero_parte")

    monkeypatch.setattr(ledger, "run", broken)
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_client(RFC)
        await pilot.press("f5", "d")
        await settle(pilot)
        failure = list(app._notifications)[-1]
        assert failure.message.startswith("Error interno: KeyError: 'numero_parte'")
        assert failure.severity == "error"
        result = app.screen.query_one("#dis-result")
        assert str(result.render()) == failure.message and result.has_class("-error")
        monkeypatch.setattr(ledger, "run", real)
        await pilot.press("d")
        await settle(pilot)
        # the run's result on the line where the bar was, the bar gone
        assert str(result.render()).startswith("Corrida 1: ") and result.display
        assert not app.screen.query_one(JobBar).display
        assert ledger.count_allocations(demo_db, RFC) > 0


async def test_report_export_writes_the_file_in_a_job(demo_db, tmp_path, monkeypatch):
    """The toast names the file, read whole at 80 columns; F1 keeps the whole path (the toast
    said it, cut: found by a new user's trial)."""
    monkeypatch.setenv("HOME", str(tmp_path / "a-home-folder-with-a-rather-long-name"))
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.open_client(RFC)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("x")
        await settle(pilot)
        (written,) = (
            tmp_path / "a-home-folder-with-a-rather-long-name" / "brokertui-reportes"
        ).iterdir()
        assert written.name == f"{RFC}-saldos-{TODAY.isoformat()}.xlsx"
        assert (written.stat().st_mode & 0o777, written.parent.stat().st_mode & 0o777) == (
            0o600,
            0o700,
        )  # private whatever the umask (core/files.py)
        told = f"Guardado: {written.name}"
        assert list(app._notifications)[-1].message == told
        await until(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)))
        (toast,) = (t for t in app.screen.query(Toast) if t.region.height)
        assert toast.content_region.width >= len(told)  # not cut
        assert app.messages[-1] == f"Saldos por pedimento (lote): {written}"  # F1's


async def test_no_bar_is_shown_while_no_job_runs(demo_db):
    """F5, its interfaces and the Data Stage import show no bar at 0 % before a job starts."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(RFC)
        for keys in (("f5",), ("f5", "i"), ("escape", "f4", "i")):
            await pilot.press(*keys)
            await pilot.pause()
            assert not app.screen.query_one(JobBar).display, keys
