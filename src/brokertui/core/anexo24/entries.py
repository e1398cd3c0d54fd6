"""The Anexo 24 entries (lots): the only writer of table entradas. Entries come from the ERP
entradas interface, from ajustes (sobrantes, desensamble recoveries) and from pedimentos, the
last through `sync_from_pedimentos`, the one seam from pedimentos to the inventory.

Importing this module registers that seam with the pedimentos store (`store.on_stored`), and
importing the anexo24 package imports this module: pedimentos never imports anexo24.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlite_utils import Database

from brokertui.core.pedimentos import permanence
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.quantities import to_micro
from brokertui.core.registry.calendar import calendar_for


def expiry(db: Database) -> Callable[[dict], str | None]:
    """The permanence alert date (rules.md §2.2) of a checked row of the entradas interface,
    its `vence`: an import works it out before it writes (`add_from_interface`)."""
    cal = calendar_for(db, "SAT")

    def vence(row: dict) -> str | None:
        start = date.fromisoformat(row["fecha_entrada"])
        return permanence.dates(row["clave"], row["fraccion"], start, cal)[1]

    return vence


# The columns of the entradas interface an import gives add_from_interface, in this order.
INTERFACE_COLUMNS = (
    "pedimento",
    "partida",
    "clave",
    "fecha_entrada",
    "numero_parte",
    "cantidad",
    "umc",
    "valor_usd",
    "fraccion",
    "pais_origen",
    "vence",
)


def add_from_interface(
    db: Database, client_id: int, import_id: int, source: str, params: Sequence = ()
) -> int:
    """Entries from checked rows of the entradas interface and their `vence` (`expiry`), as
    the SELECT `source` gives them (INTERFACE_COLUMNS, in order: an import's staged rows, which
    never pass through Python); returns how many were new."""
    return db.execute(
        "INSERT OR IGNORE INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
        "numero_parte, cantidad_micro, umc, valor_usd, fraccion, pais_origen, vence, source, "
        f"import_id) SELECT ?, *, 'interfaz', ? FROM ({source})",
        [client_id, import_id, *params],
    ).rowcount


def discard_import(db: Database, import_id: int, limit: int) -> int:
    """Delete up to `limit` entries of an interface import that was never finished (their
    readers never saw them); returns how many."""
    return db.execute(
        "DELETE FROM entradas WHERE id IN (SELECT id FROM entradas WHERE import_id = ? LIMIT ?)",
        [import_id, limit],
    ).rowcount


def add_ajuste_lot(
    db: Database,
    client_id: int,
    *,
    pedimento: str,
    partida: int,
    fecha: str,
    numero_parte: str,
    cantidad_micro: int,
    ajuste: str,
) -> int | None:
    """The lot an ajuste brings in (clave AJUSTE, in the material's UMC); returns its id."""
    return db.execute(
        "INSERT INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
        "numero_parte, cantidad_micro, umc, source, ajuste) SELECT ?, ?, ?, "
        "'AJUSTE', ?, numero_parte, ?, umc, 'ajuste', ? FROM materiales "
        "WHERE client_id = ? AND numero_parte = ?",
        [client_id, pedimento, partida, fecha, cantidad_micro, ajuste, client_id, numero_parte],
    ).lastrowid


def sync_from_pedimentos(db: Database, client_id: int) -> int:
    """The one seam from pedimentos to the Anexo 24 entries: add as entries the temporary-import
    partidas that carry a part number of the client's materiales (one copy per pedimento, Data
    Stage first, the latest of a rectification chain). Runs as the pedimentos store's
    `on_stored` listener, after a materiales import and at the start of a discharge run.
    Returns how many were added; call inside a write transaction."""
    rows = db.execute(
        """
        SELECT p.numero, x.secuencia, p.clave, coalesce(p.fecha_entrada, p.fecha_pago),
               x.numero_parte, x.cantidad_umc, x.umc, x.valor_usd, x.fraccion, x.pais,
               x.vence_alerta
        FROM partidas x JOIN pedimentos p ON p.id = x.pedimento_id
        JOIN materiales m ON m.client_id = p.client_id AND m.numero_parte = x.numero_parte
        WHERE p.client_id = ? AND x.categoria IS NOT NULL AND x.numero_parte <> ''
          AND (p.source = 'datastage' OR NOT EXISTS (SELECT 1 FROM pedimentos d
               WHERE d.numero = p.numero AND d.source = 'datastage'))
          AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
        """,
        [client_id],
    ).fetchall()
    return db.conn.executemany(
        "INSERT OR IGNORE INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
        "numero_parte, cantidad_micro, umc, valor_usd, fraccion, pais_origen, vence, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pedimento')",
        [(client_id, *r[:5], to_micro(r[5]), *r[6:]) for r in rows],
    ).rowcount


pedimento_store.on_stored(sync_from_pedimentos)
