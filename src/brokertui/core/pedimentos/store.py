"""Pedimentos storage: the only module that writes tables pedimentos, facturas,
identificadores, partidas, contribuciones (captured or imported from Data Stage) and
pedimento_busqueda (their search text), and the queries over them.

`on_stored` is the one seam out of this package: a listener registered there runs inside the
write transaction each time a client's pedimentos are stored. Higher layers hook in without
pedimentos importing them (the Anexo 24 entries do, in anexo24/entries.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from brokertui.core import catalogs, paging
from brokertui.core import search as find
from brokertui.core.db import (
    audit,
    check_version,
    diff,
    now,
    os_user,
    transaction,
    write,
)
from brokertui.core.errors import Conflict, InvalidInput, NeedsConfirmation, NotFound
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import permanence
from brokertui.core.pedimentos.model import Pedimento
from brokertui.core.pedimentos.review import Problem, is_temporary_entry, review
from brokertui.core.pedimentos.rules import client_rules
from brokertui.core.registry import clients
from brokertui.core.registry.calendar import BusinessCalendar, calendar_for

Listener = Callable[[Database, int], object]
_listeners: list[Listener] = []


# -- the seam ---------------------------------------------------------------------------------


def on_stored(listener: Listener) -> Listener:
    """Call `listener(db, client_id)` whenever pedimentos of that client are stored (a capture
    or a Data Stage import), inside the same write transaction. Registering twice is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def notify_stored(db: Database, client_ids: Iterable[int]) -> None:
    """Run the `on_stored` listeners for each client; call inside the write transaction."""
    for client_id in client_ids:
        for listener in _listeners:
            listener(db, client_id)


# -- storage ----------------------------------------------------------------------------------


def save(
    db: Database,
    ped: Pedimento,
    *,
    today: date,
    force: bool = False,
    replace: bool = False,
    expected_version: int | None = None,
) -> list[Problem]:
    """Check and store a captured pedimento atomically; returns the info/warning findings.

    Errors raise InvalidInput; warnings raise NeedsConfirmation unless `force`. `replace`
    overwrites the captured pedimento of the same number (editing); given the version the
    caller read (`expected_version`), one changed since raises StaleRecord.
    """
    head = ped.encabezado
    client = clients.get_client(db, head.rfc)
    problems = review(ped, client_rules(db, client.id), today)
    for problem in problems:
        if problem.level == "error":
            raise InvalidInput(problem.field, problem.message)
    warnings = [p for p in problems if p.level == "warning"]
    if warnings and not force:
        raise NeedsConfirmation(warnings[0].field, "; ".join(str(w) for w in warnings))
    with transaction(db):  # the checks below and the write are one step
        existing = db.execute(
            "SELECT id, version, recibido FROM pedimentos WHERE numero = ? AND source = 'captura'",
            [head.numero],
        ).fetchone()
        if existing and not replace:
            raise Conflict("numero", f"el pedimento {head.numero} ya fue capturado")
        if head.rectifica and not _exists(db, head.rectifica):
            raise InvalidInput("rectifica", f"el pedimento {head.rectifica} no está registrado")
        cal = calendar_for(db, "SAT")
        if not existing:
            with write(
                db, "pedimento.add", "pedimento", head.numero, {"partidas": len(ped.partidas)}
            ):
                _insert(db, ped, client.id, cal, received=now())
                notify_stored(db, [client.id])
            return problems
        old = flat_values(form_values(get_pedimento(db, head.numero, "captura")))
        check_version(
            db,
            "pedimento",
            head.numero,
            record=f"el pedimento {head.numero}",
            version=existing[1],
            expected=expected_version,
            current=old,
        )
        version = existing[1] + 1
        db.execute("DELETE FROM pedimentos WHERE id = ?", [existing[0]])
        _insert(db, ped, client.id, cal, version, received=existing[2])  # as it first came
        notify_stored(db, [client.id])
        new = flat_values(form_values(get_pedimento(db, head.numero, "captura")))
        audit(db, "pedimento.edit", "pedimento", head.numero, diff(old, new), version=version)
    return problems


def _exists(db: Database, numero: str) -> bool:
    return db.execute("SELECT 1 FROM pedimentos WHERE numero = ?", [numero]).fetchone() is not None


