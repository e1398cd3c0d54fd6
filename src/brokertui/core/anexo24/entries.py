"""The Anexo 24 entries (lots): the only writer of table entradas. Entries come from the ERP
entradas interface, from ajustes (sobrantes, desensamble recoveries) and from pedimentos, the
last through `sync_from_pedimentos`, the one seam from pedimentos to the inventory.

Importing this module registers that seam with the pedimentos store (`store.on_stored`), and
importing the anexo24 package imports this module: pedimentos never imports anexo24.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from brokertui.core import catalogs, limits
from brokertui.core.anexo24 import balances
from brokertui.core.anexo24.reader import InterfaceError
from brokertui.core.pedimentos import partnumbers, permanence
from brokertui.core.pedimentos import rules as pedimento_rules
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.plural import counted
from brokertui.core.quantities import to_micro
from brokertui.core.registry.calendar import BusinessCalendar, calendar_for


def expiry(db: Database) -> Expiry:
    """The permanence alert date (rules.md §2.2; permanence.dates) of an entry of a clave,
    fracción and fecha_entrada (ISO), its `vence`: an import works it out before it writes
    (`add_from_interface`), once per term and date (issue 14, item 4)."""
    return Expiry(calendar_for(db, "SAT"))


class Expiry:
    """`expiry`: of one entry (called) or of a column of them (`column`)."""

    def __init__(self, cal: BusinessCalendar) -> None:
        self.cal = cal
        self.terms: dict[tuple[str, str], int | None] = {}  # the months of a clave, fraccion
        self.alerts: dict[tuple[int, str], str] = {}

    def months(self, clave: str, fraccion: str) -> int | None:
        """The term's months (None: a fixed asset stays while the program is valid)."""
        if (clave, fraccion) not in self.terms:
            self.terms[clave, fraccion] = permanence.term_for(clave, fraccion).months
        return self.terms[clave, fraccion]

    def alert(self, months: int | None, fecha_entrada: str) -> str | None:
        if months is None:
            return None
        alert = self.alerts.get((months, fecha_entrada))
        if alert is None:
            start = date.fromisoformat(fecha_entrada)
            alert = permanence.expiry(start, months, self.cal)[0].isoformat()
            self.alerts[months, fecha_entrada] = alert
        return alert

    def __call__(self, clave: str, fraccion: str, fecha_entrada: str) -> str | None:
        return self.alert(self.months(clave, fraccion), fecha_entrada)

    def column(self, claves: list, fracciones: list, fechas: list) -> list[str | None]:
        """The `vence` of each row of three columns, each term and date worked out once."""
        distinct = set(claves)
        if len(distinct) == 1:  # one clave (the usual case): its term by fraccion alone
            clave = next(iter(distinct))
            terms = {(clave, f): self.months(clave, f) for f in set(fracciones)}
        else:
            terms = {key: self.months(*key) for key in set(zip(claves, fracciones, strict=True))}
        if len(set(terms.values())) == 1:  # one term for all: by date alone
            months = next(iter(terms.values()))
            alerts = {fecha: self.alert(months, fecha) for fecha in set(fechas)}
            return list(map(alerts.__getitem__, fechas))
        pairs = zip(claves, fracciones, strict=True)
        keys = list(zip(map(terms.__getitem__, pairs), fechas, strict=True))
        found = {key: self.alert(*key) for key in set(keys)}
        return list(map(found.__getitem__, keys))


def fixed_asset_claves() -> tuple[str, ...]:
    """The pedimento claves whose entry is a fixed asset: effect `entrada_activo` in the claves
    catalog (Apéndice 2: AF, and E2, E4 out of a depósito fiscal or an exhibition)."""
    extra = catalogs.load("claves").extra
    return tuple(sorted(c for c, e in extra.items() if e.get("efecto") == "entrada_activo"))


def fixed_asset(alias: str = "e") -> str:
    """SQL: the entry `alias` is an activo fijo lot. Anexo 24 (anexo24-rgce-2024.txt) keeps
    fixed assets in their own module (Apartado A, fracción II, "Módulo de Activo Fijo"; Apartado
    B, módulo de aduanas, "Módulo de activo fijo"): the módulo de salidas' PEPS discharges the
    materials consumed, while a fixed asset is discharged "al momento de su retorno,
    transferencia, cambio de régimen o donación" (Apartado B, módulo de proceso de descargos,
    numeral 4). So their lots never feed the material discharge, in either ledger mode, and the
    saldos reports show them apart."""
    claves = ", ".join("'" + c.replace("'", "''") + "'" for c in fixed_asset_claves())
    return f"{alias}.clave IN ({claves or 'NULL'})"


