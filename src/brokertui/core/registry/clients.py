"""Client registry (contribuyentes): validation and storage of clients and their sites."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from brokertui.core import catalogs, identifiers
from brokertui.core import search as find
from brokertui.core.db import check_version, diff, now, transaction, write
from brokertui.core.errors import Conflict, InvalidInput, NeedsConfirmation, NotFound
from brokertui.core.registry.stored import ADDRESS_FIELDS, Client, Site, read

EDITABLE_FIELDS = ("razon_social", *ADDRESS_FIELDS)
# The columns a list of clients sorts by (and their SQL over _CLIENT_SELECT's row).
SORTS = {
    "rfc": "rfc",
    "razon_social": "fold(razon_social)",
    "entidad_federativa": "entidad_federativa",
    "programas": "programas",
    "baja_date": "baja_date",
}


def rfc_warning(rfc: str) -> str | None:
    """The check-digit warning for a structurally valid RFC, or None."""
    return identifiers.parse_rfc(rfc).warning


def add_client(db: Database, data: dict, *, force: bool = False) -> Client:
    """Register a client. A check-digit mismatch raises NeedsConfirmation unless `force`."""
    from brokertui.core.models import build
    from brokertui.core.registry.client_data import ClientData

    checked = build(ClientData, data).model_dump()
    rfc = checked["rfc"]
    warning = rfc_warning(rfc)
    if warning and not force:
        raise NeedsConfirmation("rfc", warning)
    row = checked | {
        "rfc_check_warning": int(bool(warning)),
        "created_at": now(),
        "updated_at": now(),
    }
    with write(db, "client.add", "client", rfc, {"razon_social": checked["razon_social"]}):
        if db.execute("SELECT 1 FROM clients WHERE rfc = ?", [rfc]).fetchone():
            raise Conflict("rfc", f"ya existe un cliente con el RFC {rfc}")
        db.table("clients").insert(row)
    return get_client(db, rfc)


def update_client(
    db: Database, rfc: str, changes: dict, *, expected_version: int | None = None
) -> Client:
    """Change the razón social or domicilio fiscal of a client (the RFC is its identity).

    The changes apply to the client as stored when the write starts; given the version the
    caller read (`expected_version`), a client changed since raises StaleRecord."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(field, "no se puede modificar (el RFC identifica al cliente)")
    from brokertui.core.models import build
    from brokertui.core.registry.client_data import ClientData

    with transaction(db):
        current = get_client(db, rfc)
        old = _editable(current)
        _check_version(db, current, expected_version)
        merged = build(ClientData, {"rfc": current.rfc} | old | changes)
        new = merged.model_dump(include=set(EDITABLE_FIELDS))
        if changed := diff(old, new):
            version = current.version + 1
            with write(db, "client.edit", "client", current.rfc, changed, version=version):
                db.table("clients").update(
                    current.id, new | {"updated_at": now(), "version": version}
                )
    return get_client(db, current.rfc)


def _check_version(db: Database, client: Client, expected: int | None) -> None:
    """Inside the write transaction: StaleRecord if the caller read the client at another
    version than the stored one (db.check_version)."""
    check_version(
        db,
        "client",
        client.rfc,
        record=f"el cliente {client.rfc}",
        version=client.version,
        expected=expected,
        current=_editable(client),
    )


def _editable(client: Client) -> dict:
    return {name: getattr(client, name) for name in EDITABLE_FIELDS}


def baja_client(db: Database, rfc: str, on: date, *, expected_version: int | None = None) -> Client:
    """Record the baja of a client; the record and its history are kept. Given the version the
    caller read (`expected_version`), a client changed since raises StaleRecord."""
    with transaction(db):
        client = get_client(db, rfc)
        _check_version(db, client, expected_version)
        if client.baja_date:
            raise Conflict("rfc", f"{client.rfc} ya está dado de baja desde {client.baja_date}")
        version = client.version + 1
        detail = {"baja_date": [None, on.isoformat()]}
        with write(db, "client.baja", "client", client.rfc, detail, version=version):
            db.table("clients").update(
                client.id, {"baja_date": on.isoformat(), "updated_at": now(), "version": version}
            )
    return get_client(db, client.rfc)


