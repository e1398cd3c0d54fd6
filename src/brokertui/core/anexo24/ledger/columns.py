"""What a run's engine reads (anexo24/fifo.py): the dirty keys' lots and demands as columns, by
quantity or, priced, by value; the discharged exits' demands for the check."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

import numpy as np
from sqlite_utils import Database

from brokertui.core.anexo24 import contributions, entries, fifo, interfaces, scope
from brokertui.core.anexo24.ledger.modes import LOT_AMOUNT
from brokertui.core.anexo24.ledger.result import RunResult
from brokertui.core.anexo24.scope import LOT_KEY
from brokertui.core.quantities import SCALE, times

# Entries (as e) and exits (as s) the discharge reads: not of an interface import still being
# written, and no fixed asset's exit (scope.LOADED_S).
LOADED_E, LOADED_S = interfaces.loaded("e"), scope.LOADED_S

BATCH = 50_000


# Activo fijo lots (entries.fixed_asset) are no material's: no exit takes them, no price uses them.
FIXED_ASSET = entries.fixed_asset("e")


# The lots of the dirty keys, oldest first, with their balance once the run's candidates are
# taken back (each lot's allocations in force summed by index).
_LOTS_SQL = f"""
SELECT e.id, {{key}} AS lot_key, e.fecha_entrada,
       {{amount}} - coalesce((SELECT sum(a.cantidad_micro) FROM active_allocations a
                             WHERE a.entrada_id = e.id
                               AND a.id NOT IN (SELECT id FROM temp.candidates)), 0),
       e.vence
FROM {{source}}
WHERE e.client_id = :client AND {{amount}} IS NOT NULL AND {LOADED_E}
  AND NOT {FIXED_ASSET}
ORDER BY lot_key, e.fecha_entrada, e.pedimento, {{within}} e.partida
"""


# A nivel pedimento, a pedimento's partidas lowest IGI rate first (an unknown rate last), so
# what is left of it is the goods with the highest rate (the package doc).
_WITHIN_PEDIMENTO = {"pedimento": f"CAST({contributions.TASA_IGI} AS REAL) NULLS LAST,"}


_LOT_SOURCE = {
    # by index: the entries of each dirty part number, the few dirty keys outermost
    "cantidad": "temp.dirty_keys d CROSS JOIN entradas e ON e.client_id = :client "
    "AND e.numero_parte = d.key",
    "valor": f"entradas e JOIN temp.dirty_keys d ON d.key = {LOT_KEY['valor']}",
    "pedimento": f"entradas e JOIN temp.dirty_keys d ON d.key = {LOT_KEY['pedimento']}",
}


# Every exit pending (or, for the check, discharged), exploded through the BOM.
_EXIT_DEMANDS_SQL = scope.EXPLODED.format(
    source="salidas s",
    where="s.fecha <= :hasta AND {discharged} EXISTS (SELECT 1 FROM active_allocations a "
    "WHERE a.salida_id = s.id)",
)


# The valued material entries of the parts demanded, for the average unit value of each material.
_ENTRIES_SQL = f"""
SELECT e.numero_parte, e.fecha_entrada, e.cantidad_micro, e.valor_micro FROM entradas e
WHERE e.client_id = :client AND e.valor_micro IS NOT NULL AND {LOADED_E}
  AND NOT {FIXED_ASSET} {{parts}}
