"""A client's Anexo 24 catalogs as lists (issue 16, item 3): materiales, productos and their
BOM, one page at a time from SQLite, searched (core/search.py: part number, description,
fracción; a BOM by product, material and the material's description) and sorted by a column.
Only reads: interfaces.py writes these tables, bajas.py their fechas de baja."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from brokertui.core import search as find
from brokertui.core.registry import clients


@dataclass(frozen=True)
class Listing:
    """One catalog as a list: its title, rows (SQL over alias t, bounded to :client), what a
    search looks at, the columns it sorts by (key -> SQL) and the tie that keeps pages stable."""

    title: str
    select: str
    fields: find.Fields
    sorts: dict[str, str]
    tie: str
    key: str  # the column naming a row (for a baja)


_PART = find.Fields(text=("t.numero_parte", "t.descripcion"), digits=("t.fraccion",))
LISTINGS = {
    "materiales": Listing(
        "Materiales",
        "SELECT t.numero_parte, t.descripcion, t.fraccion, t.umc, t.umt, t.factor_umt, t.tipo, "
        "t.baja_date FROM materiales t WHERE t.client_id = :client",
        _PART,
        {
            "numero_parte": "t.numero_parte",
            "descripcion": "t.descripcion",
            "fraccion": "t.fraccion",
            "tipo": "t.tipo",
            "baja_date": "t.baja_date",
        },
        "t.numero_parte",
        "numero_parte",
    ),
    "productos": Listing(
        "Productos",
        "SELECT t.numero_parte, t.descripcion, t.fraccion, t.umc, t.umt, t.baja_date "
        "FROM productos t WHERE t.client_id = :client",
        _PART,
        {
            "numero_parte": "t.numero_parte",
            "descripcion": "t.descripcion",
            "fraccion": "t.fraccion",
            "baja_date": "t.baja_date",
        },
        "t.numero_parte",
        "numero_parte",
    ),
    "bom": Listing(
        "BOM (lista de materiales)",
        "SELECT t.id, t.producto, t.material, "
        "m.descripcion AS descripcion, t.cantidad, t.merma_pct, m.umc AS umc FROM bom t "
        "LEFT JOIN materiales m ON m.client_id = t.client_id AND m.numero_parte = t.material "
        "WHERE t.client_id = :client",
        find.Fields(text=("t.producto", "t.material", "m.descripcion")),
        {"producto": "t.producto", "material": "t.material", "descripcion": "m.descripcion"},
        "t.producto, t.material",
        "id",
    ),
}
KINDS = tuple(LISTINGS)


def _query(db: Database, rfc: str, kind: str, search: str | None) -> tuple[str, dict]:
    listing = LISTINGS[kind]
    client = clients.get_client(db, rfc)
    where, params = find.where(find.parse(search), listing.fields)
    sql = listing.select + "".join(f" AND {condition}" for condition in where)
    return sql, params | {"client": client.id}


def rows(
    db: Database,
    rfc: str,
    kind: str,
    *,
    search: str | None = None,
    sort: str | None = None,
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """One page of the client's catalog `kind` matching `search`, sorted by a column of its
    sorts (None: by its key)."""
    listing = LISTINGS[kind]
    sql, params = _query(db, rfc, kind, search)
    order = find.order_by(sort or next(iter(listing.sorts)), descending, listing.sorts, listing.tie)
    params |= {"limit": limit, "offset": offset}
    return list(db.query(f"{sql} ORDER BY {order} LIMIT :limit OFFSET :offset", params))


def count(db: Database, rfc: str, kind: str, *, search: str | None = None) -> int:
    sql, params = _query(db, rfc, kind, search)
    return db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
