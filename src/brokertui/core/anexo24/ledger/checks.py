"""The ledger's invariants, checked from one snapshot in bounded memory."""

from __future__ import annotations

from itertools import islice

from sqlite_utils import Database

from brokertui.core.anexo24.ledger import columns
from brokertui.core.anexo24.ledger.modes import LOT_AMOUNT, mode
from brokertui.core.db import snapshot
from brokertui.core.plural import counted
from brokertui.core.quantities import to_text
from brokertui.core.registry import clients


def check(db: Database, rfc: str | None = None) -> list[str]:
    """Invariants of the ledger: no lot discharged beyond its quantity (or value); no activo
    fijo lot discharged at all (entries.fixed_asset); every
    discharged exit fully accounted for (allocations + shortfall = its demand, exploded through
    the BOM, priced in value mode); each lot's kept balance equal to its allocations in force.
    Streams through a scratch table, so a ledger of millions of
    rows is checked in bounded memory, and reads one snapshot, so runs and undos committed
    meanwhile cannot make it see half of a run. Returns the problems found (empty when sound)."""
    with snapshot(db):
        return _check(db, rfc)


def _check(db: Database, rfc: str | None) -> list[str]:
    client_ids = (
        [clients.get_client(db, rfc).id]
        if rfc
        else [r[0] for r in db.execute("SELECT id FROM clients")]
    )
    problems = []
    for client_id in client_ids:
        modo = mode(db, client_id)
        problems += [
            f"entrada {pedimento} partida {partida} {parte}: descargado {to_text(used)} de "
            f"{to_text(amount or 0)}"
            for pedimento, partida, parte, amount, used in db.execute(
                f"SELECT e.pedimento, e.partida, e.numero_parte, {LOT_AMOUNT[modo]} AS amount, "
                "sum(a.cantidad_micro) FROM entradas e JOIN active_allocations a "
                "ON a.entrada_id = e.id WHERE e.client_id = ? GROUP BY e.id "
                "HAVING sum(a.cantidad_micro) > coalesce(amount, 0)",
                [client_id],
            )
        ]
        problems += [
            f"entrada {pedimento} partida {partida} {parte}: activo fijo descargado por "
            f"salidas de materiales ({counted(count, 'asignación', 'asignaciones')})"
            for pedimento, partida, parte, count in db.execute(
                "SELECT e.pedimento, e.partida, e.numero_parte, count(*) FROM entradas e "
                f"JOIN active_allocations a ON a.entrada_id = e.id WHERE e.client_id = ? "
                f"AND {columns.FIXED_ASSET} GROUP BY e.id",
                [client_id],
            )
        ]
        problems += _unbalanced_exits(db, client_id, modo)
        problems += _stale_balances(db, client_id, modo)
    return problems


