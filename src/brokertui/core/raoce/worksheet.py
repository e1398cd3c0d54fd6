"""The RAOCE worksheet (raoce-2026-guide.txt, "Datos de reporte anual" and "Consideraciones
generales"): the figures in miles de pesos, saldo b−c and porcentaje b/a×100 computed, the
threshold checks per program, the exports cross-checked against the client's export
pedimentos, and the PROSEC relación de bienes producidos."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, overload

from pydantic import field_validator
from sqlite_utils import Database

from brokertui.core import catalogs
from brokertui.core.db import check_version, diff, now, transaction, write
from brokertui.core.errors import InvalidInput, NotFound
from brokertui.core.limits import clip
from brokertui.core.models import LongText, Record, build
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.plural import counted
from brokertui.core.quantities import parse_decimal
from brokertui.core.registry import clients, programs

THOUSAND = Decimal(1000)
# The worksheet in the order of VUCEM's "Datos de reporte anual" screen (label, key).
VUCEM_FIELDS = [
    ("Ventas totales (a), miles de pesos", "ventas_totales"),
    ("Total exportaciones (b), miles de pesos", "exportaciones"),
    ("Total importaciones (c), miles de pesos", "importaciones"),
    ("Saldo b-c (lo calcula VUCEM)", "saldo"),
    ("Porcentaje exportación b/a*100 (VUCEM)", "porcentaje_exportacion"),
    ("Tipo de cambio promedio del ejercicio", "tipo_cambio_promedio"),
    ("Exportaciones en USD", "exportaciones_usd"),
    ("Diferencia contra pedimentos (miles $)", "diferencia_pedimentos"),
]
CENT = Decimal("0.01")
# set_worksheet's figures (the CLI's options, the screen's fields), as the audit names them.
WORKSHEET_FIELDS = ("ventas", "exportaciones", "importaciones", "tipo_cambio")


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool | None  # None: cannot be evaluated (missing data)
    detail: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "passed": self.passed, "detail": self.detail}


@overload
def parse_amount(field: str, value: object, *, required: Literal[True] = True) -> Decimal: ...
@overload
def parse_amount(field: str, value: object, *, required: bool) -> Decimal | None: ...
def parse_amount(field: str, value: object, *, required: bool = True) -> Decimal | None:
    """A worksheet figure in miles de pesos (quantities.parse_decimal, 3 decimals), or None
    when optional and empty; InvalidInput naming `field`."""
    text = str(value if value is not None else "").strip()
    if not text:
        if required:
            raise InvalidInput(field, "es obligatorio (miles de pesos)")
        return None
    try:
        return parse_decimal(text, places=3)
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None


def held_types(db: Database, rfc: str) -> set[str]:
    return {p.type for p in programs.list_programs(db, rfc=rfc) if p.status != "cancelado"}


def importaciones_enabled(types: set[str]) -> bool:
    """VUCEM disables Total importaciones for IMMEX holders with PROSEC, ECEX or ALTEX."""
    return not ("IMMEX" in types and types & {"PROSEC", "ECEX", "ALTEX"})


def set_worksheet(
    db: Database,
    rfc: str,
    year: int,
    *,
    ventas: object,
    exportaciones: object,
    importaciones: object = None,
    tipo_cambio: object = None,
    expected_version: int | None = None,
) -> dict:
    """Store a client's worksheet of a filing year (saldo and porcentaje are computed); given
    the version the caller read (`expected_version`, 0: none stored yet), a worksheet changed
    since raises StaleRecord."""
    client = clients.get_client(db, rfc)
    a = parse_amount("ventas", ventas)
    b = parse_amount("exportaciones", exportaciones)
    c = parse_amount("importaciones", importaciones, required=False)
    types = held_types(db, client.rfc)
    if not types:
        raise InvalidInput("rfc", f"{client.rfc} no tiene programas vigentes: no presenta RAOCE")
    if c is not None and not importaciones_enabled(types):
        raise InvalidInput(
            "importaciones",
            "VUCEM no habilita Total importaciones para IMMEX "
            "con PROSEC, ECEX o ALTEX ligados (Guía RAOCE 2026)",
        )
    if c is None and "PROSEC" in types and importaciones_enabled(types):
        raise InvalidInput(
            "importaciones",
            "PROSEC sin IMMEX captura también el total de importaciones (Guía RAOCE 2026)",
        )
    if b > a:
        raise InvalidInput("exportaciones", "no pueden exceder las ventas totales")
    tc = parse_amount("tipo_cambio", tipo_cambio, required=False)
    if tc is not None and tc == 0:
        raise InvalidInput("tipo_cambio", "debe ser mayor que cero")
    figures = [str(a), str(b), None if c is None else str(c), None if tc is None else str(tc)]
    new = dict(zip(WORKSHEET_FIELDS, map(_out, (a, b, c, tc)), strict=True))
    key = f"{client.rfc} {year}"
    with transaction(db):
        version, old = _stored(db, client.id, year)
        check_version(
            db,
            "raoce_worksheet",
            key,
            record=f"la hoja RAOCE {year} de {client.rfc}",
            version=version,
            expected=expected_version,
            current=old,
        )
        with write(db, "raoce.set", "raoce_worksheet", key, diff(old, new), version=version + 1):
            db.execute(
                "INSERT INTO raoce_worksheets (client_id, filing_year, ventas_totales, "
                "exportaciones, importaciones, tipo_cambio, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, filing_year) DO UPDATE SET "
                "ventas_totales = excluded.ventas_totales, exportaciones = excluded.exportaciones, "
                "importaciones = excluded.importaciones, tipo_cambio = excluded.tipo_cambio, "
                "updated_at = excluded.updated_at, version = raoce_worksheets.version + 1",
                [client.id, year, *figures, now()],
            )
    return show(db, client.rfc, year)


class BienData(Record):
    """One line of the PROSEC relación de bienes producidos, as VUCEM's capture asks for it
    (raoce-2026-guide.txt, "PROSEC": clave sector, fracción arancelaria of the final good,
    bienes producidos, unidad de medida, volumen del total producido; rules.md §1.5)."""

    sector: str
    fraccion: str
    descripcion: LongText
    unidad: str
    volumen: str

    @field_validator("sector", mode="before")
    @classmethod
    def _sector(cls, value: object) -> str:
        text = str(value or "").strip()
        code = catalogs.load("prosec_sectores").lookup(text.upper()) if text else None
        if code is None:
            raise ValueError(
                f"«{clip(text)}» no es un sector PROSEC (I a XXIV)"
                if text
                else "es obligatorio (I a XXIV)"
            )
        return code

    @field_validator("fraccion", mode="before")
    @classmethod
    def _fraccion(cls, value: object) -> str:
        digits = str(value or "").replace(".", "").strip()
        if not re.fullmatch(r"[0-9]{8}", digits):
            raise ValueError("son 8 dígitos (la fracción arancelaria del bien final)")
        return digits

    @field_validator("unidad", mode="before")
    @classmethod
    def _unidad(cls, value: object) -> str:
        text = str(value or "").strip()
        unit = catalogs.load("unidades").lookup(text) if text else None
        if unit is None:
            raise ValueError(
                f"«{clip(text)}» no está en el catálogo de unidades (Apéndice 7)"
                if text
                else "es obligatoria (clave o nombre del Apéndice 7)"
            )
        return unit

    @field_validator("volumen", mode="before")
    @classmethod
    def _volumen(cls, value: object) -> str:
        amount = parse_decimal(str(value or "").strip(), places=3)
        if amount <= 0:
            raise ValueError("debe ser mayor que cero")
        return str(amount)


class Bien(BienData):
    id: int


def prosec_sectors(db: Database, rfc: str) -> list[str]:
    """The sectors of the client's live PROSEC (none: it holds no PROSEC)."""
    live = [p for p in programs.list_programs(db, rfc=rfc) if p.type == "PROSEC"]
    live = [p for p in live if p.status != "cancelado"]
    return live[0].sectors.split(",") if live and live[0].sectors else []


