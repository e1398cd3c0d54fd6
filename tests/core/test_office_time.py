"""One "today" and one local time, the office's (Mexico City's), whatever the machine's zone
(core/dates.py, core/clock.py): the server may run in UTC or any other zone, and deadlines are
Mexican legal dates (rules.md §4.1). Each test runs the process in zones far from Mexico's and
freezes the instant with clock.at, never reading the real time of day."""

import json
import os
import time
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import backup, clock, db, leases, log
from brokertui.core.dates import MEXICO
from brokertui.core.errors import Change, StaleRecord
from tests.builders import cli_runner, import_rows
from tests.core.anexo24.conftest import RFC, inv_db  # noqa: F401 (the fixture)

# UTC+14, UTC+9, UTC, UTC-12 (Etc/GMT+12 is UTC-12) and the office's own.
ZONES = ["Pacific/Kiritimati", "Asia/Tokyo", "UTC", "Etc/GMT+12", "America/Mexico_City"]


@pytest.fixture(params=ZONES)
def machine_zone(request):
    """The process's local zone (TZ) set to a far one, restored after."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def office(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MEXICO)


@pytest.mark.parametrize(
    "when",
    [
        office(date(2025, 12, 31), 19),  # already 1 January in UTC and east of it
        office(date(2026, 3, 1), 0, 30),  # still 28 February in UTC-12
        office(date(2026, 4, 15), 23, 59),
    ],
)
def test_today_is_the_office_date_in_any_machine_zone(machine_zone, when):
    with clock.at(when):
        assert clock.today() == when.date()


def test_a_pinned_today_wins_in_any_zone(machine_zone):
    with clock.pinned_today(date(2026, 4, 15)), clock.at(office(date(2026, 4, 20), 19)):
        assert clock.today() == date(2026, 4, 15)


def test_the_cli_dates_its_dashboard_on_the_office_day_or_its_today(machine_zone, tmp_path):
    """Without --today (BROKERTUI_TODAY) the CLI's today is the office's; with it, that day."""
    runner = CliRunner(env={"BROKERTUI_DB": str(tmp_path / "cli.db")})
    with clock.at(office(date(2025, 12, 31), 19)):
        assert "Tablero al 2025-12-31" in runner.invoke(main, ["dashboard"]).output
        pinned = runner.invoke(main, ["dashboard"], env={"BROKERTUI_TODAY": "2026-04-15"})
        assert "Tablero al 2026-04-15" in pinned.output


def test_a_claim_shows_when_it_was_taken_in_office_time(machine_zone):
    now = office(date(2026, 4, 15), 20)
    with clock.at(now):
        assert leases.since("2026-04-16T01:30:00+00:00") == "19:30"  # today, 19:30 in Mexico
        assert leases.since("2026-04-15T05:00:00+00:00") == "2026-04-14 23:00"  # yesterday


def test_a_stale_record_names_the_change_in_office_time(machine_zone):
    change = Change(2, "2026-04-14T01:05:00+00:00", "ana", "client.update", {"calle": ("A", "B")})
    stale = StaleRecord("el cliente X", 1, 2, [change], {})
    assert "ana cambió calle: 'A' → 'B' el 2026-04-13 19:05;" in str(stale)
    assert "UTC" not in str(stale)


def between_now_in_mexico(stamp: datetime, before: datetime) -> bool:
    """`stamp` (office wall time, naive or aware) was taken between `before` and now."""
    after = datetime.now(MEXICO)
    wall = stamp.replace(tzinfo=None)
    return before.replace(tzinfo=None, microsecond=0) <= wall <= after.replace(tzinfo=None)


def test_backups_are_named_in_office_time(machine_zone, tmp_path):
    """Names order the backups and tell the day's one (core/backup.py)."""
    database = tmp_path / "brokertui.db"
    db.connect(database).close()
    before = datetime.now(MEXICO)
    made = backup.create(database)
    named = datetime.strptime(made.name, "brokertui-%Y%m%d-%H%M%S.db")
    assert between_now_in_mexico(named, before)


def test_the_trace_log_stamps_office_time_with_its_offset(machine_zone, log_file):
    before = datetime.now(MEXICO)
    log.log_trace(RuntimeError("x"), "RuntimeError: x")
    stamped = datetime.fromisoformat(log_file.read_text().split(" ", 1)[0])
    assert stamped.utcoffset() == before.utcoffset()  # not the machine's zone's, nor none
    assert between_now_in_mexico(stamped, before)


def test_the_cli_shows_a_discharge_run_started_in_office_time(
    inv_db,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """Its start in Mexico City in the table, --search's date and undo's message (the JSON
    keeps the stored UTC stamp)."""
    monkeypatch.setenv("COLUMNS", "200")  # Rich's width: each cell on one line
    run = cli_runner(tmp_path / "test.db", "2026-06-30")
    import_rows(inv_db, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "5"]], RFC)
    with clock.at(office(date(2026, 6, 30), 19, 5)):
        assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    (stored,) = json.loads(run("discharge", "runs", "--rfc", RFC, "--format", "json").output)
    assert stored["started_at"] == "2026-07-01T01:05:00+00:00"
    assert "2026-06-30 19:05" in run("discharge", "runs", "--rfc", RFC).output
    assert "19:05" in run("discharge", "runs", "--rfc", RFC, "--search", "2026-06-30").output
    assert "19:05" not in run("discharge", "runs", "--rfc", RFC, "--search", "2026-07-01").output
    undone = run("discharge", "undo", "--rfc", RFC).output
    assert undone.startswith(f"Corrida {stored['id']} (2026-06-30 19:05) deshecha")
