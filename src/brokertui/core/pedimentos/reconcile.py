"""Reconciliation of captured pedimentos against Data Stage, computed in SQL and paged.

A difference is one row: a pedimento on one side only, a header field that differs (clave,
tipo de operación, fecha de pago, tipo de cambio), a partida on one side only, or a partida
field that differs (fracción, cantidades UMC/UMT, valor USD). Numbers compare by value, so
`18.0012` equals `18.00120`.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from brokertui.core import search as find
from brokertui.core.db import snapshot
from brokertui.core.registry import clients

HEADER_FIELDS = ("clave", "tipo_operacion", "fecha_pago", "tipo_cambio")
PARTIDA_FIELDS = ("fraccion", "cantidad_umc", "cantidad_umt", "valor_usd")
NUMERIC = {"tipo_cambio", "cantidad_umc", "cantidad_umt", "valor_usd"}
KINDS = {
    "solo_captura": "capturado, no está en Data Stage",
    "solo_datastage": "en Data Stage, no fue capturado",
    "encabezado": "encabezado distinto",
    "partida_solo_captura": "partida sólo capturada",
    "partida_solo_datastage": "partida sólo en Data Stage",
    "partida": "partida distinta",
}


def _differs(name: str, a: str, b: str) -> str:
    if name in NUMERIC:
        return f"CAST({a}.{name} AS REAL) <> CAST({b}.{name} AS REAL)"
    return f"{a}.{name} <> {b}.{name}"


def _sql() -> str:
    side = (
        "SELECT p.* FROM pedimentos p WHERE p.client_id = :client AND p.source = '{src}' "
        "AND p.fecha_pago BETWEEN :desde AND :hasta"
    )
    parts = [
        "SELECT c.numero, 'solo_captura' AS tipo, NULL AS partida, NULL AS campo, "
        "NULL AS captura, NULL AS datastage FROM c WHERE c.numero NOT IN (SELECT numero FROM d)",
        "SELECT d.numero, 'solo_datastage', NULL, NULL, NULL, NULL FROM d "
        "WHERE d.numero NOT IN (SELECT numero FROM c)",
    ]
    parts += [
        f"SELECT c.numero, 'encabezado', NULL, '{f}', c.{f}, d.{f} FROM c JOIN d "
        f"ON d.numero = c.numero WHERE {_differs(f, 'c', 'd')}"
        for f in HEADER_FIELDS
    ]
    pairs = (
        "FROM c JOIN d ON d.numero = c.numero "
        "JOIN partidas cp ON cp.pedimento_id = c.id "
        "JOIN partidas dp ON dp.pedimento_id = d.id AND dp.secuencia = cp.secuencia"
    )
    parts += [
        f"SELECT c.numero, 'partida', cp.secuencia, '{f}', cp.{f}, dp.{f} {pairs} "
        f"WHERE {_differs(f, 'cp', 'dp')}"
        for f in PARTIDA_FIELDS
    ]
    for kind, mine, other in (
        ("partida_solo_captura", "c", "d"),
        ("partida_solo_datastage", "d", "c"),
    ):
        parts.append(
            f"SELECT {mine}.numero, '{kind}', x.secuencia, NULL, NULL, NULL FROM {mine} "
            f"JOIN {other} ON {other}.numero = {mine}.numero "
            f"JOIN partidas x ON x.pedimento_id = {mine}.id WHERE NOT EXISTS (SELECT 1 FROM "
            f"partidas y WHERE y.pedimento_id = {other}.id AND y.secuencia = x.secuencia)"
        )
    return (
        f"WITH c AS ({side.format(src='captura')}), d AS ({side.format(src='datastage')}) "
        + " UNION ALL ".join(parts)
    )


_SQL = _sql()


def _params(db: Database, rfc: str, desde: date | None, hasta: date | None) -> dict:
    client = clients.get_client(db, rfc)
    return {
        "client": client.id,
        "desde": (desde or date(1900, 1, 1)).isoformat(),
        "hasta": (hasta or date(9999, 12, 31)).isoformat(),
    }


# The columns a list of differences sorts by, as the screen names them.
SORTS = {
    "numero": "numero",
    "descripcion": "tipo",
    "partida": "partida",
    "campo": "campo",
    "captura": "captura",
    "datastage": "datastage",
}
# A difference is found by número, kind (its Spanish words), field and either side's value.
_SEARCH = find.Fields(
    text=("r.campo", "r.captura", "r.datastage"), digits=("r.numero",), coded=(("r.tipo", KINDS),)
)


def _matching(search: str | None) -> tuple[str, dict]:
    where, params = find.where(find.parse(search), _SEARCH)
    return f"SELECT * FROM ({_SQL}) r" + (" WHERE " + " AND ".join(where) if where else ""), params


def differences(
    db: Database,
    rfc: str,
    *,
    desde: date | None = None,
    hasta: date | None = None,
    search: str | None = None,
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict]:
    """Difference rows ordered by number, then partida (or by a column of SORTS), those
    matching `search` (core/search.py) only."""
    sql, params = _matching(search)
    tie = "numero, partida IS NOT NULL, partida, tipo, campo"
    sql += f" ORDER BY {find.order_by(sort, descending, SORTS, tie) if sort else tie}"
    params |= _params(db, rfc, desde, hasta)
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params |= {"limit": limit, "offset": offset}
    rows = [dict(r) for r in db.query(sql, params)]
    for row in rows:
        row["descripcion"] = KINDS[row["tipo"]]
    return rows


def count(db: Database, rfc: str, *, search: str | None = None) -> int:
    """How many differences match `search`."""
    sql, params = _matching(search)
    return db.execute(
        f"SELECT count(*) FROM ({sql})", params | _params(db, rfc, None, None)
    ).fetchone()[0]


def summary(
    db: Database, rfc: str, *, desde: date | None = None, hasta: date | None = None
) -> dict[str, int]:
    """Counts: pedimentos per side, matched, and differences per kind (one snapshot)."""
    params = _params(db, rfc, desde, hasta)
    with snapshot(db):
        counts = dict(
            db.execute(f"SELECT tipo, count(*) FROM ({_SQL}) GROUP BY tipo", params).fetchall()
        )
        sides = dict(
            db.execute(
                "SELECT source, count(*) FROM pedimentos WHERE client_id = :client AND "
                "fecha_pago BETWEEN :desde AND :hasta GROUP BY source",
                params,
            ).fetchall()
        )
    return {
        "captura": sides.get("captura", 0),
        "datastage": sides.get("datastage", 0),
        "diferencias": sum(counts.values()),
        **{kind: counts.get(kind, 0) for kind in KINDS},
    }
