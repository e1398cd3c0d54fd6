"""kill -9 of a command in the middle of its write, as a broker's SSH session dying would: the
CLI command runs in a process of its own, which stops for good at a chosen point of its write
and tells the test, which kills it with SIGKILL. Then, on new connections: the file is sound
(integrity_check, foreign_key_check), the kept balances equal their recomputation
(test_balances.assert_kept), readers see the state from before the command (an import being
written is 'cargando', a run 'escribiendo': both left out), and the same command again
finishes the job (taking over the dead one's claim and deleting what it wrote) to the state a
command never killed gives.

The points: after N turns of a long job (db.turns leaves the lock between two turns through
db._let_others_write; turns are one row each here), or inside the one transaction of a
short write, just before its COMMIT (db.write records its audit row last)."""

import json
import multiprocessing
import os
import re
import signal
import sqlite3
import time

import pytest

from brokertui.core import db as store
from brokertui.core import leases
from brokertui.core.anexo24 import interface_kinds, interfaces, ledger, reports
from brokertui.core.pedimentos.datastage import build
from tests.builders import cli_runner, partida, pedimento
from tests.core.anexo24.conftest import RFC, TODAY, write_csv
from tests.core.anexo24.test_balances import assert_kept
from tests.core.anexo24.test_long_discharge import LATE_LOT
from tests.core.pedimentos.test_pedimentos import values as pedimento_values

SPAWN = multiprocessing.get_context("spawn")
WAIT = 30  # seconds: only a broken test waits this long
CLI_TODAY = TODAY.isoformat()
SALIDAS = [[f"RT-{n}", "RT", "2026-02-10", "M", "MAT-A", "20"] for n in range(1, 5)]


def _stopped(path: str, args: list[str], hook: str, after: int, reached) -> None:
    """The child: `brokertui --db path args`, one row per turn, stopped for good at the
    `after`-th call of db.<hook>."""
    from brokertui.cli import main
    from brokertui.core.anexo24 import interfaces
    from brokertui.core.anexo24.ledger import store as ledger_store

    interfaces.STEP = ledger_store.STEP = 1
    store.TURN = 0
    original, calls = getattr(store, hook), []

    def stop(*args, **kwargs):
        calls.append(1)
        if len(calls) == after:
            reached.set()
            time.sleep(WAIT)
        return original(*args, **kwargs)

    setattr(store, hook, stop)
    main(["--db", path, "--today", CLI_TODAY, *args], standalone_mode=False)


def killed(path, *args, hook: str, after: int = 1) -> None:
    """Run `brokertui args` on the database at `path` and kill it with SIGKILL where it
    stops (`_stopped`)."""
    reached = SPAWN.Event()
    child = SPAWN.Process(
        target=_stopped, args=(str(path), [str(a) for a in args], hook, after, reached)
    )
    child.start()
    try:
        assert reached.wait(WAIT), "the command never reached the point"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(WAIT)
    assert child.exitcode == -signal.SIGKILL


def sound(path) -> dict:
    """The file checked on a new connection, and what readers see of the client."""
    db = store.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert_kept(db)
        year = {"desde": TODAY.replace(month=1, day=1), "hasta": TODAY}
        return {
            "summary": ledger.summary(db, RFC, TODAY),
            "entradas": list(reports.records(db, reports.heading(db, "entradas", RFC, **year))),
            "salidas": list(reports.records(db, reports.heading(db, "salidas", RFC, **year))),
            "saldos": list(reports.records(db, reports.heading(db, "saldos", RFC, on=TODAY))),
            "export": [(r["pedimento"], r["cantidad"]) for r in ledger.export_rows(db, RFC)],
            "pedimentos": db.execute("SELECT count(*) FROM pedimentos").fetchone()[0],
            "ajustes": db.execute("SELECT count(*) FROM ajustes").fetchone()[0],
        }
    finally:
        db.close()


def copy(path, name: str):
    """A copy of the database at `path` (the test's reference: the command not killed)."""
    target = path.with_name(name)
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copied:
        source.backup(copied)
    return target


@pytest.fixture
def path(inv_db):
    return store.file_path(inv_db)


@pytest.fixture
def run(path):
    return cli_runner(path, CLI_TODAY)


