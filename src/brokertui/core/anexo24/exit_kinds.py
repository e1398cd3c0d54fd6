"""The kinds of salida (exit) of the Anexo 24 salidas interface, and the columns each one has.

Anexo 24 (anexo24-rgce-2024.txt) names them: Apartado A, fracción II, inciso c) "Módulo de
información aduanera de salidas (retornos, donaciones, destrucciones, cambios de régimen, etc.)"
and Apartado B, módulo de aduanas, inciso b) (retornos, transferencias, donaciones, destrucciones
y cambios de régimen). Every kind is discharged by the same PEPS (the módulo de salidas' first
paragraphs); waste (tipo_bien D) "al momento de su donación, destrucción, transferencia, cambio de
régimen o retorno" (same inciso, third paragraph; Apartado B, módulo de proceso de descargos,
numeral 3); repair processes by their real consumption per month (same inciso, fourth paragraph).

The kind comes from the clave of the exit's pedimento (its `salida` in the claves catalog,
Apéndice 2: RT/H1/K1/D1 retorno, V1/V2/V5/V6 transferencia, V9 donación, F4/F5/A3 cambio de
régimen) or, for a clave that does not fix one (or none: a destruction is proven by its acta, a
month's repair consumption by no pedimento), from the row's `tipo_salida` (else retorno). Each
kind has its own optional columns (OPTIONAL); a file without any of them (the format before
kinds) imports as it always did, its kinds from the claves.
"""

from __future__ import annotations

import re
from datetime import date

from brokertui.core import catalogs, identifiers
from brokertui.core.text import fold

RETORNO = "retorno"
TRANSFERENCIA = "transferencia"
DONACION = "donación"
DESTRUCCION = "destrucción"
CAMBIO_REGIMEN = "cambio de régimen"
REPARACION = "consumo de reparación"
AJUSTE = "ajuste"  # a faltante or merma (ajustes.py), never from the interface
KINDS = (RETORNO, TRANSFERENCIA, DONACION, DESTRUCCION, CAMBIO_REGIMEN, REPARACION)
# What `tipo_salida` accepts for each kind (case, accents and '_' ignored).
_NAMES = {fold(k): k for k in KINDS} | {"CAMBIO REGIMEN": CAMBIO_REGIMEN, "REPARACION": REPARACION}
# Claves that are the exit of a fixed asset (Apéndice 2, F5: "Cambio de régimen de activo fijo
# IMMEX, temporal a definitivo"): its one record is the asset's movement (activo_fijo.py); as a
# salidas row it would be discharged by PEPS from insumo lots, which an asset never is.
ACTIVO_FIJO = ("F5",)
# Kinds a fixed asset's exit may be (Apartado B, módulo de proceso de descargos, numeral 4: "al
# momento de su retorno, transferencia, cambio de régimen o donación"; and a destrucción).
ACTIVO_FIJO_KINDS = (RETORNO, TRANSFERENCIA, DONACION, DESTRUCCION, CAMBIO_REGIMEN)
# Kinds that need no pedimento clave: an acta proves a destruction; a month's repair
# consumption is the ERP's figure.
WITHOUT_CLAVE = (DESTRUCCION, REPARACION)

# The optional columns of the salidas interface, and the kinds each belongs to.
OPTIONAL = {
    "tipo_salida": KINDS,
    "rfc_receptor": (TRANSFERENCIA, DONACION),
    "pedimento_receptor": (TRANSFERENCIA,),
    "folio_cfdi": (TRANSFERENCIA,),
    "fecha_cfdi": (TRANSFERENCIA,),
    "numero_acta": (DESTRUCCION,),
    "fecha_acta": (DESTRUCCION,),
    "periodo": (REPARACION,),
    # the goods are a fixed asset's (1) or not (0): activo_fijo.discharge_exits
    "activo_fijo": ACTIVO_FIJO_KINDS,
}
# Required per kind when the file has the kinds' columns.
REQUIRED = {
    TRANSFERENCIA: ("rfc_receptor",),
    DESTRUCCION: ("numero_acta", "fecha_acta"),
    REPARACION: ("periodo",),
}
# Columns that go together: both or neither.
PAIRS = (("folio_cfdi", "fecha_cfdi"),)

_UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
_PERIODO = re.compile(r"([0-9]{4})-([0-9]{2})")


def by_clave(clave: str) -> str | None:
    """The kind the clave fixes (its `salida` in the claves catalog), or None."""
    return catalogs.load("claves").extra.get(clave, {}).get("salida") or None


def tipo_salida(value: str) -> str:
    """A kind named in the `tipo_salida` column ('' when empty)."""
    if not value:
        return ""
    kind = _NAMES.get(fold(value.replace("_", " ")))
    if kind is None:
        raise ValueError(f"debe ser {', '.join(KINDS)}")
    return kind


