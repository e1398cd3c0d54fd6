"""Permanence of IMMEX temporary imports (rules.md §2): the term per category and the expiry.

Two dates are kept (rules.md §2.2): `alerta`, the plain calendar date (the last day of the
month when the day does not exist), which drives alerts; and `legal`, the CFF art. 12
computation (first business day of the next month when the day does not exist; next business
day when the last day is inhábil).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from brokertui.core.pedimentos.restricted import config
from brokertui.core.registry.calendar import BusinessCalendar


@dataclass(frozen=True)
class Term:
    categoria: str  # insumo, contenedor, activo_fijo
    months: int | None  # None: while the program is valid


def term_for(clave: str, fraccion: str) -> Term:
    spec = config()["permanencia"]
    if clave in spec["activo_fijo_claves"]:
        return Term("activo_fijo", None)
    if any(fraccion.startswith(p) for p in spec["contenedor_prefixes"]):
        return Term("contenedor", spec["contenedor"])
    return Term("insumo", spec["insumo"])


@lru_cache(maxsize=8192)  # an import computes it for every entry line; few distinct dates
def expiry(start: date, months: int, cal: BusinessCalendar) -> tuple[date, date]:
    """(alerta, legal) for a term of `months` from `start`."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day <= last_day:
        alerta = legal = date(year, month, start.day)
    else:
        alerta = date(year, month, last_day)
        legal = alerta + timedelta(days=1)
    while not cal.is_business_day(legal):
        legal += timedelta(days=1)
    return alerta, legal


def dates(clave: str, fraccion: str, start: date, cal: BusinessCalendar) -> tuple:
    """(categoria, alerta ISO, legal ISO) of a temporary-import partida; no dates for fixed
    assets, which stay while the program is valid."""
    term = term_for(clave, fraccion)
    if term.months is None:
        return term.categoria, None, None
    alerta, legal = expiry(start, term.months, cal)
    return term.categoria, alerta.isoformat(), legal.isoformat()


def bucket(days_left: int) -> tuple[str, str]:
    """(label, dashboard severity) of a lot by the days left to its expiry."""
    if days_left < 0:
        return "vencido", "critical"
    if days_left <= 30:
        return "≤30 días", "critical"
    if days_left <= 60:
        return "≤60 días", "warning"
    return "≤90 días", "info"


_EXPIRING_SQL = """
SELECT c.rfc, c.razon_social, p.numero, p.clave, x.categoria, x.vence_alerta, x.vence_legal,
       count(*) AS partidas
FROM partidas x
JOIN pedimentos p ON p.id = x.pedimento_id
JOIN clients c ON c.id = p.client_id
WHERE x.vence_alerta BETWEEN :desde AND :hasta AND c.baja_date IS NULL
  AND (p.source = 'datastage' OR NOT EXISTS (SELECT 1 FROM pedimentos d
       WHERE d.numero = p.numero AND d.source = 'datastage'))
  AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
  -- once discharged to zero by the FIFO ledger, a lot no longer needs attention
  AND NOT EXISTS (
      SELECT 1 FROM entradas e WHERE e.client_id = p.client_id AND e.pedimento = p.numero
        AND e.partida = x.secuencia
        AND CASE c.descargo_modo WHEN 'valor' THEN e.valor_micro ELSE e.cantidad_micro END <= (
            SELECT coalesce(sum(a.cantidad_micro), 0) FROM active_allocations a
            WHERE a.entrada_id = e.id))
"""


def expiring(
    db, on: date, *, within: int = 90, back: int = 90, rfc: str | None = None
) -> list[dict]:
    """Temporary-import lots (partidas grouped by pedimento and expiry) whose permanence ends
    within `within` days or ended in the last `back` days, soonest first.

    A partida discharged to zero by the FIFO ledger is left out; one that is not an inventory
    entry (no part number of the client's materials) counts whole. Expired lots are shown for
    `back` days.
    """
    sql = _EXPIRING_SQL
    params = {
        "desde": (on - timedelta(days=back)).isoformat(),
        "hasta": (on + timedelta(days=within)).isoformat(),
    }
    if rfc:
        sql += " AND c.rfc = :rfc"
        params["rfc"] = rfc.strip().upper()
    sql += " GROUP BY p.id, x.vence_alerta, x.categoria ORDER BY x.vence_alerta, p.numero"
    rows = []
    for row in db.query(sql, params):
        left = (date.fromisoformat(row["vence_alerta"]) - on).days
        label, severity = bucket(left)
        rows.append({**row, "days_left": left, "bucket": label, "severity": severity})
    return rows
