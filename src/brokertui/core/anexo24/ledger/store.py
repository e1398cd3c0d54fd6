"""The ledger's one writer (allocations, allocation_reversals, discharge_runs, part_use): a run's
claim, its rows written in turns, its commit, the marks of the index of rows in force
(reversed_by) and the undo of the last run."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from brokertui.core import leases, log
from brokertui.core.anexo24 import balances
from brokertui.core.anexo24.ledger.balance_deltas import UNDO_CHANGES, prepare_balances
from brokertui.core.anexo24.ledger.compute import drop_scratch
from brokertui.core.anexo24.ledger.modes import mode
from brokertui.core.anexo24.ledger.result import RunResult
from brokertui.core.db import known_references, now, os_user, snapshot, transaction, turns, write
from brokertui.core.errors import Conflict, NotFound
from brokertui.core.progress import Progress
from brokertui.core.registry import clients

STEP = 1_000  # rows a run writes per statement (as many as fit in a turn, db.turns)


SMALL = 3  # statements a run writes in its commit rather than in turns before it


ATTEMPTS = 3  # computations of a run whose client's data changed meanwhile, before refusing


class _Changed(Exception):
    """Raised inside a run's last transaction to roll it back: its inputs changed."""


@dataclass(frozen=True)
class _Claim:
    run_id: int
    holder: str


def claim(db: Database, client: clients.Client, hasta: date) -> tuple[_Claim, str | None]:
    """The client's discharge, claimed in a short transaction by a new run in 'escribiendo'
    or by taking over one whose process died (then who ran it and since when, as the user
    reads it: its rows must be purged). Conflict when a live one holds it."""
    holder = leases.take()
    try:
        with transaction(db):
            row = db.execute(
                "SELECT id, os_user, started_at, holder, heartbeat FROM discharge_runs "
                "WHERE client_id = ? AND status = 'escribiendo'",
                [client.id],
            ).fetchone()
            if row and leases.alive(row[3], row[4]):
                raise Conflict(
                    "rfc",
                    f"descargo de {client.rfc} en curso por {row[1]} desde "
                    f"{leases.since(row[2])}; espere a que termine",
                )
            values = [now(), os_user(), hasta.isoformat(), holder, leases.stamp()]
            if row:
                db.execute(
                    "UPDATE discharge_runs SET started_at = ?, os_user = ?, hasta = ?, "
                    "holder = ?, heartbeat = ? WHERE id = ?",
                    [*values, row[0]],
                )
                run_id = row[0]
            else:
                run_id = db.execute(
                    "INSERT INTO discharge_runs (client_id, started_at, os_user, hasta, "
                    "holder, heartbeat, params, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, '{}', 'escribiendo')",
                    [client.id, *values],
                ).lastrowid
    except BaseException:
        leases.drop(holder)
        raise
    return _Claim(run_id, holder), f"{row[1]} desde {leases.since(row[2])}" if row else None


def _renew(db: Database, claim: _Claim) -> None:
    """Inside a write transaction: the run's heartbeat, after checking it is still ours."""
    if not db.execute(
        "UPDATE discharge_runs SET heartbeat = ? WHERE id = ? AND holder = ?",
        [leases.stamp(), claim.run_id, claim.holder],
    ).rowcount:
        raise Conflict(
            "rfc",
            "otro proceso tomó este descargo por abandonado (no dio señales en "
            f"{leases.STALE.seconds // 60} min); nada se guardó, córralo de nuevo",
        )


def fingerprint(db: Database, client_id: int) -> tuple:
    """What a run reads of the client, summed up through where it comes from, so that the
    check holds the lock for milliseconds even on a million rows: entries and exits are only
    ever added, by an interface import when it is done, an ajuste or a pedimento stored
    (entries.py, interfaces.py); the allocations in force change with a run committed or
    undone; then the mode. Any of them since a run read its data changes this."""
    return db.execute(
        "SELECT (SELECT count(*) || ':' || coalesce(max(id), 0) FROM interface_imports "
        "WHERE client_id = :c AND estado = 'hecho'), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM ajustes WHERE client_id = :c), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM pedimentos WHERE client_id = :c), "
        "(SELECT count(*) || ':' || coalesce(max(id), 0) FROM discharge_runs "
        "WHERE client_id = :c AND status = 'committed'), "
        "(SELECT descargo_modo || descargo_nivel FROM clients WHERE id = :c)",
        {"c": client_id},
    ).fetchone()


