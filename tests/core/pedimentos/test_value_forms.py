"""Every value form ANAM writes is read (issue 13, items 1 and 3): numbers with or without
leading or trailing zeros (`.00`, `5.`, `0012.50`), empty optional fields, headers with and
without the trailing pipe, Latin-1 and UTF-8, CRLF and LF, varied member by member by a seeded
generator; an older delivery writing zero as `.00`; rectifications whose 701 gives no separate
original (`0`, `0`, blank) or a real one (formats.md §1.2, §1.3, §1.8)."""

import random
import zipfile
from decimal import Decimal

import pytest

from brokertui.core import db as store
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage import values
from brokertui.core.pedimentos.datastage.members import MEMBERS, OWN_TABLES
from brokertui.core.registry import clients
from tests.builders import RFC, partida, pedimento

NUMBERS = ["0", "0.00", "5", "2352.00", "0.5", "1976.88", "12.000", "18.00120"]
# The members the importer maps into the pedimento tables: their number columns, where stored.
PEDIMENTO_TABLES = {
    "501": ("pedimentos", {"TipoCambio": "tipo_cambio"}),
    "505": ("facturas", {"ValorDolares": "valor_usd", "ValorMonedaExtranjera": "valor_moneda"}),
    "551": (
        "partidas",
        {
            "PrecioUnitario": "precio_unitario",
            "ValorAduana": "valor_aduana",
            "ValorComercial": "valor_comercial",
            "ValorDolares": "valor_usd",
            "CantidadUMComercial": "cantidad_umc",
            "CantidadUMTarifa": "cantidad_umt",
        },
    ),
    "557": ("contribuciones", {"ImportePago": "importe"}),
}


def written_forms(text: str) -> list[str]:
    """The forms ANAM may write a number in (the value unchanged)."""
    forms = [text, "00" + text]
    if text.startswith("0."):
        forms.append(text[1:])  # `.00`, `.5`
    if "." not in text:
        forms += [text + ".", text + ".00"]  # `5.`
    if Decimal(text) == 0:
        forms.append("")  # an empty optional field
    return forms


def own_rows(rng: random.Random) -> dict[str, list[dict]]:
    """Rows of every member with a `ds_*` table, with random numbers (partida 1 or 2)."""
    rows: dict[str, list[dict]] = {}
    for tipo, member in OWN_TABLES.items():
        if member.level == "entrega":
            continue
        rows[tipo] = []
        for n in range(rng.randint(1, 2)):
            values = {"Fraccion": "85389099", "SecuenciaFraccion": str(n + 1)}
            for column in member.stored:
                if column.header in values:
                    continue
                values[column.header] = {
                    "number": rng.choice(NUMBERS),
                    "integer": str(n + 1),
                    "date": "2026-01-05 00:00:00",
                }.get(column.kind, "AÑO X")
            rows[tipo].append(values)
    return rows


def delivery(rng: random.Random) -> list[dict]:
    def amount() -> str:
        return rng.choice(NUMBERS)

    return [
        pedimento(
            f"2624395360000{n:02d}",
            tipo_cambio=rng.choice(["18.00120", "20.5", "17"]),
            facturas=[("F-1", "2026-01-02 00:00:00", "FCA", "USD", amount(), "ÑANDÚ")],
            partidas=[
                partida(precio=amount(), aduana=amount(), comercial=amount(), usd=amount())
                | dict(umc_qty=amount(), umt_qty=amount())
                for _ in range(2)
            ],
            miembros=own_rows(rng),
        )
        for n in range(1, 4)
    ]


def write_varied(path, pedimentos_: list[dict], rng: random.Random) -> dict:
    """The delivery with every member written its own way; returns the rows as generated (the
    reference) by member."""
    reference = datastage_build.members_for(pedimentos_)
    with zipfile.ZipFile(path, "w") as archive:
        for tipo, rows in reference.items():
            kinds = [c.kind for c in MEMBERS[tipo].columns]
            encoding = rng.choice(["latin-1", "utf-8"])
            newline = rng.choice(["\r\n", "\n"])
            header_end = rng.choice(["|", ""])
            row_end = rng.choice(["|", ""])
            lines = [MEMBERS[tipo].header + header_end]
            for row in rows:
                fields = [
                    rng.choice(written_forms(v)) if kind == "number" and v else v
                    for v, kind in zip(row, kinds, strict=True)
                ]
                lines.append("|".join(fields) + row_end)
            text = "".join(line + newline for line in lines)
            name = f"1875724_{datastage_build.file_tipo(tipo)}.asc"
            archive.writestr(name, text.encode(encoding))
    return reference


def stored_rows(db, table: str) -> list[dict]:
    order = "pedimento_id, secuencia, id" if table == "partidas" else "id"
    return [dict(r) for r in db.query(f"SELECT * FROM {table} ORDER BY {order}")]


