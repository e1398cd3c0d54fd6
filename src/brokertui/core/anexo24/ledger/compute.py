"""What a run computes inside its snapshot: the engine over the dirty keys, then of the rows in
force it recomputed, the ones to reverse and the new ones (scratch tables), counted in its
RunResult."""

from __future__ import annotations

import numpy as np
from sqlite_utils import Database

from brokertui.core import collector
from brokertui.core.anexo24 import fifo, scope
from brokertui.core.anexo24.ledger import columns
from brokertui.core.anexo24.ledger.balance_deltas import (
    CANDIDATES_USE,
    RUN_CHANGES,
    count_use,
    prepare_balances,
)
from brokertui.core.anexo24.ledger.modes import mode
from brokertui.core.anexo24.ledger.result import RunResult
from brokertui.core.progress import Progress


def compute(db: Database, client_id: int, result: RunResult, report: Progress) -> dict:
    """Inside one snapshot: the run's reversals (temp.reversed) and allocations
    (temp.new_allocations), counted in `result`; returns the run's params. Only the keys the
    new data can affect are redone, from their dates (core/anexo24/scope.py), and of what they
    had in force only what changes is replaced: an exit's rows of a key, whole."""
    report(0, 1, "Preparando")
    result.modo = mode(db, client_id)
    marks = scope.marks(db, client_id, result.hasta)
    drop_scratch(db)
    earliest = scope.mark(db, client_id, result.modo, result.hasta, result.desde)
    result.desde = result.desde or earliest
    params = {"client": client_id, "hasta": result.hasta}
    # The engine's rows (created first: a change to the temporary schema would abort the
    # queries being read).
    db.execute(
        "CREATE TEMP TABLE computed (salida_id INTEGER, numero_parte TEXT, "
        "entrada_id INTEGER, cantidad_micro INTEGER, vencido INTEGER)"
    )
    _discharge(db, params, result, report)
    _changes(db, result)
    prepare_balances(db, result.modo, RUN_CHANGES, use=CANDIDATES_USE)
    for scratch in ("computed", "changed"):
        db.execute(f"DROP TABLE IF EXISTS temp.{scratch}")
    return marks | {"modo": result.modo}


def _discharge(db: Database, params: dict, result: RunResult, report: Progress) -> None:
    """The engine over the dirty keys' demands and lots, read as columns; its rows into
    temp.computed."""
    with collector.paused():  # a million rows read hold no cycles
        keys = columns.Keys()
        demand_ids, demands = columns.demands(db, params, result, keys)
        lot_ids, lots = columns.lots(db, params, result.modo, keys)
        report(0, 1, "Descargando")
        result.demands = len(demand_ids)
        taken = fifo.allocate(lots, demands)
        names, lot_ids = keys.names(), np.append(lot_ids.astype(object), [None])  # None: short
        count_use(db, params["client"], taken, demands, names)
        # In the engine's order, key by key: the order the ledger is written in (_changes).
        for start in range(0, len(taken.demand), columns.BATCH):
            rows = slice(start, start + columns.BATCH)
            demand = taken.demand[rows]
            db.conn.executemany(
                "INSERT INTO temp.computed VALUES (?, ?, ?, ?, ?)",
                zip(
                    demand_ids[demand].tolist(),
                    names[demands.key[demand]].tolist(),
                    lot_ids[taken.lot[rows]].tolist(),
                    taken.quantity[rows].tolist(),
                    taken.vencido[rows].astype(np.int64).tolist(),
                    strict=True,
                ),
            )


def _changes(db: Database, result: RunResult) -> None:
    """What the run writes: of the candidates (the rows in force it recomputed), the exits'
    rows of a key that come out different are reversed (temp.reversed) and replaced by the new
    ones (temp.new_allocations); the rows that come out the same stay. New rows go in the
    engine's order, key by key, each exit's rows of a key together and in its order (what the
    ledger's readers order by after the exit): a turn's rows then fall together in the
    indexes by key and by lot (one place per key instead of one per key and turn: half the
    pages a commit writes, at scale 0.3 the writing took half the time), only the index by
    exit taking them here and there."""
    db.execute("CREATE TEMP TABLE reversed (allocation_id INTEGER)")
    if not db.execute("SELECT 1 FROM temp.candidates LIMIT 1").fetchone():
        db.execute("ALTER TABLE temp.computed RENAME TO new_allocations")  # in write order
    else:
        same = (
            "{a}.salida_id = {b}.salida_id AND {a}.numero_parte = {b}.numero_parte AND "
            "{a}.entrada_id IS {b}.entrada_id AND {a}.cantidad_micro = {b}.cantidad_micro AND "
            "{a}.vencido = {b}.vencido"
        )
        db.execute("CREATE INDEX temp.computed_key ON computed (salida_id, numero_parte)")
        db.execute("CREATE INDEX temp.candidates_key ON candidates (salida_id, numero_parte)")
        db.execute(
            "CREATE TEMP TABLE changed AS "
            "SELECT salida_id, numero_parte FROM temp.candidates c WHERE NOT EXISTS "
            f"(SELECT 1 FROM temp.computed n WHERE {same.format(a='n', b='c')}) "
            "UNION SELECT salida_id, numero_parte FROM temp.computed n WHERE NOT EXISTS "
            f"(SELECT 1 FROM temp.candidates c WHERE {same.format(a='c', b='n')})"
        )
        db.execute("CREATE INDEX temp.changed_key ON changed (salida_id, numero_parte)")
        in_changed = (
            "EXISTS (SELECT 1 FROM temp.changed g WHERE g.salida_id = {t}.salida_id "
            "AND g.numero_parte = {t}.numero_parte)"
        )
        result.reversed = db.execute(
            "INSERT INTO temp.reversed SELECT c.id FROM temp.candidates c "
            f"WHERE {in_changed.format(t='c')} ORDER BY c.id"
        ).rowcount
        db.execute(
            "CREATE TEMP TABLE new_allocations AS SELECT n.* FROM temp.computed n "
            f"WHERE {in_changed.format(t='n')} ORDER BY n.rowid"
        )
    shortfall_parts = set()
    for part, faltante, vencido, count in db.execute(
        "SELECT numero_parte, entrada_id IS NULL, vencido, count(*) FROM temp.new_allocations "
        "GROUP BY 1, 2, 3"
    ):
        result.allocations += count
        if faltante:
            result.shortfalls += count
            shortfall_parts.add(part)
        elif vencido:
            result.vencidos += count
    result.shortfall_parts = sorted(shortfall_parts)[:20]


def drop_scratch(db: Database) -> None:
    for scratch in (
        "reversed",
        "computed",
        "new_allocations",
        "changed",
        "dirty_keys",
        "dirty_parts",
        "candidates",
        "use_deltas",
        "moved",
        "part_deltas",
    ):
        db.execute(f"DROP TABLE IF EXISTS temp.{scratch}")