@pytest.fixture
def salidas(tmp_path):
    return write_csv(
        tmp_path / "salidas.csv",
        ["documento", "clave", "fecha", "tipo_bien", "numero_parte", "cantidad"],
        SALIDAS,
    )


WHEN = r"(\d{4}-\d\d-\d\d )?\d\d:\d\d"  # leases.since: the date when not today


def deleted_line(kind: str) -> str:
    """What a CLI command on Anexo 24 data says of a killed import it deleted (cli/base.py)."""
    return (
        rf"Borrando la importación interrumpida de {kind} de {RFC} de "
        rf"{re.escape(store.os_user())} desde {WHEN} \(su proceso terminó sin completarla\)…\n"
    )


def left_behind(path) -> list[tuple]:
    db = store.connect(path)
    try:
        return db.execute(
            "SELECT kind, (SELECT count(*) FROM salidas s WHERE s.import_id = i.id) "
            "FROM interface_imports i WHERE estado = 'cargando' ORDER BY kind"
        ).fetchall()
    finally:
        db.close()


def test_a_killed_import_of_salidas_is_unseen_and_imported_again(path, run, salidas):
    before = sound(path)
    killed(path, "import", "salidas", salidas, "--rfc", RFC, hook="_let_others_write", after=2)
    assert sound(path) == before
    assert left_behind(path) == [("salidas", 2)]  # its two turns
    result = run("import", "salidas", salidas, "--rfc", RFC)
    said = r"salidas\.csv: 4 filas de salidas, 4 nuevas\.\n"
    assert re.fullmatch(deleted_line("salidas") + said, result.output), result.output
    after = sound(path)
    assert after["summary"]["salidas"] == len(SALIDAS) and len(after["salidas"]) == len(SALIDAS)
    db = store.connect(path)
    assert db.execute(
        "SELECT estado, count(*) FROM interface_imports WHERE kind = 'salidas' GROUP BY 1"
    ).fetchall() == [("hecho", 1)]
    db.close()


def test_the_next_import_of_its_kind_takes_a_killed_import_over_and_says_whose(path, salidas):
    """An import that finds the dead one first (a TUI's, before its start deleted it) deletes
    it itself and says whose it was."""
    killed(path, "import", "salidas", salidas, "--rfc", RFC, hook="_let_others_write", after=2)
    db = store.connect(path)
    said = interface_kinds.get("salidas").load(db, RFC, salidas, None)
    db.close()
    retaken = f" Retomó la importación interrumpida de {re.escape(store.os_user())} desde {WHEN}\\."
    assert re.fullmatch(rf"salidas\.csv: 4 filas de salidas, 4 nuevas\.{retaken}", said), said
    assert left_behind(path) == []


def test_a_killed_import_is_deleted_by_the_next_command_on_anexo24_data(path, run, salidas):
    """`kill -9` of a CLI import: the next command that reads Anexo 24 data deletes what it
    wrote before it reads (cli/base.py), naming it on standard error; a command on other data
    leaves it; a colleague's live import (another machine, fresh heartbeat) is never touched."""
    before = sound(path)
    killed(path, "import", "salidas", salidas, "--rfc", RFC, hook="_let_others_write", after=2)
    db = store.connect(path)
    db.execute(
        "INSERT INTO interface_imports (client_id, kind, filename, sha256, rows, imported_at, "
        "imported_by, estado, holder, heartbeat) SELECT client_id, 'entradas', 'e.csv', 'x', 0, "
        "imported_at, 'luis', 'cargando', 'otra-maquina:4242:beef', ? FROM interface_imports "
        "LIMIT 1",
        [leases.stamp()],
    )
    db.close()
    assert run("client", "list", "--format", "json").stderr == ""
    assert left_behind(path) == [("entradas", 0), ("salidas", 2)]
    saldos = run("report", "saldos", "--rfc", RFC, "--format", "json")
    assert saldos.exit_code == 0 and re.fullmatch(deleted_line("salidas"), saldos.stderr)
    assert left_behind(path) == [("entradas", 0)]  # the colleague's
    assert run("report", "saldos", "--rfc", RFC, "--format", "json").stderr == ""
    db = store.connect(path)
    db.execute("DELETE FROM interface_imports WHERE estado = 'cargando'")
    db.close()
    assert sound(path) == before


