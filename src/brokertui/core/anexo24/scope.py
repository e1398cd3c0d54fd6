"""What a discharge run must (re)do: the keys it can affect and, for each, the date from which.

A key is what the FIFO engine discharges by: the part number (ledger by quantity), the fracción
arancelaria (by value) or, by value a nivel pedimento, one key for all (PEDIMENTO_KEY: every
exit takes the oldest pedimento with value pending, whatever its goods). Keys are independent of
one another, and within a key an exit only depends on the lots and the exits before it (Anexo
24, Apartado A, módulo de salidas: the oldest pedimento first, exits in order). So a late or new
exit, a late entry, an edited BOM or an ajuste (which brings an exit or a lot) changes only its
keys, from its date; redoing those keys from those dates gives what a full rerun gives, and
everything else stays as it is.

`mark` fills, inside the run's snapshot, three scratch tables of the connection:
- temp.dirty_keys (key, desde): each key to redo and from which exit date;
- temp.dirty_parts (part, desde): the part numbers whose exits make the demands of those keys
  (the keys themselves by quantity; the materials of each fracción by value; every material a
  nivel pedimento);
- temp.candidates: the allocations in force of those keys from those dates, which the run
  recomputes and replaces where they change.

What is new since the last committed run is told by the marks it kept in its params (`marks`):
the highest entry, exit and interface import ids it saw, the imports still loading then (their
rows were not seen, whatever their ids), and its `hasta`.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from brokertui.core.anexo24 import entries, interfaces
from brokertui.core.quantities import SCALE

# Entries (as e) and exits (as s) the material discharge reads: not of an import still being
# written; a fixed asset's exit (salidas.activo_fijo) never, its movements discharge the asset
# (activo_fijo.discharge_exits).
LOADED_E = interfaces.loaded("e")
LOADED_S = f"({interfaces.loaded('s')} AND s.activo_fijo = 0)"
BEGINNING = "0000-01-01"

PEDIMENTO_KEY = "pedimento"  # the one key of the ledger by value a nivel pedimento
# A lot's key per mode: the part number, the fracción (the entry's, else its material's), or
# the one key a nivel pedimento.
LOT_KEY = {
    "cantidad": "e.numero_parte",
    "valor": "coalesce(nullif(e.fraccion, ''), (SELECT m.fraccion FROM materiales m "
    "WHERE m.client_id = e.client_id AND m.numero_parte = e.numero_parte), '')",
    "pedimento": f"'{PEDIMENTO_KEY}'",
}
# The key of a part a demand consumes: itself, its material's fracción, or the one key a nivel
# pedimento (NULL by value for a product without BOM, which no lot by value covers).
PART_KEY = {
    "cantidad": "{part}",
    "valor": "(SELECT m.fraccion FROM materiales m WHERE m.client_id = :client "
    "AND m.numero_parte = {part})",
    "pedimento": f"(SELECT '{PEDIMENTO_KEY}' FROM materiales m WHERE m.client_id = :client "
    "AND m.numero_parte = {part})",
}
# The parts whose exits make the demands of the dirty keys, each from its key's date.
_DIRTY_PARTS = {
    "cantidad": "SELECT key, desde FROM temp.dirty_keys",
    "valor": "SELECT m.numero_parte, d.desde FROM temp.dirty_keys d JOIN materiales m "
    "ON m.client_id = :client AND m.fraccion = d.key",
    "pedimento": "SELECT m.numero_parte, d.desde FROM temp.dirty_keys d JOIN materiales m "
    "ON m.client_id = :client",
}

# Exits (as s, from `source`, with `where`) exploded into the parts they consume through the
# BOM: a product without BOM stays a demand on the product itself, which no lot covers (a
# shortfall).
EXPLODED = f"""
SELECT s.id, coalesce(b.material, s.numero_parte) AS part, s.fecha, s.cantidad_micro,
       b.factor_micro
FROM {{source}}
LEFT JOIN bom b ON s.tipo_bien = 'P' AND b.client_id = s.client_id
                 AND b.producto = s.numero_parte
WHERE s.client_id = :client AND {LOADED_S} AND {{where}}
"""

# The demands of the dirty parts, from each one's date up to `hasta`, in the engine's order:
# exits of the part itself (their factor 1), and product exits whose BOM uses it, both found
# by index (CROSS
# JOIN fixes the order, which the planner cannot tell for a scratch table: the dirty parts,
# or the client's BOM lines, outermost).
DIRTY_DEMANDS = f"""
SELECT s.id, s.numero_parte AS part, s.fecha, s.cantidad_micro, {SCALE} AS factor
FROM temp.dirty_parts d
CROSS JOIN salidas s ON s.client_id = :client AND s.numero_parte = d.part
                AND s.fecha >= d.desde AND s.fecha <= :hasta