def set_descargo_modo(db: Database, client_id: int, modo: str) -> None:
    """Store the client's discharge ledger mode (Client.ledger_mode: 'pedimento' is by value a
    nivel pedimento); the ledger checks and records the switch (anexo24/ledger.py, set_mode)."""
    db.execute(
        "UPDATE clients SET descargo_modo = ?, descargo_nivel = ? WHERE id = ?",
        [
            "cantidad" if modo == "cantidad" else "valor",
            "pedimento" if modo == "pedimento" else "fraccion",
            client_id,
        ],
    )


_CLIENT_SELECT = """
SELECT c.*, coalesce((
    SELECT group_concat(type, ', ') FROM (
        SELECT type FROM programs p WHERE p.client_id = c.id AND p.status != 'cancelado'
        ORDER BY type)
), '') AS programas
FROM clients c
"""


def _client(row: dict) -> Client:
    return read(Client, row)


def get_client(db: Database, rfc: str) -> Client:
    value = (rfc or "").strip().upper()
    rows = list(db.query(_CLIENT_SELECT + " WHERE c.rfc = ?", [value]))
    if not rows:
        raise NotFound(f"rfc: no hay un cliente con el RFC {value or '(vacío)'}")
    return _client(rows[0])


def _search_fields() -> find.Fields:
    """A client is found by RFC, razón social, municipio or entidad (its name, accents
    optional): a scan of the clients table, a few thousand rows at most."""
    return find.Fields(
        text=("c.rfc", "c.razon_social", "c.municipio"),
        coded=(("c.entidad_federativa", catalogs.load("entidades").entries),),
    )


def _filters(text: str | None, include_baja: bool) -> tuple[str, dict]:
    where, params = find.where(find.parse(text), _search_fields())
    if not include_baja:
        where.append("c.baja_date IS NULL")
    return (" WHERE " + " AND ".join(where)) if where else "", params


def has_clients(db: Database) -> bool:
    """Whether the database holds any client (an empty one opens on a short guide)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM clients)").fetchone()[0] == 1


def list_clients(
    db: Database,
    *,
    search: str | None = None,
    include_baja: bool = False,
    sort: str | None = "rfc",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Client]:
    """One page of clients (all of them without `limit`) matching `search` (core/search.py),
    sorted by a column of SORTS."""
    where, params = _filters(search, include_baja)
    order = find.order_by(sort, descending, SORTS, "rfc")
    sql = f"SELECT * FROM ({_CLIENT_SELECT}{where}) ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params |= {"limit": limit, "offset": offset}
    return [_client(row) for row in db.query(sql, params)]


def count_clients(db: Database, *, search: str | None = None, include_baja: bool = False) -> int:
    where, params = _filters(search, include_baja)
    return db.execute(f"SELECT count(*) FROM clients c{where}", params).fetchone()[0]


def add_site(db: Database, rfc: str, data: dict) -> Site:
    """Register a planta or bodega of a client."""
    from brokertui.core.models import build
    from brokertui.core.registry.client_data import SiteData

    client = get_client(db, rfc)
    site = build(SiteData, data)
    with write(db, "site.add", "client", client.rfc, site.model_dump()):
        site_id = db.table("sites").insert(site.model_dump() | {"client_id": client.id}).last_pk
    return read(Site, site.model_dump() | {"id": site_id})


def list_sites(db: Database, rfc: str) -> list[Site]:
    client = get_client(db, rfc)
    rows = db.query(
        "SELECT id, kind, nombre, calle, numero, colonia, codigo_postal, entidad_federativa, "
        "baja_date FROM sites WHERE client_id = ? ORDER BY kind DESC, nombre",
        [client.id],
    )
    return [read(Site, row) for row in rows]