def test_a_failure_to_delete_a_killed_import_is_a_warning(path, run, salidas, monkeypatch):
    """The command goes on (readers leave the import out); the next one deletes it."""
    killed(path, "import", "salidas", salidas, "--rfc", RFC, hook="_let_others_write", after=2)

    def full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(interfaces, "_discard", full)
        saldos = run("report", "saldos", "--rfc", RFC, "--format", "json")
    assert saldos.exit_code == 0 and json.loads(saldos.stdout)
    warned = "Aviso: no se borró una importación interrumpida: disco lleno: no queda espacio"
    assert re.fullmatch(deleted_line("salidas") + re.escape(warned) + r".*\n", saldos.stderr)
    assert left_behind(path) == [("salidas", 2)]
    assert re.fullmatch(deleted_line("salidas"), run("check", "--rfc", RFC).stderr)
    assert left_behind(path) == []


def test_a_killed_import_is_deleted_at_the_next_start_and_a_live_one_is_not(path, salidas):
    """What the TUI's start does (interfaces.discard_abandoned): the dead import deleted, its
    rows with it, without waiting for the next import of salidas; a live one left alone."""
    before = sound(path)
    killed(path, "import", "salidas", salidas, "--rfc", RFC, hook="_let_others_write", after=2)
    db = store.connect(path)
    live = leases.take()  # this process's claim on an import it is writing
    db.execute(
        "INSERT INTO interface_imports (client_id, kind, filename, sha256, rows, imported_at, "
        "imported_by, estado, holder, heartbeat) SELECT client_id, 'entradas', 'e.csv', 'x', 1, "
        "imported_at, imported_by, 'cargando', ?, ? FROM interface_imports LIMIT 1",
        [live, leases.stamp()],
    )
    [dead] = interfaces.abandoned(db)
    assert (dead.kind, dead.rfc) == ("salidas", RFC)
    assert re.fullmatch(f"{re.escape(store.os_user())} desde {WHEN}", dead.by)
    assert interfaces.discard_abandoned(db) == [dead]
    left = db.execute("SELECT holder FROM interface_imports WHERE estado <> 'hecho'")
    assert left.fetchall() == [(live,)]
    assert db.execute("SELECT count(*) FROM salidas").fetchone() == (0,)
    assert interfaces.abandoned(db) == interfaces.discard_abandoned(db) == []
    db.execute("DELETE FROM interface_imports WHERE holder = ?", [live])
    leases.drop(live)
    db.close()
    assert sound(path) == before


def test_an_import_while_a_colleague_deletes_the_dead_one_is_told_so(path, run, salidas):
    """While a colleague's start deletes a dead import (discard_abandoned), a new import of
    its kind is refused saying so and to import again in a moment; it said the import was
    'en curso' by whoever was killed, with its rows, as if that one still worked."""
    killed(path, "import", "salidas", salidas, "--rfc", RFC, hook="_let_others_write", after=2)
    db = store.connect(path)
    tried = []

    def colleague_imports(_) -> None:  # the dead import taken, its rows not yet deleted
        tried.append(run("import", "salidas", salidas, "--rfc", RFC))

    assert len(interfaces.discard_abandoned(db, colleague_imports)) == 1
    db.close()
    [refused] = tried
    user = re.escape(store.os_user())
    assert refused.exit_code == 1 and re.fullmatch(
        rf"Error: salidas.csv: {user} está borrando la importación interrumpida de salidas de "
        rf"{RFC} de {user} desde {WHEN} \(su proceso terminó sin completarla\); importe de "
        r"nuevo en un momento, cuando termine de borrarla\n",
        refused.output,
    ), refused.output
    done = run("import", "salidas", salidas, "--rfc", RFC)  # once it is deleted
    assert done.exit_code == 0 and "Retomó" not in done.output, done.output


