"""The discharge ledger: runs of the FIFO engine (core/fifo.py) over a client's entries and
exits, their append-only allocation rows, undo, and re-running from a date.

Balances are derived from the ledger: a lot's balance is its quantity minus the allocations in
force (`active_allocations`: of committed runs, not reversed by a later committed run). A run
from a date first reverses every allocation in force of exits on or after that date, then
discharges them again with everything before it, so a late entry or exit ends as if it had come
in order. A run without a date finds that date itself when late data needs it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import islice

from sqlite_utils import Database

from brokertui.core import clients, fifo, inventory
from brokertui.core.db import now, os_user, write
from brokertui.core.errors import NotFound
from brokertui.core.quantities import times, to_text

Progress = Callable[[int, int, str], None]
BATCH = 50_000
EXPORT_COLUMNS = [
    "documento",
    "numero_parte",
    "pedimento",
    "partida",
    "fecha_entrada",
    "cantidad",
    "vencido",
]


@dataclass
class RunResult:
    run_id: int | None
    desde: str | None
    hasta: str
    demands: int = 0
    allocations: int = 0
    shortfalls: int = 0
    vencidos: int = 0
    reversed: int = 0
    entries_added: int = 0
    dry_run: bool = False
    shortfall_parts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _DryRun(Exception):
    """Raised inside the write transaction to roll a preview back."""


def _pending_from(db: Database, client_id: int, hasta: str) -> str | None:
    """The date a plain run must re-discharge from: the earliest pending exit, or entry added
    since the last run, that is dated on or before an exit already discharged."""
    last = db.execute(
        "SELECT max(s.fecha) FROM active_allocations a JOIN salidas s ON s.id = a.salida_id "
        "WHERE s.client_id = ?",
        [client_id],
    ).fetchone()[0]
    if last is None:
        return None
    late_exit = db.execute(
        "SELECT min(s.fecha) FROM salidas s WHERE s.client_id = ? AND s.fecha <= ? "
        "AND s.fecha < ? AND NOT EXISTS (SELECT 1 FROM active_allocations a "
        "WHERE a.salida_id = s.id)",
        [client_id, hasta, last],
    ).fetchone()[0]
    seen = (
        db.execute(
            "SELECT max(json_extract(params, '$.max_entrada_id')) FROM discharge_runs "
            "WHERE client_id = ? AND status = 'committed'",
            [client_id],
        ).fetchone()[0]
        or 0
    )
    late_entry = db.execute(
        "SELECT min(fecha_entrada) FROM entradas WHERE client_id = ? AND id > ? "
        "AND fecha_entrada <= ?",
        [client_id, seen, last],
    ).fetchone()[0]
    dates = [d for d in (late_exit, late_entry) if d]
    return min(dates) if dates else None


_LOTS_SQL = """
SELECT e.id, e.numero_parte, e.fecha_entrada, e.pedimento, e.partida,
       e.cantidad_micro - coalesce(u.used, 0) AS balance, e.vence
FROM entradas e
LEFT JOIN (SELECT a.entrada_id, sum(a.cantidad_micro) AS used FROM active_allocations a
           JOIN entradas x ON x.id = a.entrada_id WHERE x.client_id = :client
           GROUP BY a.entrada_id) u ON u.entrada_id = e.id
WHERE e.client_id = :client AND e.cantidad_micro > coalesce(u.used, 0)
ORDER BY e.numero_parte, e.fecha_entrada, e.pedimento, e.partida
"""

# Exits not discharged, exploded through the BOM (a product without BOM stays a demand on the
# product itself, which no lot covers: an explicit shortfall).
_DEMANDS_SQL = """
SELECT s.id, coalesce(b.material, s.numero_parte) AS part, s.fecha, s.cantidad_micro,
       b.factor_micro
FROM salidas s
LEFT JOIN bom b ON s.tipo_bien = 'P' AND b.client_id = s.client_id
                 AND b.producto = s.numero_parte
WHERE s.client_id = :client AND s.fecha <= :hasta
  AND NOT EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id)
