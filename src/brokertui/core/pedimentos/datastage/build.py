"""Writing Data Stage-shaped zips (the demo database, tests and benchmarks use them).

Headers are the literal column names of formats.md §1.5 (members.py); every one of the 26
members is written, lines end in `|` and CRLF, text is Latin-1, as ANAM delivers them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from brokertui.core.pedimentos.datastage.members import KEY, MEMBERS

HEADERS = {tipo: member.header for tipo, member in MEMBERS.items()}


def members_for(pedimentos: list[dict]) -> dict[str, list[list[str]]]:
    """Rows per member for pedimentos given as dicts.

    Each dict: numero (15 digits), rfc, nombre, clave, tipo_operacion, tipo_cambio, pagado
    ('YYYY-MM-DD HH:MM:SS'), entrada (date or None), facturas [(numero, fecha, incoterm,
    moneda, usd, proveedor)], identificadores [(clave, compl1, compl2)], partidas [dict with
    fraccion, nico, descripcion, parte, precio, aduana, comercial, usd, umc_qty, umc,
    umt_qty, umt, pais, gi (optional (folio, monto))], rectifica (optional 15 digits, with
    rectifica_pagado; `original`: the 701's PedimentoOriginal, PatenteAduanalOrig and
    SeccionAduaneraDespOrig, by default "0", "0", "" as ANAM writes a first rectification),
    miembros (optional: {tipo: [{header: value}]}, rows of the other members, the key and
    FechaPagoReal filled in).
    """
    rows: dict[str, list[list[str]]] = {m: [] for m in HEADERS}
    for p in pedimentos:
        n = p["numero"]
        key = [n[4:8], n[8:], n[2:4] + "0"]
        paid = p["pagado"]
        tipo = "2" if p.get("rectifica") else "1"
        rows["501"].append(
            [
                *key,
                p["tipo_operacion"],
                p["clave"],
                key[2],
                "",
                p["rfc"],
                "XXXX000000XXXXXX00",
                p["tipo_cambio"],
                "0",
                "0",
                "0",
                "0",
                "0",
                "100.000",
                "7",
                "7",
                "7",
                "9",
                p["nombre"],
                "",
                "",
                "",
                "",
                "",
                "",
                "MEX",
                tipo,
                paid,
                paid,
            ]
        )
        if p.get("entrada"):
            rows["506"].append([*key, "1", f"{p['entrada']} 00:00:00", paid])
        rows["506"].append([*key, "2", paid, paid])
        for numero, fecha, incoterm, moneda, usd, proveedor in p.get("facturas", []):
            rows["505"].append(
                [
                    *key,
                    fecha,
                    numero,
                    incoterm,
                    moneda,
                    usd,
                    usd,
                    "USA",
                    "",
                    "TAX123",
                    proveedor,
                    "",
                    "",
                    "",
                    "",
                    "",
                    paid,
                ]
            )
        for clave, c1, c2 in p.get("identificadores", []):
            rows["507"].append([*key, clave, c1, tipo, c2, paid])
        for sec, x in enumerate(p["partidas"], start=1):
            rows["551"].append(
                [
                    *key,
                    x["fraccion"],
                    str(sec),
                    x["nico"],
                    x["descripcion"],
                    x["precio"],
                    x["aduana"],
                    x["comercial"],
                    x["usd"],
                    x["umc_qty"],
                    x["umc"],
                    x["umt_qty"],
                    x["umt"],
                    "0",
                    "0",
                    "1",
                    x.get("parte", ""),
                    "",
                    "",
                    x["pais"],
                    x["pais"],
                    "",
                    "",
                    "",
                    "",
                    p["tipo_operacion"],
                    p["clave"],
                    paid,
                ]
            )
            if x.get("gi"):
                rows["554"].append([*key, x["fraccion"], str(sec), "GI", *x["gi"], paid])
            rows["557"].append([*key, x["fraccion"], str(sec), "6", "5", "0", paid])
        if p.get("rectifica"):
            a = p["rectifica"]
            rows["701"].append(
                [
                    *key,
                    p["clave"],
                    paid,
                    a[8:],
                    a[4:8],
                    a[2:4] + "0",
                    p["clave"],
                    p["rectifica_pagado"],
                    *p.get("original", ("0", "0", "")),
                    paid,
                ]
            )
        for tipo, extra in p.get("miembros", {}).items():
            rows[tipo] += [member_row(tipo, key, values, paid) for values in extra]
    return rows


def member_row(tipo: str, key: list[str], values: dict[str, str], paid: str) -> list[str]:
    """One row of a member in its header's order: the key, the payment date and `values` by
    header name, the other columns empty."""
    given = dict(zip(KEY, key, strict=True)) | {"FechaPagoReal": paid} | values
    return [given.get(c.header, "") for c in MEMBERS[tipo].columns]


def file_tipo(tipo: str) -> str:
    """The member's part of its file name as ANAM writes it (`551`, `Inci`, `Sel`)."""
    return tipo if tipo.isdigit() else tipo.capitalize()


def write_zip(
    path: Path | str,
    pedimentos: list[dict],
    *,
    folio: str = "1875724",
    encoding: str = "latin-1",
    newline: str = "\r\n",
    extra: dict[str, str] | None = None,
) -> Path:
    """Write a delivery; `extra` adds raw members by name (tests of bad input)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, rows in members_for(pedimentos).items():
            lines = [HEADERS[member], *("|".join(r) for r in rows)]
            text = "".join(f"{line}|{newline}" for line in lines)
            archive.writestr(f"{folio}_{file_tipo(member)}.asc", text.encode(encoding))
        for name, text in (extra or {}).items():
            archive.writestr(name, text.encode(encoding))
    return path