@pytest.mark.parametrize("seed", range(12))
def test_a_generated_corpus_varied_per_member_imports_every_value(tmp_path, seed):
    rng = random.Random(seed)
    db = store.connect(tmp_path / "t.db")
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    reference = write_varied(tmp_path / "d.zip", delivery(rng), rng)
    result = datastage.import_zip(db, tmp_path / "d.zip")
    assert (result.pedimentos, result.partidas, result.warnings) == (3, 6, [])
    checked = 0
    for tipo, rows in reference.items():
        headers = [c.header for c in MEMBERS[tipo].columns]
        if tipo in PEDIMENTO_TABLES:
            table, columns = PEDIMENTO_TABLES[tipo]
        elif tipo in OWN_TABLES:
            member = OWN_TABLES[tipo]
            table = member.table
            columns = {c.header: c.name for c in member.stored if c.kind in ("number", "text")}
        else:
            continue
        stored = stored_rows(db, table)
        assert len(stored) == len(rows), tipo
        for row, saved in zip(rows, stored, strict=True):
            for header, name in columns.items():
                expected, got = row[headers.index(header)], saved[name]
                kind = next(c.kind for c in MEMBERS[tipo].columns if c.header == header)
                if kind == "number":
                    assert Decimal(got or "0") == Decimal(expected or "0"), (tipo, header)
                    assert got in ("", values.canonical(got)), (tipo, header, got)
                else:
                    assert got == expected, (tipo, header)  # text: ÑANDÚ, AÑO in either code
                checked += 1
    assert checked > 100


OLDER_505 = (  # a 2022-2023 delivery writes zero as `.00` (issue 13: refused whole before)
    "Patente|Pedimento|SeccionAduanera|FechaFacturacion|NumeroFactura|TerminoFacturacion|"
    "MonedaFacturacion|ValorDolares|ValorMonedaExtranjera|PaisFacturacion|"
    "EntidadFedFacturacion|IndentFiscalProveedor|ProveedorMercancia|CalleProveedor|"
    "NumInteriorProveedor|NumExteriorProveedor|CpProveedor|MunicipioProveedor|FechaPagoReal|\r\n"
    "3953|6000098|240|2026-01-02 00:00:00|F-1|FCA|USD|.00|.00|USA||TAX1|PROV||||||"
    "2026-01-05 17:48:15|\r\n"
    "3953|6000098|240|2026-01-02 00:00:00|F-2|FCA|USD|2352.00||USA||TAX1|PROV||||||"
    "2026-01-05 17:48:15|\r\n"
)


@pytest.fixture
def ds_db(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    return db


def test_an_older_delivery_writing_zero_as_point_zero_zero_imports(ds_db, tmp_path):
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(facturas=[])])
    with zipfile.ZipFile(path, "a") as archive:  # its 505 replaced by the older one
        members = {n: archive.read(n) for n in archive.namelist()}
    members["1875724_505.asc"] = OLDER_505.encode("latin-1")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    datastage.import_zip(ds_db, path)
    facturas = pedimentos.get_pedimento(ds_db, "262439536000098")["facturas"]
    assert [(f["numero"], f["valor_usd"], f["valor_moneda"]) for f in facturas] == [
        ("F-1", "0.00", "0.00"),
        ("F-2", "2352.00", ""),
    ]


@pytest.mark.parametrize(
    ("text", "stored"),
    [(".00", "0.00"), ("5.", "5"), ("0012.50", "12.50"), ("-.5", "-0.5"), ("0", "0")],
)
def test_canonical_forms(text, stored):
    assert values.NUMBER.match(text) and values.canonical(text) == stored


@pytest.mark.parametrize("text", [".", "-", "1.2.3", "1e5", "1,000.00", " 5", "٣"])
def test_what_is_not_a_number(text):
    assert values.number_problem(text) == "no es un número"


def rectification(numero: str, original: tuple[str, str, str] | None) -> dict:
    extra = {"original": original} if original else {}
    return pedimento(
        numero,
        pagado="2026-01-09 10:00:00",
        rectifica="262439536000098",
        rectifica_pagado="2026-01-05 17:48:15",
        **extra,
    )


def test_a_701_without_a_separate_original_links_to_none(ds_db, tmp_path):
    # Real 701 rows: PedimentoOriginal=0, PatenteAduanalOrig=0, SeccionAduaneraDespOrig blank.
    rect = rectification("262439536000120", None)
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(), rect])
    row = zipfile.ZipFile(path).read("1875724_701.asc").decode("latin-1").splitlines()[1]
    assert row.split("|")[10:13] == ["0", "0", ""]
    assert datastage.import_zip(ds_db, path).rectificaciones == 1
    stored = pedimentos.get_pedimento(ds_db, "262439536000120")
    assert (stored["rectifica"], stored["original"]) == ("262439536000098", None)
    assert (
        ds_db.execute("SELECT count(*) FROM pedimentos WHERE original IS NOT NULL").fetchone()[0]
        == 0
    )  # never a made-up 201600000000000


def test_a_701_with_a_real_original_links_to_it(ds_db, tmp_path):
    # 6000150 rectifies 6000120, which rectified 6000098: the original is the first.
    second = pedimento(
        "262439536000150",
        pagado="2026-01-12 10:00:00",
        rectifica="262439536000120",
        rectifica_pagado="2026-01-09 10:00:00",
        original=("6000098", "3953", "240"),
    )
    first = rectification("262439536000120", ("000000", "0000", ""))  # zeros, any width
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(), first, second])
    datastage.import_zip(ds_db, path)
    links = ds_db.execute(
        "SELECT numero, rectifica, original FROM pedimentos ORDER BY numero"
    ).fetchall()
    assert links == [
        ("262439536000098", None, None),
        ("262439536000120", "262439536000098", None),
        ("262439536000150", "262439536000120", "262439536000098"),
    ]