def _insert(
    db: Database,
    ped: Pedimento,
    client_id: int,
    cal: BusinessCalendar,
    version: int = 1,
    *,
    received: str | None,
) -> None:
    head = ped.encabezado
    stamp, user = now(), os_user()
    original = None  # the first of the chain when it is not the one rectified (as 701 says)
    if head.rectifica:
        row = db.execute(
            "SELECT coalesce(original, rectifica) FROM pedimentos WHERE numero = ?",
            [head.rectifica],
        ).fetchone()
        original = row[0] if row else None
    cursor = db.execute(
        "INSERT INTO pedimentos (numero, source, client_id, clave, tipo_operacion, regimen, "
        "aduana_entrada, fecha_entrada, fecha_pago, tipo_cambio, tipo_pedimento, rectifica, "
        "original, created_at, created_by, updated_at, version, recibido) "
        "VALUES (?, 'captura', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            head.numero,
            client_id,
            head.clave,
            head.tipo_operacion,
            head.regimen,
            head.aduana_entrada or head.numero[2:4] + "0",
            _iso(head.fecha_entrada),
            head.fecha_pago.isoformat(),
            head.tipo_cambio,
            "2" if head.rectifica else "1",
            head.rectifica or None,
            original,
            stamp,
            user,
            stamp,
            version,
            received,
        ],
    )
    pid = cursor.lastrowid
    insert_facturas(
        db,
        (
            (
                pid,
                f.numero,
                _iso(f.fecha),
                f.incoterm,
                f.moneda,
                f.valor_moneda,
                f.valor_usd,
                f.proveedor,
                f.id_fiscal,
            )
            for f in ped.facturas
        ),
    )
    insert_identificadores(
        db,
        (
            (pid, i.secuencia, i.clave, i.complemento1, i.complemento2, i.complemento3)
            for i in ped.identificadores
        ),
    )
    start = head.fecha_entrada or head.fecha_pago
    temporary = is_temporary_entry(head.clave, head.tipo_operacion)
    rows = []
    for p in ped.partidas:
        dates = permanence.dates(head.clave, p.fraccion, start, cal) if temporary else (None,) * 3
        rows.append(
            (
                pid,
                p.secuencia,
                p.fraccion,
                p.nico,
                p.descripcion,
                p.numero_parte,
                p.precio_unitario,
                p.valor_aduana,
                p.valor_comercial,
                p.valor_usd,
                p.cantidad_umc,
                p.umc,
                p.cantidad_umt,
                p.umt,
                p.pais,
                p.tasa,
                p.tratado,
                *dates,
                p.tasa_igi,
            )
        )
    insert_partidas(db, rows)
    index_search(db, "p.id = ?", [pid])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# Bulk writes (executemany over tuples in each statement's column order), shared by the
# capture above and the Data Stage importer; call them inside a write transaction.


def replace_datastage(db: Database, import_id: int, heads: Iterable[tuple]) -> dict[str, int]:
    """Store the pedimentos of one Data Stage import (tuples in the column order of the INSERT
    below but `recibido`, `import_id` among them), each replacing its earlier Data Stage copy
    with every block of it; returns their ids by number. A copy replaced keeps when it first
    arrived (`recibido`, unknown for one of before it was kept); a new one arrives now (its
    created_at)."""
    heads = list(heads)
    first = dict(
        db.execute(
            "SELECT numero, recibido FROM pedimentos WHERE source = 'datastage' "
            "AND numero IN (SELECT value FROM json_each(?))",
            [json.dumps([h[0] for h in heads])],
        ).fetchall()
    )
    heads = [(*h, first[h[0]] if h[0] in first else h[13]) for h in heads]
    db.conn.executemany(
        "DELETE FROM pedimentos WHERE source = 'datastage' AND numero = ?",
        [(h[0],) for h in heads],
    )
    db.conn.executemany(
        "INSERT INTO pedimentos (numero, source, client_id, clave, tipo_operacion, regimen, "
        "aduana_entrada, fecha_entrada, fecha_pago, tipo_cambio, tipo_pedimento, rectifica, "
        "original, import_id, created_at, created_by, updated_at, recibido) "
        "VALUES (?, 'datastage', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        heads,
    )
    return dict(
        db.execute("SELECT numero, id FROM pedimentos WHERE import_id = ?", [import_id]).fetchall()
    )