WHERE {LOADED_S} AND (s.tipo_bien <> 'P' OR NOT EXISTS (
    SELECT 1 FROM bom b WHERE b.client_id = s.client_id AND b.producto = s.numero_parte))
UNION ALL
SELECT s.id, b.material, s.fecha, s.cantidad_micro, b.factor_micro
FROM bom b
CROSS JOIN temp.dirty_parts d ON d.part = b.material
CROSS JOIN salidas s ON s.client_id = :client AND s.numero_parte = b.producto
                AND s.tipo_bien = 'P' AND s.fecha >= d.desde AND s.fecha <= :hasta
WHERE b.client_id = :client AND {LOADED_S}
ORDER BY 2, 3, 1
"""

# The other materials of the product exits DIRTY_DEMANDS reads: their BOM lines whose material is
# not a dirty part, or is one only from a later date. By value an exit with a material that
# cannot be priced is left out whole (ledger/columns.py), so these are priced too, only to tell:
# a run that redoes some keys leaves out the exits a full rerun leaves out. A full run reads
# none (every part dirty from one date: an empty range of salidas for each line).
OTHER_MATERIALS = f"""
SELECT DISTINCT s.id, o.material, s.fecha, s.cantidad_micro, o.factor_micro
FROM bom b
CROSS JOIN temp.dirty_parts d ON d.part = b.material
CROSS JOIN bom o ON o.client_id = :client AND o.producto = b.producto AND o.material <> b.material
LEFT JOIN temp.dirty_parts od ON od.part = o.material
CROSS JOIN salidas s ON s.client_id = :client AND s.numero_parte = b.producto
                AND s.tipo_bien = 'P' AND s.fecha >= d.desde AND s.fecha <= :hasta
                AND s.fecha < coalesce(od.desde, '9999-12-31')
WHERE b.client_id = :client AND {LOADED_S}
"""

_UPSERT = (
    "INSERT INTO temp.dirty_keys (key, desde) SELECT key, desde FROM ({}) WHERE key IS NOT NULL "
    "ON CONFLICT (key) DO UPDATE SET desde = min(desde, excluded.desde)"
)


def marks(db: Database, client_id: int, hasta: str) -> dict:
    """What a run sees of the client, kept in its params for the next run's `mark`."""
    entrada, salida, imported = db.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM entradas), "
        "(SELECT coalesce(max(id), 0) FROM salidas), "
        "(SELECT coalesce(max(id), 0) FROM interface_imports)"
    ).fetchone()
    loading = [
        r[0]
        for r in db.execute(
            "SELECT id FROM interface_imports WHERE client_id = ? AND estado = 'cargando'",
            [client_id],
        )
    ]
    return {
        "max_entrada_id": entrada,
        "max_salida_id": salida,
        "max_import_id": imported,
        "cargando": loading,
        "hasta": hasta,
    }


def _last_marks(db: Database, client_id: int) -> dict:
    """The marks of the client's last committed run (all zero before the first)."""
    row = db.execute(
        "SELECT params, hasta, started_at FROM discharge_runs WHERE client_id = ? "
        "AND status = 'committed' ORDER BY id DESC LIMIT 1",
        [client_id],
    ).fetchone()
    params = json.loads(row[0]) if row else {}
    if row and "max_import_id" not in params:  # a run of an older version: the imports before it
        params["max_import_id"] = db.execute(
            "SELECT coalesce(max(id), 0) FROM interface_imports WHERE imported_at <= ?", [row[2]]
        ).fetchone()[0]
    return {
        "max_entrada_id": params.get("max_entrada_id", 0),
        "max_salida_id": params.get("max_salida_id", 0),
        "max_import_id": params.get("max_import_id", 0),
        "cargando": json.dumps(params.get("cargando", [])),
        "hasta_last": row[1] if row else "",
    }


