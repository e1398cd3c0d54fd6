"""Demo pedimentos, dated relative to today: a Data Stage delivery (imported like a real one)
and captured pedimentos, with lots expiring in 30/60/90 days, an expired one, a fixed asset,
a rectification, a return, and differences for the reconciliation screen.

Every arrival is stamped at a plausible moment before today (core/clock.py): each captured
pedimento on its day of payment, the Data Stage delivery the day before today (so the older
pedimentos it alone brings arrived late), the catalogs before the first exit, and the exits
the day after each one, but for a file of the two oldest that the ERP sent late (the
Recepción tardía report and the dashboard show it)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import clock
from brokertui.core.dates import MEXICO
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage import oficios

PATENTE = "3953"
PARTS = {
    "INT": dict(
        fraccion="85389099",
        nico="99",
        descripcion="PARTES PARA INTERRUPTOR",
        parte="INT-4471",
        umc="6",
        umt="1",
        pais="CHN",
    ),
    "SOP": dict(
        fraccion="39269099",
        nico="99",
        descripcion="SOPORTE PLASTICO INYECTADO",
        parte="SOP-220",
        umc="6",
        umt="1",
        pais="USA",
    ),
    "LAM": dict(
        fraccion="72085101",
        nico="00",
        descripcion="LAMINA DE ACERO ROLADA EN CALIENTE",
        parte="LAM-3MM",
        umc="1",
        umt="1",
        pais="USA",
    ),
    "ALU": dict(
        fraccion="76061201",
        nico="00",
        descripcion="PLACA DE ALUMINIO ALEADO",
        parte="ALU-5052",
        umc="1",
        umt="1",
        pais="CAN",
    ),
    "CON": dict(
        fraccion="86090001",
        nico="00",
        descripcion="CONTENEDOR METALICO RETORNABLE",
        parte="CNT-40",
        umc="6",
        umt="6",
        pais="USA",
    ),
    "PRE": dict(
        fraccion="84623999",
        nico="99",
        descripcion="PRENSA HIDRAULICA 200 T",
        parte="AF-PR200",
        umc="6",
        umt="6",
        pais="DEU",
    ),
    "TAB": dict(
        fraccion="85371099",
        nico="99",
        descripcion="TABLERO DE CONTROL ENSAMBLADO",
        parte="TC-900",
        umc="6",
        umt="6",
        pais="USA",
    ),
}
CLIENT = ("MNB050315K7", "Manufacturas del Norte Bravo, S.A. de C.V.", "07")


def arrived(day: date, hour: int = 10) -> datetime:
    """The moment data arrived on `day`, at `hour` in Mexico City."""
    return datetime.combine(day, time(hour), MEXICO)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, 28))


def _partida(part: str, qty: str, unit_usd: str) -> dict:
    usd = f"{float(qty) * float(unit_usd):.2f}"
    return {
        **PARTS[part],
        "precio": unit_usd,
        "aduana": f"{float(usd) * 18:.2f}",
        "comercial": f"{float(usd) * 18:.2f}",
        "usd": usd,
        "umc_qty": qty,
        "umt_qty": qty,
    }


def _pedimentos(rfc: str, today: date) -> list[dict]:
    """(expiry offset in days or None, clave, partidas): entries dated so that their 18- or
    24-month permanence ends at the offset from today."""
    plan = [
        (-12, "IN", [("INT", "1200", "2.45"), ("SOP", "800", "0.90")]),
        (9, "IN", [("LAM", "250", "0.82"), ("INT", "500", "2.45")]),
        (26, "IN", [("SOP", "1500", "0.90")]),
        (47, "IN", [("ALU", "400", "3.10"), ("SOP", "600", "0.90"), ("INT", "300", "2.45")]),
        (83, "IN", [("INT", "2000", "2.40")]),
        (58, "IN", [("CON", "12", "950.00")]),
        (None, "AF", [("PRE", "1", "84500.00")]),
        (None, "RT", [("TAB", "150", "310.00")]),
    ]
    result: list[dict] = []
    for seq, (offset, clave, parts) in enumerate(plan, start=1):
        months = 24 if parts[0][0] == "CON" else 18
        if offset is None:
            entry = today - timedelta(days=20 * seq)
        else:
            entry = _months_before(today + timedelta(days=offset), months)
        yy = entry.year % 100
        rows = [_partida(*p) for p in parts]
        result.append(
            {
                "numero": f"{yy:02d}{CLIENT[2]}{PATENTE}{yy % 10}{seq * 137:06d}",
                "rfc": rfc,
                "nombre": CLIENT[1],
                "clave": clave,
                "tipo_operacion": "2" if clave == "RT" else "1",
                "tipo_cambio": "18.25430",
                "pagado": f"{entry.isoformat()} 11:20:00",
                "entrada": entry.isoformat(),
                "facturas": [
                    (
                        f"INV-{seq:04d}",
                        f"{entry.isoformat()} 00:00:00",
                        "FCA",
                        "USD",
                        f"{sum(float(r['usd']) for r in rows):.2f}",
                        "NORTHLAND SUPPLY INC",
                    )
                ],
                "identificadores": [("IM", "1204-2006", "")],
                "partidas": rows,
            }
        )
    # A rectification of the 47-day lot's pedimento, paid two days later.
    base = result[3]
    paid = date.fromisoformat(base["entrada"]) + timedelta(days=2)
    yy = paid.year % 100
    result.append(
        {
            **base,
            "numero": f"{yy:02d}{CLIENT[2]}{PATENTE}{yy % 10}{9137:06d}",
            "pagado": f"{paid.isoformat()} 09:00:00",
            "rectifica": base["numero"],
            "rectifica_pagado": base["pagado"],
        }
    )
    return result


def _capture_values(p: dict) -> dict:
    """The form's values for a Data Stage-shaped pedimento."""
    partidas = [
        {
            "secuencia": str(i),
            "fraccion": x["fraccion"],
            "nico": x["nico"],
            "descripcion": x["descripcion"],
            "numero_parte": x["parte"],
            "precio_unitario": x["precio"],
            "valor_aduana": x["aduana"],
            "valor_comercial": x["comercial"],
            "valor_usd": x["usd"],
            "cantidad_umc": x["umc_qty"],
            "umc": x["umc"],
            "cantidad_umt": x["umt_qty"],
            "umt": x["umt"],
            "pais": x["pais"],
        }
        for i, x in enumerate(p["partidas"], start=1)
    ]
    return {
        "encabezado": {
            "numero": p["numero"],
            "clave": p["clave"],
            "tipo_operacion": p["tipo_operacion"],
            "regimen": "ITE" if p["clave"] in ("IN", "AF") else "ETE",
            "fecha_entrada": p["entrada"],
            "fecha_pago": p["pagado"][:10],
            "tipo_cambio": p["tipo_cambio"],
            "rfc": p["rfc"],
        },
        "facturas": [
            {
                "numero": f[0],
                "fecha": f[1][:10],
                "incoterm": f[2],
                "moneda": f[3],
                "valor_usd": f[4],
                "proveedor": f[5],
            }
            for f in p["facturas"]
        ],
        "identificadores": [{"clave": c, "complemento1": c1} for c, c1, _ in p["identificadores"]],
        "partidas": partidas,
    }


