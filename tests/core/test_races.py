"""Races between real processes on one database file (issue 11, item 7): duplicate keys, the
same Data Stage zip imported twice at once, two undos at once, check during discharges.

The parent holds the write lock while the workers, lined up on a barrier, start the same
command: each does everything it does before writing (under the old code, its duplicate check
or its choice of the run to undo), then queues on the lock; the parent lets go and each must
end with a clear result. The commands run through the CLI, as a user types them.
"""

import csv
import multiprocessing
import time
from contextlib import contextmanager
from datetime import date

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces, ledger
from brokertui.core.anexo24.ledger import columns
from brokertui.core.errors import Conflict
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.registry import clients
from tests.builders import RFC as DS_RFC
from tests.builders import pedimento

RFC = "MAB9307148T4"
TODAY = date(2026, 6, 30)
SPAWN = multiprocessing.get_context("spawn")
WAIT = 60  # seconds: only a broken test waits this long
HOLD = 0.5  # seconds the parent keeps the lock once every worker has started


def cli(path, *args) -> tuple[int, str, str]:
    """Exit code, output and the name of an exception that escaped the CLI ('' when none)."""
    result = CliRunner(env={"BROKERTUI_TODAY": TODAY.isoformat()}).invoke(
        main, ["--db", str(path), *args]
    )
    escaped = result.exception
    crash = "" if escaped is None or isinstance(escaped, SystemExit) else type(escaped).__name__
    return result.exit_code, result.output, crash


def _racer(path, args, barrier, results) -> None:
    store.connect(path).close()  # open and migrate before lining up
    barrier.wait(WAIT)
    results.put(cli(path, *args))


@contextmanager
def write_lock(path):
    """Hold the database's write lock (what a long import does) until the block ends."""
    holder = store.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("COMMIT")
        holder.close()


