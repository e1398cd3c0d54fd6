"""A realistic demo dataset: clients covering every program combination."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database
from stdnum.mx.rfc import calc_check_digit

from brokertui.core import settings
from brokertui.core.db import write
from brokertui.core.demo import pedimentos as demo_pedimentos
from brokertui.core.errors import Conflict
from brokertui.core.registry import clients, deadlines, programs

MARK = "demo"  # the setting that says "this is a demo database" ("1")


def _rfc(body: str) -> str:
    """A fictitious RFC with a correct check digit."""
    return body + calc_check_digit(body)


# (rfc body, razón social, domicilio, sites, programs). Fictitious companies.
# A program: (type, number, authorized on or None for this year, modalidad, sectors).
Program = tuple[str, str, str | None, str | None, str]
CLIENTS: list[tuple[str, str, tuple[str, ...], list[tuple[str, str]], list[Program]]] = [
    (
        "MNB050315K7",
        "Manufacturas del Norte Bravo, S.A. de C.V.",
        (
            "Av. de las Industrias",
            "4210",
            "Parque Industrial Las Américas",
            "Chihuahua",
            "31114",
            "CHH",
        ),
        [("planta", "Planta Chihuahua 1"), ("bodega", "Bodega Ojinaga")],
        [("IMMEX", "IMMEX 1204-2006", "2006-08-21", "industrial", "")],
    ),
    (
        "CEB110902QW",
        "Componentes Eléctricos del Bajío, S.A. de C.V.",
        ("Blvd. Aeropuerto", "1500", "Puerto Interior", "Silao", "36275", "GUA"),
        [("planta", "Planta Silao")],
        [("PROSEC", "PS-2011-0334", "2011-11-10", None, "I,II")],
    ),
    (
        "ASM980127HN",
        "Autopartes Sierra Madre, S.A. de C.V.",
        ("Carretera Saltillo-Monterrey", "km 7.5", "Derramadero", "Saltillo", "25300", "COA"),
        [("planta", "Planta Derramadero"), ("planta", "Planta Ramos Arizpe")],
        [
            ("IMMEX", "IMMEX 0877-2004", "2004-05-17", "industrial", ""),
            ("PROSEC", "PS-2004-1120", "2004-06-30", None, "XIX"),
        ],
    ),
    (
        "EAP070619DZ",
        "Exportadora Agrícola del Pacífico, S.A. de C.V.",
        ("Calle Río Culiacán", "88", "Centro", "Culiacán", "80000", "SIN"),
        [("bodega", "Empacadora Navolato")],
        [("ALTEX", "ALTEX 25-0412", "2015-02-03", None, "")],
    ),
    (
        "CGE130508MS",
        "Comercializadora Global de Exportaciones, S.A. de C.V.",
        ("Av. Vallarta", "6503", "Ciudad Granja", "Zapopan", "45010", "JAL"),
        [("bodega", "CEDIS Zapopan")],
        [("ECEX", "ECEX 2013-0021", "2013-09-12", None, "")],
    ),
    (
        "PTQ091125AB",
        "Plásticos Técnicos de Querétaro, S.A. de C.V.",
        (
            "Av. La Noria",
            "115",
            "Parque Industrial Querétaro",
            "Santa Rosa Jáuregui",
            "76220",
            "QUE",
        ),
        [("planta", "Planta La Noria")],
        [
            ("PROSEC", "PS-2010-0781", "2010-01-20", None, "XII"),
            ("ECEX", "ECEX 2012-0007", "2012-04-02", None, ""),
        ],
    ),
    (
        "EMB190704TR",
        "Ensambles Médicos de Baja California, S. de R.L. de C.V.",
        ("Calle Siempre Viva", "2030", "Ciudad Industrial", "Tijuana", "22444", "BCN"),
        [("planta", "Planta Otay")],
        [("IMMEX", "IMMEX 3310-{year}", None, "servicios", "")],  # authorized this year
    ),
    (
        "GOEE7512038L",
        "Elena Gómez Estrada",
        ("Calle Hidalgo", "12", "Centro", "Nuevo Laredo", "88000", "TAM"),
        [("bodega", "Bodega Nuevo Laredo")],
        [("IMMEX", "IMMEX 2201-2019", "2019-07-08", "tercerizacion", "")],
    ),
]
BAJA = ("TLA030210GH", "Textiles de La Laguna, S.A. de C.V.", "2024-12-31")

# RAOCE filings of the current filing year (month-day), recorded only once that day has come:
# on time, late while suspended (replicated to the PROSEC), and some never filed.
FILINGS = [
    ("MNB050315K7", "IMMEX", "05-20"),
    ("ASM980127HN", "IMMEX", "06-10"),
    ("EAP070619DZ", "ALTEX", "05-15"),
    ("PTQ091125AB", "PROSEC", "05-27"),
]


OFICIO = "ASM980127HN"  # an IMMEX client with a recent oficio de matriz de seguridad


def _this_year_date(today: date) -> date:
    return min(date(today.year, 1, 15), today)


def load(db: Database, today: date) -> int:
    """Fill an empty database with the demo dataset in one transaction that also marks it a
    demo database (the setting MARK, which `demo --reset` requires); returns the number of
    clients."""
    with write(db, "demo.load", "db", "demo", {"hoy": today.isoformat()}):
        if clients.count_clients(db, include_baja=True):
            raise Conflict(
                "db", "la base de datos ya tiene clientes; use --reset para reemplazarla"
            )
        settings.put(db, MARK, "1")
        _fill(db, today)
    return len(CLIENTS) + 1


def _fill(db: Database, today: date) -> None:
    keys = (
        "calle",
        "numero_exterior",
        "colonia",
        "municipio",
        "codigo_postal",
        "entidad_federativa",
    )
    for body, name, address, sites, held in CLIENTS:
        rfc = _rfc(body)
        clients.add_client(
            db, {"rfc": rfc, "razon_social": name, **dict(zip(keys, address, strict=True))}
        )
        for kind, site_name in sites:
            clients.add_site(
                db, rfc, {"kind": kind, "nombre": site_name, "entidad_federativa": address[-1]}
            )
        for kind, number, authorized, modalidad, sectors in held:
            programs.add_program(
                db,
                rfc,
                {
                    "type": kind,
                    "number": number.format(year=today.year),
                    "authorized_on": authorized or _this_year_date(today),
                    "modalidad": modalidad,
                    "sectors": sectors,
                },
                today=today,
            )
    for n, (body, program, month_day) in enumerate(FILINGS, start=1):
        filed_on = date.fromisoformat(f"{today.year}-{month_day}")
        if filed_on <= today:
            folio = f"{today.year}{n:02d}".ljust(25, "0")
            deadlines.record_filing(
                db, _rfc(body), program, today.year, folio, filed_on, today=today
            )
    demo_pedimentos.load(db, _rfc(demo_pedimentos.CLIENT[0]), today)
    demo_pedimentos.load_inventory(db, _rfc(demo_pedimentos.CLIENT[0]), today)
    demo_pedimentos.load_oficios(db, _rfc(demo_pedimentos.CLIENT[0]), _rfc(OFICIO), today)
    body, name, baja = BAJA
    clients.add_client(db, {"rfc": _rfc(body), "razon_social": name, "entidad_federativa": "COA"})
    clients.baja_client(db, _rfc(body), date.fromisoformat(baja))
