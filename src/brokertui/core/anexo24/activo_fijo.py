"""The Anexo 24 módulo de activo fijo, owner of table activo_fijo_movimientos.

A fixed asset is an entry (entradas lot) whose pedimento clave has the effect `entrada_activo`
(entries.fixed_asset: AF, E2, E4). Anexo 24 (anexo24-rgce-2024.txt) asks for the customs
information of "las importaciones, exportaciones, retornos, transferencias, donaciones,
destrucciones y cambios de régimen de los activos fijos" (Apartado A, fracción II, "Módulo de
Activo Fijo"; Apartado B, módulo de aduanas, "Módulo de activo fijo") and their descargo "al
momento de su retorno, transferencia, cambio de régimen o donación" (Apartado B, módulo de
proceso de descargos, numeral 4). Each such movement here discharges part or all of the asset,
never more than its balance; a destrucción discharges it too (the goods no longer exist). A
cambio de domicilio moves the asset to another registered plant or bodega of the client: it
keeps its pedimento and discharges nothing.

Permanence (rules.md §2.1): fixed assets imported under IMMEX may stay "while the IMMEX program
is valid" (Ley Aduanera art. 108 fr. III; Decreto IMMEX art. 4 fr. III), so they have no dated
term while the program is vigente. Once it ends they must be returned or changed to a
definitive import within 60 calendar days (Decreto IMMEX art. 28, rules.md §2.4): `permanence`
gives that limit, and `expiring` the assets the dashboard counts down to it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Annotated

from pydantic import AfterValidator
from sqlite_utils import Database

from brokertui.core import dates, limits
from brokertui.core.anexo24 import exit_kinds, interfaces, preview
from brokertui.core.anexo24.entries import fixed_asset, fixed_asset_claves
from brokertui.core.db import now, os_user, write
from brokertui.core.errors import InvalidInput, NotFound
from brokertui.core.models import PlainText, Record, build
from brokertui.core.quantities import to_micro, to_text
from brokertui.core.registry import clients, deadlines, programs

# Stored kind -> as the user reads it (and may type it).
TIPOS = {
    "retorno": "retorno",
    "transferencia": "transferencia",
    "cambio_regimen": "cambio de régimen",
    "donacion": "donación",
    "destruccion": "destrucción",
    "cambio_domicilio": "cambio de domicilio",
}
MOVE = "cambio_domicilio"  # the one kind that discharges nothing
BY_PEDIMENTO = ("retorno", "transferencia", "cambio_regimen")  # documento: the exit's pedimento
DOCUMENTO = {  # what the documento of each discharging kind is
    "retorno": "el pedimento del retorno",
    "transferencia": "el pedimento de la transferencia",
    "cambio_regimen": "el pedimento del cambio de régimen",
    "donacion": "el acuse o contrato de la donación",
    "destruccion": "el acta de la destrucción",
}
# What identifies the goods a movement concerns (Apartado A, fracción II, "Módulo de Activo
# Fijo", numeral 1: "una descripción de la mercancía que incluya la marca y modelo, en el caso
# de maquinaria y equipo"; refacciones, herramientas, instrumentos y moldes need none), all
# optional: the número de serie tells which of a partida's machines it is.
IDENTIFICATION = ("serie", "marca", "modelo")
COLUMNS = (
    "fecha",
    "tipo",
    "pedimento",
    "partida",
    "numero_parte",
    "cantidad",
    "documento",
    "domicilio",
    "motivo",
    *IDENTIFICATION,
)
HEADERS = ("fecha", "tipo", "pedimento", "partida")  # a file must have these
CANCELLATION_DAYS = 60  # Decreto IMMEX art. 28 (rules.md §2.4)


def _plain(value: str) -> str:
    """Lower case without accents, '_' as a space: 'Cambio de Régimen' -> 'cambio de regimen'."""
    decomposed = unicodedata.normalize("NFD", value.strip().lower().replace("_", " "))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SPELLINGS = {_plain(v): k for k, v in TIPOS.items()} | {_plain(k): k for k in TIPOS}


def tipo(value: str) -> str:
    """The stored kind of a typed one ('cambio de régimen', 'cambio_regimen', 'Donacion')."""
    found = _SPELLINGS.get(_plain(value))
    if found is None:
        names = list(TIPOS.values())
        raise ValueError(f"debe ser {', '.join(names[:-1])} o {names[-1]}")
    return found


def _text_of(check: Callable[[str], object]) -> AfterValidator:
    return AfterValidator(lambda v: str(check(v)))


class MovimientoData(Record):
    """One movement of a fixed asset as typed (form, CLI or a row of a file)."""

    fecha: Annotated[str, _text_of(interfaces.event_date)]
    tipo: Annotated[str, _text_of(tipo)]
    pedimento: Annotated[str, _text_of(interfaces.pedimento_number)]
    partida: Annotated[str, _text_of(interfaces.partida_number)]
    numero_parte: str = ""
    cantidad: str = ""
    documento: str = ""
    domicilio: str = ""
    motivo: str = ""
    serie: PlainText = ""
    marca: PlainText = ""
    modelo: PlainText = ""


@dataclass(frozen=True)
class Asset:
    """A fixed asset: its entry and, as of a date, what its movements left of it and where."""

    entrada_id: int
    pedimento: str
    partida: int
    clave: str
    numero_parte: str
    fraccion: str
    fecha_entrada: str
    cantidad_micro: int
    descargado_micro: int  # discharged by movements up to the date
    descargado_total_micro: int  # by every movement recorded, whatever its date
    domicilio: str  # the plant of its last cambio de domicilio ('' before any)
    ultimo: str  # its last movement, as the user reads it ('importación' before any)
    # What identifies the goods (Apartado A fr. II, Módulo de Activo Fijo, numeral 1): each
    # the latest a movement up to the date gave ('' when none did; the entry has none)
    serie: str
    marca: str
    modelo: str

    @property
    def saldo_micro(self) -> int:
        return self.cantidad_micro - self.descargado_micro


def add_movement(db: Database, rfc: str, values: dict) -> None:
    """Record one movement (the form, the CLI); a bad value raises InvalidInput naming its
    field."""
    client = clients.get_client(db, rfc)
    with write(db, "activo_fijo.movimiento", "client", client.rfc, dict(values)):
        _record(db, client.id, _checked(db, client.id, values))


def add_movements(db: Database, rfc: str, rows: Iterable[tuple[int, dict]], name: str) -> int:
    """Record movements of the client's fixed assets from a file, all or nothing: each row is
    checked against the assets as the rows before it left them (several rows may discharge
    one asset, never beyond its balance), in one transaction rolled back when any is bad.
    Returns how many were recorded."""
    client = clients.get_client(db, rfc)
    errors = limits.ErrorList()
    detail: dict[str, object] = {"file": name}
    count = 0
    with write(db, "activo_fijo.movimientos", "client", client.rfc, detail):
        for values in preview.good_rows(rows, partial(_row_check, db, client.id), errors):
            _record(db, client.id, values)
            count += 1
        interfaces.refuse_unless_recorded(name, errors, count, COLUMNS)
        detail["rows"] = count
    return count


def _row_check(db: Database, client_id: int, raw: dict, number: int) -> tuple[dict, list]:
    """A row of a file checked (preview.RowCheck): its values, or the field and rule refused."""
    try:
        return _checked(db, client_id, raw), []
    except InvalidInput as exc:
        return {}, [(exc.field, exc.message)]


def _checked(db: Database, client_id: int, raw: dict) -> dict:
    """One movement's values, with its asset's entrada_id; InvalidInput names the field a
    rule refuses."""
    v = build(MovimientoData, {k: str(raw.get(k) or "") for k in COLUMNS}).model_dump()
    asset = _asset_of(db, client_id, v)
    if v["fecha"] < asset.fecha_entrada:
        raise InvalidInput(
            "fecha", f"es anterior a la importación del activo fijo ({asset.fecha_entrada})"
        )
    if v["tipo"] == MOVE:
        return v | _checked_move(db, client_id, asset, v) | {"entrada_id": asset.entrada_id}
    return v | _checked_discharge(asset, v) | {"entrada_id": asset.entrada_id}


def _asset_of(db: Database, client_id: int, v: dict) -> Asset:
    """The fixed asset a movement names by pedimento, partida (and número de parte when the
    partida holds more than one), with every movement recorded."""
    found = assets(db, client_id, date.max, pedimento=v["pedimento"])
    found = [a for a in found if a.partida == int(v["partida"])]
    if v["numero_parte"]:
        found = [a for a in found if a.numero_parte == v["numero_parte"]]
    if not found:
        claves = ", ".join(fixed_asset_claves())
        raise InvalidInput(
            "pedimento",
            f"no hay un activo fijo (entrada con clave {claves}) con ese pedimento"
            + (", partida y número de parte" if v["numero_parte"] else " y partida"),
        )
    if len(found) > 1:
        parts = ", ".join(limits.clip(a.numero_parte) for a in found)
        raise InvalidInput(
            "numero_parte", f"la partida tiene varios activos fijos ({parts}): indique cuál"
        )
    return found[0]


def _checked_move(db: Database, client_id: int, asset: Asset, v: dict) -> dict:
    """A cambio de domicilio: to a plant or bodega of the client in force, of an asset with a
    balance on that date; it discharges nothing, so it has no quantity."""
    if v["cantidad"]:
        raise InvalidInput(
            "cantidad",
            "un cambio de domicilio mueve el activo entero y no lo descarga: déjela vacía",
        )
    if not v["domicilio"]:
        raise InvalidInput("domicilio", "es obligatorio: la planta o bodega a la que se mueve")
    site = db.execute(
        "SELECT id, nombre FROM sites WHERE client_id = ? AND baja_date IS NULL "
        "AND lower(nombre) = lower(?) ORDER BY id LIMIT 1",
        [client_id, v["domicilio"]],
    ).fetchone()
    if site is None:
        raise InvalidInput(
            "domicilio",
            f"«{limits.clip(v['domicilio'])}» no es una planta o bodega vigente del cliente "
            "(regístrela en su ficha, F3)",
        )
    on = date.fromisoformat(v["fecha"])
    asset = next(a for a in assets(db, client_id, on) if a.entrada_id == asset.entrada_id)
    if site[1] == asset.domicilio:
        raise InvalidInput("domicilio", f"el activo fijo ya está en {site[1]}")
    if asset.saldo_micro <= 0:
        raise InvalidInput("cantidad", "el activo fijo ya no tiene saldo en esa fecha: no se mueve")
    return {"cantidad_micro": None, "site_id": site[0]}


def _checked_discharge(asset: Asset, v: dict) -> dict:
    """A retorno, transferencia, cambio de régimen, donación or destrucción: a quantity (exact,
    6 decimals) within what the asset has left after every discharge already recorded, and the
    document that proves it."""
    label = TIPOS[v["tipo"]]
    if v["domicilio"]:
        raise InvalidInput("domicilio", f"sólo un cambio de domicilio lo lleva, no un(a) {label}")
    try:
        cantidad = to_micro(interfaces.decimal_text(v["cantidad"]))
    except ValueError as exc:
        raise InvalidInput("cantidad", str(exc)) from None
    left = asset.cantidad_micro - asset.descargado_total_micro
    if cantidad > left:
        raise InvalidInput(
            "cantidad",
            f"{to_text(cantidad)} excede el saldo del activo fijo ({to_text(left)}): un activo "
            "se descarga a lo más por lo que le queda",
        )
    if not v["documento"]:
        raise InvalidInput("documento", f"es obligatorio: {DOCUMENTO[v['tipo']]}")
    if v["tipo"] in BY_PEDIMENTO:
        try:
            v["documento"] = interfaces.pedimento_number(v["documento"])
        except ValueError as exc:
            raise InvalidInput("documento", f"{DOCUMENTO[v['tipo']]}: {exc}") from None
    return {"cantidad_micro": cantidad, "site_id": None, "documento": v["documento"]}


def _record(db: Database, client_id: int, v: dict) -> None:
    db.execute(
        "INSERT INTO activo_fijo_movimientos (client_id, entrada_id, fecha, tipo, "
        "cantidad_micro, documento, site_id, motivo, serie, marca, modelo, created_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            client_id,
            v["entrada_id"],
            v["fecha"],
            v["tipo"],
            v["cantidad_micro"],
            v["documento"],
            v["site_id"],
            v["motivo"],
            *(v[c] for c in IDENTIFICATION),
            now(),
            os_user(),
        ],
    )


# -- the salidas interface's exits of fixed assets ----------------------------------------------

# A salidas kind (exit_kinds) -> the movement that records it here.
BY_EXIT_KIND = {
    exit_kinds.RETORNO: "retorno",
    exit_kinds.TRANSFERENCIA: "transferencia",
    exit_kinds.CAMBIO_REGIMEN: "cambio_regimen",
    exit_kinds.DONACION: "donacion",
    exit_kinds.DESTRUCCION: "destruccion",
}


def discharge_exits(db: Database, client_id: int, import_id: int, name: str) -> None:
    """The descargo of the fixed assets' exits a salidas import brings (its rows marked
    activo_fijo; Apartado B, módulo de proceso de descargos, numeral 4: "al momento de su
    retorno, transferencia, cambio de régimen o donación"), in the import's last transaction:
    each exit, by date, takes from the part's fixed assets imported on or before it, oldest
    first (as the materials' PEPS, but from fixed assets only), what they have left after every
    movement (interfaces.cover_fixed_asset_exits, the rule the file's check and dry run apply);
    one movement per asset it takes from, tied to the exit (salida_id). An exit they cannot
    cover (the assets changed since the check) refuses the import: nothing is written."""
    exits = [
        (fecha, salida_id, part, cantidad, (salida_id, documento, fecha, part, kind))
        for salida_id, documento, fecha, part, cantidad, kind in db.execute(
            "SELECT id, documento, fecha, numero_parte, cantidad_micro, tipo_salida FROM salidas "
            "WHERE import_id = ? AND activo_fijo = 1",
            [import_id],
        )
    ]
    if not exits:
        return
    lots = interfaces.fixed_asset_lots(db, client_id)
    stamp, user = now(), os_user()
    for exit_, takes, wanted in interfaces.cover_fixed_asset_exits(lots, exits):
        salida_id, documento, fecha, part, kind = exit_
        for entrada_id, taken in takes:
            db.execute(
                "INSERT INTO activo_fijo_movimientos (client_id, entrada_id, fecha, tipo, "
                "cantidad_micro, documento, motivo, salida_id, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [client_id, entrada_id, fecha, BY_EXIT_KIND[kind], taken, documento,
                 "salida de la interfaz", salida_id, stamp, user],
            )  # fmt: skip
        if wanted:
            raise interfaces.InterfaceError(
                f"{name}: la salida {limits.clip(documento)} del {fecha} de activo fijo "
                f"{limits.clip(part)} excede en {to_text(wanted)} el saldo de los activos fijos "
                "importados hasta esa fecha; nada se importó"
            )


interfaces.COMPLETING.setdefault("salidas", []).append(discharge_exits)


# -- reading ----------------------------------------------------------------------------------


def _label(column: str) -> str:
    """SQL: the stored kind in `column` as the user reads it (TIPOS)."""
    return f"CASE {column} " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in TIPOS.items()) + " END"


def _latest(column: str) -> str:
    """SQL: the latest non-empty `column` of the asset's movements up to :on ('' when none)."""
    return (
        f"coalesce((SELECT m.{column} FROM activo_fijo_movimientos m WHERE m.entrada_id = e.id "
        f"AND m.fecha <= :on AND m.{column} <> '' ORDER BY m.fecha DESC, m.id DESC LIMIT 1), '')"
    )


_ASSETS = f"""
SELECT e.id, e.pedimento, e.partida, e.clave, e.numero_parte, e.fraccion, e.fecha_entrada,
       e.cantidad_micro,
       (SELECT coalesce(sum(m.cantidad_micro), 0) FROM activo_fijo_movimientos m
        WHERE m.entrada_id = e.id AND m.fecha <= :on) AS descargado,
       (SELECT coalesce(sum(m.cantidad_micro), 0) FROM activo_fijo_movimientos m
        WHERE m.entrada_id = e.id) AS descargado_total,
       coalesce((SELECT s.nombre FROM activo_fijo_movimientos m JOIN sites s ON s.id = m.site_id
        WHERE m.entrada_id = e.id AND m.fecha <= :on AND m.tipo = '{MOVE}'
        ORDER BY m.fecha DESC, m.id DESC LIMIT 1), '') AS domicilio,
       coalesce((SELECT {_label("m.tipo")} FROM activo_fijo_movimientos m
        WHERE m.entrada_id = e.id AND m.fecha <= :on
        ORDER BY m.fecha DESC, m.id DESC LIMIT 1), 'importación') AS ultimo,
       {_latest("serie")} AS serie, {_latest("marca")} AS marca, {_latest("modelo")} AS modelo
FROM entradas e
WHERE e.client_id = :client AND e.fecha_entrada <= :on AND {fixed_asset("e")}
  AND {interfaces.loaded("e")}
"""


def assets(
    db: Database,
    client_id: int,
    on: date,
    *,
    pedimento: str | None = None,
    with_balance: bool = False,
) -> list[Asset]:
    """The client's fixed assets imported up to `on`, as of `on` (of one `pedimento`; only
    those with a balance), by import date, pedimento and partida."""
    sql, params = _ASSETS, {"client": client_id, "on": on.isoformat()}
    if pedimento is not None:
        sql, params = sql + " AND e.pedimento = :pedimento", params | {"pedimento": pedimento}
    sql = f"SELECT * FROM ({sql})" + (" WHERE cantidad_micro > descargado" if with_balance else "")
    rows = db.execute(sql + " ORDER BY fecha_entrada, pedimento, partida, numero_parte", params)
    return [Asset(*row) for row in rows]


def discharged_until(value: bool) -> str:
    """SQL: (entrada_id, used) of what the movements dated up to :on discharged of each fixed
    asset of :client; by `value`, the same share of the asset's valor_micro (whole when the
    asset is all discharged, else rounded to the millionth of a dollar)."""
    used = "sum(m.cantidad_micro)"
    if value:
        used = (
            f"CASE WHEN {used} = e.cantidad_micro THEN e.valor_micro ELSE "
            f"CAST(round(e.valor_micro * 1.0 * {used} / e.cantidad_micro) AS INTEGER) END"
        )
    return (
        f"(SELECT m.entrada_id, {used} AS used FROM activo_fijo_movimientos m "
        "JOIN entradas e ON e.id = m.entrada_id WHERE m.client_id = :client "
        "AND m.fecha <= :on AND m.cantidad_micro IS NOT NULL GROUP BY m.entrada_id)"
    )


# The activo fijo report (reports.py): each asset's import and each of its movements, one row
# each named by its kind, with the asset's balance and domicilio right after it, for a period.
REPORT_SQL = f"""
SELECT * FROM (
  SELECT r.fecha, r.movimiento, r.pedimento, r.partida, r.numero_parte, r.cantidad,
         sum(r.delta) OVER (PARTITION BY r.eid ORDER BY r.fecha, r.mid) AS saldo,
         coalesce((SELECT s.nombre FROM activo_fijo_movimientos d JOIN sites s ON s.id = d.site_id
           WHERE d.entrada_id = r.eid AND d.tipo = '{MOVE}' AND (d.fecha, d.id) <= (r.fecha, r.mid)
           ORDER BY d.fecha DESC, d.id DESC LIMIT 1), '') AS domicilio,
         r.serie, r.marca, r.modelo, r.documento, r.motivo, r.eid, r.mid
  FROM (
    SELECT e.fecha_entrada AS fecha,
           iif(e.saldo_inicial, 'saldo inicial ', 'importación ') || e.clave AS movimiento,
           e.pedimento,
           e.partida, e.numero_parte, e.cantidad_micro AS cantidad, e.cantidad_micro AS delta,
           '' AS serie, '' AS marca, '' AS modelo, '' AS documento, '' AS motivo, e.id AS eid,
           0 AS mid
    FROM entradas e WHERE e.client_id = :client AND {fixed_asset("e")}
      AND {interfaces.loaded("e")}
    UNION ALL
    SELECT r.fecha, {_label("r.tipo")}, e.pedimento, e.partida, e.numero_parte, r.cantidad_micro,
           -coalesce(r.cantidad_micro, 0), r.serie, r.marca, r.modelo, r.documento, r.motivo,
           e.id, r.id
    FROM activo_fijo_movimientos r JOIN entradas e ON e.id = r.entrada_id
    WHERE r.client_id = :client
  ) r
) WHERE fecha BETWEEN :desde AND :hasta
"""
REPORT_ORDER = "fecha, mid, pedimento, partida, numero_parte"


# -- permanence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Permanence:
    """How long the client's fixed assets may stay: `limite` None while its IMMEX program is
    vigente (no dated term), else the last day to return them or change their regime."""

    limite: date | None
    nota: str


def permanence(db: Database, rfc: str, today: date) -> Permanence:
    """The permanence of the client's fixed assets on `today` (rules.md §2.1, §2.4): while its
    IMMEX program is vigente they may stay (Ley Aduanera art. 108 fr. III); a program cancelled
    (recorded so, or by the RAOCE rules for a report not filed) gives them 60 calendar days
    from its cancellation (Decreto IMMEX art. 28); a suspended one, those 60 days from the
    cancellation it faces if the report is not filed."""
    try:
        program = programs.find_program(db, rfc, "IMMEX")
    except NotFound:
        return Permanence(None, "sin programa IMMEX: el activo fijo no tiene plazo que lo ampare")
    name = program.number if program.number.startswith("IMMEX") else f"IMMEX {program.number}"
    if program.status == "cancelado":
        row = db.execute("SELECT updated_at FROM programs WHERE id = ?", [program.id]).fetchone()
        ended = dates.local(row[0]).date()  # the Mexican day it was recorded on (dates.py)
        return _after(ended, f"{name} cancelado (registrado el {ended})")
    for ob in deadlines.obligations(db, today.year, today, rfc=rfc):
        if ob.program != "IMMEX":
            continue
        if ob.status == "cancelled":
            return _after(
                ob.cancellation_date,
                f"{name} cancelado el {ob.cancellation_date} por no presentar "
                f"el RAOCE {ob.filing_year}",
            )
        if ob.status == "suspended":
            return _after(
                ob.cancellation_date,
                f"{name} suspendido: se cancela el {ob.cancellation_date} si no "
                f"presenta el RAOCE {ob.filing_year}",
            )
    return Permanence(None, f"mientras el {name} esté vigente (Ley Aduanera art. 108 fr. III)")


def _after(ended: date, why: str) -> Permanence:
    limite = ended + timedelta(days=CANCELLATION_DAYS)
    return Permanence(
        limite,
        f"{why}: retorne o cambie de régimen a más tardar el {limite} (Decreto IMMEX art. 28)",
    )


def expiring(db: Database, today: date, *, within: int = 90, rfc: str | None = None) -> list[dict]:
    """The fixed assets with a balance whose permanence limit is at most `within` days away
    (or past), of every client in force (or of `rfc`): what the dashboard counts down."""
    sql = (
        "SELECT DISTINCT c.rfc, c.razon_social, c.id FROM clients c JOIN entradas e "
        f"ON e.client_id = c.id WHERE c.baja_date IS NULL AND {fixed_asset('e')}"
    )
    params: list = []
    if rfc:
        sql, params = sql + " AND c.rfc = ?", [rfc.strip().upper()]
    found = []
    for client_rfc, razon_social, client_id in db.execute(sql, params).fetchall():
        term = permanence(db, client_rfc, today)
        if term.limite is None or (term.limite - today).days > within:
            continue
        for asset in assets(db, client_id, today, with_balance=True):
            found.append(
                {"rfc": client_rfc, "razon_social": razon_social, "asset": asset, "term": term}
            )
    return found