_PARTIDAS = (
    "INSERT INTO partidas (pedimento_id, secuencia, fraccion, nico, descripcion, "
    "numero_parte, precio_unitario, valor_aduana, valor_comercial, valor_usd, cantidad_umc, "
    "umc, cantidad_umt, umt, pais, tasa, tratado, categoria, vence_alerta, vence_legal"
)
# A pedimento's blocks: each INSERT names the columns its rows give, in order.
_BLOCKS = {
    "facturas": "INSERT INTO facturas (pedimento_id, numero, fecha, incoterm, moneda, "
    "valor_moneda, valor_usd, proveedor, id_fiscal)",
    "identificadores": "INSERT INTO identificadores (pedimento_id, secuencia, clave, "
    "complemento1, complemento2, complemento3)",
    "contribuciones": "INSERT INTO contribuciones (pedimento_id, secuencia, clave, forma_pago, "
    "importe)",
    "partidas": f"{_PARTIDAS})",
    # a captured partida also gives its IGI rate (Data Stage's are in its 556 rows)
    "partidas_capturadas": f"{_PARTIDAS}, tasa_igi)",
}


def _insert_rows(db: Database, block: str, rows: Iterable[tuple]) -> None:
    head = _BLOCKS[block]
    marks = ", ".join("?" for _ in range(head.count(",") + 1))
    db.conn.executemany(f"{head} VALUES ({marks})", rows)


def insert_facturas(db: Database, rows: Iterable[tuple]) -> None:
    _insert_rows(db, "facturas", rows)


def insert_identificadores(db: Database, rows: Iterable[tuple]) -> None:
    _insert_rows(db, "identificadores", rows)


def insert_partidas(db: Database, rows: Iterable[tuple]) -> None:
    """A captured pedimento's partidas (with tasa_igi, last)."""
    _insert_rows(db, "partidas_capturadas", rows)


# A pedimento's search text (migration 0030): its partidas' fracción and número de parte and
# its facturas' número and proveedor, each once, one a line, folded when LIKE could not match
# it as stored (outside printable ASCII, or two spaces: core/search.py), and joined too when
# a separator follows a digit. In SQL, so an import's rows never pass through Python.
_SEARCH_TEXT = """(
    WITH folded (t) AS (
        SELECT CASE WHEN v GLOB '*[^ -~]*' OR v GLOB '*  *' THEN fold(v) ELSE v END FROM (
            SELECT fraccion AS v FROM partidas WHERE pedimento_id = p.id
            UNION SELECT numero_parte FROM partidas WHERE pedimento_id = p.id
            UNION SELECT numero FROM facturas WHERE pedimento_id = p.id
            UNION SELECT proveedor FROM facturas WHERE pedimento_id = p.id
        ) WHERE v <> ''
    )
    SELECT group_concat(t, char(10)) FROM (
        SELECT t FROM folded UNION SELECT joined(t) FROM folded WHERE t GLOB '*[0-9][./ -]*'
    )
)"""


def index_search(db: Database, where: str, params: list) -> None:
    """(Re)write the search text of the pedimentos `where` selects (over `pedimentos p`), once
    their partidas and facturas are stored; inside the write transaction."""
    selected = f"SELECT p.id FROM pedimentos p WHERE {where}"
    db.execute(f"DELETE FROM pedimento_busqueda WHERE rowid IN ({selected})", params)
    db.execute(
        f"INSERT INTO pedimento_busqueda (rowid, texto) SELECT p.id, {_SEARCH_TEXT} "
        f"FROM pedimentos p WHERE {where}",
        params,
    )


def copy_block(db: Database, block: str, select: str) -> int:
    """Rows of one block (a key of _BLOCKS) from a SELECT giving them in its column order,
    without passing through Python (the Data Stage importer's staged rows); how many."""
    return db.execute(f"{_BLOCKS[block]} {select}").rowcount


# -- reading ----------------------------------------------------------------------------------

_LIST_SELECT = """
SELECT p.id, p.numero, c.rfc, c.razon_social, p.clave, p.tipo_operacion, p.regimen,
       p.fecha_pago, p.fecha_entrada, p.tipo_pedimento, p.rectifica,
       CASE WHEN EXISTS (SELECT 1 FROM pedimentos o WHERE o.numero = p.numero
                         AND o.source <> p.source) THEN 'ambos' ELSE p.source END AS origen,
       (SELECT count(*) FROM partidas x WHERE x.pedimento_id = p.id) AS partidas,
       (SELECT r.numero FROM pedimentos r WHERE r.rectifica = p.numero
        ORDER BY r.fecha_pago DESC, r.numero DESC LIMIT 1) AS rectificado_por
FROM pedimentos p JOIN clients c ON c.id = p.client_id
"""


