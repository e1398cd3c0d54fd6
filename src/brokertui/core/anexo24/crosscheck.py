"""The Anexo 24 entradas against Data Stage 551, per pedimento and partida: the cross-check a
client's inventory must pass (issue 13, item 6).

One side is the client's Anexo 24 lots (`entradas`, from the ERP interface or from pedimentos;
ajustes left out), summed per pedimento and partida: a partida split over several part numbers
is one line. The other is the 551 partidas of the client's Data Stage temporary imports
(`formats.md` §1.5, 551), the latest of each rectification chain (§1.8). Fixed assets (claves
AF, E2, E4) are on both sides like insumos: they are temporary imports too (rules.md §2.1: LA
art. 108 fr. III; formats.md §3.1) whose pedimento the Anexo 24 records in its módulo de activo
fijo (anexo24-rgce-2024.txt, Apartado A, fracción II, "Módulo de Activo Fijo"), so the same
quantities must be on both. A difference is one
row: a pedimento or a partida on one side only, or a field that differs: fracción, UMC,
cantidad UMC, cantidad UMT (the entries' UMC quantity times the material's factor_umt, rounded
to the decimals Data Stage writes, at least 3) and valor USD (beyond the client's tolerance,
`tolerance`). Quantities compare exactly, as decimals.

`compare` is pure (the tests' reference model drives it); `differences` reads both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import export, formatting, settings
from brokertui.core.anexo24 import entries
from brokertui.core.anexo24.interfaces import loaded
from brokertui.core.db import snapshot
from brokertui.core.errors import InvalidInput
from brokertui.core.quantities import SCALE, parse_decimal
from brokertui.core.registry import clients

KINDS = {
    "solo_anexo24": "pedimento en el Anexo 24, no en Data Stage",
    "solo_datastage": "pedimento en Data Stage, no en el Anexo 24",
    "partida_solo_anexo24": "partida sólo en el Anexo 24",
    "partida_solo_datastage": "partida sólo en Data Stage",
    "partida": "partida distinta",
}
FIELDS = ("fraccion", "umc", "cantidad_umc", "cantidad_umt", "valor_usd")
COLUMNS = ["numero", "tipo", "partida", "campo", "anexo24", "datastage"]

# The tolerance on valor USD: a client's own setting, else the office's, else this default
# (a dollar: the ERP converts and rounds each line, Data Stage the partida).
TOLERANCE_KEY = "cruce.tolerancia_valor_usd"
DEFAULT_TOLERANCE = Decimal("1.00")
UMT_MIN_PLACES = 3


@dataclass(frozen=True)
class Line:
    """One side's partida. `fracciones` is a set (entries of one partida may disagree);
    `cantidad_umt` or `valor_usd` None means unknown (not compared)."""

    fracciones: frozenset[str]
    umc: frozenset[str]
    cantidad_umc: Decimal
    cantidad_umt: Decimal | None
    valor_usd: Decimal | None


@dataclass(frozen=True)
class Difference:
    numero: str
    tipo: str
    partida: int | None = None
    campo: str | None = None
    anexo24: str | None = None
    datastage: str | None = None

    def as_dict(self) -> dict:
        return {
            "numero": self.numero,
            "tipo": self.tipo,
            "partida": self.partida,
            "campo": self.campo,
            "anexo24": self.anexo24,
            "datastage": self.datastage,
            "descripcion": KINDS[self.tipo],
        }


Side = dict[str, dict[int, Line]]  # pedimento number -> partida -> line


def compare(anexo24: Side, datastage: Side, tolerance: Decimal) -> list[Difference]:
    """Every difference between the two sides, by number, then partida, then field."""
    out: list[Difference] = []
    for numero in sorted(anexo24.keys() | datastage.keys()):
        mine, theirs = anexo24.get(numero), datastage.get(numero)
        if theirs is None:
            out.append(Difference(numero, "solo_anexo24"))
            continue
        if mine is None:
            out.append(Difference(numero, "solo_datastage"))
            continue
        for partida in sorted(mine.keys() | theirs.keys()):
            a, d = mine.get(partida), theirs.get(partida)
            if d is None:
                out.append(Difference(numero, "partida_solo_anexo24", partida))
            elif a is None:
                out.append(Difference(numero, "partida_solo_datastage", partida))
            else:
                out += [
                    Difference(numero, "partida", partida, field, left, right)
                    for field, left, right in _fields(a, d, tolerance)
                ]
    return out


def _fields(a: Line, d: Line, tolerance: Decimal) -> Iterable[tuple[str, str, str]]:
    if a.fracciones != d.fracciones:
        yield "fraccion", _joined(a.fracciones), _joined(d.fracciones)
    if a.umc != d.umc:
        yield "umc", _joined(a.umc), _joined(d.umc)
    elif a.cantidad_umc != d.cantidad_umc:  # comparable only in the same unit
        yield "cantidad_umc", number_text(a.cantidad_umc), number_text(d.cantidad_umc)
    if a.cantidad_umt is not None and d.cantidad_umt is not None:
        places = max(UMT_MIN_PLACES, -int(d.cantidad_umt.as_tuple().exponent))
        step = Decimal(1).scaleb(-places)
        if a.cantidad_umt.quantize(step, ROUND_HALF_UP) != d.cantidad_umt.quantize(step):
            yield "cantidad_umt", number_text(a.cantidad_umt), number_text(d.cantidad_umt)
    usd, usd_ds = a.valor_usd, d.valor_usd
    if usd is not None and usd_ds is not None and abs(usd - usd_ds) > tolerance:
        yield "valor_usd", number_text(usd), number_text(usd_ds)


def _joined(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


def number_text(number: Decimal) -> str:
    """A number without trailing zeros ('12', '4.8'), never in exponent form."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- the tolerance ----------------------------------------------------------------------------