def _stale_balances(db: Database, client_id: int, modo: str) -> list[str]:
    """Lots whose kept balance (lot_balances) is not what their allocations in force add up
    to, or that have none; part numbers whose kept balance (part_balances) is not their lots';
    keys whose use kept per month (part_use) is not their allocations in force."""
    rows = db.execute(
        f"""
        SELECT e.pedimento, e.partida, e.numero_parte, b.used_micro, coalesce(u.used, 0)
        FROM entradas e LEFT JOIN lot_balances b ON b.entrada_id = e.id
        LEFT JOIN (SELECT a.entrada_id, sum(a.cantidad_micro) AS used FROM active_allocations a
                   JOIN entradas x ON x.id = a.entrada_id WHERE x.client_id = :client
                   GROUP BY a.entrada_id) u ON u.entrada_id = e.id
        WHERE e.client_id = :client AND (b.entrada_id IS NULL
          OR b.used_micro IS NOT coalesce(u.used, 0) OR b.agotado IS NOT
             (coalesce(u.used, 0) > 0 AND coalesce(u.used, 0) >= coalesce({LOT_AMOUNT[modo]}, 0))
          OR b.client_id IS NOT e.client_id OR b.fecha_entrada IS NOT e.fecha_entrada
          OR b.pedimento IS NOT e.pedimento OR b.partida IS NOT e.partida)
        """,
        {"client": client_id},
    )
    problems = [
        f"entrada {pedimento} partida {partida} {parte}: saldo guardado con "
        f"{'nada' if stored is None else to_text(stored)} descargado; las asignaciones "
        f"en vigor suman {to_text(used)}"
        for pedimento, partida, parte, stored, used in rows
    ]
    amount = LOT_AMOUNT[modo]
    want = (
        f"SELECT e.numero_parte, e.fraccion, count(*), sum({amount} - b.used_micro) "
        "FROM entradas e JOIN lot_balances b ON b.entrada_id = e.id "
        f"WHERE e.client_id = :client AND {amount} > b.used_micro GROUP BY 1, 2"
    )
    have = (
        "SELECT numero_parte, fraccion, lotes, saldo_micro FROM part_balances "
        "WHERE client_id = :client AND (lotes <> 0 OR saldo_micro <> 0)"
    )
    differ = db.execute(
        f"SELECT * FROM ({want} EXCEPT {have}) UNION SELECT * FROM ({have} EXCEPT {want}) "
        "ORDER BY 1, 2",
        {"client": client_id},
    )
    problems += [
        f"número de parte {parte} fracción {fraccion or '(sin fracción)'}: el saldo por parte "
        "guardado no es la suma de sus lotes"
        for parte, fraccion in dict.fromkeys((r[0], r[1]) for r in differ)
    ]
    want = (
        "SELECT substr(s.fecha, 1, 7), a.numero_parte, "
        "sum(CASE WHEN a.entrada_id IS NULL THEN 0 ELSE a.cantidad_micro END), "
        "sum(CASE WHEN a.entrada_id IS NULL THEN a.cantidad_micro ELSE 0 END), "
        "count(DISTINCT a.salida_id) FROM active_allocations a "
        "JOIN salidas s ON s.id = a.salida_id WHERE s.client_id = :client GROUP BY 1, 2"
    )
    have = (
        "SELECT mes, numero_parte, descargado, faltante, salidas FROM part_use "
        "WHERE client_id = :client AND (descargado <> 0 OR faltante <> 0 OR salidas <> 0)"
    )
    differ = db.execute(
        f"SELECT * FROM ({want} EXCEPT {have}) UNION SELECT * FROM ({have} EXCEPT {want}) "
        "ORDER BY 1, 2",
        {"client": client_id},
    )
    problems += [
        f"{parte} en {mes}: lo descargado por mes guardado no es la suma de sus asignaciones"
        for mes, parte in dict.fromkeys((r[0], r[1]) for r in differ)
    ]
    return problems


def _unbalanced_exits(db: Database, client_id: int, modo: str) -> list[str]:
    """Discharged exits whose allocations in force differ from their demand, per key."""
    params = {"client": client_id, "hasta": "9999-12-31"}
    discharged = columns.discharged_demands(db, params)
    if modo != "cantidad":
        demands = (
            (d.salida_id, key, value)
            for d, key, value in columns.priced(db, params, modo, discharged)
            if value
        )
    else:
        demands = ((d.salida_id, d.part, d.quantity) for d in discharged)
    db.execute("DROP TABLE IF EXISTS temp.expected")
    db.execute("CREATE TEMP TABLE expected (salida_id INTEGER, key TEXT, amount INTEGER)")
    while batch := list(islice(demands, columns.BATCH)):
        db.conn.executemany("INSERT INTO temp.expected VALUES (?, ?, ?)", batch)
    rows = db.execute(
        """
        WITH want AS (SELECT salida_id, key, sum(amount) AS amount FROM temp.expected
                      GROUP BY salida_id, key),
             have AS (SELECT a.salida_id, a.numero_parte AS key, sum(a.cantidad_micro) AS amount
                      FROM active_allocations a JOIN salidas s ON s.id = a.salida_id
                      WHERE s.client_id = :client GROUP BY a.salida_id, a.numero_parte)
        SELECT w.salida_id, s.documento, w.key, coalesce(h.amount, 0), w.amount FROM want w
        JOIN salidas s ON s.id = w.salida_id
        LEFT JOIN have h ON h.salida_id = w.salida_id AND h.key = w.key
        WHERE coalesce(h.amount, 0) <> w.amount
        UNION ALL
        SELECT h.salida_id, s.documento, h.key, h.amount, NULL FROM have h
        JOIN salidas s ON s.id = h.salida_id
        WHERE NOT EXISTS (SELECT 1 FROM want w WHERE w.salida_id = h.salida_id
                          AND w.key = h.key)
        ORDER BY 1, 3
        """,
        params,
    ).fetchall()
    db.execute("DROP TABLE temp.expected")
    return [
        f"salida {documento} {key}: asignado {to_text(have)} de {to_text(want)}"
        if want is not None
        else f"salida {documento} {key}: asignación sin demanda"
        for _, documento, key, have, want in rows
    ]
