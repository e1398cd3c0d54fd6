"""What a run or an undo changes in the kept balances (lot_balances, part_balances, part_use),
summed outside the write lock in the snapshot it read, for store's _balance to write."""

from __future__ import annotations

import numpy as np
from sqlite_utils import Database

from brokertui.core.anexo24 import fifo
from brokertui.core.anexo24.ledger.modes import LOT_AMOUNT


def count_use(
    db: Database, client_id: int, taken: fifo.Taken, demands: fifo.Demands, names: np.ndarray
) -> None:
    """What the engine's rows add to each key's use in the month of their exits (part_use),
    summed over columns into temp.use_deltas: from lots, short, and the exits (a demand is one
    exit's need of one key, so each demand with rows is one exit counted)."""
    db.execute(
        "CREATE TEMP TABLE use_deltas (client_id INTEGER, mes TEXT, numero_parte TEXT, "
        "descargado INTEGER, faltante INTEGER, salidas INTEGER)"
    )
    if not len(taken.demand):
        return
    month = demands.fecha.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    span = month.max() - month.min() + 1
    group = (demands.key * span + month - month.min())[taken.demand]
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    short = taken.lot[order] < 0
    quantity = taken.quantity[order]
    zero = np.zeros_like(quantity)
    first = np.diff(taken.demand, prepend=-1)[order] != 0  # a demand's first row
    at = order[starts]
    db.conn.executemany(
        "INSERT INTO temp.use_deltas VALUES (?, ?, ?, ?, ?, ?)",
        zip(
            [client_id] * len(starts),
            np.datetime_as_string(month[taken.demand[at]].astype("datetime64[M]")).tolist(),
            names[demands.key[taken.demand[at]]].tolist(),
            np.add.reduceat(np.where(short, zero, quantity), starts).tolist(),
            np.add.reduceat(np.where(short, quantity, zero), starts).tolist(),
            np.add.reduceat(first.astype(np.int64), starts).tolist(),
            strict=True,
        ),
    )


# The rows a run changes (sign 1: its new allocations; -1: those it reverses), or an undo (the
# other way round; read before the run's reversals are cleared). Of a run's use per month, the
# rows it recomputed are counted by the engine (count_use) and those it had in force (its
# candidates, replaced or kept alike) here: their difference is the change.
RUN_CHANGES = (
    "SELECT salida_id, numero_parte, entrada_id, cantidad_micro, 1 AS sign "
    "FROM temp.new_allocations UNION ALL "
    "SELECT a.salida_id, a.numero_parte, a.entrada_id, a.cantidad_micro, -1 "
    "FROM temp.reversed r JOIN allocations a ON a.id = r.allocation_id"
)


CANDIDATES_USE = (
    "SELECT salida_id, numero_parte, entrada_id, cantidad_micro, -1 AS sign FROM temp.candidates"
)


UNDO_CHANGES = (
    "SELECT salida_id, numero_parte, entrada_id, cantidad_micro, -1 AS sign "
    "FROM allocations WHERE run_id = :run UNION ALL "
    "SELECT a.salida_id, a.numero_parte, a.entrada_id, a.cantidad_micro, 1 "
    "FROM allocation_reversals v JOIN allocations a ON a.id = v.allocation_id "
    "WHERE v.run_id = :run"
)


def _lot_deltas(changes: str) -> str:
    """SQL: what `changes` move each lot's balance (lot_balances.used_micro) by."""
    return (
        "SELECT entrada_id, sum(sign * cantidad_micro) AS delta FROM "
        f"({changes}) WHERE entrada_id IS NOT NULL GROUP BY entrada_id HAVING delta <> 0"
    )


def _use_deltas(changes: str) -> str:
    """SQL: what `changes` move each key's use in the month of its exits (part_use) by: an
    exit's rows of a key are replaced whole (compute's _changes), so its exits counted are those it
    gains less those it loses."""
    return (
        "SELECT s.client_id, substr(s.fecha, 1, 7) AS mes, c.numero_parte, "
        "sum(CASE WHEN c.entrada_id IS NULL THEN 0 ELSE c.sign * c.cantidad_micro END) "
        "AS descargado, sum(CASE WHEN c.entrada_id IS NULL THEN c.sign * c.cantidad_micro "
        "ELSE 0 END) AS faltante, count(DISTINCT CASE WHEN c.sign > 0 THEN c.salida_id END) "
        "- count(DISTINCT CASE WHEN c.sign < 0 THEN c.salida_id END) AS salidas "
        f"FROM ({changes}) c JOIN salidas s ON s.id = c.salida_id GROUP BY 1, 2, 3"
    )


def prepare_balances(
    db: Database, modo: str, changes: str, params: dict | None = None, *, use: str | None = None
) -> None:
    """Outside the write lock, in the snapshot a run or an undo read: what `changes`
    (RUN_CHANGES, UNDO_CHANGES) make of the kept balances, for _balance to write: each key's
    use per month (temp.use_deltas; a run's engine counted its own rows there, `use` are the
    rows that change it further), each lot's new balance (temp.moved: its balance before,
    still the one in force when written, since a run or undo committed meanwhile makes the
    writer compute again) and each part number's lots with a balance and their sum
    (temp.part_deltas)."""
    if use is None:
        db.execute(f"CREATE TEMP TABLE use_deltas AS {_use_deltas(changes)}", params or {})
    else:
        db.execute(f"INSERT INTO temp.use_deltas {_use_deltas(use)}", params or {})
    db.execute(
        "CREATE TEMP TABLE moved AS SELECT d.entrada_id, e.client_id, e.numero_parte, "
        "e.fraccion, b.used_micro AS used, b.used_micro + d.delta AS now, "
        f"coalesce({LOT_AMOUNT[modo]}, 0) AS amount FROM ({_lot_deltas(changes)}) d "
        "JOIN entradas e ON e.id = d.entrada_id JOIN lot_balances b ON b.entrada_id = d.entrada_id "
        "ORDER BY d.entrada_id",
        params or {},
    )
    db.execute(
        "CREATE TEMP TABLE part_deltas AS SELECT client_id, numero_parte, fraccion, "
        "sum((amount > now) - (amount > used)) AS lotes, "
        "sum(max(amount - now, 0) - max(amount - used, 0)) AS saldo_micro "
        "FROM temp.moved GROUP BY client_id, numero_parte, fraccion"
    )