def tolerance(db: Database, rfc: str | None = None) -> Decimal:
    """The valor USD tolerance of the client (its own setting, else the office's, else
    DEFAULT_TOLERANCE)."""
    for key in ([f"{TOLERANCE_KEY}.{rfc.strip().upper()}"] if rfc else []) + [TOLERANCE_KEY]:
        value = settings.get(db, key)
        if value is not None:
            return Decimal(value)
    return DEFAULT_TOLERANCE


def set_tolerance(db: Database, value: str, rfc: str | None = None) -> Decimal:
    """Set the tolerance of one client (`rfc`) or of the office; a number ≥ 0 in USD."""
    try:
        amount = parse_decimal(value, places=2)
    except ValueError as exc:
        raise InvalidInput("tolerancia", f"{exc} (dólares, hasta 2 decimales)") from None
    if amount < 0:
        raise InvalidInput("tolerancia", "no puede ser negativa")
    key = TOLERANCE_KEY
    if rfc:
        key += "." + clients.get_client(db, rfc).rfc
    settings.put(db, key, format(amount, "f"))
    return amount


# -- reading both sides -----------------------------------------------------------------------

# Every partida of a temporary import: categoria insumo, contenedor or activo_fijo (the Anexo 24
# side keeps fixed-asset lots too: module docstring).
_DATASTAGE = """
SELECT p.numero, p.fecha_pago, x.secuencia, x.fraccion, x.umc, x.cantidad_umc, x.cantidad_umt,
       x.valor_usd
FROM partidas x JOIN pedimentos p ON p.id = x.pedimento_id
WHERE p.client_id = ? AND p.source = 'datastage' AND x.categoria IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pedimentos r WHERE r.rectifica = p.numero)
"""
_ANEXO24 = f"""
SELECT e.pedimento, e.fecha_entrada, e.partida, coalesce(nullif(e.fraccion, ''), m.fraccion),
       e.umc, e.cantidad_micro, m.factor_umt, e.valor_usd
FROM entradas e LEFT JOIN materiales m
  ON m.client_id = e.client_id AND m.numero_parte = e.numero_parte
WHERE e.client_id = ? AND e.source IN ('interfaz', 'pedimento') AND {loaded("e")}
"""