ORDER BY e.numero_parte, e.fecha_entrada
"""


def demands(
    db: Database, params: dict, result: RunResult, keys: Keys
) -> tuple[np.ndarray, fifo.Demands]:
    """Each demand's exit id and the dirty keys' demands in the engine's order: by quantity,
    the materials of the exits pending (exploded through the BOM); by value, priced and summed
    per fracción or pedimento (_value_demands)."""
    if result.modo != "cantidad":
        return _value_demands(db, params, result, keys)
    return _demand_columns(db.execute(scope.DIRTY_DEMANDS, params), keys)


def lots(db: Database, params: dict, modo: str, keys: Keys) -> tuple[np.ndarray, fifo.Lots]:
    """Each lot's id and the dirty keys' lots, oldest first (_LOTS_SQL)."""
    sql = _LOTS_SQL.format(
        key=LOT_KEY[modo],
        amount=LOT_AMOUNT[modo],
        source=_LOT_SOURCE[modo],
        within=_WITHIN_PEDIMENTO.get(modo, ""),
    )
    kinds = (_ids, keys, fifo.days, _integers, fifo.days)
    ids, key, fecha, balance, vence = _columns(db.execute(sql, params), kinds)
    return ids, fifo.Lots(key, fecha, fifo.exact(balance), vence)


def _demands(rows: Iterable[tuple]) -> Iterator[fifo.Demand]:
    """Quantity demands from (exit, part, fecha, quantity, BOM factor) rows sorted by part."""
    for sid, part, fecha, qty, factor in rows:
        yield fifo.Demand(sid, part, fecha, sid, qty if factor is None else times(qty, factor))


class Keys:
    """Keys (part numbers, fracciones) as small integers shared by a run's lots and demands,
    so that a million rows keep no string each."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def __call__(self, values: tuple) -> np.ndarray:
        codes = self.codes
        return np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int64)

    def names(self) -> np.ndarray:
        return np.array(list(self.codes), dtype=object)


def _ids(values: tuple) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _numbers(values: tuple) -> np.ndarray:
    return np.array(values, dtype=object)  # Python integers, None kept


def _integers(values: tuple) -> np.ndarray:
    """int64 when every value is an integer (SQLite's fit), else Python objects as they came
    (fifo.exact decides): a million amounts take 8 bytes each, not a Python integer each."""
    column = np.array(values)
    return column if column.dtype == np.int64 else _numbers(values)


def _columns(cursor: sqlite3.Cursor, kinds: tuple) -> list[np.ndarray]:
    """The cursor's rows as columns, each made by its kind from BATCH rows at a time."""
    parts: list[list[np.ndarray]] = [[] for _ in kinds]
    while batch := cursor.fetchmany(BATCH):
        for column, kind, values in zip(parts, kinds, zip(*batch, strict=True), strict=True):
            column.append(kind(values))
    return [np.concatenate(c) if c else kind(()) for c, kind in zip(parts, kinds, strict=True)]


def _demand_columns(cursor: sqlite3.Cursor, keys: Keys) -> tuple[np.ndarray, fifo.Demands]:
    """Each demand's exit id and the demands, from (exit, part, fecha, quantity, BOM factor)
    rows in the engine's order (the quantity times the factor)."""
    kinds = (_ids, keys, fifo.days, _integers, _integers)
    ids, part, fecha, quantity, factor = _columns(cursor, kinds)
    if quantity.dtype != object and factor.dtype != object and len(quantity):
        top = max(abs(int(quantity.min())), int(quantity.max()))
        if top * max(abs(int(factor.min())), int(factor.max())) >= 2**63 - SCALE:
            quantity = quantity.astype(object)  # their products need Python integers
    return ids, fifo.Demands(part, fecha, fifo.exact(times(quantity, factor)))


def discharged_demands(db: Database, params: dict) -> Iterator[fifo.Demand]:
    """The materials the discharged exits consume, sorted by part (what the check expects)."""
    sql = _EXIT_DEMANDS_SQL.format(discharged="") + " ORDER BY part, s.fecha, s.id"
    return _demands(db.execute(sql, params))


def priced(
    db: Database, params: dict, modo: str, demands: Iterator[fifo.Demand]
) -> Iterator[tuple[fifo.Demand, str | None, int | None]]:
    """(demand, key, USD millionths or None) for each material demand by value, its key the
    material's fracción (or, a nivel pedimento, scope.PEDIMENTO_KEY; None: not a material),
    priced with the valued entries of the client by the reference valuation (the check's)."""
    keys = _fracciones(db, params, modo)
    entry_rows = db.execute(_ENTRIES_SQL.format(parts=""), params)
    entries = (fifo.Entry(*row) for row in entry_rows)
    try:
        for demand, value in fifo.valued(entries, demands):
            yield demand, keys.get(demand.part), value
    finally:
        entry_rows.close()  # entries of parts no exit needs are left unread