def _checked_bien(db: Database, rfc: str, values: dict) -> tuple[clients.Client, dict]:
    """The client and `values` as a checked BienData's row, its sector one the client's PROSEC
    authorizes: the guide asks for the fracciones "de acuerdo a los sectores que se tienen
    autorizados"."""
    client = clients.get_client(db, rfc)
    bien = build(BienData, values)
    sectors = prosec_sectors(db, client.rfc)
    if not sectors:
        raise InvalidInput("sector", f"{client.rfc} no tiene un PROSEC vigente o suspendido")
    if bien.sector not in sectors:
        raise InvalidInput(
            "sector",
            f"el sector {bien.sector} no está autorizado en su PROSEC "
            f"(sectores {', '.join(sectors)})",
        )
    return client, bien.model_dump()


def add_bien(db: Database, rfc: str, year: int, **values: object) -> Bien:
    """Add a good to the client's relación de bienes producidos of filing year `year`."""
    client, row = _checked_bien(db, rfc, values)
    with write(db, "raoce.bien", "client", client.rfc, {"year": year, **row}):
        bien_id = db.execute(
            "INSERT INTO raoce_bienes (client_id, filing_year, sector, fraccion, descripcion, "
            "unidad, volumen) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [client.id, year, *row.values()],
        ).lastrowid
    return Bien(id=bien_id, **row)