def mark(db: Database, client_id: int, modo: str, hasta: str, desde: str | None) -> str | None:
    """Fill the scratch tables for a run up to `hasta` (re-discharging every key from `desde`
    when given). Returns the earliest date from which allocations in force are redone, if any."""
    for scratch in ("dirty_keys", "dirty_parts", "candidates"):
        db.execute(f"DROP TABLE IF EXISTS temp.{scratch}")
    db.execute("CREATE TEMP TABLE dirty_keys (key TEXT PRIMARY KEY, desde TEXT NOT NULL)")
    db.execute(
        "CREATE TEMP TABLE candidates (id INTEGER PRIMARY KEY, salida_id INTEGER, "
        "numero_parte TEXT, entrada_id INTEGER, cantidad_micro INTEGER, vencido INTEGER, "
        "beyond INTEGER)"
    )
    last = _last_marks(db, client_id)
    params = {"client": client_id, "hasta": hasta, **last}
    _pending(db, modo, params)
    if last["hasta_last"]:  # else nothing is in force: every exit is pending, dirty already
        _new_entries(db, modo, params)
        _edited_boms(db, modo, params)
        _fixed_assets_taken(db, params)
    if desde is None and modo == "valor" and _catalog_changed(db, params):
        desde = BEGINNING  # a material's fracción may have changed: every key, from the start
    if desde is not None:
        _everything_from(db, modo, params, desde)
    _candidates(db, params)
    if db.execute("SELECT 1 FROM temp.candidates WHERE beyond").fetchone():
        # Redoing some keys would leave exits after `hasta` half discharged: every key is redone
        # from the earliest date instead, and those exits are left pending whole.
        earliest = db.execute("SELECT min(desde) FROM temp.dirty_keys").fetchone()[0]
        _everything_from(db, modo, params, earliest)
        db.execute("DELETE FROM temp.candidates")
        _candidates(db, params)
    db.execute("CREATE TEMP TABLE dirty_parts (part TEXT PRIMARY KEY, desde TEXT NOT NULL)")
    db.execute(f"INSERT INTO temp.dirty_parts {_DIRTY_PARTS[modo]}", params)
    return db.execute(
        "SELECT min(d.desde) FROM temp.dirty_keys d WHERE d.key IN "
        "(SELECT numero_parte FROM temp.candidates)"
    ).fetchone()[0]


def _upsert(db: Database, sql: str, params: dict) -> None:
    db.execute(_UPSERT.format(sql), params)


def _demand_keys(modo: str, where: str, source: str = "salidas s") -> str:
    """(key, earliest date) of the demands of the exits `where` selects: each part number's
    earliest exit, then exploded through the BOM as EXPLODED does (a product's few lines, not
    each exit's)."""
    key = PART_KEY[modo].format(part="x.part")
    return f"""
SELECT {key} AS key, min(x.fecha) AS desde FROM (
  SELECT coalesce(b.material, s.numero_parte) AS part, s.fecha FROM (
    SELECT s.client_id, s.numero_parte, s.tipo_bien, min(s.fecha) AS fecha FROM {source}
    WHERE s.client_id = :client AND {LOADED_S} AND {where}
    GROUP BY s.numero_parte, s.tipo_bien) s
  LEFT JOIN bom b ON s.tipo_bien = 'P' AND b.client_id = s.client_id
                   AND b.producto = s.numero_parte) x
GROUP BY x.part"""


def _pending(db: Database, modo: str, params: dict) -> None:
    """Exits up to `hasta` without allocations in force make their keys dirty from their date:
    the exits new since the last run, those of imports that were loading then, and those after
    its `hasta`; by value also an older one left pending (an exit that could not be priced
    waits, whole, for an entry of its material) once one of its materials has an entry new
    since, dated on or before it (its other keys are dirty then too: it is discharged whole)."""
    where = (
        "s.fecha <= :hasta AND NOT EXISTS (SELECT 1 FROM active_allocations a "
        "WHERE a.salida_id = s.id)"
    )
    news = [
        "SELECT id FROM salidas WHERE id > :max_salida_id",
        "SELECT id FROM salidas WHERE client_id = :client AND fecha > :hasta_last",
    ]
    if params["cargando"] != "[]":
        news.append(
            "SELECT id FROM salidas WHERE import_id IN (SELECT value FROM json_each(:cargando))"
        )
    if modo != "cantidad" and params["hasta_last"]:  # before a first run all exits are new
        priced = " UNION ALL ".join(
            f"SELECT e.numero_parte, e.fecha_entrada FROM entradas e WHERE {new} "
            f"AND e.valor_micro IS NOT NULL AND {LOADED_E}"
            for new in _new_entry_filters(params)
        )
        news.append(  # the few new valued entries first (each filter by its index), then the
            # pending exits of their materials from their dates: none read when there are none
            "SELECT id FROM (WITH n AS MATERIALIZED (SELECT numero_parte, min(fecha_entrada) "
            f"AS fecha FROM ({priced}) GROUP BY 1), "
            f"x AS MATERIALIZED ({EXPLODED.format(source='salidas s', where=where)}) "
            "SELECT x.id FROM n CROSS JOIN x ON x.part = n.numero_parte AND x.fecha >= n.fecha)"
        )
    source = f"({' UNION '.join(news)}) x CROSS JOIN salidas s ON s.id = x.id"
    _upsert(db, _demand_keys(modo, where, source), params)