# The entradas interface file's columns, in order (interfaces.COLUMNS), and what
# add_from_interface takes: those, the file's optional IGI rate, and the expiry computed.
INTERFACE_FILE = (
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
)
INTERFACE_COLUMNS = (*INTERFACE_FILE, "tasa_igi", "vence")


def add_from_interface(
    db: Database, client_id: int, import_id: int, source: str, params: Sequence = ()
) -> int:
    """Entries from checked rows of the entradas interface and their `vence` (`expiry`), as
    the SELECT `source` gives them (INTERFACE_COLUMNS, in order: an import's staged rows, which
    never pass through Python); returns how many were new."""
    with balances.adding_lots(db, client_id):
        return db.execute(
            "INSERT OR IGNORE INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
            "numero_parte, cantidad_micro, umc, valor_usd, fraccion, pais_origen, tasa_igi, "
            f"vence, source, import_id) SELECT ?, *, 'interfaz', ? FROM ({source})",
            [client_id, import_id, *params],
        ).rowcount


def discard_import(db: Database, import_id: int, limit: int) -> int:
    """Delete up to `limit` entries of an interface import that was never finished (their
    readers never saw them), the newest first: found from the end of the table, where they
    are, with no index on import_id; returns how many."""
    return db.execute(
        "DELETE FROM entradas WHERE id IN "
        "(SELECT id FROM entradas WHERE import_id = ? ORDER BY id DESC LIMIT ?)",
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
    with balances.adding_lots(db, client_id):
        return db.execute(
            "INSERT INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
            "numero_parte, cantidad_micro, umc, source, ajuste) SELECT ?, ?, ?, "
            "'AJUSTE', ?, numero_parte, ?, umc, 'ajuste', ? FROM materiales "
            "WHERE client_id = ? AND numero_parte = ?",
            [client_id, pedimento, partida, fecha, cantidad_micro, ajuste, client_id, numero_parte],
        ).lastrowid


# The lots (not ajuste ones) of a batch of opening balances that brokertui already has, each
# with how many allocations in force take from it and how many activo fijo movements discharge
# it; `:keys` a JSON list of [pedimento, partida,
# part number], found by the entries' unique index (CROSS JOIN: the batch outermost, which
# the planner cannot tell for json_each).
_EXISTING_LOTS = """
SELECT j.key, e.id, e.clave, e.fraccion,
       (SELECT count(*) FROM active_allocations a WHERE a.entrada_id = e.id),
       (SELECT count(*) FROM activo_fijo_movimientos m WHERE m.entrada_id = e.id
        AND m.cantidad_micro IS NOT NULL)
FROM json_each(:keys) j
CROSS JOIN entradas e ON e.client_id = :client AND e.pedimento = j.value ->> 0
                AND e.partida = j.value ->> 1 AND e.numero_parte = j.value ->> 2 AND e.ajuste = ''
"""


def discharged_lots(db: Database, client_id: int) -> set[int]:
    """hash((pedimento, partida, part number)) of the client's lots (not ajuste ones) that
    allocations in force take from: those an opening balance may not replace (add_opening)."""
    rows = db.execute(
        "SELECT e.pedimento, e.partida, e.numero_parte FROM entradas e WHERE e.client_id = ? "
        "AND e.ajuste = '' AND EXISTS (SELECT 1 FROM active_allocations a "
        "WHERE a.entrada_id = e.id)",
        [client_id],
    )
    return {hash(row) for row in rows}


def discharged_assets(db: Database, client_id: int) -> set[int]:
    """hash((pedimento, partida, part number)) of the client's fixed assets that movements of
    the activo fijo module discharge: an opening balance may not replace theirs either."""
    rows = db.execute(
        "SELECT DISTINCT e.pedimento, e.partida, e.numero_parte FROM activo_fijo_movimientos m "
        "JOIN entradas e ON e.id = m.entrada_id WHERE m.client_id = ? "
        "AND m.cantidad_micro IS NOT NULL",
        [client_id],
    )
    return {hash(row) for row in rows}


def opening_clave(value: str) -> str:
    """The optional clave of an opening balance's import pedimento: one of a temporary import
    the inventory follows (effect `entrada`, or `entrada_activo` for a fixed asset, whose lot
    then stays out of the material PEPS and goes to the activo fijo module), '' when none."""
    if not value:
        return ""
    code = catalogs.load("claves").lookup(value)
    if code is None:
        raise ValueError(f"«{limits.clip(value)}» no está en el catálogo de claves de pedimento")
    if catalogs.load("claves").extra[code].get("efecto") not in ("entrada", "entrada_activo"):
        raise ValueError(
            f"{code} no es una importación temporal que el Anexo 24 controle (Apéndice 2); "
            "un saldo inicial es de insumos o de activo fijo (AF)"
        )
    return code


def add_opening(db: Database, client_id: int, import_id: int, rows: list[dict]) -> int:
    """Lots carrying the balance brought from the former system (saldos iniciales, issue 15
    item 5), marked `saldo_inicial`: a new lot of the material (its UMC and fracción, the
    row's clave: none for an insumo, AF/E2/E4 for a fixed asset, `opening_clave`), or the lot
    of the same pedimento, partida and part number already here (from a pedimento or the
    entradas interface) given that balance, value and date. Refused whole (InterfaceError) when
    any of those lots has allocations in force or, a fixed asset, movements that discharge it
    (its balance is then the ledger's or the movements'), or when the row names another clave.
    Call inside the import's write transaction, which it holds set-based (one lookup, then one
    UPDATE and one INSERT statement run over the batch); returns how many lots were new."""
    keys = json.dumps([[r["pedimento"], r["partida"], r["numero_parte"]] for r in rows])
    existing = {
        n: found for n, *found in db.execute(_EXISTING_LOTS, {"keys": keys, "client": client_id})
    }
    refused = limits.ErrorList()
    for n, (_, clave, _, taken, moved) in sorted(existing.items()):
        r = rows[n]
        lot = f"pedimento {r['pedimento']} partida {r['partida']} {r['numero_parte']}"
        if taken:
            held = counted(taken, "asignación", "asignaciones")
            refused.append(f"{lot}: el lote ya tiene {held} de descargo en vigor")
        if moved:
            moves = counted(moved, "movimiento que lo descarga", "movimientos que lo descargan")
            refused.append(f"{lot}: el activo fijo ya tiene {moves}")
        if r.get("clave") and r["clave"] != clave:
            refused.append(f"{lot}: el lote ya está en brokertui con clave {clave or 'ninguna'}")
    if refused:
        name = db.execute("SELECT filename FROM interface_imports WHERE id = ?", [import_id])
        raise InterfaceError(
            f"{name.fetchone()[0]}: {refused.heading('lote', 'lotes')}; un saldo inicial no puede "
            "reemplazar el saldo de un lote ya descargado en brokertui (deshaga primero las "
            "corridas de descargo que lo usan) ni cambiar su clave; nada se importó:\n"
            f"{refused.listing()}"
        )
    vence = expiry(db)
    # The UMC and fracción of the new lots' materials only, by the catalog's unique key: the
    # whole catalog of a big client read for each batch held the write lock for seconds.
    parts = json.dumps(sorted({r["numero_parte"] for n, r in enumerate(rows) if n not in existing}))
    materials = {
        part: (umc, fraccion)
        for part, umc, fraccion in db.execute(
            "SELECT m.numero_parte, m.umc, m.fraccion FROM json_each(?) j "
            "CROSS JOIN materiales m ON m.client_id = ? AND m.numero_parte = j.value",
            [parts, client_id],
        )
    }
    updates, inserts = [], []
    for n, r in enumerate(rows):
        if n in existing:
            lot, clave, fraccion, *_ = existing[n]
            expires = vence(clave, fraccion, r["fecha_entrada"])
            updates.append((r["fecha_entrada"], r["saldo"], r["valor"], expires, import_id, lot))
        else:
            umc, fraccion = materials[r["numero_parte"]]
            clave = r.get("clave", "")
            expires = vence(clave, fraccion, r["fecha_entrada"])
            inserts.append(
                (client_id, r["pedimento"], r["partida"], clave, r["fecha_entrada"],
                 r["numero_parte"], r["saldo"], umc, r["valor"], fraccion, expires, import_id)
            )  # fmt: skip
    db.conn.executemany(
        "UPDATE entradas SET fecha_entrada = ?, cantidad_micro = ?, valor_usd = ?, vence = ?, "
        "saldo_inicial = 1, import_id = ? WHERE id = ?",
        updates,
    )
    with balances.adding_lots(db, client_id):
        db.conn.executemany(
            "INSERT INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
            "numero_parte, cantidad_micro, umc, valor_usd, fraccion, vence, source, import_id, "
            "saldo_inicial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'interfaz', ?, 1)",
            inserts,
        )
    return len(inserts)


# The partidas of a client's inventory: temporary imports, one copy per pedimento (Data Stage
# first), the latest of a rectification chain; `{parts}` narrows them by part number.
INVENTORY_PARTIDAS = """
SELECT p.numero, x.secuencia, p.clave, coalesce(p.fecha_entrada, p.fecha_pago),
       x.numero_parte, x.cantidad_umc, x.umc, x.valor_usd, x.fraccion, x.pais, x.vence_alerta,
       x.pedimento_id, x.descripcion, p.source
FROM partidas x JOIN pedimentos p ON p.id = x.pedimento_id
WHERE p.client_id = :client AND x.categoria IS NOT NULL AND ({parts})
  AND (p.source = 'datastage' OR NOT EXISTS (SELECT 1 FROM pedimentos d
       WHERE d.numero = p.numero AND d.source = 'datastage'))
  AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
"""
# A part number of 551 (or captured) that is a material, or none there but 558 observaciones.
_CANDIDATES = (
    "x.numero_parte IN (SELECT numero_parte FROM materiales WHERE client_id = :client) OR "
    "(x.numero_parte = '' AND EXISTS (SELECT 1 FROM ds_observaciones_partida o "
    "WHERE o.pedimento_id = x.pedimento_id AND o.secuencia = x.secuencia))"
)


def observed_parts(db: Database, client_id: int) -> dict[tuple[int, int], str]:
    """(pedimento id, partida) -> the part number its 558 observaciones give by the client's
    pattern (pedimentos/partnumbers.py), for the partidas without one in 551."""
    rfc = db.execute("SELECT rfc FROM clients WHERE id = ?", [client_id]).fetchone()[0]
    pattern = partnumbers.compile_pattern(pedimento_rules.part_pattern(db, rfc))
    return partnumbers.from_observaciones(db, client_id, pattern)


def sync_from_pedimentos(db: Database, client_id: int) -> int:
    """The one seam from pedimentos to the Anexo 24 entries: add as entries the temporary-import
    partidas (INVENTORY_PARTIDAS) whose part number is one of the client's materiales: from
    551 (or the capture), else from 558 observaciones (observed_parts). Runs as the
    pedimentos store's `on_stored` listener, after a materiales import and at the start of a
    discharge run. Returns how many were added; call inside a write transaction."""
    rows = db.execute(INVENTORY_PARTIDAS.format(parts=_CANDIDATES), {"client": client_id})
    observed = observed_parts(db, client_id)
    known = {
        r[0]
        for r in db.execute("SELECT numero_parte FROM materiales WHERE client_id = ?", [client_id])
    }
    entries = []
    for r in rows:
        part = r[4] or observed.get((r[11], r[1]))
        quantity = _lot_quantity(r[5])
        if part in known and quantity:
            entries.append((client_id, *r[:4], part, quantity, *r[6:11]))
    with balances.adding_lots(db, client_id):
        return db.conn.executemany(
            "INSERT OR IGNORE INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
            "numero_parte, cantidad_micro, umc, valor_usd, fraccion, pais_origen, vence, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pedimento')",
            entries,
        ).rowcount


def _lot_quantity(text: str) -> int | None:
    """A partida's quantity in millionths, None when it makes no lot: a Data Stage delivery
    may carry a zero or a negative one (the importer keeps the ANAM's sign); the cross-check
    shows such a partida against the Anexo 24."""
    if text.startswith("-"):
        return None
    return to_micro(text, allow_zero=True) or None


pedimento_store.on_stored(sync_from_pedimentos)
