"""The pedimento as the user types it: one model per block, every field checked on its own.

Field rules come from Anexo 22 (formats.md §2, §3); amounts and quantities are kept as exact
decimal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator

from brokertui.core import catalogs, identifiers, quantities
from brokertui.core.errors import InvalidInput, Location
from brokertui.core.models import M, PlainText, Record, RequiredText, RfcText, build
from brokertui.core.pedimentos import numero as pedimento_numero

CATALOG_LABELS = {
    "claves": "claves de pedimento (Apéndice 2)",
    "regimenes": "regímenes (Apéndice 16)",
    "aduanas": "aduanas y secciones (Apéndice 1)",
    "unidades": "unidades de medida (Apéndice 7)",
    "paises": "países (Apéndice 4)",
    "identificadores": "identificadores (Apéndice 8)",
    "incoterms": "incoterms (Apéndice 14)",
    "monedas": "monedas (Apéndice 5)",
    "tasas": "tipos de tasa",
    "tratados": "tratados",
}


def _code(name: str, *, required: bool = True) -> AfterValidator:
    """Checks that a str field is a code of catalog `name` (typed as code, name or both)."""

    def check(value: str) -> str:
        text = (value or "").strip()
        if not text:
            if required:
                raise ValueError("es obligatorio")
            return ""
        catalog = catalogs.load(name)
        inner = re.search(r"\(([^()]+)\)$", text)  # "Estados Unidos (USA)"
        code = (
            catalog.lookup(text)
            or catalog.lookup(text.split(" ", 1)[0])
            or (inner and catalog.lookup(inner[1]))
        )
        if code is None:
            raise ValueError(f"«{text}» no está en el catálogo de {CATALOG_LABELS[name]}")
        return code

    return AfterValidator(check)


def _number(places: int, *, positive: bool = False, required: bool = True) -> BeforeValidator:
    """Turns a str field's value (also a number or None) into exact decimal text by the one
    number parser (quantities.parse_decimal): at most `places` decimals, never negative (zero
    allowed unless `positive`), thousands commas accepted and dropped."""

    def check(value: object) -> str:
        text = str(value if value is not None else "").strip()
        if not text and not required:
            return ""
        return format(quantities.parse_decimal(text, places=places, positive=positive), "f")

    return BeforeValidator(check)


def _tasa_igi(value: object) -> str:
    """An ad valorem IGI rate in percent, exact decimal text from 0 to 100 (at most 6
    decimals), or '' when not given."""
    text = str(value if value is not None else "").strip()
    if not text:
        return ""
    rate = quantities.parse_decimal(text, places=6)
    if rate > 100:
        raise ValueError("es un porcentaje de 0 a 100")
    return format(rate, "f")


def _fraccion(value: str) -> str:
    digits = re.sub(r"[\s.]", "", value or "")
    if not digits:
        raise ValueError("es obligatoria")
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise ValueError("son 8 dígitos (p. ej. 8538.90.99)")
    if not 1 <= int(digits[:2]) <= 98 or digits[:2] == "77":
        raise ValueError(f"el capítulo {digits[:2]} no existe en la TIGIE")
    return digits


def _nico(value: str) -> str:
    digits = (value or "").strip()
    if not re.fullmatch(r"[0-9]{2}", digits):
        raise ValueError("el NICO son 2 dígitos (p. ej. 00)")
    return digits


def _optional_date(value: str | date | None) -> date | None:
    if value in (None, ""):
        return None
    return identifiers.parse_date(value)


def _numero(value: str) -> str:
    return pedimento_numero.parse(value).value


def _optional_numero(value: str) -> str:
    return _numero(value) if (value or "").strip() else ""


def _tipo_operacion(value: object) -> object:
    text = str(value or "").strip().lower()
    return {
        "i": "1",
        "importación": "1",
        "importacion": "1",
        "e": "2",
        "exportación": "2",
        "exportacion": "2",
    }.get(text, text)


def _secuencia(value: object) -> object:
    return None if value in ("", None) else value


Fecha = Annotated[date, BeforeValidator(identifiers.parse_date)]
FechaOpcional = Annotated[date | None, BeforeValidator(_optional_date)]
Fraccion = Annotated[str, AfterValidator(_fraccion)]
Nico = Annotated[str, AfterValidator(_nico)]
NumeroPedimento = Annotated[str, AfterValidator(_numero)]


class Encabezado(Record):
    """The header of a pedimento (Anexo 22, encabezado principal)."""

    numero: NumeroPedimento
    clave: Annotated[str, _code("claves")]
    tipo_operacion: Annotated[Literal["1", "2"], BeforeValidator(_tipo_operacion)]
    regimen: Annotated[str, _code("regimenes")]
    aduana_entrada: Annotated[str, _code("aduanas", required=False)] = ""
    fecha_entrada: FechaOpcional = None
    fecha_pago: Fecha
    tipo_cambio: Annotated[str, _number(5, positive=True)]
    rfc: RfcText
    rectifica: Annotated[str, AfterValidator(_optional_numero)] = ""


class Factura(Record):
    numero: RequiredText
    fecha: FechaOpcional = None
    incoterm: Annotated[str, _code("incoterms", required=False)] = ""
    moneda: Annotated[str, _code("monedas", required=False)] = ""
    valor_moneda: Annotated[str, _number(2, required=False)] = ""
    valor_usd: Annotated[str, _number(2)]
    proveedor: RequiredText
    id_fiscal: PlainText = ""


class Identificador(Record):
    clave: Annotated[str, _code("identificadores")]
    secuencia: Annotated[int | None, BeforeValidator(_secuencia)] = None  # None: pedimento level
    complemento1: PlainText = ""
    complemento2: PlainText = ""
    complemento3: PlainText = ""


class Partida(Record):
    secuencia: int
    fraccion: Fraccion
    nico: Nico
    descripcion: RequiredText
    numero_parte: PlainText = ""
    precio_unitario: Annotated[str, _number(5, required=False)] = ""
    valor_aduana: Annotated[str, _number(2, required=False)] = ""
    valor_comercial: Annotated[str, _number(2, required=False)] = ""
    valor_usd: Annotated[str, _number(2)]
    cantidad_umc: Annotated[str, _number(5, positive=True)]
    umc: Annotated[str, _code("unidades")]
    cantidad_umt: Annotated[str, _number(5, positive=True)]
    umt: Annotated[str, _code("unidades")]
    pais: Annotated[str, _code("paises")]
    tasa: Annotated[str, _code("tasas", required=False)] = "TG"
    tratado: Annotated[str, _code("tratados", required=False)] = ""
    # the partida's IGI rate (Anexo 24, Apartado B, módulo de aduanas, entradas, numeral 5)
    tasa_igi: Annotated[str, BeforeValidator(_tasa_igi)] = ""


BLOCK_NOUN = {"facturas": "factura", "identificadores": "identificador", "partidas": "partida"}


@dataclass
class Pedimento:
    """A validated pedimento: the header and its blocks."""

    encabezado: Encabezado
    facturas: list[Factura] = field(default_factory=list)
    identificadores: list[Identificador] = field(default_factory=list)
    partidas: list[Partida] = field(default_factory=list)


def where(block: str, index: int, name: str) -> Location:
    """Field `name` of row `index` (from 1) of `block`, shown as e.g. 'partida 3, fraccion'."""
    return Location(name, block, index, BLOCK_NOUN[block])


def parse(values: dict) -> Pedimento:
    """Validate the form's values ({'encabezado': {...}, 'partidas': [{...}], ...}).

    Raises InvalidInput naming the block, row (1-based) and field of the first problem.
    Blank rows (every value empty) are ignored.
    """
    head = values.get("encabezado", {})
    if not isinstance(head, dict):
        raise InvalidInput("encabezado", "debe ser un objeto JSON ({...})")
    header = build(Encabezado, head)
    return Pedimento(
        header,
        facturas=_rows(values, "facturas", Factura),
        identificadores=_rows(values, "identificadores", Identificador),
        partidas=_rows(values, "partidas", Partida),
    )


def _rows(values: dict, block: str, model: type[M]) -> list[M]:
    """The non-blank rows of `block`, each validated into `model`."""
    given = values.get(block, [])
    if not isinstance(given, list) or not all(isinstance(row, dict) for row in given):
        raise InvalidInput(block, "debe ser una lista de objetos")
    rows = []
    for index, row in enumerate(given, start=1):
        if not any(str(v).strip() for k, v in row.items() if k != "secuencia"):
            continue
        try:
            rows.append(build(model, row))
        except InvalidInput as exc:
            raise InvalidInput(where(block, index, exc.field), exc.message) from None
    return rows