def rfc_receptor(value: str) -> str:
    """The receiving company's own RFC (formats.md §4: python-stdnum's structure and date
    checks, as the registry's; the generic RFCs are no company's)."""
    if not value:
        return ""
    if value.upper() in identifiers.GENERIC_RFCS:
        raise ValueError(
            f"{value.upper()} es el {identifiers.GENERIC_RFCS[value.upper()]}; se registra el "
            "RFC propio de quien recibe"
        )
    return identifiers.parse_rfc(value).value


def folio_cfdi(value: str) -> str:
    """The folio fiscal (UUID) of the CFDI of a constancia de transferencia."""
    if not value:
        return ""
    folio = value.strip().upper()
    if not _UUID.fullmatch(folio):
        raise ValueError("es el folio fiscal del CFDI (UUID de 36 caracteres, 8-4-4-4-12)")
    return folio


def periodo(value: str) -> str:
    """A month, AAAA-MM."""
    if not value:
        return ""
    match = _PERIODO.fullmatch(value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError("es un mes AAAA-MM (p. ej. 2026-03)")
    identifiers.in_window(date(int(match[1]), int(match[2]), 1))
    return match[0]


def activo_fijo(value: str) -> int:
    """Whether the row's goods are a fixed asset's: sí (1) or no (0; also when empty)."""
    found = {"": 0, "NO": 0, "N": 0, "0": 0, "SI": 1, "S": 1, "1": 1}.get(fold(value))
    if found is None:
        raise ValueError("debe ser sí o no (sí: la salida es de un activo fijo)")
    return found


def check(values: dict, extended: bool) -> list[tuple[str, str]]:
    """The row's kind (set in values['tipo_salida']) and the rules of its columns it breaks, as
    (campo, regla). `extended`: the file has some of the kinds' columns, whose rules then apply
    in full; a file without them gets its kinds from the claves and nothing else to check."""
    clave, stated = values["clave"], values.get("tipo_salida", "")
    if clave in ACTIVO_FIJO and not values.get("activo_fijo"):
        return [
            (
                "clave",
                f"{clave} es la salida de un activo fijo: se registra como movimiento del activo "
                "fijo (activo-fijo movimiento), no en la interfaz de salidas, que descarga insumos "
                "(o márquela con la columna activo_fijo: sí)",
            )
        ]
    fixed = by_clave(clave) if clave else None
    if not extended:  # the format before kinds: the clave's kind, and nothing else to check
        values["tipo_salida"] = fixed or RETORNO
        return [] if clave else [_no_clave(RETORNO)]
    if fixed and stated and stated != fixed:
        return [("tipo_salida", f"la clave {clave} es de {fixed}, no de {stated}")]
    kind = fixed or stated or RETORNO
    values["tipo_salida"] = kind
    problems: list[tuple[str, str]] = []
    if not clave and kind not in WITHOUT_CLAVE:
        problems.append(_no_clave(kind))
    for column, kinds in OPTIONAL.items():
        if values.get(column) and kind not in kinds:
            problems.append((column, f"sólo en {' o '.join(kinds)}, no en {_a(kind)}"))
    for column in REQUIRED.get(kind, ()):
        if not values.get(column):
            problems.append((column, f"es obligatorio en {_a(kind)}{_of(clave)}"))
    for first, second in PAIRS:
        if bool(values.get(first)) != bool(values.get(second)):
            given, missing = (first, second) if values.get(first) else (second, first)
            problems.append((missing, f"va con {given} (el número y la fecha del CFDI)"))
    if kind == REPARACION:
        problems.extend(_reparacion(values))
    if values.get("activo_fijo") and values["tipo_bien"] != "M":
        problems.append(("tipo_bien", "un activo fijo sale como material (M)"))
    return problems


def _reparacion(values: dict) -> list[tuple[str, str]]:
    """The rules of a month's repair consumption: materials, dated in its month."""
    problems = []
    if values["tipo_bien"] != "M":
        problems.append(("tipo_bien", "el consumo de reparación es de materiales (M)"))
    if values.get("periodo") and not values["fecha"].startswith(values["periodo"]):
        problems.append(("fecha", f"el consumo de {values['periodo']} se fecha en ese mes"))
    return problems


def _no_clave(kind: str) -> tuple[str, str]:
    return (
        "clave",
        f"es obligatoria en {_a(kind)} (sólo destrucción y consumo de reparación van sin "
        "pedimento)",
    )


def _a(kind: str) -> str:
    return f"un {kind}" if kind in (RETORNO, CAMBIO_REGIMEN, REPARACION) else f"una {kind}"


def _of(clave: str) -> str:
    return f" (clave {clave})" if clave else ""