# The columns a list of pedimentos sorts by, as the screen names them.
SORTS = {
    "fecha_pago": "p.fecha_pago",
    "numero": "p.numero",
    "clave": "p.clave",
    "tipo": "p.tipo_operacion",
    "partidas": "partidas",
    "rectificado_por": "rectificado_por",
    "origen": "origen",
    "rfc": "c.rfc",
}
# The sort an index gives (pedimentos_pago): any other sorts every pedimento of the list before
# its first row (0.1-1.4 s at 100,000).
INDEXED_SORTS = ("fecha_pago",)


def _search_fields() -> find.Fields:
    """A pedimento is found by its número (any written form, or part of it), clave, fecha de
    pago, RFC, its partidas' fracción and número de parte, its facturas' número and proveedor.
    The related fields are looked up in the pedimento's search text (pedimento_busqueda, a
    trigram index: index_search). A number of 11 digits or more is a pedimento's (patente and
    consecutive at least): only the número is searched for it."""
    claves = catalogs.load("claves").entries
    return find.Fields(
        text=("c.rfc",),
        digits=("p.numero",),
        date="p.fecha_pago",
        exact=(("p.clave", claves.__contains__),),
        indexed=(("p.id", "pedimento_busqueda"),),
        own_digits_from=11,
    )


def _list_filters(
    rfc: str | None, desde: date | None, hasta: date | None, search: str | None
) -> tuple[str, dict]:
    # One row per number: Data Stage (the authority's record) wins over the captured copy.
    where_, params = find.where(find.parse(search), _search_fields())
    where_.insert(
        0,
        "(p.source = 'datastage' OR NOT EXISTS (SELECT 1 FROM pedimentos d "
        "WHERE d.numero = p.numero AND d.source = 'datastage'))",
    )
    if rfc:
        where_.append("c.rfc = :rfc")
        params["rfc"] = rfc.strip().upper()
    if desde:
        where_.append("p.fecha_pago >= :desde")
        params["desde"] = desde.isoformat()
    if hasta:
        where_.append("p.fecha_pago <= :hasta")
        params["hasta"] = hasta.isoformat()
    return " WHERE " + " AND ".join(where_), params


def list_pedimentos(
    db: Database,
    *,
    rfc: str | None = None,
    desde: date | None = None,
    hasta: date | None = None,
    search: str | None = None,
    sort: str | None = None,
    descending: bool = True,
    offset: int = 0,
    limit: int | None = None,
    after: tuple | None = None,
) -> list[dict]:
    """Pedimentos newest first (or by a column of SORTS), rectified ones included, one row per
    number, those matching `search` (core/search.py) only; paged from `offset` or after the
    row whose `_after` is given (core/paging.py)."""
    where_, params = _list_filters(rfc, desde, hasta, search)
    page = paging.Page(
        paging.ordering(sort, descending, SORTS, "p.numero DESC"), offset, limit, after
    )
    (seek, seeking), (tail, paged) = page.where(), page.tail()
    select = _LIST_SELECT.replace(" AS rectificado_por\n", f" AS rectificado_por{page.columns}\n")
    return page.keyed(
        [dict(row) for row in db.query(f"{select}{where_}{seek}{tail}", params | seeking | paged)]
    )


def count_pedimentos(db: Database, **filters: Any) -> int:
    where_, params = _list_filters(
        filters.get("rfc"), filters.get("desde"), filters.get("hasta"), filters.get("search")
    )
    sql = "SELECT count(*) FROM pedimentos p JOIN clients c ON c.id = p.client_id" + where_
    return db.execute(sql, params).fetchone()[0]


def find_numeros(db: Database, digits: str, limit: int = 10) -> list[dict]:
    """Pedimentos whose número contains `digits` (the command palette's jump), newest first,
    one row per number: numero, rfc, clave, fecha_pago. A scan of the (numero, source)
    index; only the matches' rows are read."""
    if not digits.isdigit():
        return []
    sql = (
        "SELECT p.numero, c.rfc, p.clave, max(p.fecha_pago) AS fecha_pago FROM pedimentos p "
        "JOIN clients c ON c.id = p.client_id WHERE p.numero LIKE :digits "
        "GROUP BY p.numero ORDER BY fecha_pago DESC, p.numero DESC LIMIT :limit"
    )
    return [dict(r) for r in db.query(sql, {"digits": f"%{digits}%", "limit": limit})]