def load(db: Database, rfc: str, today: date) -> None:
    """Import the demo delivery and capture the recent pedimentos (one with a typo)."""
    peds = _pedimentos(rfc, today)
    delivered = [p for p in peds if p["clave"] != "RT"]  # the return is not delivered yet
    with tempfile.TemporaryDirectory() as tmp, clock.at(arrived(today - timedelta(days=1), 9)):
        zip_path = datastage_build.write_zip(Path(tmp) / "1875724_Solicitudes.zip", delivered)
        datastage.import_zip(db, zip_path)
    for p in peds[3:8]:
        values = _capture_values(p)
        if p is peds[4]:
            values["partidas"][0]["valor_usd"] = "4810.00"  # a capture typo Data Stage exposes
        with clock.at(arrived(date.fromisoformat(p["pagado"][:10]), 13)):  # captured when paid
            pedimentos.save(db, pedimento_model.parse(values), today=today, force=True)


def load_oficios(db: Database, rfc: str, other_rfc: str, today: date) -> None:
    """Oficios de matriz de seguridad (anam-pedimento-data-request.txt §2: without a vigente
    one ANAM sends no Data Stage): the Data Stage client's first one, then its renewal, which
    expires in 40 days (the dashboard's countdown shows it; the months after its last
    delivery are late); another IMMEX client's, issued ten days ago (its first month is still
    to come). The other clients have none yet."""
    for client, numero, issued, expires in (
        (rfc, f"800-02-00-00-00-{(today - timedelta(days=540)).year}-0312", 540, -326),
        (rfc, f"800-02-00-00-00-{(today - timedelta(days=325)).year}-1187", 325, 40),
        (other_rfc, f"800-02-00-00-00-{(today - timedelta(days=10)).year}-0954", 10, 355),
    ):
        fecha, vence = today - timedelta(days=issued), today + timedelta(days=expires)
        oficios.record(db, client, numero, fecha.isoformat(), vence.isoformat())


