"""A discharge never holds the write lock for long (issue 12, item 4): it computes from a
snapshot outside any write transaction and writes its rows in short ones while the run is
'escribiendo', which no reader sees; one run per client at a time; a run whose process died is
cleaned by the next; a run whose data changed meanwhile is computed again.

The run is paused through its progress callback at the points where the old code held the
lock (computing, and between two of the transactions it writes in, made 1 row each): a
colleague's write on another connection finishes at once there, and every reader shows the
state before the run.
"""

import multiprocessing
import os
import signal
import threading
import time

import pytest

from brokertui.core import db as store
from brokertui.core import leases
from brokertui.core.anexo24 import ajustes, ledger, reports
from brokertui.core.anexo24.ledger import store as ledger_store
from brokertui.core.errors import Conflict
from tests.builders import cli_runner
from tests.core.anexo24.conftest import RFC, TODAY, colleague_write, in_thread, load

SPAWN = multiprocessing.get_context("spawn")
WAIT = 30  # seconds: only a broken test waits this long
LATE_LOT = ["25 07 3953 5000001", "1", "IN", "2025-12-01", "MAT-A", "60", "1", "50", "72085101"]
AFTER = [("250739535000001", "60"), ("260739536000010", "90")]  # test_discharge's late entry


@pytest.fixture
def one_row_per_turn(monkeypatch):
    monkeypatch.setattr(ledger_store, "STEP", 1)
    monkeypatch.setattr(store, "TURN", 0)


