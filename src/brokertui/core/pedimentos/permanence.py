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