DEMAND_FIELDS = ("key", "fecha", "quantity")  # fifo.Demands'


def _value_demands(
    db: Database, params: dict, result: RunResult, keys: Keys
) -> tuple[np.ndarray, fifo.Demands]:
    """The demands by value: each exit's material values (of the dirty parts, priced by
    fifo.prices over columns) summed per fracción (or a nivel pedimento), in the engine's order
    (fracción, fecha, exit). Exits with a material that cannot be priced are left out, whole,
    and counted in `result`: their other materials (scope.OTHER_MATERIALS) are priced too."""
    parts = Keys()
    own_ids, own = _demand_columns(db.execute(scope.DIRTY_DEMANDS, params), parts)
    other_ids, other = _demand_columns(db.execute(scope.OTHER_MATERIALS, params), parts)
    demand_ids = np.concatenate((own_ids, other_ids))
    material = fifo.Demands(
        *(np.concatenate((getattr(own, f), getattr(other, f))) for f in DEMAND_FIELDS)
    )
    names = parts.names()
    others = json.dumps(sorted(set(names[other.key].tolist())))
    entries_sql = _ENTRIES_SQL.format(
        parts="AND e.numero_parte IN (SELECT part FROM temp.dirty_parts "
        "UNION ALL SELECT value FROM json_each(:others))"
    )
    part, fecha, quantity, value = _columns(
        db.execute(entries_sql, {**params, "others": others}),
        (parts, fifo.days, _numbers, _numbers),
    )
    priced = fifo.prices(
        fifo.Entries(part, fecha, fifo.exact(quantity), fifo.exact(value)), material
    )
    names = parts.names()  # with the entries' parts no demand names
    fracciones = _fracciones(db, params, result.modo)
    fraccion = np.array([fracciones.get(name) for name in names], dtype=object)[material.key]
    # A value of 0 counts for nothing; a material with no price yet or no fracción leaves its
    # whole exit out.
    valued = priced != 0
    unpriced = valued & ((priced == None) | (fraccion == None))  # noqa: E711 (elementwise)
    unvalued, first = np.unique(demand_ids[unpriced], return_index=True)
    result.sin_valor = len(unvalued)
    result.sin_valor_parts = sorted(set(names[material.key[unpriced][first]]))[:20]
    kept = np.flatnonzero(valued & ~np.isin(demand_ids, unvalued))
    kept = kept[kept < len(own_ids)]  # the other materials' keys are not redone
    text, rank = np.unique(fraccion[kept].astype(str), return_inverse=True)
    ids, day = demand_ids[kept], material.fecha[kept]
    order = np.lexsort((ids, day, rank))
    ids, day, rank, amount = ids[order], day[order], rank[order], priced[kept][order]
    # One demand per fracción and exit: the sum of its materials' values.
    starts = np.flatnonzero(np.diff(rank, prepend=-1) | np.diff(ids, prepend=-1))
    total = np.add.reduceat(amount, starts) if len(starts) else amount
    return ids[starts], fifo.Demands(
        keys(tuple(text[rank[starts]].tolist())), day[starts], fifo.exact(total)
    )


def _fracciones(db: Database, params: dict, modo: str) -> dict[str, str]:
    """Each material's key by value: its fracción, or a nivel pedimento scope.PEDIMENTO_KEY."""
    keys = dict(
        db.execute(
            "SELECT numero_parte, fraccion FROM materiales WHERE client_id = :client", params
        ).fetchall()
    )
    return dict.fromkeys(keys, scope.PEDIMENTO_KEY) if modo == "pedimento" else keys