def _new_entry_filters(params: dict) -> list[str]:
    """Conditions on the entry e: new since the last run, of an import loading then, or an
    existing lot given an opening balance since (entries.add_opening keeps its id); not an
    activo fijo entry (the discharge never reads it)."""
    news = [
        f"e.id > :max_entrada_id AND +e.client_id = :client AND NOT {entries.fixed_asset('e')}"
    ]  # by rowid
    if params["cargando"] != "[]":
        news.append(
            "e.client_id = :client AND e.import_id IN (SELECT value FROM json_each(:cargando)) "
            f"AND NOT {entries.fixed_asset('e')}"
        )
    news.append(
        "e.client_id = :client AND e.saldo_inicial = 1 AND e.import_id > :max_import_id "
        f"AND NOT {entries.fixed_asset('e')}"
    )
    return news


def _new_entries(db: Database, modo: str, params: dict) -> None:
    """An entry new since the last run (or given an opening balance since) makes its lot's key
    dirty from its date and, by value, its material's fracción too (it changes the average unit
    value of later exits). An activo fijo entry changes neither (the discharge never reads it)."""
    news = _new_entry_filters(params)
    keys = [LOT_KEY[modo]]
    if modo == "valor":
        keys.append(PART_KEY["valor"].format(part="e.numero_parte"))
    for key in keys:
        for new in news:
            _upsert(
                db,
                f"SELECT {key} AS key, min(e.fecha_entrada) AS desde FROM entradas e "
                f"WHERE {new} AND {LOADED_E} GROUP BY 1",
                params,
            )


def _edited_boms(db: Database, modo: str, params: dict) -> None:
    """A product whose BOM was imported since the last run: the keys its exits had and those
    its BOM now has are dirty from its first exit."""
    exits = (
        "WITH changed AS (SELECT DISTINCT producto FROM bom WHERE client_id = :client "
        "AND import_id > :max_import_id), "
        "x AS (SELECT s.id, s.numero_parte, s.fecha FROM changed c JOIN salidas s "
        "ON s.client_id = :client AND s.numero_parte = c.producto AND s.tipo_bien = 'P' "
        f"WHERE {LOADED_S}) "
    )
    _upsert(
        db,
        exits + "SELECT a.numero_parte AS key, min(x.fecha) AS desde FROM x "
        "JOIN active_allocations a ON a.salida_id = x.id GROUP BY 1",
        params,
    )
    key = PART_KEY[modo].format(part="b.material")
    _upsert(
        db,
        exits + f"SELECT {key} AS key, min(x.fecha) AS desde FROM x JOIN bom b "
        "ON b.client_id = :client AND b.producto = x.numero_parte GROUP BY b.material",
        params,
    )


def _fixed_assets_taken(db: Database, params: dict) -> None:
    """Allocations in force that take an activo fijo lot (of a ledger run before fixed assets
    were kept out of the discharge, or before a claves catalog that marks its clave): their
    keys are dirty from their exits' dates, so the run gives those exits other lots."""
    _upsert(
        db,
        "SELECT a.numero_parte AS key, min(s.fecha) AS desde FROM entradas e "
        "JOIN active_allocations a ON a.entrada_id = e.id JOIN salidas s ON s.id = a.salida_id "
        f"WHERE e.client_id = :client AND {entries.fixed_asset('e')} GROUP BY 1",
        params,
    )


def _catalog_changed(db: Database, params: dict) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM interface_imports WHERE client_id = :client AND kind = 'materiales' "
            "AND id > :max_import_id",
            params,
        ).fetchone()
        is not None
    )


def _everything_from(db: Database, modo: str, params: dict, desde: str) -> None:
    """Every key with allocations in force or demands from `desde` is dirty from there."""
    at = params | {"desde": desde}
    _upsert(
        db,
        "SELECT a.numero_parte AS key, :desde AS desde FROM salidas s "
        "JOIN active_allocations a ON a.salida_id = s.id "
        "WHERE s.client_id = :client AND s.fecha >= :desde GROUP BY 1",
        at,
    )
    _upsert(db, _demand_keys(modo, "s.fecha >= :desde AND s.fecha <= :hasta"), at)
    db.execute("UPDATE temp.dirty_keys SET desde = min(desde, :desde)", at)


def _candidates(db: Database, params: dict) -> None:
    """The allocations in force of the dirty keys from their dates (`beyond`: of an exit after
    `hasta`)."""
    db.execute(
        "INSERT INTO temp.candidates SELECT a.id, a.salida_id, a.numero_parte, a.entrada_id, "
        "a.cantidad_micro, a.vencido, s.fecha > :hasta FROM temp.dirty_keys d "
        "CROSS JOIN active_allocations a ON a.numero_parte = d.key "
        "CROSS JOIN salidas s ON s.id = a.salida_id "
        "WHERE s.client_id = :client AND s.fecha >= d.desde",
        params,
    )
