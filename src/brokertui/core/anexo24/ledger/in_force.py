"""The allocations in force as F5 lists them: in the ledger's order or by a column, searched,
paged by key (core/paging.py), and counted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from brokertui.core import paging
from brokertui.core import search as find
from brokertui.core.quantities import to_text
from brokertui.core.registry import clients

# The ledger's order: exits by date and import order, each one's rows by key (part number or
# fracción) and then as the engine wrote them (oldest lot first, the shortfall last). A
# correction rewrites an exit's rows of a key together, so this is the order of a full rerun.
ALLOCATION_ORDER = "s.fecha, s.id, a.numero_parte, a.id"


_ALLOC_COLUMNS = """a.id, s.documento, s.fecha, s.tipo_bien, s.numero_parte AS salida_parte,
       a.numero_parte, e.pedimento, e.partida, e.fecha_entrada, a.cantidad_micro, a.vencido,
       s.id AS salida_id, s.tipo_salida, e.saldo_inicial, a.entrada_id IS NULL AS faltante"""


def alloc_tables(allocations: str = "active_allocations") -> str:
    """A client's allocations (those in force, or `allocations`) with their exits and lots."""
    return (
        f"\nFROM {allocations} a\nJOIN salidas s ON s.id = a.salida_id\n"
        "LEFT JOIN entradas e ON e.id = a.entrada_id\nWHERE s.client_id = :client\n"
    )


ALLOC_SELECT = f"SELECT {_ALLOC_COLUMNS}{alloc_tables()}"


# The columns a list of allocations sorts by, as the F5 screen names them; the discharge's
# own order breaks ties.
ALLOCATION_SORTS = {
    "fecha": "s.fecha",
    "documento": "s.documento",
    "tipo_salida": "s.tipo_salida",
    "numero_parte": "a.numero_parte",
    "cantidad": "a.cantidad_micro",
    "estado": "(a.entrada_id IS NULL) * 2 + a.vencido",
    "pedimento": "e.pedimento",
    "partida": "e.partida",
    "fecha_entrada": "e.fecha_entrada",
    "origen": "e.saldo_inicial",
}


# The sorts an index gives in the client's ledger (salidas by client and fecha or documento):
# any other sorts every allocation in force before its first row (seconds at a million).
INDEXED_SORTS = ("fecha", "documento")


_ALLOCATION_SEARCH = find.Fields(
    text=("a.numero_parte", "s.documento", "s.tipo_salida"), digits=("e.pedimento",), date="s.fecha"
)


def _alloc_filters(filters: dict) -> tuple[str, dict]:
    """Only those matching `search` (core/search.py: part or fracción, documento, pedimento,
    a date range of the exit), and only shortfalls and vencidos with `faltantes`."""
    where, params = find.where(find.parse(filters.get("search")), _ALLOCATION_SEARCH)
    if filters.get("faltantes"):
        where.append("(a.entrada_id IS NULL OR a.vencido = 1)")
    return "".join(f" AND {condition}" for condition in where), params


def allocations(
    db: Database,
    rfc: str,
    *,
    offset: int = 0,
    limit: int | None = None,
    sort: str | None = None,
    descending: bool = False,
    after: tuple | None = None,
    **filters: object,
) -> list[dict]:
    """Allocations in force, in discharge order (or by a column of ALLOCATION_SORTS), paged
    from `offset` or after the row whose `_after` is given (core/paging.py); filters: search,
    faltantes (only shortfalls and vencidos)."""
    client = clients.get_client(db, rfc)
    where, params = _alloc_filters(filters)
    order = paging.ordering(sort, descending, ALLOCATION_SORTS, ALLOCATION_ORDER)
    page = paging.Page(order, offset, limit, after)
    (seek, seeking), (tail, paged) = page.where(), page.tail()
    select = f"SELECT {_ALLOC_COLUMNS}{page.columns}{alloc_tables()}"
    found = db.query(
        f"{select}{where}{seek}{tail}", {"client": client.id, **params} | seeking | paged
    )
    return page.keyed(as_dicts(found))


def as_dicts(found: Iterable[Mapping[str, Any]]) -> list[dict]:
    rows = []
    for r in found:
        row = dict(r)
        row["cantidad"] = to_text(row.pop("cantidad_micro"))
        rows.append(row)
    return rows


def count_allocations(db: Database, rfc: str, **filters: object) -> int:
    client = clients.get_client(db, rfc)
    where, params = _alloc_filters(filters)
    return db.execute(
        f"SELECT count(*) FROM ({ALLOC_SELECT}{where})", {"client": client.id, **params}
    ).fetchone()[0]