def get_pedimento(db: Database, numero: str, source: str | None = None) -> dict:
    """A stored pedimento with its blocks (Data Stage first unless `source` is given)."""
    try:
        value = pedimento_numero.parse(numero).value if numero else ""
    except ValueError as exc:
        raise InvalidInput("numero", str(exc)) from None
    sql = _LIST_SELECT + " WHERE p.numero = ?"
    params = [value]
    if source:
        sql += " AND p.source = ?"
        params.append(source)
    rows = list(db.query(sql + " ORDER BY p.source = 'datastage' DESC", params))
    if not rows:
        raise NotFound(f"numero: no hay un pedimento {value}")
    ped = dict(rows[0])
    full = db.execute("SELECT * FROM pedimentos WHERE id = ?", [ped["id"]])
    columns = [c[0] for c in full.description]
    ped.update(dict(zip(columns, full.fetchone(), strict=True)))
    for block, order in (("facturas", "id"), ("identificadores", "id"), ("partidas", "secuencia")):
        ped[block] = [
            dict(r)
            for r in db.query(
                f"SELECT * FROM {block} WHERE pedimento_id = ? ORDER BY {order}", [ped["id"]]
            )
        ]
    return ped


def form_values(ped: dict) -> dict:
    """A stored pedimento as the capture form's values (to edit it)."""
    head_fields = (
        "numero",
        "clave",
        "tipo_operacion",
        "regimen",
        "aduana_entrada",
        "fecha_entrada",
        "fecha_pago",
        "tipo_cambio",
        "rfc",
        "rectifica",
    )
    skip = {"id", "pedimento_id", "categoria", "vence_alerta", "vence_legal"}

    def clean(row: dict) -> dict:
        return {k: "" if v is None else str(v) for k, v in row.items() if k not in skip}

    return {
        "encabezado": {k: "" if ped.get(k) is None else str(ped[k]) for k in head_fields},
        **{
            block: [clean(r) for r in ped[block]]
            for block in ("facturas", "identificadores", "partidas")
        },
    }


BLOCK_NOUNS = {"facturas": "factura", "identificadores": "identificador", "partidas": "partida"}


def flat_values(values: dict) -> dict[str, str]:
    """The capture form's values (form_values) as one field per value: the encabezado's by
    name, a block's as "partida 2, fraccion" (what the audit and a field-by-field merge use)."""
    flat = dict(values["encabezado"])
    for block, noun in BLOCK_NOUNS.items():
        for n, row in enumerate(values.get(block, []), start=1):
            flat.update({f"{noun} {n}, {name}": value for name, value in row.items()})
    return flat


def nested_values(flat: dict) -> dict:
    """flat_values back into the capture form's values; a field that is None is left out and a
    row left with no field is dropped."""
    blocks = {noun: block for block, noun in BLOCK_NOUNS.items()}
    values: dict = {"encabezado": {}, **{block: {} for block in BLOCK_NOUNS}}
    for key, value in flat.items():
        if value is None:
            continue
        noun, _, rest = key.partition(" ")
        number, sep, name = rest.partition(", ")
        if noun in blocks and sep and number.isdigit():
            values[blocks[noun]].setdefault(int(number), {})[name] = value
        else:
            values["encabezado"][key] = value
    for block in BLOCK_NOUNS:
        values[block] = [row for _, row in sorted(values[block].items())]
    return values


def used_fracciones(db: Database, client_id: int, limit: int = 500) -> list[str]:
    """The client's fracciones, most used first (the form's autocomplete)."""
    rows = db.execute(
        "SELECT x.fraccion, count(*) AS n FROM partidas x JOIN pedimentos p "
        "ON p.id = x.pedimento_id WHERE p.client_id = ? GROUP BY x.fraccion "
        "ORDER BY n DESC, x.fraccion LIMIT ?",
        [client_id, limit],
    )
    return [r[0] for r in rows]


def export_partidas(db: Database, client_id: int, desde: date, hasta: date) -> list[tuple]:
    """(clave, valor_comercial, valor_usd, tipo_cambio) of each partida of the client's export
    pedimentos (tipo de operación 2) paid from `desde` to `hasta`: one copy per number (Data
    Stage first), only the latest of a rectification chain."""
    return db.execute(
        """
        SELECT p.clave, x.valor_comercial, x.valor_usd, p.tipo_cambio
        FROM partidas x JOIN pedimentos p ON p.id = x.pedimento_id
        WHERE p.client_id = ? AND p.tipo_operacion = '2' AND p.fecha_pago BETWEEN ? AND ?
          AND (p.source = 'datastage' OR NOT EXISTS (SELECT 1 FROM pedimentos d
               WHERE d.numero = p.numero AND d.source = 'datastage'))
          AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
        """,
        [client_id, desde.isoformat(), hasta.isoformat()],
    ).fetchall()