def _balance(db: Database) -> None:
    """Inside the write transaction that commits or undoes a run: the kept balances as
    prepare_balances computed them (keyed writes only): each key's use per month
    (part_use), each part number's lots with a balance and their sum (part_balances), each
    lot's balance (lot_balances, part_balances: balances.move). Every run and undo goes
    through here."""
    db.execute(
        "INSERT INTO part_use (client_id, mes, numero_parte, descargado, faltante, salidas) "
        "SELECT * FROM temp.use_deltas WHERE true ON CONFLICT (client_id, mes, numero_parte) "
        "DO UPDATE SET descargado = descargado + excluded.descargado, "
        "faltante = faltante + excluded.faltante, salidas = salidas + excluded.salidas"
    )
    balances.move(db)


def _steps(result: RunResult) -> list[tuple[str, int]]:
    """The statements that write the run's reversals and allocations, in the order computed,
    STEP rows each (parameters: the run, the step's start)."""
    return [
        (sql, start)
        for count, sql in (
            (
                result.reversed,
                "INSERT INTO allocation_reversals (run_id, allocation_id) SELECT ?, "
                "allocation_id FROM temp.reversed WHERE rowid > ? AND rowid <= ?",
            ),
            (
                result.allocations,
                "INSERT INTO allocations (run_id, salida_id, numero_parte, entrada_id, "
                "cantidad_micro, vencido) SELECT ?, * FROM temp.new_allocations "
                "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            ),
        )
        for start in range(0, count, STEP)
    ]


def _do(db: Database, claim: _Claim, step: tuple[str, int]) -> None:
    db.execute(step[0], [claim.run_id, step[1], step[1] + STEP])


def write_rows(db: Database, claim: _Claim, result: RunResult, report: Progress) -> None:
    """The run's rows in turns of short transactions (db.turns) that first check the claim is
    still ours; none when they are few (SMALL), which its commit writes. They reference the
    run's own claimed row, the allocations in force it reverses and exits and lots of its
    snapshot, none of which is ever deleted (only the rows of an unfinished import are, which
    no run reads): SQLite's lookups of them, row by row, are left out (db.known_references)."""
    steps = _steps(result)
    report(0, len(steps) or 1, "Guardando")
    if len(steps) <= SMALL:
        return
    write_step = lambda step: _do(db, claim, step)  # noqa: E731
    with known_references(db):
        for done in turns(db, steps, write_step, first=lambda: _renew(db, claim)):
            report(done, len(steps), "Guardando")


def commit(
    db: Database,
    client: clients.Client,
    claim: _Claim,
    result: RunResult,
    params: dict,
    inputs: tuple,
) -> bool:
    """The run's last short transaction: committed, with its audit row, if the client's data
    is as the run read it; False (nothing changed) when it is not."""
    try:
        with write(db, "discharge.run", "client", client.rfc, {"hasta": result.hasta}):
            _renew(db, claim)
            if fingerprint(db, client.id) != inputs:
                raise _Changed
            if len(steps := _steps(result)) <= SMALL:  # a correction's few rows (write_rows)
                for step in steps:
                    _do(db, claim, step)
            db.execute(
                "UPDATE discharge_runs SET status = 'committed', desde = ?, params = ?, "
                "demands = ?, allocations = ?, shortfalls = ?, reversed = ?, holder = NULL, "
                "heartbeat = NULL, pending_marks = ? WHERE id = ?",
                [
                    result.desde,
                    json.dumps(params),
                    result.demands,
                    result.allocations,
                    result.shortfalls,
                    result.reversed,
                    int(result.reversed > 0),
                    claim.run_id,
                ],
            )
            _balance(db)  # its reversals hide their rows from now on (pending_marks)
    except _Changed:
        return False
    return True


def purge(db: Database, claim: _Claim) -> None:
    """Delete what the run wrote, STEP rows per statement, in turns (it is still ours)."""
    for table, delete in (
        (
            "allocation_reversals",
            "DELETE FROM allocation_reversals WHERE rowid IN (SELECT rowid FROM "
            "allocation_reversals WHERE run_id = ? LIMIT ?)",
        ),
        (
            "allocations",
            "DELETE FROM allocations WHERE id IN (SELECT id FROM allocations "
            "WHERE run_id = ? LIMIT ?)",
        ),
    ):
        count = db.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", [claim.run_id])

        def step(_: int, delete: str = delete) -> None:
            db.execute(delete, [claim.run_id, STEP])

        for _ in turns(
            db, range(0, count.fetchone()[0], STEP), step, first=lambda: _renew(db, claim)
        ):
            pass


# After a commit, or before and after an undo, what reversed_by says is written in turns, a
# window of STEP ids (of allocation_reversals, or of the run's allocations) per statement,
# while the run's status and pending_marks still call for it (migration 0031):
_MARK = (  # the rows its reversals hide get reversed_by, then the flag is cleared
    "UPDATE allocations SET reversed_by = :run WHERE id IN (SELECT allocation_id "
    "FROM allocation_reversals WHERE run_id = :run AND rowid >= :low AND rowid < :low + :step) "
    "AND EXISTS (SELECT 1 FROM discharge_runs WHERE id = :run AND status = 'committed' "
    "AND pending_marks = 1)",
    "allocation_reversals",
    "UPDATE discharge_runs SET pending_marks = 0 WHERE id = :run AND pending_marks = 1",
)


_UNMARK = (  # an undo: hidden by pending_marks = 2 meanwhile
    "UPDATE allocations SET reversed_by = NULL WHERE id IN (SELECT allocation_id "
    "FROM allocation_reversals WHERE run_id = :run AND rowid >= :low AND rowid < :low + :step) "
    "AND reversed_by = :run",
    "allocation_reversals",
    None,
)


_RETIRE = (  # an undone run's own rows leave the index of rows in force (flag 1 meanwhile)
    "UPDATE allocations SET reversed_by = :run WHERE id >= :low AND id < :low + :step "
    "AND run_id = :run AND reversed_by IS NULL AND EXISTS (SELECT 1 FROM discharge_runs "
    "WHERE id = :run AND status = 'undone')",
    "allocations",
    "UPDATE discharge_runs SET pending_marks = 0 WHERE id = :run AND status = 'undone'",
)


def _tidy(
    db: Database,
    run_id: int,
    how: tuple[str, str, str | None],
    first: Callable[[], object] = lambda: None,
) -> None:
    """Write `how` over the run's rows in turns (`first` opens each)."""
    step, table, last = how
    params = {"run": run_id, "step": STEP}
    low, high = db.execute(
        f"SELECT min(rowid), max(rowid) FROM {table} WHERE run_id = :run", params
    ).fetchone()
    windows = range(low, high + 1, STEP) if low is not None else range(0)
    for _ in turns(db, windows, lambda low: db.execute(step, params | {"low": low}), first=first):
        pass
    if last:
        with transaction(db):
            db.execute(last, params)


def tidy_client(db: Database, client_id: int) -> None:
    """After a commit or an undo: the marks every run of the client still owes, written (its
    own, or those of an earlier commit or undo that was interrupted): a committed run's
    reversals (pending_marks 1), an undone run's own rows (1), and a committed run whose undo
    set 2 and is no longer alive (it failed, died, or found a colleague's run committed
    meanwhile and undid that one instead): its reversals are marked again. A failure is only
    logged: the flags keep the rows right meanwhile, and the next commit or undo tries again."""
    try:
        owed = db.execute(
            "SELECT id, status, pending_marks, holder, heartbeat FROM discharge_runs "
            "WHERE client_id = ? AND pending_marks <> 0 AND status IN ('committed', 'undone') "
            "ORDER BY id",
            [client_id],
        ).fetchall()
        for run_id, status, flag, holder, heartbeat in owed:
            if status == "undone":
                _tidy(db, run_id, _RETIRE)
                continue
            if flag == 2:  # its undo's: marked again unless it is still under way
                if leases.alive(holder, heartbeat):
                    continue
                with transaction(db):
                    if not db.execute(
                        "UPDATE discharge_runs SET pending_marks = 1, holder = NULL, "
                        "heartbeat = NULL WHERE id = ? AND status = 'committed' "
                        "AND pending_marks = 2 AND holder IS ?",
                        [run_id, holder],
                    ).rowcount:
                        continue
            _tidy(db, run_id, _MARK)
    except Exception as exc:
        log.log_trace(exc, "descargo: marcas de corridas quedan por escribir")


def abandon(db: Database, claim: _Claim) -> None:
    """After a failure: the run's rows and row deleted if it is still ours. If that fails too,
    the claim is left to the next run, which finds it dead (leases.alive) and cleans it."""
    try:
        purge(db, claim)
        with transaction(db):
            db.execute(
                "DELETE FROM discharge_runs WHERE id = ? AND holder = ?",
                [claim.run_id, claim.holder],
            )
    except Exception as exc:  # the user is told of the first failure; this one is logged
        log.log_trace(exc, f"descargo: la corrida {claim.run_id} queda para la siguiente")


_LAST_RUN = (
    "SELECT id, started_at, allocations FROM discharge_runs WHERE client_id = ? "
    "AND status = 'committed' ORDER BY id DESC LIMIT 1"
)


def undo_last(db: Database, rfc: str) -> dict:
    """Undo the client's last committed run: its allocations and reversals stop counting.
    What that changes in the kept balances is summed outside the write lock (a first run has
    a million rows); the write transaction checks the run is still the last one (else sums
    again for the one that is now), so two undos at once undo two runs."""
    client = clients.get_client(db, rfc)
    holder = leases.take()  # while it holds a run's flag 2 (tidy_client)
    try:
        for _ in range(ATTEMPTS):
            with snapshot(db):
                row = db.execute(_LAST_RUN, [client.id]).fetchone()
                if row is None:
                    raise NotFound(f"rfc: {client.rfc} no tiene descargos que deshacer")
                drop_scratch(db)
                run = {"run": row[0], "holder": holder}
                prepare_balances(db, mode(db, client.id), UNDO_CHANGES, run)

            def alive(run: dict = run) -> None:
                db.execute(
                    "UPDATE discharge_runs SET heartbeat = :beat WHERE id = :run "
                    "AND holder = :holder",
                    run | {"beat": leases.stamp()},
                )

            with transaction(db):  # its reversals hide their rows while unmarked
                db.execute(
                    "UPDATE discharge_runs SET pending_marks = 2, holder = :holder "
                    "WHERE id = :run AND status = 'committed'",
                    run,
                )
                alive()
            _tidy(db, row[0], _UNMARK, first=alive)
            with transaction(db):
                if db.execute(_LAST_RUN, [client.id]).fetchone() != row:
                    continue  # its flag 2 is tidied below, once this undo is done
                with write(db, "discharge.undo", "client", client.rfc, {"run_id": row[0]}):
                    _balance(db)
                    db.execute(  # any its commit's marking wrote meanwhile
                        "UPDATE allocations SET reversed_by = NULL WHERE reversed_by = :run "
                        "AND run_id <> :run",
                        run,
                    )
                    db.execute(  # its own rows are retired (flag 1) by tidy_client
                        "UPDATE discharge_runs SET status = 'undone', pending_marks = 1, "
                        "holder = NULL, heartbeat = NULL WHERE id = :run",
                        run,
                    )
            leases.drop(holder)
            tidy_client(db, client.id)
            return {"run_id": row[0], "started_at": row[1], "allocations": row[2]}
    finally:
        leases.drop(holder)
        drop_scratch(db)
    tidy_client(db, client.id)
    raise Conflict(
        "rfc",
        f"otros usuarios deshicieron o corrieron descargos de {client.rfc} mientras se "
        "deshacía el último; nada se deshizo, inténtelo de nuevo",
    )