@pytest.fixture
def late_entry(inv_db, tmp_path):
    """A committed run (RT-1 from the 5 Jan lot), then a late lot: the next run reverses that
    allocation and discharges RT-1 again (reversal and allocation rows, several chunks)."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "150"]])
    ledger.run(inv_db, RFC, hasta=TODAY)
    load(inv_db, tmp_path, "entradas", [[*LATE_LOT, "USA"]], "late.csv")
    return store.file_path(inv_db)


def state(path) -> dict:
    """What readers see, on a connection of their own."""
    db = store.connect(path)
    try:
        return {
            "export": [(r["pedimento"], r["cantidad"]) for r in ledger.export_rows(db, RFC)],
            "allocations": ledger.count_allocations(db, RFC),
            "summary": ledger.summary(db, RFC, TODAY),
            "pending": [p["documento"] for p in ledger.pending(db, RFC, TODAY)],
            "check": ledger.check(db, RFC),
            "saldos": list(reports.records(db, reports.heading(db, "saldos", RFC, on=TODAY))),
        }
    finally:
        db.close()


class Pauses:
    """A progress callback that stops the run at each report of `stages` (after `skip` of
    them) until the test lets it go on."""

    def __init__(self, *stages: str, skip: int = 0):
        self.stages, self.skip = stages, skip
        self.paused, self.go_on = threading.Event(), threading.Event()

    def __call__(self, done: int, total: int, stage: str) -> None:
        if stage not in self.stages:
            return
        if self.skip:
            self.skip -= 1
            return
        self.go_on.clear()
        self.paused.set()
        assert self.go_on.wait(WAIT)

    def next(self) -> None:
        """Let the run go on to its next pause."""
        self.paused.clear()
        self.go_on.set()


def run_in_thread(path, progress, outcome: dict) -> threading.Thread:
    return in_thread(path, lambda db: ledger.run(db, RFC, hasta=TODAY, progress=progress), outcome)


def test_colleagues_write_and_readers_see_the_previous_state_while_a_run_is_written(
    late_entry, one_row_per_turn
):
    path = late_entry
    before = state(path)
    assert before["export"] == [("260739536000010", "100"), ("260739536000020", "50")]
    pauses = Pauses("Preparando", "Guardando")
    outcome: dict = {}
    thread = run_in_thread(path, pauses, outcome)
    # Computing, before writing, then after each of 2 reversals and 2 allocations, one per
    # transaction (the last before the run is committed).
    for _ in range(6):
        assert pauses.paused.wait(WAIT)
        colleague_write(path)  # the old run held the lock here: 10 s, then refused
        assert state(path) == before
        pauses.next()
    thread.join(WAIT)
    assert not thread.is_alive() and "error" not in outcome
    assert (outcome["result"].reversed, outcome["result"].allocations) == (2, 2)
    after = state(path)
    assert after["export"] == AFTER and after["check"] == []
    assert after["summary"]["corridas"] == 2


def test_rows_written_in_turns_reference_rows_that_exist_and_the_connection_is_as_before(
    late_entry, one_row_per_turn, monkeypatch
):
    # The turns leave SQLite's foreign key lookups out (db.known_references) and the run
    # keeps its scratch in memory (_scratch_in_memory): what they wrote must still hold, and
    # the connection's settings be back after, even on a failure.
    db = store.connect(late_entry)
    result = ledger.run(db, RFC, hasta=TODAY)
    assert len(ledger_store._steps(result)) > ledger_store.SMALL  # in turns, not in the commit
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA temp_store").fetchone() == (0,)
    ledger.undo_last(db, RFC)

    def failing(db, claim, step):
        raise OSError("disco lleno")

    monkeypatch.setattr(ledger_store, "_do", failing)
    with pytest.raises(OSError):
        ledger.run(db, RFC, hasta=TODAY)
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA temp_store").fetchone() == (0,)


def test_a_second_run_of_the_client_is_refused_with_who_runs_it(late_entry, one_row_per_turn):
    path = late_entry
    pauses = Pauses("Guardando", skip=1)  # one row written
    outcome: dict = {}
    thread = run_in_thread(path, pauses, outcome)
    assert pauses.paused.wait(WAIT)
    other = store.connect(path)
    try:
        with pytest.raises(Conflict) as refused:
            ledger.run(other, RFC, hasta=TODAY)
        [running] = [r for r in ledger.runs(other, RFC) if r["status"] == "escribiendo"]
    finally:
        other.close()
    assert running["interrupted"] is False  # its process works on it
    shown = cli_runner(path, TODAY.isoformat())(
        "discharge", "runs", "--rfc", RFC, "--format", "csv"
    )
    header, row = (line.split(",") for line in shown.stdout.splitlines()[:2])
    cells = dict(zip(header, row, strict=True))
    assert (cells["status"], cells["interrupted"]) == ("escribiendo", "False")  # live
    since = leases.since(running["started_at"])
    assert str(refused.value) == (
        f"rfc: descargo de {RFC} en curso por {store.os_user()} desde {since}; espere a que termine"
    )
    pauses.stages = ()
    pauses.next()
    thread.join(WAIT)
    assert outcome["result"].run_id == running["id"]
    assert state(path)["export"] == AFTER


def exit_by_import(db, tmp_path) -> None:
    load(db, tmp_path, "salidas", [["RT-2", "RT", "2026-03-01", "M", "MAT-A", "5"]])


def exit_by_ajuste(db, tmp_path) -> None:
    faltante = {"fecha": "2026-03-01", "tipo": "faltante", "numero_parte": "MAT-A"}
    ajustes.add_ajustes(db, RFC, [(1, faltante | {"cantidad": "5", "motivo": "conteo"})], "a")


@pytest.mark.parametrize("change", [exit_by_import, exit_by_ajuste])
def test_a_run_whose_data_changed_meanwhile_is_computed_again(
    late_entry, tmp_path, one_row_per_turn, change
):
    path = late_entry
    pauses = Pauses("Guardando", skip=1)
    outcome: dict = {}
    thread = run_in_thread(path, pauses, outcome)
    assert pauses.paused.wait(WAIT)
    colleague = store.connect(path)
    change(colleague, tmp_path)
    colleague.close()
    pauses.stages = ()
    pauses.next()
    thread.join(WAIT)
    result = outcome["result"]
    assert (result.demands, result.allocations) == (2, 3)
    after = state(path)
    assert after["export"] == [*AFTER, ("260739536000010", "5")]
    assert after["pending"] == [] and after["check"] == []
    db = store.connect(path)
    written = db.execute("SELECT count(*) FROM allocations WHERE run_id = ?", [result.run_id])
    assert written.fetchone()[0] == 3  # the first computation's rows were discarded
    db.close()


def test_a_run_whose_data_keeps_changing_is_refused_and_leaves_nothing(late_entry, tmp_path):
    path = late_entry
    before = state(path)
    exits = iter(range(2, 10))

    def colleague_adds_an_exit(done, total, stage):
        if stage == "Guardando":
            colleague = store.connect(path)
            n = next(exits)
            row = [f"RT-{n}", "RT", "2026-03-01", "M", "MAT-A", "1"]
            load(colleague, tmp_path, "salidas", [row], f"s{n}.csv")
            colleague.close()

    db = store.connect(path)
    with pytest.raises(Conflict, match=f"los datos de {RFC} cambiaron 3 veces"):
        ledger.run(db, RFC, hasta=TODAY, progress=colleague_adds_an_exit)
    statuses = [r["status"] for r in ledger.runs(db, RFC)]
    assert statuses == ["committed"]
    orphans = db.execute(
        "SELECT (SELECT count(*) FROM allocations WHERE run_id NOT IN "
        "(SELECT id FROM discharge_runs)), (SELECT count(*) FROM allocation_reversals)"
    ).fetchone()
    assert orphans == (0, 0)
    db.close()
    after = state(path)
    assert after["export"] == before["export"] and after["check"] == []


def _killed_run(path, paused) -> None:
    """Run the discharge, one row per transaction, and stop for good after the first."""
    ledger_store.STEP, store.TURN = 1, 0

    def stop(done, total, stage):
        if stage == "Guardando" and done:
            paused.set()
            time.sleep(WAIT)

    ledger.run(store.connect(path), RFC, hasta=TODAY, progress=stop)


def test_a_killed_run_is_invisible_and_the_next_run_cleans_it(late_entry):
    path = late_entry
    before = state(path)
    paused = SPAWN.Event()
    process = SPAWN.Process(target=_killed_run, args=(str(path), paused))
    process.start()
    assert paused.wait(WAIT)
    os.kill(process.pid, signal.SIGKILL)
    process.join(WAIT)
    db = store.connect(path)
    [dead] = [r for r in ledger.runs(db, RFC) if r["status"] == "escribiendo"]
    assert dead["interrupted"] is True
    assert db.execute("SELECT count(*) FROM allocation_reversals").fetchone()[0] == 1
    assert state(path) == before  # its first row is there, unseen
    result = ledger.run(db, RFC, hasta=TODAY)
    assert result.run_id == dead["id"]  # taken over, its rows purged and written again
    assert result.retomada == f"{dead['os_user']} desde {leases.since(dead['started_at'])}"
    assert result.summary().endswith(f" Retomó la corrida interrumpida de {result.retomada}.")
    runs = ledger.runs(db, RFC)
    assert [(r["status"], r["interrupted"]) for r in runs] == [("committed", False)] * 2
    total = db.execute("SELECT count(*) FROM allocations").fetchone()[0]
    assert total == sum(r["allocations"] for r in ledger.runs(db, RFC)) == 4
    assert db.execute("SELECT count(*) FROM allocation_reversals").fetchone()[0] == 2
    db.close()
    assert state(path)["export"] == AFTER


def test_a_claim_is_alive_while_its_process_works_and_its_heartbeat_is_fresh():
    fresh, old = leases.stamp(), "2026-01-01T00:00:00+00:00"
    mine = leases.take()
    assert leases.alive(mine, fresh)
    assert not leases.alive(mine, old)  # a heartbeat older than STALE
    leases.drop(mine)
    assert not leases.alive(mine, fresh)  # this process let it go (a failed cleanup)
    dead = SPAWN.Process(target=time.sleep, args=(0,))
    dead.start()
    dead.join(WAIT)
    host = mine.split(":")[0]
    assert not leases.alive(f"{host}:{dead.pid}:ab12cd34", fresh)  # its process is gone
    assert leases.alive(f"{host}:1:ab12cd34", fresh)  # init: alive (another user's process)
    assert leases.alive("another-host:1:ab12cd34", fresh)  # only the heartbeat can tell
    assert not leases.alive("another-host:1:ab12cd34", old)
    assert not leases.alive(None, fresh)