def update_bien(db: Database, rfc: str, bien_id: int, **values: object) -> Bien:
    """Change one good of the client's relación (NotFound when it is not the client's)."""
    client, row = _checked_bien(db, rfc, values)
    with write(db, "raoce.bien_edit", "client", client.rfc, {"id": bien_id, **row}):
        if not db.execute(
            "UPDATE raoce_bienes SET sector = ?, fraccion = ?, descripcion = ?, unidad = ?, "
            "volumen = ? WHERE id = ? AND client_id = ?",
            [*row.values(), bien_id, client.id],
        ).rowcount:
            raise NotFound(f"el bien {bien_id} no es de {client.rfc}")
    return Bien(id=bien_id, **row)


def delete_bien(db: Database, rfc: str, bien_id: int) -> None:
    """Take a good out of the client's relación (VUCEM's Eliminar)."""
    client = clients.get_client(db, rfc)
    with write(db, "raoce.bien_delete", "client", client.rfc, {"id": bien_id}):
        if not db.execute(
            "DELETE FROM raoce_bienes WHERE id = ? AND client_id = ?", [bien_id, client.id]
        ).rowcount:
            raise NotFound(f"el bien {bien_id} no es de {client.rfc}")


def list_bienes(db: Database, rfc: str, year: int) -> list[Bien]:
    """The client's relación de bienes producidos of filing year `year`, as entered."""
    client = clients.get_client(db, rfc)
    rows = db.query(
        "SELECT id, sector, fraccion, descripcion, unidad, volumen FROM raoce_bienes WHERE "
        "client_id = ? AND filing_year = ? ORDER BY id",
        [client.id, year],
    )
    return [Bien.model_construct(**row) for row in rows]  # as stored: never checked again


def _stored(db: Database, client_id: int, year: int) -> tuple[int, dict[str, str | None]]:
    """The stored worksheet's version (0: none yet) and its figures by set_worksheet's names,
    as shown (_out)."""
    row = db.execute(
        "SELECT version, ventas_totales, exportaciones, importaciones, tipo_cambio FROM "
        "raoce_worksheets WHERE client_id = ? AND filing_year = ?",
        [client_id, year],
    ).fetchone()
    if not row:
        return 0, dict.fromkeys(WORKSHEET_FIELDS)
    figures = (None if v is None else _out(Decimal(v)) for v in row[1:])
    return row[0], dict(zip(WORKSHEET_FIELDS, figures, strict=True))


def exported_from_pedimentos(db: Database, client_id: int, fiscal_year: int) -> dict:
    """Export pedimentos of the fiscal year (tipo de operación 2), direct and indirect
    (virtual claves), valued in miles de pesos: valor comercial, or USD × tipo de cambio."""
    rows = pedimento_store.export_partidas(
        db, client_id, date(fiscal_year, 1, 1), date(fiscal_year, 12, 31)
    )
    efecto = catalogs.load("claves").extra
    total = {"directas": Decimal(0), "indirectas": Decimal(0)}
    for clave, comercial, usd, tc in rows:
        pesos = Decimal(comercial) if comercial else Decimal(usd or 0) * Decimal(tc or 0)
        kind = (
            "indirectas"
            if efecto.get(clave, {}).get("efecto") == "virtual" or clave.startswith("V")
            else "directas"
        )
        total[kind] += pesos / THOUSAND
    return {k: v.quantize(CENT, ROUND_HALF_UP) for k, v in total.items()}


