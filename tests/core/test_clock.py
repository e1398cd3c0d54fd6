"""The clock records are stamped with (core/clock.py): `--today` pins the day, the demo dates
each arrival it plants on or before its today."""

from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import clock
from brokertui.core import db as store
from brokertui.core.dates import MEXICO
from brokertui.core.demo import clients as demo
from tests.conftest import TODAY


def mexico_day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(MEXICO).date()


def test_pinned_today_moves_stamps_to_that_day_keeping_their_order():
    with clock.pinned_today(date(2026, 4, 15)):
        first = store.now()
        second = store.now()
        assert mexico_day(first) == date(2026, 4, 15)
        assert first <= second
        with clock.pinned_today(None):  # no day: the pin in force stays
            assert mexico_day(store.now()) == date(2026, 4, 15)
    assert abs(datetime.fromisoformat(store.now()) - datetime.now(UTC)) < timedelta(minutes=1)


def test_pins_let_go_in_any_order_leave_the_newest_in_force():
    """Two apps in one process (each pins its today while it runs) may end in any order."""
    first, second = clock.pinned_today(date(2026, 4, 15)), clock.pinned_today(date(2026, 5, 20))
    first.__enter__()
    second.__enter__()
    assert clock.today() == date(2026, 5, 20)
    first.__exit__(None, None, None)  # the first one ends first
    assert clock.today() == date(2026, 5, 20) and mexico_day(store.now()) == date(2026, 5, 20)
    second.__exit__(None, None, None)
    assert abs(clock.moment() - datetime.now(UTC)) < timedelta(minutes=1)  # no pin left


def test_at_fixes_the_moment_and_nests():
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=MEXICO)
    with clock.at(noon):
        assert store.now() == "2026-03-02T18:00:00+00:00"
        with clock.at(noon + timedelta(days=1)):
            assert store.now() == "2026-03-03T18:00:00+00:00"
        assert store.now() == "2026-03-02T18:00:00+00:00"
    with pytest.raises(ValueError), clock.at(datetime(2026, 3, 2, 12, 0)):  # naive: no zone
        pass


def test_the_cli_today_stamps_on_that_day_and_lets_go_after(tmp_path):
    env = {"BROKERTUI_DB": str(tmp_path / "cli.db"), "BROKERTUI_TODAY": "2026-04-15"}
    args = ["client", "add", "--rfc", "MAB9307148T4", "--razon-social", "Alfa SA"]
    assert CliRunner(env=env).invoke(main, args).exit_code == 0
    database = store.connect(tmp_path / "cli.db")
    (created,) = database.execute("SELECT created_at FROM clients").fetchone()
    database.close()
    assert mexico_day(created) == date(2026, 4, 15)
    before = datetime.now(MEXICO).date()
    stamp = store.now()
    # the command's pin is gone (bracketed: the real day may roll over meanwhile)
    assert mexico_day(stamp) in (before, datetime.now(MEXICO).date())


def test_the_demo_stamps_every_arrival_before_its_today(db):
    """Each captured pedimento on its day of payment, the Data Stage delivery and the ERP
    files before today (core/demo/pedimentos.py), the late file 20 days before today."""
    demo.load(db, TODAY)
    start_of_today = datetime.combine(TODAY, datetime.min.time(), MEXICO).astimezone(UTC)
    stamps = db.execute(
        "SELECT recibido FROM pedimentos UNION ALL SELECT imported_at FROM interface_imports"
    ).fetchall()
    assert stamps and all(s < start_of_today.isoformat() for (s,) in stamps)
    captured = db.execute(
        "SELECT fecha_pago, recibido FROM pedimentos WHERE source = 'captura'"
    ).fetchall()
    assert captured and all(mexico_day(r) == date.fromisoformat(p) for p, r in captured)
    exits = db.execute(
        "SELECT s.fecha, i.imported_at FROM salidas s JOIN interface_imports i "
        "ON i.id = s.import_id ORDER BY s.fecha"
    ).fetchall()
    arrived = [(mexico_day(stamp) - date.fromisoformat(fecha)).days for fecha, stamp in exits]
    assert arrived == [20, 5, 1, 1, 1]  # the two oldest sent together 20 days before today