def race(path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run the CLI commands in processes of their own, all at once; their results."""
    barrier = SPAWN.Barrier(len(commands) + 1)
    results = SPAWN.Queue()
    workers = [
        SPAWN.Process(target=_racer, args=(str(path), args, barrier, results)) for args in commands
    ]
    for worker in workers:
        worker.start()
    with write_lock(path):
        barrier.wait(WAIT)
        time.sleep(HOLD)
    outcomes = [results.get(timeout=WAIT) for _ in workers]
    for worker in workers:
        worker.join(WAIT)
    return outcomes


def succeeded(outcomes) -> list[str]:
    """The outputs of the commands that succeeded, after asserting none crashed."""
    assert [crash for _, _, crash in outcomes] == [""] * len(outcomes)
    assert all("Traceback" not in output for _, output, _ in outcomes)
    return [output for code, output, _ in outcomes if code == 0]


# -- duplicate keys ---------------------------------------------------------------------------


def test_four_processes_adding_the_same_client_one_wins_the_others_get_the_conflict(tmp_path):
    path = tmp_path / "races.db"
    store.connect(path).close()
    add = ["client", "add", "--rfc", RFC, "--razon-social", "Maquiladora Alfa SA"]
    outcomes = race(path, [add] * 4)
    assert len(succeeded(outcomes)) == 1
    refused = [output for code, output, _ in outcomes if code != 0]
    assert refused == [f"Error: rfc: ya existe un cliente con el RFC {RFC}\n"] * 3
    db = store.connect(path)
    assert db.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    assert len(store.audit_trail(db, "client", RFC)) == 1


def test_two_processes_adding_the_same_program_number_one_wins(tmp_path):
    path = tmp_path / "races.db"
    db = store.connect(path)
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    db.close()
    add = ["program", "add", "--rfc", RFC, "--type", "ALTEX", "--number", "ALTEX-123"]
    outcomes = race(path, [[*add, "--authorized", "2020-01-10"]] * 2)
    assert len(succeeded(outcomes)) == 1
    (refused,) = [output for code, output, _ in outcomes if code != 0]
    assert "number: el ALTEX ALTEX-123 ya está registrado (MAB9307148T4)" in refused


def test_a_unique_key_broken_inside_a_write_is_a_conflict_naming_the_field(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    with pytest.raises(Conflict) as refused, store.write(db, "test", "client", RFC):
        db.execute(
            "INSERT INTO clients (rfc, razon_social, created_at, updated_at) "
            "VALUES (?, 'Otra', '', '')",
            [RFC],
        )
    assert str(refused.value) == "rfc: ya existe otro registro con el mismo valor de rfc en clients"
    assert db.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    assert not db.conn.in_transaction


# -- the same Data Stage zip twice ------------------------------------------------------------


def test_the_same_zip_imported_twice_at_once_is_stored_once(tmp_path):
    path = tmp_path / "races.db"
    db = store.connect(path)
    clients.add_client(db, {"rfc": DS_RFC, "razon_social": "Bajío Máquinas SA"})
    db.close()
    numeros = ["262439536000098", "262439536000101"]
    zipped = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(n) for n in numeros])
    outcomes = race(path, [["import", "datastage", str(zipped)]] * 2)
    assert len(succeeded(outcomes)) == 2
    assert sorted("ya estaba importado" in output for _, output, _ in outcomes) == [False, True]
    db = store.connect(path)
    assert db.execute("SELECT count(*) FROM datastage_imports").fetchone()[0] == 1
    stored = db.execute("SELECT numero FROM pedimentos ORDER BY numero").fetchall()
    assert [n for (n,) in stored] == numeros
    assert len(store.audit_trail(db, "datastage")) == 1


# -- the discharge ledger ---------------------------------------------------------------------


def _load(db, tmp_path, kind: str, rows: list[list[str]]) -> None:
    path = tmp_path / f"{kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([interfaces.COLUMNS[kind], *rows])
    interfaces.import_file(db, kind, path, RFC)


def ledger_with_two_runs(tmp_path):
    """A client whose ledger has two committed runs (run 2 discharges the second exit)."""
    path = tmp_path / "races.db"
    db = store.connect(path)
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    _load(db, tmp_path, "materiales", [["MAT-A", "Lámina", "72085101", "1", "1", "1", "directo"]])
    lots = [
        [f"26 07 3953 60000{n}0", "1", "IN", day, "MAT-A", "100", "1", "82", "72085101", "USA"]
        for n, day in ((1, "2026-01-05"), (2, "2026-01-20"))
    ]
    _load(db, tmp_path, "entradas", lots)
    _load(db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "60"]])
    ledger.run(db, RFC, hasta=TODAY)
    _load(db, tmp_path, "salidas", [["RT-2", "RT", "2026-03-10", "M", "MAT-A", "70"]])
    ledger.run(db, RFC, hasta=TODAY)
    assert ledger.count_allocations(db, RFC) == 3 and ledger.check(db, RFC) == []
    db.close()
    return path


def test_two_undos_at_once_undo_two_runs_and_each_reports_its_own(tmp_path):
    path = ledger_with_two_runs(tmp_path)
    outcomes = race(path, [["discharge", "undo", "--rfc", RFC]] * 2)
    reported = sorted(output.split()[1] for output in succeeded(outcomes))
    assert reported == ["1", "2"]
    db = store.connect(path)
    runs = db.execute("SELECT id, status FROM discharge_runs ORDER BY id").fetchall()
    assert runs == [(1, "undone"), (2, "undone")]
    undone = [row["detail"] for row in store.audit_trail(db) if row["action"] == "discharge.undo"]
    assert sorted(undone) == ['{"run_id": 1}', '{"run_id": 2}']
    assert ledger.count_allocations(db, RFC) == 0


def test_an_undo_with_nothing_left_says_so(tmp_path):
    path = ledger_with_two_runs(tmp_path)
    outcomes = race(path, [["discharge", "undo", "--rfc", RFC]] * 3)
    assert len(succeeded(outcomes)) == 2
    (refused,) = [output for code, output, _ in outcomes if code != 0]
    assert refused == f"Error: rfc: {RFC} no tiene descargos que deshacer\n"


def _paused_check(path, paused, resume, results) -> None:
    """`check`, stopped between reading the exits' demands and their allocations while another
    process undoes a run."""
    original = columns.discharged_demands

    def demands(*args, **kwargs):
        yield from original(*args, **kwargs)
        paused.set()
        resume.wait(WAIT)

    columns.discharged_demands = demands
    results.put(cli(path, "check", "--rfc", RFC))


def test_check_reads_one_snapshot_while_another_process_undoes_a_run(tmp_path):
    path = ledger_with_two_runs(tmp_path)
    paused, resume, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    checker = SPAWN.Process(target=_paused_check, args=(str(path), paused, resume, results))
    checker.start()
    assert paused.wait(WAIT)
    assert cli(path, "discharge", "undo", "--rfc", RFC)[0] == 0
    resume.set()
    assert results.get(timeout=WAIT) == (0, "Libro de descargos correcto.\n", "")
    checker.join(WAIT)
    assert cli(path, "check", "--rfc", RFC) == (0, "Libro de descargos correcto.\n", "")


def _discharge_loop(path, rounds, started) -> None:
    """Undo the last run and discharge again, `rounds` times."""
    started.set()
    for _ in range(rounds):
        for args in (["undo", "--rfc", RFC], ["run", "--rfc", RFC]):
            code, output, crash = cli(path, "discharge", *args)
            assert code == 0 and not crash, output


def test_check_during_discharge_runs_and_undos_finds_no_problem(tmp_path):
    path = ledger_with_two_runs(tmp_path)
    started = SPAWN.Event()
    writer = SPAWN.Process(target=_discharge_loop, args=(str(path), 15, started))
    writer.start()
    assert started.wait(WAIT)
    checks = []
    while writer.is_alive():
        checks.append(cli(path, "check", "--rfc", RFC))
    writer.join(WAIT)
    assert writer.exitcode == 0
    assert len(checks) > 1
    assert set(checks) == {(0, "Libro de descargos correcto.\n", "")}
