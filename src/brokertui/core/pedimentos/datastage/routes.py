"""Where the pedimentos of a Data Stage delivery went (issue 13, item 2): the only module that
writes tables datastage_routes and datastage_versions, and the queries over them.

A broker's delivery holds many RFCs (ANAM sends it by patente). Each RFC of its 501 has a
route: `importado` (stored to its client), `pendiente` (a client's, left out by `--rfc`) or
`apartado` (no client has that RFC yet). Pending and kept-aside pedimentos are imported later
from the zip stored in datastage_imports, without the zip again. Whether a pedimento changed
is known by its version, a digest of its rows (`Digests`), not by the zip's SHA-256.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from brokertui.core.db import now

IMPORTED, PENDING, KEPT_ASIDE = "importado", "pendiente", "apartado"


@dataclass
class Census:
    """One RFC of a delivery's 501: how many pedimentos, the razón social the file gives, its
    client (None: not registered), and what became of them in this import."""

    rfc: str
    razon_social: str
    client_id: int | None
    pedimentos: int = 0
    estado: str = KEPT_ASIDE
    nuevos: int = 0
    actualizados: int = 0
    sin_cambio: int = 0
    desde: str | None = None  # the first and last payment dates of its pedimentos
    hasta: str | None = None

    def span(self, paid: date | None) -> None:
        if paid is not None:
            day = paid.isoformat()
            self.desde = min(self.desde or day, day)
            self.hasta = max(self.hasta or day, day)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Plan:
    """What an import does with each pedimento read: new, updated or unchanged."""

    new: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    unchanged: set[str] = field(default_factory=set)

    def changed(self, numero: str) -> bool:
        return numero not in self.unchanged


def plan(db: Database, import_id: int | None, versions: dict[str, str]) -> Plan:
    """Compare each pedimento read (numero -> digest) with its stored Data Stage copy: the same
    digest, or a copy from a later delivery than this one, is unchanged."""
    stored = {  # only the delivery's numbers, by the (numero, source) key: a folder of
        # deliveries never reads the whole table once per zip
        numero: (digest, source)
        for numero, digest, source in db.execute(
            "SELECT p.numero, v.digest, p.import_id FROM json_each(?) j "
            "JOIN pedimentos p ON p.numero = j.value AND p.source = 'datastage' "
            "LEFT JOIN datastage_versions v ON v.numero = p.numero",
            [json.dumps(list(versions))],
        )
    }
    result = Plan()
    for numero, digest in versions.items():
        if numero not in stored:
            result.new.add(numero)
            continue
        old_digest, source = stored[numero]
        same = old_digest == digest or (old_digest is None and source == import_id)
        later = import_id is not None and source is not None and source > import_id
        (result.unchanged if same or later else result.updated).add(numero)
    return result


def record(
    db: Database,
    import_id: int,
    census: Iterable[Census],
    versions: dict[str, str],
    stored: Iterable[str],
) -> None:
    """Inside the import's transaction: each RFC's route (an `importado` one is never turned
    back to pending by a later filtered import) and the versions of the pedimentos stored."""
    stamp = now()
    db.conn.executemany(
        "INSERT INTO datastage_routes (import_id, rfc, razon_social, pedimentos, client_id, "
        "estado, nuevos, actualizados, sin_cambio, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (import_id, rfc) DO UPDATE SET client_id = excluded.client_id, "
        "razon_social = excluded.razon_social, pedimentos = excluded.pedimentos, "
        "estado = CASE WHEN datastage_routes.estado = 'importado' AND excluded.estado <> "
        "'importado' THEN 'importado' ELSE excluded.estado END, "
        "nuevos = CASE WHEN excluded.estado = 'importado' THEN excluded.nuevos "
        "ELSE datastage_routes.nuevos END, "
        "actualizados = CASE WHEN excluded.estado = 'importado' THEN excluded.actualizados "
        "ELSE datastage_routes.actualizados END, "
        "sin_cambio = CASE WHEN excluded.estado = 'importado' THEN excluded.sin_cambio "
        "ELSE datastage_routes.sin_cambio END, updated_at = excluded.updated_at",
        [
            (
                import_id,
                c.rfc,
                c.razon_social,
                c.pedimentos,
                c.client_id,
                c.estado,
                c.nuevos,
                c.actualizados,
                c.sin_cambio,
                stamp,
            )
            for c in census
        ],
    )
    db.conn.executemany(
        "INSERT INTO datastage_versions (numero, digest, import_id) VALUES (?, ?, ?) "
        "ON CONFLICT (numero) DO UPDATE SET digest = excluded.digest, "
        "import_id = excluded.import_id",
        [(numero, versions[numero], import_id) for numero in stored],
    )


def complete(db: Database, import_id: int, rfc: str | None, clients: dict[str, int]) -> bool:
    """Whether importing the stored delivery again (only `rfc`'s, if given) would read nothing
    new: every route recorded, none pending for the import asked, no kept-aside RFC since
    registered (`clients`: id by RFC)."""
    routes = db.execute(
        "SELECT rfc, estado FROM datastage_routes WHERE import_id = ?", [import_id]
    ).fetchall()
    if not routes:  # stored before routes were kept: read it again
        return False
    for route_rfc, estado in routes:
        if rfc and route_rfc != rfc:
            continue
        if estado == PENDING or (estado == KEPT_ASIDE and route_rfc in clients):
            return False
    return True


def waiting(db: Database, rfc: str) -> list[int]:
    """The stored deliveries holding pedimentos of `rfc` not imported yet, oldest first."""
    return [
        row[0]
        for row in db.execute(
            "SELECT import_id FROM datastage_routes WHERE rfc = ? AND estado <> 'importado' "
            "ORDER BY import_id",
            [rfc],
        )
    ]


def kept_aside(db: Database) -> list[dict]:
    """RFCs of stored deliveries that are no client yet: pedimentos, razón social (as the file
    gives it) and the deliveries holding them."""
    return [
        dict(row)
        for row in db.query(
            "SELECT r.rfc, max(r.razon_social) AS razon_social, sum(r.pedimentos) AS pedimentos, "
            "group_concat(i.filename, ', ') AS entregas "
            "FROM datastage_routes r JOIN datastage_imports i ON i.id = r.import_id "
            "WHERE r.estado = 'apartado' AND r.rfc NOT IN (SELECT rfc FROM clients) "
            "GROUP BY r.rfc ORDER BY sum(r.pedimentos) DESC, r.rfc"
        )
    ]