def load_inventory(db: Database, rfc: str, today: date) -> None:
    """The client's Anexo 24 catalogs and recent exits (entries come from its pedimentos);
    left undischarged so the Descargos screen has work to show. The AF pedimento's press is
    in the materiales catalog too (a pedimento's partida becomes an entry only as a material,
    entries.sync_from_pedimentos) and in the activo fijo catalog (Anexo 24 Apartado A,
    fracción II, Módulo de Activo Fijo): so Activo fijo (F6 → f) lists it, and the Cruce
    (F4 → k), which compares fixed assets on both sides, finds it in both."""
    materiales = [
        (
            PARTS[k]["parte"],
            PARTS[k]["descripcion"],
            PARTS[k]["fraccion"],
            PARTS[k]["umc"],
            PARTS[k]["umt"],
            "1",
            "directo",
        )
        for k in ("INT", "SOP", "LAM", "ALU", "CON", "PRE")
    ]
    tablero, prensa = PARTS["TAB"], PARTS["PRE"]
    af = next(p for p in _pedimentos(rfc, today) if p["clave"] == "AF")
    rows: dict[str, Sequence[tuple[str, ...]]] = {
        "materiales": materiales,
        "productos": [(tablero["parte"], tablero["descripcion"], tablero["fraccion"], "6", "6")],
        "bom": [
            ("TC-900", "INT-4471", "4", "0"),
            ("TC-900", "SOP-220", "2", "1.5"),
            ("TC-900", "LAM-3MM", "0.8", "3"),
        ],
        "activo_fijo": [
            (
                prensa["parte"],
                prensa["descripcion"],
                prensa["fraccion"],
                af["numero"],
                af["entrada"],
                "Planta Chihuahua 1",
            )
        ],
    }
    with clock.at(arrived(today - timedelta(days=45))):  # before the first exit
        for kind, values in rows.items():
            _import(db, rfc, kind, f"demo-{kind}.csv", values)
    exits = [
        (f"RT-{n:04d}", clave, (today - timedelta(days=days)).isoformat(), kind, part, qty)
        for n, (clave, days, kind, part, qty) in enumerate(
            [
                ("RT", 40, "P", "TC-900", "150"),
                ("RT", 25, "P", "TC-900", "300"),
                ("RT", 10, "D", "LAM-3MM", "5.5"),
                ("V1", 3, "M", "ALU-5052", "120"),
                ("RT", 2, "P", "TC-900", "80"),
            ],
            start=1,
        )
    ]
    # The ERP sends each exit the next day, but for the two oldest: sent together, late.
    late = today - timedelta(days=20)
    for day, group in [(late, exits[:2])] + [
        (date.fromisoformat(e[2]) + timedelta(days=1), [e]) for e in exits[2:]
    ]:
        with clock.at(arrived(day)):
            _import(db, rfc, "salidas", f"salidas-{day:%Y%m%d}.csv", group)


def _import(
    db: Database, rfc: str, kind: str, filename: str, values: Iterable[Sequence[str]]
) -> None:
    from brokertui.core.anexo24 import interfaces

    named = [
        (n, dict(zip(interfaces.COLUMNS[kind], v, strict=True)))
        for n, v in enumerate(values, start=2)
    ]
    interfaces.import_rows(db, kind, named, rfc, filename, "demo")