def show(db: Database, rfc: str, year: int) -> dict:
    """The worksheet with its computed figures, cross-check and checks."""
    client = clients.get_client(db, rfc)
    version, stored = _stored(db, client.id, year)
    a, b, c, tc = (Decimal(v) if v is not None else None for v in stored.values())
    types = held_types(db, client.rfc)
    saldo = None if b is None else b - (c or 0)
    porcentaje = None if not a or b is None else (b / a * 100).quantize(CENT, ROUND_HALF_UP)
    pedimentos = exported_from_pedimentos(db, client.id, year - 1)
    in_db = pedimentos["directas"] + pedimentos["indirectas"]
    usd = None if b is None or not tc else (b * THOUSAND / tc).quantize(CENT, ROUND_HALF_UP)
    bienes = [b.model_dump(exclude={"id"}) for b in list_bienes(db, client.rfc, year)]
    return {
        "rfc": client.rfc,
        "razon_social": client.razon_social,
        "filing_year": year,
        "fiscal_year": year - 1,
        "version": version,
        "programas": sorted(types),
        "ventas_totales": _out(a),
        "exportaciones": _out(b),
        "importaciones": _out(c),
        "importaciones_habilitado": importaciones_enabled(types),
        "saldo": _out(saldo),
        "porcentaje_exportacion": _out(porcentaje),
        "tipo_cambio_promedio": _out(tc),
        "exportaciones_usd": _out(usd),
        "exportaciones_pedimentos": {k: _out(v) for k, v in pedimentos.items()},
        "diferencia_pedimentos": _out(None if b is None else b - in_db),
        "bienes_producidos": bienes,
        "checks": [c.as_dict() for c in checks(types, b, porcentaje, usd, bienes)],
    }


def _out(value: Decimal | None) -> str | None:
    return (
        None
        if value is None
        else format(value.normalize() if value == value.to_integral() else value, "f")
    )


def checks(
    types: set[str],
    b: Decimal | None,
    porcentaje: Decimal | None,
    usd: Decimal | None,
    bienes: list[dict],
) -> list[Check]:
    """Threshold checks of the guide's Consideraciones generales, per program held."""
    result = []
    if b is None:
        return [Check("Hoja de trabajo", None, "sin cifras capturadas")]
    usd_text = "sin tipo de cambio promedio" if usd is None else f"USD {usd:,}"
    if "IMMEX" in types:
        by_value = usd is not None and usd > 500_000
        by_share = porcentaje is not None and porcentaje >= 10
        result.append(
            Check(
                "IMMEX: exportaciones > USD 500,000 o ≥ 10 % de la facturación",
                by_value or by_share,
                f"{usd_text}; {porcentaje} % de las ventas",
            )
        )
    if "ALTEX" in types:
        direct = (porcentaje is not None and porcentaje >= 40) or (
            usd is not None and usd >= 2_000_000
        )
        result.append(
            Check(
                "ALTEX exportador directo: ≥ 40 % o ≥ USD 2,000,000",
                direct,
                f"{porcentaje} %; {usd_text}",
            )
        )
        result.append(
            Check(
                "ALTEX (exportador indirecto): ≥ 50 %",
                porcentaje is not None and porcentaje >= 50,
                f"{porcentaje} %",
            )
        )
    if "ECEX" in types:
        result.append(
            Check("ECEX: exportaciones facturadas por cuenta propia", b > 0, f"{b} miles de pesos")
        )
    if "PROSEC" in types:
        result.append(
            Check(
                "PROSEC: relación de bienes producidos capturada",
                bool(bienes),
                counted(len(bienes), "bien", "bienes"),
            )
        )
    return result
