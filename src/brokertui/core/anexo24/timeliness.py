"""Timeliness: operations whose data arrived more than 24 hours after them (issue 15, item 6).

Anexo 24, Apartado B (anexo24-rgce-2024.txt), numeral 4: "El SECIIT deberá recibir de manera
electrónica, en un plazo que no exceda las 24 horas, la información ... que de manera
obligatoria deberá obtenerse electrónicamente del sistema corporativo"; and for the customs
data of entries (módulo de aduanas, numerales 1, 2, 3 y 7) "dentro de las 24 horas siguientes a
que se genere dicha información".

When each operation's data arrived:
- entradas and salidas of the ERP interfaces: their file's import (interface_imports.imported_at,
  stamped when it is imported; every such row keeps the import that first brought it), opening
  balances aside (no operation of the year);
- ajustes: when captured (ajustes.created_at);
- pedimentos: when the first copy arrived (pedimentos.recibido, migration 0028: captured, or the
  Data Stage delivery that first brought it); unknown (NULL) for those of before, left out.

An operation's date has no hour, so an operation of day D is late when its data arrived, in
Mexico City time, on D + 2 or after: more than 24 hours passed whatever its hour on D. Rows are
grouped by delivery (a file, an ajuste, a pedimento) before the rule is applied, so a year of
hundreds of thousands of exits is a few thousand groups.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlite_utils import Database

from brokertui.core import dates
from brokertui.core.registry import clients

KINDS = ("entrada", "salida", "ajuste", "pedimento")
CORPORATE = KINDS[:3]  # what the corporate system sends (the dashboard counts these)


@lru_cache(maxsize=65536)
def _local(stamp: str | None) -> datetime | None:
    return dates.local(stamp) if stamp else None


def late(fecha: str, stamp: str | None) -> bool | None:
    """Whether data stamped `stamp` (UTC) arrived more than 24 hours after an operation of
    `fecha` (module doc); None when the stamp is unknown."""
    local = _local(stamp)
    if local is None:
        return None
    return local.date() >= date.fromisoformat(fecha) + timedelta(days=2)


def register(conn: sqlite3.Connection) -> None:
    """The SQL functions the queries below use: late(fecha, stamp) and local_time(stamp)."""
    conn.create_function("late", 2, late, deterministic=True)
    conn.create_function("local_time", 1, _local_time, deterministic=True)


def _local_time(stamp: str | None) -> str | None:
    local = _local(stamp)
    return local.strftime("%Y-%m-%d %H:%M") if local else None


# Each delivery of each kind (its operations in the period, by date): tipo, origen (the file,
# ajuste or pedimento), stamp, fecha and how many operations. :client, :desde, :hasta.
DELIVERIES = """
SELECT 'entrada' AS tipo, i.filename AS origen, i.imported_at AS stamp, g.fecha, g.n
FROM (SELECT e.import_id, e.fecha_entrada AS fecha, count(*) AS n FROM entradas e
      WHERE e.client_id = :client AND e.source = 'interfaz' AND e.saldo_inicial = 0
        AND e.fecha_entrada BETWEEN :desde AND :hasta GROUP BY 1, 2) g
JOIN interface_imports i ON i.id = g.import_id AND i.estado = 'hecho'
UNION ALL
SELECT 'salida', i.filename, i.imported_at, g.fecha, g.n
FROM (SELECT s.import_id, s.fecha, count(*) AS n FROM salidas s
      WHERE s.client_id = :client AND s.import_id IS NOT NULL
        AND s.fecha BETWEEN :desde AND :hasta GROUP BY 1, 2) g
JOIN interface_imports i ON i.id = g.import_id AND i.estado = 'hecho'
UNION ALL
SELECT 'ajuste', 'AJ-' || a.id, a.created_at, a.fecha, 1 FROM ajustes a
WHERE a.client_id = :client AND a.fecha BETWEEN :desde AND :hasta
UNION ALL
SELECT 'pedimento', p.numero, min(p.recibido), min(p.fecha_pago), 1 FROM pedimentos p
WHERE p.client_id = :client AND p.fecha_pago BETWEEN :desde AND :hasta
GROUP BY p.numero
"""

# The late ones, per month, kind and delivery: the report's rows.
LATE_SQL = f"""
SELECT substr(d.fecha, 1, 7) AS mes, d.tipo, d.origen, local_time(d.stamp) AS recibido,
       min(d.fecha) AS fecha_desde, max(d.fecha) AS fecha_hasta, sum(d.n) AS operaciones,
       d.stamp AS stamp
FROM ({DELIVERIES}) d WHERE late(d.fecha, d.stamp)
GROUP BY mes, d.tipo, d.origen, d.stamp
"""
LATE_ORDER = "mes, instr('entrada salida ajuste pedimento', tipo), stamp, origen"


def counts(
    db: Database, rfc: str, desde: date, hasta: date, *, until: datetime | None = None
) -> list[dict]:
    """Per month and kind: operations, those late and those whose arrival is unknown, of the
    client's operations dated in [desde, hasta], and the date of the first late one (None
    when none is late); `until` (UTC) leaves out data that arrived at or after it (the
    dashboard: as of the end of its today)."""
    register(db.conn)
    client = clients.get_client(db, rfc)
    params = {"client": client.id, "desde": desde.isoformat(), "hasta": hasta.isoformat()}
    rows: dict[tuple[str, str], dict] = {}
    stamp_until = until.isoformat(timespec="seconds") if until else None
    for tipo, _, stamp, fecha, n in db.execute(DELIVERIES, params):
        if stamp_until and stamp and stamp >= stamp_until:
            continue
        row = rows.setdefault(
            (fecha[:7], tipo),
            {"mes": fecha[:7], "tipo": tipo, "operaciones": 0, "tardias": 0, "sin_dato": 0,
             "primera_tardia": None},
        )  # fmt: skip
        row["operaciones"] += n
        verdict = late(fecha, stamp)
        if verdict is None:
            row["sin_dato"] += n
        elif verdict:
            row["tardias"] += n
            row["primera_tardia"] = min(row["primera_tardia"] or fecha, fecha)
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], KINDS.index(k[1])))]
