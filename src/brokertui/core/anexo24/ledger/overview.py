"""What F5 shows beside the ledger: the exits still pending, the client's counts, its runs."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from brokertui.core import leases
from brokertui.core import search as find
from brokertui.core.anexo24 import entries
from brokertui.core.anexo24.ledger.columns import LOADED_E, LOADED_S
from brokertui.core.quantities import to_text
from brokertui.core.registry import clients


def runs(db: Database, rfc: str) -> list[dict]:
    """The client's runs, the latest first. `interrupted`: one still 'escribiendo' whose
    process died (its claim not alive, core/leases.py), which the next run takes over."""
    client = clients.get_client(db, rfc)
    return [
        {
            **{k: v for k, v in r.items() if k not in ("holder", "heartbeat")},
            "interrupted": r["status"] == "escribiendo"
            and not leases.alive(r["holder"], r["heartbeat"]),
        }
        for r in db.query(
            "SELECT id, started_at, os_user, desde, hasta, status, demands, allocations, "
            "shortfalls, reversed, holder, heartbeat FROM discharge_runs WHERE client_id = ? "
            "ORDER BY id DESC",
            [client.id],
        )
    ]


_PENDING_SQL = f"""
SELECT s.id, s.documento, s.fecha, s.tipo_bien, s.numero_parte, s.cantidad_micro, s.tipo_salida
FROM salidas s WHERE s.client_id = :client AND s.fecha <= :hasta AND {LOADED_S}
  AND NOT EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id)
"""


PENDING_SORTS = {
    "fecha": "s.fecha",
    "documento": "s.documento",
    "tipo_salida": "s.tipo_salida",
    "numero_parte": "s.numero_parte",
    "cantidad": "s.cantidad_micro",
    "pedimento": "s.tipo_bien",
}


_PENDING_SEARCH = find.Fields(
    text=("s.documento", "s.numero_parte", "s.tipo_salida"), date="s.fecha"
)


def _pending_sql(search: str | None) -> tuple[str, dict]:
    where, params = find.where(find.parse(search), _PENDING_SEARCH)
    return _PENDING_SQL + "".join(f" AND {condition}" for condition in where), params


def pending(
    db: Database,
    rfc: str,
    hasta: date,
    *,
    offset: int = 0,
    limit: int | None = None,
    search: str | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> list[dict]:
    """Exits up to `hasta` not discharged yet, in the order a run takes them (or by a column
    of PENDING_SORTS), those matching `search` (documento, part, a range of dates) only."""
    client = clients.get_client(db, rfc)
    sql, params = _pending_sql(search)
    sql += f" ORDER BY {find.order_by(sort, descending, PENDING_SORTS, 's.fecha, s.id')}"
    params |= {"client": client.id, "hasta": hasta.isoformat()}
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
            "tipo_salida": r[6],
        }
        for r in db.execute(sql, params)
    ]


def count_pending(db: Database, rfc: str, hasta: date, *, search: str | None = None) -> int:
    client = clients.get_client(db, rfc)
    sql, params = _pending_sql(search)
    params |= {"client": client.id, "hasta": hasta.isoformat()}
    return db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def summary(db: Database, rfc: str, hasta: date) -> dict:
    """Pending exits, entries, exits and runs in force, counted in one snapshot; the entries
    and exits the material discharge reads (fixed assets have their own module:
    entries.fixed_asset, scope.LOADED_S)."""
    client = clients.get_client(db, rfc)
    counts = db.execute(
        "SELECT (SELECT count(*) FROM entradas e WHERE e.client_id = :c AND "
        f"{LOADED_E} AND NOT {entries.fixed_asset('e')}), "
        f"(SELECT count(*) FROM salidas s WHERE s.client_id = :c AND {LOADED_S}), "
        "(SELECT count(*) FROM discharge_runs WHERE client_id = :c AND status = 'committed'), "
        "(SELECT count(*) FROM salidas s WHERE s.client_id = :c AND s.fecha <= :hasta AND "
        f"{LOADED_S} AND NOT EXISTS (SELECT 1 FROM active_allocations a WHERE a.salida_id = s.id))",
        {"c": client.id, "hasta": hasta.isoformat()},
    ).fetchone()
    pending = counts[3]
    return {
        "pendientes": pending,
        "entradas": counts[0],
        "salidas": counts[1],
        "corridas": counts[2],
    }
