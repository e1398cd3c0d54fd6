"""Pedimentos: the whole-document checks (cross-field rules, restricted goods, totals and
numbering) that a pedimento passes before it is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from brokertui.core import catalogs
from brokertui.core.errors import Location
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import restricted
from brokertui.core.pedimentos.model import Identificador, Partida, Pedimento, where
from brokertui.core.quantities import parse_decimal


@dataclass(frozen=True)
class Problem:
    """A finding on a pedimento: `error` blocks saving, `warning` asks for confirmation,
    `info` is shown only (e.g. a sensitive good and its guarantee)."""

    field: str | Location  # a header field, or where() for a field of a block row
    message: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def is_temporary_entry(clave: str, tipo_operacion: str) -> bool:
    """A temporary import into the IMMEX inventory (clave effect 'entrada', formats.md §3.1)."""
    effect = catalogs.load("claves").extra.get(clave, {}).get("efecto", "")
    return tipo_operacion == "1" and effect in ("entrada", "entrada_activo")


# A fecha de pago after today: refused at save (review) and named when the field is left.
FUTURE_PAYMENT = "no puede ser posterior a hoy"


def review(ped: Pedimento, rules: dict[str, bool], today: date) -> list[Problem]:
    """Every cross-field check and restricted-goods rule on a parsed pedimento."""
    head = ped.encabezado
    problems: list[Problem] = []
    add = problems.append
    clave = catalogs.load("claves").extra[head.clave]
    if clave["tipo_operacion"] in ("1", "2") and clave["tipo_operacion"] != head.tipo_operacion:
        kind = "importación (1)" if clave["tipo_operacion"] == "1" else "exportación (2)"
        add(Problem("tipo_operacion", f"la clave {head.clave} es de {kind}"))
    if head.clave in ("IN", "AF") and head.regimen != "ITE":
        add(Problem("regimen", f"la clave {head.clave} es del régimen ITE (temporal IMMEX)"))
    if head.fecha_pago > today:
        add(Problem("fecha_pago", FUTURE_PAYMENT))
    numero = pedimento_numero.parse(head.numero, today=today)
    for warning in numero.warnings:
        add(Problem("numero", warning, "warning"))
    if numero.year != head.fecha_pago.year:
        add(Problem("numero", f"el año {numero.year} no es el de la fecha de pago", "warning"))
    if head.rectifica == head.numero:
        add(Problem("rectifica", "un pedimento no puede rectificarse a sí mismo"))
    if not ped.partidas:
        add(Problem("partidas", "un pedimento lleva al menos una partida"))
    for expected, partida in enumerate(ped.partidas, start=1):
        if partida.secuencia != expected:
            add(Problem(where("partidas", expected, "secuencia"), f"debe ser {expected}"))
    _review_partidas(ped, rules, head.fecha_pago, problems)
    _review_totals(ped, problems)
    sequences = {p.secuencia for p in ped.partidas}
    for index, ident in enumerate(ped.identificadores, start=1):
        level = catalogs.load("identificadores").extra[ident.clave]["nivel"]
        if level == "P" and ident.secuencia not in sequences:
            add(
                Problem(
                    where("identificadores", index, "secuencia"),
                    f"{ident.clave} es de partida: indique una partida del pedimento",
                )
            )
        if level == "G" and ident.secuencia is not None:
            add(
                Problem(
                    where("identificadores", index, "secuencia"),
                    f"{ident.clave} es del pedimento: deje la partida vacía",
                )
            )
    return problems


def _review_partidas(ped: Pedimento, rules: dict, paid: date, problems: list[Problem]) -> None:
    head = ped.encabezado
    temporary = is_temporary_entry(head.clave, head.tipo_operacion)
    gi = {i.secuencia: i for i in ped.identificadores if i.clave == "GI"}
    spec = restricted.config()["rules"]
    for p in ped.partidas:
        at = where("partidas", p.secuencia, "fraccion")
        if p.tasa == "TP" and not p.tratado:
            problems.append(
                Problem(
                    where("partidas", p.secuencia, "tratado"),
                    "la tasa preferencial necesita su tratado",
                )
            )
        if p.tratado and p.tasa != "TP":
            problems.append(
                Problem(
                    where("partidas", p.secuencia, "tasa"),
                    "un tratado sólo aplica con tasa preferencial (TP)",
                )
            )
        if not temporary:
            continue
        if rules["petroliferos"] and restricted.matches("petroliferos", p.fraccion, paid):
            problems.append(
                Problem(
                    at,
                    "petrolífero: no se admite en importación temporal "
                    f"IMMEX ({spec['petroliferos']['cite']})",
                )
            )
        if rules["textiles"] and restricted.matches("textiles", p.fraccion, paid):
            problems.append(
                Problem(
                    at,
                    "textil de los capítulos 61-63: Anexo I IMMEX, "
                    "verifique la excepción autorizada",
                    "warning",
                )
            )
        if rules["sensibles"]:
            _review_sensitive(p, gi.get(p.secuencia), rules["garantia"], problems)


def _review_sensitive(
    p: Partida, gi: Identificador | None, guarantee_on: bool, problems: list[Problem]
) -> None:
    found = restricted.sensitive(p.fraccion)
    if found is None:
        return
    at = where("partidas", p.secuencia, "fraccion")
    amount = found.guarantee(Decimal(p.cantidad_umt))
    how = " (por subpartida; fracción TIGIE anterior a 2020)" if found.by_subheading else ""
    text = f"sensible Anexo II sector {found.sector} ({found.sector_name}){how}"
    if amount is not None:
        text += f"; garantía USD {amount:,} = {found.usd_por_unidad} × {p.cantidad_umt}"
    problems.append(Problem(at, text, "info"))
    if found.umt and found.umt != p.umt:
        unit = catalogs.load("unidades").entries[found.umt]
        problems.append(
            Problem(
                where("partidas", p.secuencia, "umt"),
                f"el Anexo 3.3.3 fija el monto por {unit}",
                "warning",
            )
        )
    if not guarantee_on:
        return
    if gi is None or not gi.complemento1:
        problems.append(
            Problem(
                at,
                "la regla de garantía del cliente exige el identificador GI "
                "con folio y monto en esta partida",
            )
        )
    elif amount is not None and gi.complemento2 and _number(gi.complemento2) != amount:
        problems.append(
            Problem(
                at,
                f"el monto GI {gi.complemento2} difiere de la garantía calculada {amount}",
                "warning",
            )
        )


def _review_totals(ped: Pedimento, problems: list[Problem]) -> None:
    if not ped.facturas or not ped.partidas:
        return
    facturas = sum((Decimal(f.valor_usd) for f in ped.facturas), Decimal(0))
    partidas = sum((Decimal(p.valor_usd) for p in ped.partidas), Decimal(0))
    if abs(facturas - partidas) > 1:
        problems.append(
            Problem(
                "facturas", f"suman USD {facturas:,} y las partidas USD {partidas:,}", "warning"
            )
        )


def _number(text: str) -> Decimal | None:
    """`text` as a number (quantities.parse_decimal), or None when it is not one."""
    try:
        return parse_decimal(text)
    except ValueError:
        return None


def totals(ped_partidas: list[dict]) -> dict[str, Decimal]:
    """Live totals of the partidas grid (values that do not parse count as zero)."""
    result = {"valor_usd": Decimal(0), "valor_aduana": Decimal(0), "partidas": Decimal(0)}
    for row in ped_partidas:
        if not any(str(v).strip() for k, v in row.items() if k != "secuencia"):
            continue
        result["partidas"] += 1
        for name in ("valor_usd", "valor_aduana"):
            result[name] += _number(row.get(name) or "0") or 0
    return result