def decimal_or_none(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _datastage(db: Database, client_id: int) -> tuple[Side, dict[str, str]]:
    side: Side = {}
    dates: dict[str, str] = {}
    for numero, paid, sec, fraccion, umc, qty, umt_qty, usd in db.execute(_DATASTAGE, [client_id]):
        dates[numero] = paid
        side.setdefault(numero, {})[sec] = Line(
            frozenset([fraccion]),
            frozenset([umc]),
            decimal_or_none(qty) or Decimal(0),
            decimal_or_none(umt_qty),
            decimal_or_none(usd),
        )
    return side, dates


def _anexo24(db: Database, client_id: int) -> tuple[Side, dict[str, str]]:
    """The lots summed per pedimento and partida; a partida's UMT or value is unknown as soon
    as one of its lots lacks it."""
    sums: dict[tuple[str, int], dict] = {}
    dates: dict[str, str] = {}
    for numero, entered, partida, fraccion, umc, micro, factor, usd in db.execute(
        _ANEXO24, [client_id]
    ):
        dates[numero] = min(dates.get(numero, entered), entered)
        acc = sums.setdefault(
            (numero, partida),
            {"fr": set(), "umc": set(), "qty": Decimal(0), "umt": Decimal(0), "usd": Decimal(0)},
        )
        qty = Decimal(micro) / SCALE
        acc["fr"].add(fraccion or "")
        acc["umc"].add(umc)
        acc["qty"] += qty
        factor_value, usd_value = decimal_or_none(factor), decimal_or_none(usd)
        acc["umt"] = (
            None
            if acc["umt"] is None or factor_value is None
            else (acc["umt"] + qty * factor_value)
        )
        acc["usd"] = None if acc["usd"] is None or usd_value is None else acc["usd"] + usd_value
    side: Side = {}
    for (numero, partida), acc in sums.items():
        side.setdefault(numero, {})[partida] = Line(
            frozenset(acc["fr"]), frozenset(acc["umc"]), acc["qty"], acc["umt"], acc["usd"]
        )
    return side, dates


def _in_period(side: Side, dates: dict[str, str], desde: str, hasta: str) -> Side:
    return {n: lines for n, lines in side.items() if desde <= dates[n] <= hasta}


def differences(
    db: Database, rfc: str, *, desde: date | None = None, hasta: date | None = None
) -> list[Difference]:
    """The client's differences. A pedimento is in the period by its Data Stage payment date,
    or (when Data Stage lacks it) by its earliest entry date; its partidas on both sides are
    compared whole."""
    client = clients.get_client(db, rfc)
    low = (desde or date(1900, 1, 1)).isoformat()
    high = (hasta or date(9999, 12, 31)).isoformat()
    with snapshot(db):
        ds, paid = _datastage(db, client.id)
        a24, entered = _anexo24(db, client.id)
        limit = tolerance(db, client.rfc)
    dates = entered | paid  # the payment date wins
    ds, a24 = _in_period(ds, dates, low, high), _in_period(a24, dates, low, high)
    return compare(a24, ds, limit)


def summary(found: list[Difference]) -> dict[str, int]:
    counts = {kind: 0 for kind in KINDS}
    for difference in found:
        counts[difference.tipo] += 1
    return {"diferencias": len(found), **counts}


# -- part numbers the catalogs do not know (issue 13, item 5) ---------------------------------

PART_COLUMNS = ["numero", "partida", "fraccion", "numero_parte", "origen", "motivo", "descripcion"]


def unknown_parts(db: Database, rfc: str) -> tuple[list[dict], dict[str, int]]:
    """The client's inventory partidas (entries.INVENTORY_PARTIDAS, fixed assets aside) whose
    part number, from 551
    (or the capture) or from 558 observaciones, is not one of its materiales: they become no
    entry, so they are listed here rather than dropped. Also the counts of partidas by where
    their part number came from ('551', '558', 'captura', or 'ninguno': the ERP gives it)."""
    client = clients.get_client(db, rfc)
    with snapshot(db):
        # fixed assets are the activo fijo catalog's (Apartado A, 4. Módulo de activo fijo)
        sql = entries.INVENTORY_PARTIDAS.format(parts="x.categoria <> 'activo_fijo'")
        rows = db.execute(sql, {"client": client.id}).fetchall()
        observed = entries.observed_parts(db, client.id)
        catalogs = dict(
            db.execute(
                "SELECT numero_parte, 'materiales' FROM materiales WHERE client_id = ? UNION ALL "
                "SELECT numero_parte, 'productos' FROM productos WHERE client_id = ? AND "
                "numero_parte NOT IN (SELECT numero_parte FROM materiales WHERE client_id = ?)",
                [client.id] * 3,
            ).fetchall()
        )
    counts = {"551": 0, "558": 0, "captura": 0, "ninguno": 0, "desconocidos": 0}
    listed = []
    for r in rows:
        part, origin = r[4], ("551" if r[13] == "datastage" else "captura")
        if not part and (part := observed.get((r[11], r[1]), "")):
            origin = "558"
        counts[origin if part else "ninguno"] += 1
        if part and catalogs.get(part) != "materiales":
            counts["desconocidos"] += 1
            motivo = (
                "es un producto, no un material" if part in catalogs else "no está en materiales"
            )
            listed.append(
                {
                    "numero": r[0],
                    "partida": r[1],
                    "fraccion": r[8],
                    "numero_parte": part,
                    "origen": origin,
                    "motivo": motivo,
                    "descripcion": r[12],
                }
            )
    listed.sort(key=lambda row: (row["numero"], row["partida"]))
    return listed, counts


# -- output -----------------------------------------------------------------------------------

FIELD_ES = {
    "fraccion": "fracción",
    "umc": "UMC",
    "cantidad_umc": "cantidad UMC",
    "cantidad_umt": "cantidad UMT",
    "valor_usd": "valor USD",
}


def heading(
    db: Database, rfc: str, desde: date | None = None, hasta: date | None = None
) -> list[tuple[str, str]]:
    """The lines that head an export: who, what, which period, which tolerance."""
    client = clients.get_client(db, rfc)
    title = "Cruce de entradas Anexo 24 contra Data Stage 551"
    when = formatting.period(desde, hasta)
    return [
        *formatting.heading(client.razon_social, client.rfc, title, when),
        ("Tolerancia valor USD", formatting.quantity(tolerance(db, client.rfc))),
    ]


def write_xlsx(
    db: Database,
    rfc: str,
    path: Path | str,
    *,
    desde: date | None = None,
    hasta: date | None = None,
    like: Path | str | None = None,
) -> int:
    """The differences as a workbook (export.write_xlsx: inert cells); how many rows."""
    rows = [d.as_dict() for d in differences(db, rfc, desde=desde, hasta=hasta)]
    return export.write_xlsx(
        path,
        sheet="cruce_entradas",
        heading=heading(db, rfc, desde, hasta),
        columns=[*COLUMNS, "descripcion"],
        rows=rows,
        like=like,
    )