ORDER BY part, s.fecha, s.id
"""


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
    when late data needs it), all in one transaction."""
    report = progress or (lambda done, total, stage: None)
    client = clients.get_client(db, rfc)
    result = RunResult(
        None, desde.isoformat() if desde else None, hasta.isoformat(), dry_run=dry_run
    )
    try:
        with write(db, "discharge.run", "client", client.rfc, {"hasta": result.hasta}):
            _run(db, client.id, result, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.run_id = None
    return result


def _run(db: Database, client_id: int, result: RunResult, report: Progress) -> None:
    report(0, 1, "Preparando")
    result.entries_added = inventory.sync_from_pedimentos(db, client_id)
    if result.desde is None:
        result.desde = _pending_from(db, client_id, result.hasta)
    max_entrada = db.execute(
        "SELECT coalesce(max(id), 0) FROM entradas WHERE client_id = ?", [client_id]
    ).fetchone()[0]
    run_id = db.execute(
        "INSERT INTO discharge_runs (client_id, started_at, os_user, desde, hasta, params, "
        "status) VALUES (?, ?, ?, ?, ?, ?, 'committed')",
        [
            client_id,
            now(),
            os_user(),
            result.desde,
            result.hasta,
            json.dumps({"max_entrada_id": max_entrada}),
        ],
    ).lastrowid
    result.run_id = run_id
    if result.desde:
        result.reversed = db.execute(
            "INSERT INTO allocation_reversals (allocation_id, run_id) SELECT a.id, ? "
            "FROM active_allocations a JOIN salidas s ON s.id = a.salida_id "
            "WHERE s.client_id = ? AND s.fecha >= ?",
            [run_id, client_id, result.desde],
        ).rowcount
    params = {"client": client_id, "hasta": result.hasta}
    total = db.execute(f"SELECT count(*) FROM ({_DEMANDS_SQL})", params).fetchone()[0]
    lots = (fifo.Lot(*row) for row in db.execute(_LOTS_SQL, params))
    demands = (
        fifo.Demand(sid, part, fecha, sid, qty if factor is None else times(qty, factor))
        for sid, part, fecha, qty, factor in db.execute(_DEMANDS_SQL, params)
    )
    result.demands = total
    allocations = fifo.discharge(lots, _counted(demands, total, report))
    shortfall_parts = set()
    # New rows go to a scratch table while the queries above are still being read (SQLite
    # leaves reading a table that the same connection is changing undefined), then in one go.
    db.execute("DROP TABLE IF EXISTS temp.new_allocations")
    db.execute(
        "CREATE TEMP TABLE new_allocations (salida_id INTEGER, numero_parte TEXT, "
        "entrada_id INTEGER, cantidad_micro INTEGER, vencido INTEGER)"
    )
    while batch := list(islice(allocations, BATCH)):
        db.conn.executemany(
            "INSERT INTO temp.new_allocations VALUES (?, ?, ?, ?, ?)",
            [(a.salida_id, a.part, a.lot_id, a.quantity, int(a.vencido)) for a in batch],
        )
        for a in batch:
            if a.lot_id is None:
                result.shortfalls += 1
                shortfall_parts.add(a.part)
            elif a.vencido:
                result.vencidos += 1
        result.allocations += len(batch)
    report(total, total or 1, "Guardando")
    db.execute(
        "INSERT INTO allocations (run_id, salida_id, numero_parte, entrada_id, cantidad_micro, "
        "vencido) SELECT ?, * FROM temp.new_allocations ORDER BY rowid",
        [run_id],
    )
    db.execute("DROP TABLE temp.new_allocations")
    result.shortfall_parts = sorted(shortfall_parts)[:20]
    db.execute(
        "UPDATE discharge_runs SET demands = ?, allocations = ?, shortfalls = ?, reversed = ? "
        "WHERE id = ?",
        [result.demands, result.allocations, result.shortfalls, result.reversed, run_id],
    )
    report(total, total or 1, "Listo")


def _counted(demands, total: int, report: Progress):
    for done, demand in enumerate(demands, start=1):
        if done % 20_000 == 0:
            report(done, total, "Descargando")
        yield demand


def undo_last(db: Database, rfc: str) -> dict:
    """Undo the client's last committed run: its allocations and reversals stop counting."""
    client = clients.get_client(db, rfc)
    row = db.execute(
        "SELECT id, started_at, allocations FROM discharge_runs WHERE client_id = ? "
        "AND status = 'committed' ORDER BY id DESC LIMIT 1",
        [client.id],
    ).fetchone()
    if row is None:
        raise NotFound(f"rfc: {client.rfc} no tiene descargos que deshacer")
    with write(db, "discharge.undo", "client", client.rfc, {"run_id": row[0]}):
        db.execute("UPDATE discharge_runs SET status = 'undone' WHERE id = ?", [row[0]])
    return {"run_id": row[0], "started_at": row[1], "allocations": row[2]}


def runs(db: Database, rfc: str) -> list[dict]:
    client = clients.get_client(db, rfc)
    return [
        dict(r)
        for r in db.query(
            "SELECT id, started_at, os_user, desde, hasta, status, demands, allocations, "
            "shortfalls, reversed FROM discharge_runs WHERE client_id = ? ORDER BY id DESC",
            [client.id],
        )
    ]


_ALLOC_SELECT = """
SELECT a.id, s.documento, s.fecha, s.tipo_bien, s.numero_parte AS salida_parte,
       a.numero_parte, e.pedimento, e.partida, e.fecha_entrada, a.cantidad_micro, a.vencido,
       a.entrada_id IS NULL AS faltante
FROM active_allocations a
JOIN salidas s ON s.id = a.salida_id
LEFT JOIN entradas e ON e.id = a.entrada_id
WHERE s.client_id = :client
"""


def _alloc_filters(filters: dict) -> tuple[str, dict]:
    sql, params = "", {}
    for name, column in (
        ("parte", "a.numero_parte"),
        ("pedimento", "e.pedimento"),
        ("documento", "s.documento"),
    ):
        value = (filters.get(name) or "").strip()
        if value:
            sql += f" AND {column} LIKE :{name}"
            params[name] = f"%{value}%"
    if filters.get("faltantes"):
        sql += " AND (a.entrada_id IS NULL OR a.vencido = 1)"
    return sql, params


def allocations(
    db: Database, rfc: str, *, offset: int = 0, limit: int | None = None, **filters
) -> list[dict]:
    """Allocations in force, in discharge order, paged; filters: parte, pedimento, documento,
    faltantes (only shortfalls and vencidos)."""
    client = clients.get_client(db, rfc)
    where, params = _alloc_filters(filters)
    sql = _ALLOC_SELECT + where + " ORDER BY s.fecha, s.id, a.id"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params |= {"limit": limit, "offset": offset}
    rows = []
    for r in db.query(sql, {"client": client.id, **params}):
        row = dict(r)
        row["cantidad"] = to_text(row.pop("cantidad_micro"))
        rows.append(row)
    return rows


def count_allocations(db: Database, rfc: str, **filters) -> int:
    client = clients.get_client(db, rfc)
    where, params = _alloc_filters(filters)
    return db.execute(
        f"SELECT count(*) FROM ({_ALLOC_SELECT}{where})", {"client": client.id, **params}
    ).fetchone()[0]


def export_rows(db: Database, rfc: str):
    """The export columns for every allocation in force (a shortfall has no pedimento,
    partida or fecha_entrada), streamed."""
    client = clients.get_client(db, rfc)
    for r in db.execute(
        _ALLOC_SELECT.replace("SELECT a.id,", "SELECT a.id AS aid,")
        + " ORDER BY s.fecha, s.id, a.id",
        {"client": client.id},
    ):
        (_, documento, _, _, _, parte, pedimento, partida, fecha_entrada, micro, vencido, _) = r
        yield {
            "documento": documento,
            "numero_parte": parte,
            "pedimento": pedimento or "",
            "partida": "" if partida is None else partida,
            "fecha_entrada": fecha_entrada or "",
            "cantidad": to_text(micro),
            "vencido": "si" if vencido else "no",
        }


_PENDING_SQL = """
SELECT s.id, s.documento, s.fecha, s.tipo_bien, s.numero_parte, s.cantidad_micro
FROM salidas s WHERE s.client_id = :client AND s.fecha <= :hasta
  AND NOT EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id)
"""


def pending(
    db: Database, rfc: str, hasta: date, *, offset: int = 0, limit: int | None = None
) -> list[dict]:
    """Exits up to `hasta` not discharged yet, in the order a run takes them."""
    client = clients.get_client(db, rfc)
    sql = _PENDING_SQL + " ORDER BY s.fecha, s.id"
    params = {"client": client.id, "hasta": hasta.isoformat()}
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params |= {"limit": limit, "offset": offset}
    return [
        {
            "id": r[0],
            "documento": r[1],
            "fecha": r[2],
            "tipo_bien": r[3],
            "numero_parte": r[4],
            "cantidad": to_text(r[5]),
        }
        for r in db.execute(sql, params)
    ]


def summary(db: Database, rfc: str, hasta: date) -> dict:
    client = clients.get_client(db, rfc)
    pending = db.execute(
        "SELECT count(*) FROM salidas s WHERE s.client_id = ? AND s.fecha <= ? AND NOT EXISTS "
        "(SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id)",
        [client.id, hasta.isoformat()],
    ).fetchone()[0]
    counts = db.execute(
        "SELECT (SELECT count(*) FROM entradas WHERE client_id = :c), "
        "(SELECT count(*) FROM salidas WHERE client_id = :c), "
        "(SELECT count(*) FROM discharge_runs WHERE client_id = :c AND status = 'committed')",
        {"c": client.id},
    ).fetchone()
    return {
        "pendientes": pending,
        "entradas": counts[0],
        "salidas": counts[1],
        "corridas": counts[2],
    }


def check(db: Database, rfc: str | None = None) -> list[str]:
    """Invariants of the ledger: no lot discharged beyond its quantity; every discharged exit
    fully accounted for (allocations + shortfall = its demand, exploded through the BOM).
    Returns the problems found (empty when the ledger is sound)."""
    client_ids = (
        [clients.get_client(db, rfc).id]
        if rfc
        else [r[0] for r in db.execute("SELECT id FROM clients")]
    )
    problems = []
    for client_id in client_ids:
        problems += [
            f"entrada {pedimento} partida {partida} {parte}: descargado {to_text(used)} de "
            f"{to_text(qty)}"
            for pedimento, partida, parte, qty, used in db.execute(
                "SELECT e.pedimento, e.partida, e.numero_parte, e.cantidad_micro, "
                "sum(a.cantidad_micro) FROM entradas e JOIN active_allocations a "
                "ON a.entrada_id = e.id WHERE e.client_id = ? GROUP BY e.id "
                "HAVING sum(a.cantidad_micro) > e.cantidad_micro",
                [client_id],
            )
        ]
        allocated = db.execute(
            "SELECT a.salida_id, a.numero_parte, sum(a.cantidad_micro) FROM active_allocations a "
            "JOIN salidas s ON s.id = a.salida_id WHERE s.client_id = ? "
            "GROUP BY a.salida_id, a.numero_parte ORDER BY a.salida_id, a.numero_parte",
            [client_id],
        )
        demanded = db.execute(
            "SELECT s.id, coalesce(b.material, s.numero_parte) AS part, s.cantidad_micro, "
            "b.factor_micro, s.documento FROM salidas s LEFT JOIN bom b ON s.tipo_bien = 'P' "
            "AND b.client_id = s.client_id AND b.producto = s.numero_parte "
            "WHERE s.client_id = ? AND EXISTS (SELECT 1 FROM active_allocations x "
            "WHERE x.salida_id = s.id) ORDER BY s.id, part",
            [client_id],
        )
        got = dict(((sid, part), qty) for sid, part, qty in allocated)
        for sid, part, qty, factor, documento in demanded:
            want = qty if factor is None else times(qty, factor)
            have = got.pop((sid, part), 0)
            if have != want:
                problems.append(
                    f"salida {documento} {part}: asignado {to_text(have)} de {to_text(want)}"
                )
        problems += [f"salida {sid} {part}: asignación sin demanda" for sid, part in got]
    return problems
