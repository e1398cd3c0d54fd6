"""A run of the discharge, whole: claimed, computed from a snapshot, written in turns and
committed, computed again when the client's data changed meanwhile; a dry run only computes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlite_utils import Database

from brokertui.core import leases
from brokertui.core.anexo24 import entries
from brokertui.core.anexo24.ledger import store
from brokertui.core.anexo24.ledger.compute import compute, drop_scratch
from brokertui.core.anexo24.ledger.in_force import as_dicts
from brokertui.core.anexo24.ledger.result import RunResult
from brokertui.core.db import snapshot, transaction
from brokertui.core.errors import Conflict
from brokertui.core.progress import Progress
from brokertui.core.registry import clients


def run(
    db: Database,
    rfc: str,
    *,
    hasta: date,
    desde: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Discharge every pending exit up to `hasta` (re-discharging from `desde` when given or
    when late data needs it) as one run, which readers see whole or not at all. A dry run
    only computes. Another run of the client in progress is refused with who runs it."""
    with _scratch_in_memory(db):
        return _run(db, rfc, hasta=hasta, desde=desde, dry_run=dry_run, progress=progress)


@contextmanager
def _scratch_in_memory(db: Database) -> Iterator[None]:
    """The connection's temporary tables in memory meanwhile, not in a temporary file: a run's
    scratch holds its million computed rows, and at scale 1 writing and reading that file was
    2.2 of the run's 2.8 s of system CPU (peak RSS +3 MB: the engine's columns are gone by
    then). SQLite takes the setting only outside a transaction and drops the connection's
    temporary tables when it changes (a run's own are made inside); it is put back after."""
    if db.conn.in_transaction:
        yield
        return
    before = db.execute("PRAGMA temp_store").fetchone()[0]
    db.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        db.execute(f"PRAGMA temp_store = {int(before)}")


def _run(
    db: Database,
    rfc: str,
    *,
    hasta: date,
    desde: date | None,
    dry_run: bool,
    progress: Progress | None,
) -> RunResult:
    report = progress or (lambda done, total, stage: None)
    client = clients.get_client(db, rfc)
    if dry_run:
        result = _new_result(desde, hasta, dry_run=True)
        try:
            with snapshot(db):
                compute(db, client.id, result, report)
                result.preview = as_dicts(db.query(_PREVIEW_SELECT, [PREVIEW]))
        finally:
            drop_scratch(db)
        return result
    claim, taken_over = store.claim(db, client, hasta)
    try:
        if taken_over:
            store.purge(db, claim)
        with transaction(db):
            added = entries.sync_from_pedimentos(db, client.id)
        for _ in range(store.ATTEMPTS):
            result = _new_result(desde, hasta)
            result.entries_added = added
            result.retomada = taken_over
            with snapshot(db):
                inputs = store.fingerprint(db, client.id)
                params = compute(db, client.id, result, report)
            result.run_id = claim.run_id
            store.write_rows(db, claim, result, report)
            if store.commit(db, client, claim, result, params, inputs):
                store.tidy_client(db, client.id)
                report(result.demands, result.demands or 1, "Listo")
                return result
            store.purge(db, claim)
        raise Conflict(
            "rfc",
            f"los datos de {client.rfc} cambiaron {store.ATTEMPTS} veces mientras se calculaba el "
            "descargo (importaciones o ajustes de otros usuarios); nada se guardó, córralo de "
            "nuevo",
        )
    except BaseException:
        store.abandon(db, claim)
        raise
    finally:
        leases.drop(claim.holder)
        drop_scratch(db)


def _new_result(desde: date | None, hasta: date, *, dry_run: bool = False) -> RunResult:
    return RunResult(None, desde.isoformat() if desde else None, hasta.isoformat(), dry_run=dry_run)


# What a dry run shows (RunResult.preview): the rows it computed, as ALLOC_SELECT's, in the
# ledger's order (ALLOCATION_ORDER).
PREVIEW = 1000


_PREVIEW_SELECT = """
SELECT n.rowid AS id, s.documento, s.fecha, s.tipo_bien, s.numero_parte AS salida_parte,
       n.numero_parte, e.pedimento, e.partida, e.fecha_entrada, n.cantidad_micro, n.vencido,
       s.id AS salida_id, s.tipo_salida, e.saldo_inicial, n.entrada_id IS NULL AS faltante
FROM temp.new_allocations n
JOIN salidas s ON s.id = n.salida_id
LEFT JOIN entradas e ON e.id = n.entrada_id
ORDER BY s.fecha, s.id, n.numero_parte, n.rowid LIMIT ?
"""