def test_a_killed_run_is_not_in_force_and_the_next_run_takes_it_over(path, run, salidas):
    assert run("import", "salidas", salidas, "--rfc", RFC).exit_code == 0
    clean = copy(path, "clean.db")
    assert cli_runner(clean, CLI_TODAY)("discharge", "run", "--rfc", RFC).exit_code == 0
    before = sound(path)
    killed(path, "discharge", "run", "--rfc", RFC, hook="_let_others_write", after=2)
    assert sound(path) == before  # its rows are there, in a run 'escribiendo'
    db = store.connect(path)
    assert [r["status"] for r in ledger.runs(db, RFC)] == ["escribiendo"]
    db.close()
    # `discharge runs` shows it interrupted (not "en curso"), with who and since when
    [shown] = json.loads(run("discharge", "runs", "--rfc", RFC, "--format", "json").stdout)
    assert (shown["interrupted"], shown["os_user"], shown["started_at"] > "") == (
        True,
        store.os_user(),
        True,
    )
    assert "interrumpida" in run("discharge", "runs", "--rfc", RFC).stdout
    result = run("discharge", "run", "--rfc", RFC)
    assert result.output.startswith("Corrida 1: 4 demandas"), result.output
    # the user hears whose run was taken over (this process's user: the killed one was ours)
    assert f"Retomó la corrida interrumpida de {store.os_user()} desde " in result.output
    assert sound(path) == sound(clean)
    [done] = json.loads(run("discharge", "runs", "--rfc", RFC, "--format", "json").stdout)
    assert (done["status"], done["interrupted"]) == ("committed", False)


def test_an_undo_killed_before_its_commit_leaves_the_run_in_force(path, run, salidas, tmp_path):
    """The undo of a run that reversed allocations (a late lot) clears their marks in turns
    before it commits: killed there, the run is still in force, and the next undo undoes it."""
    assert run("import", "salidas", salidas, "--rfc", RFC).exit_code == 0
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    first = sound(path)
    late = write_csv(tmp_path / "late.csv", interfaces.COLUMNS["entradas"], [[*LATE_LOT, "USA"]])
    assert run("import", "entradas", late, "--rfc", RFC).exit_code == 0
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    second = sound(path)
    assert second["export"] != first["export"]
    killed(path, "discharge", "undo", "--rfc", RFC, hook="_let_others_write", after=1)
    assert sound(path) == second
    assert run("discharge", "undo", "--rfc", RFC).output.startswith("Corrida 2 (")
    undone = sound(path)  # the first run's allocations, the late lot unused
    assert (undone["export"], undone["summary"]["corridas"]) == (first["export"], 1)


def test_an_undo_killed_after_its_commit_is_done_and_its_marks_are_finished_later(
    path, run, salidas
):
    """Killed while it moves the undone run's rows out of the index of rows in force (after
    its commit): the run is undone; another undo says there is nothing to undo, and the next
    run finishes the marks."""
    assert run("import", "salidas", salidas, "--rfc", RFC).exit_code == 0
    never_run = sound(path)
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    done = sound(path)
    killed(path, "discharge", "undo", "--rfc", RFC, hook="_let_others_write", after=1)
    assert sound(path) == never_run
    again = run("discharge", "undo", "--rfc", RFC)
    assert again.exit_code == 1
    assert again.output == f"Error: rfc: {RFC} no tiene descargos que deshacer\n"
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    assert sound(path) == done
    db = store.connect(path)
    assert db.execute("SELECT max(pending_marks) FROM discharge_runs").fetchone() == (0,)
    db.close()


def _delivery(folder):
    ped = pedimento(rfc=RFC, partidas=[partida(), partida(parte="P-2")])
    return build.write_zip(folder / "1875724_Solicitudes.zip", [ped])


def _captured(folder):
    path = folder / "pedimento.json"
    path.write_text(json.dumps(pedimento_values()), encoding="utf-8")
    return path


MERMA = ["ajuste", "--rfc", RFC, "--fecha", "2026-03-01", "--tipo", "merma", "--parte",
         "MAT-A", "--cantidad", "2", "--motivo", "rota"]  # fmt: skip
SHORT_WRITES = {
    "datastage": (lambda folder: ["import", "datastage", _delivery(folder)], "pedimentos"),
    "pedimento": (lambda folder: ["pedimento", "add", _captured(folder)], "pedimentos"),
    "ajuste": (lambda folder: MERMA, "ajustes"),
}


@pytest.mark.parametrize("kind", SHORT_WRITES)
def test_a_write_killed_before_its_commit_leaves_nothing_and_is_done_again(
    path, run, tmp_path, kind
):
    arguments, counted = SHORT_WRITES[kind]
    args = arguments(tmp_path)
    before = sound(path)
    killed(path, *args, hook="audit")
    assert sound(path) == before
    assert run(*args).exit_code == 0
    after = sound(path)
    assert after[counted] > before[counted]
