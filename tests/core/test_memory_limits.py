"""Bounded memory (issue 11, item 6): every hostile file is imported by `brokertui` in a child
process, which must refuse it with a clear message (or import it) under 500 MB of peak RSS.
The files are built in tmp_path and are small on disk (hostile_files.py)."""

from __future__ import annotations

import os
import secrets
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from brokertui.core import db as store
from brokertui.core import limits
from brokertui.core.anexo24 import interfaces, reader
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import delivery
from brokertui.core.registry import clients
from tests.core import hostile_files as hostile

RFC = "MAB9307148T4"
PEAK_MB = 500


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "office.db"
    db = store.connect(path)
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    db.close()
    return path


def imported(database, kind: str, path) -> tuple[int, str]:
    """`brokertui import KIND PATH` in a child: exit code and output, its peak RSS checked."""
    rfc = ("--rfc", RFC) if kind != "datastage" else ()
    code, output, peak = hostile.measured_cli("--db", database, "import", kind, path, *rfc)
    assert "Traceback" not in output and "Error interno" not in output, output
    assert peak < PEAK_MB, f"{path.name}: {peak:.0f} MB"
    return code, output


def refused(database, kind: str, path) -> str:
    code, output = imported(database, kind, path)
    assert code == 1 and output.startswith("Error: "), output
    bound = (limits.MAX_LISTED_ERRORS + 2) * limits.MAX_ERROR_LINE_CHARS
    assert len(output) < bound, "an error list is bounded"
    return output


# -- XLSX -------------------------------------------------------------------------------------


def test_the_413_kb_shared_string_bomb_is_refused_from_its_zip_directory(database, tmp_path):
    """The issue's workbook: 4.3 GB and a 419 MB error line before."""
    path = hostile.xlsx_shared_string_bomb(tmp_path)
    assert path.stat().st_size < 450_000
    assert refused(database, "materiales", path) == (
        "Error: bomba.xlsx: xl/sharedStrings.xml: descomprime 419,430,519 bytes, más que el "
        "límite de 67,108,864; archivo rechazado"
    )


def test_a_cell_longer_than_excel_allows_is_refused_before_openpyxl_reads_it(database, tmp_path):
    path = hostile.xlsx_shared_string_bomb(tmp_path, size=40_000)
    assert refused(database, "materiales", path) == (
        "Error: bomba.xlsx: xl/sharedStrings.xml: tiene una celda o un texto de más de 32,767 "
        "caracteres; archivo rechazado"
    )


def test_a_sheet_claiming_a_huge_size_is_refused_at_the_far_cell(database, tmp_path):
    """A1:XFD1048576 with a cell at the corner: openpyxl padded every row (it never ended)."""
    assert refused(database, "materiales", hostile.xlsx_dimension_bomb(tmp_path)) == (
        "Error: dimension.xlsx: xl/worksheets/sheet1.xml: una fila tiene más de 1,024 "
        "columnas; archivo rechazado"
    )


def test_millions_of_sparse_cells_are_refused_by_ratio_or_by_count(database, tmp_path):
    dense = hostile.xlsx_sparse_cells(tmp_path)
    assert refused(database, "materiales", dense).endswith(
        "más de 200:1 (bomba zip); archivo rechazado"
    )
    (tmp_path / "few").mkdir()
    few = hostile.xlsx_sparse_cells(tmp_path / "few", cells=2_000)  # under any ratio
    assert refused(database, "materiales", few).endswith(
        "sheet1.xml: una fila tiene más de 1,024 columnas; archivo rechazado"
    )


def test_a_workbook_whose_zip_directory_lies_is_refused_as_it_inflates(database, tmp_path):
    assert refused(database, "materiales", hostile.xlsx_lying(tmp_path)) == (
        "Error: comentarios.xlsx: descomprime más de 200 veces su tamaño (bomba zip, aunque el "
        "directorio del zip declare otra cosa); archivo rechazado"
    )


def test_a_notes_sheet_first_is_skipped_for_the_sheet_with_the_headers(database, tmp_path):
    code, output = imported(database, "materiales", hostile.notes_first_workbook(tmp_path))
    assert (code, output) == (0, "materiales.xlsx: 1 fila de materiales, 1 nueva.")


def test_no_sheet_with_the_headers_or_no_data_rows_is_refused_naming_them(database, tmp_path):
    assert refused(database, "materiales", hostile.notes_only_workbook(tmp_path)) == (
        "Error: notas.xlsx: ninguna hoja tiene los encabezados numero_parte, descripcion, "
        "fraccion, umc, umt, factor_umt, tipo en su primera fila con datos (hojas: Notas, "
        "Resumen)"
    )
    assert refused(database, "materiales", hostile.header_only_workbook(tmp_path)) == (
        "Error: vacio.xlsx: no tiene filas de datos bajo los encabezados numero_parte, "
        "descripcion, fraccion, umc, umt, factor_umt, tipo; nada se importó"
    )


def test_a_tag_longer_than_expat_should_hold_is_refused(database, tmp_path):
    path = hostile.notes_first_workbook(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:  # random text: a believable ratio
        archive.writestr("docProps/app.xml", f'<x a="{secrets.token_hex(600_000)}"/>')
    assert refused(database, "materiales", path).endswith(
        "docProps/app.xml: tiene una etiqueta o un texto de más de 1,048,576 bytes; "
        "archivo rechazado"
    )


def test_a_dtd_is_refused(database, tmp_path):
    path = hostile.notes_first_workbook(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("docProps/core.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert refused(database, "materiales", path).endswith(
        "docProps/core.xml: declara un DTD, que un XLSX no lleva; archivo rechazado"
    )


# -- CSV and the error list -------------------------------------------------------------------


def test_an_error_flood_lists_50_errors_counts_the_rest_and_stops(database, tmp_path):
    path = hostile.million_error_csv(tmp_path, rows=150_000)
    lines = refused(database, "materiales", path).splitlines()
    assert lines[0] == (
        "Error: errores.csv: 100,000 filas con error (la revisión se detuvo ahí); nada se importó:"
    )
    assert lines[1].startswith("fila 2: fraccion: son 8 dígitos")
    assert len(lines) == 1 + limits.MAX_LISTED_ERRORS + 1
    assert lines[-1] == "y 99,950 errores más"


def test_one_error_line_is_bounded_whatever_it_quotes(database, tmp_path):
    path = tmp_path / "largo.csv"
    umc = "K" * 30_000
    path.write_text(
        "numero_parte,descripcion,fraccion,umc,umt,factor_umt,tipo\n"
        f"MAT-1,Resina,39011001,{umc},1,1,directo\n"
    )
    lines = refused(database, "materiales", path).splitlines()
    assert lines[1] == "fila 2: umc: «" + "K" * 79 + "…» no está en el catálogo de unidades"


def test_error_list_counts_with_thousands_separators():
    errors = limits.ErrorList()
    for n in range(4_260):
        errors.append(f"fila {n}: " + "x" * 1_000)
    assert len(errors) == 4_260 and not errors.full
    assert errors.heading("fila", "filas") == "4,260 filas con error"
    one = limits.ErrorList()
    one.append("fila 2: pedimento vacío")
    assert one.heading("fila", "filas") == "1 fila con error"  # issue 15 trial: '1 filas'
    listing = errors.listing().splitlines()
    assert len(listing) == 51 and listing[-1] == "y 4,210 errores más"
    assert all(len(line) == limits.MAX_ERROR_LINE_CHARS for line in listing[:-1])
    assert limits.clip("«" + "a" * 200 + "»") == "«" + "a" * 78 + "…"


def test_a_bom_applied_in_batches_keeps_what_an_earlier_batch_stored(db, monkeypatch):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    for kind, rows in {
        "materiales": [
            (f"M-{n}", "Resina", "39011001", "1", "1", "1", "directo") for n in range(5)
        ],
        "productos": [("P-1", "Tapa", "39235001", "6", "6")],
        "bom": [("P-1", "M-0", "9", "0")],
    }.items():
        named = [
            (n, dict(zip(interfaces.COLUMNS[kind], r, strict=True))) for n, r in enumerate(rows)
        ]
        interfaces.import_rows(db, kind, named, RFC, f"{kind}.csv", kind)
    monkeypatch.setattr(interfaces, "BATCH", 2)
    bom = [(n, {"producto": "P-1", "material": f"M-{n}", "cantidad": "1"}) for n in range(5)]
    assert interfaces.import_rows(db, "bom", bom, RFC, "bom2.csv", "bom2")["rows"] == 5
    stored = db.execute("SELECT material, cantidad FROM bom ORDER BY material").fetchall()
    assert stored == [(f"M-{n}", "1") for n in range(5)]  # the first file's M-0 x 9 replaced


# -- Data Stage -------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory(database, tmp_path):
    output = refused(database, "datastage", hostile.datastage_bomb(tmp_path, size=200 << 20))
    assert output.startswith("Error: 1875724_551.asc: proporción de compresión")
    assert output.endswith("más de 200:1 (bomba zip); archivo rechazado")


def test_a_member_over_the_limit_is_refused_from_its_directory(database, tmp_path):
    path = hostile.datastage_oversized(tmp_path, delivery.MAX_MEMBER_BYTES)
    assert refused(database, "datastage", path) == (
        "Error: 1875724_551.asc: descomprime 1,073,741,825 bytes, más que el límite de "
        "1,073,741,824; archivo rechazado"
    )


def test_a_zip_whose_directory_lies_is_refused_as_it_inflates(database, tmp_path):
    assert refused(database, "datastage", hostile.datastage_lying(tmp_path)) == (
        "Error: 1875724_miente.zip: descomprime más de 200 veces su tamaño (bomba zip, aunque "
        "el directorio del zip declare otra cosa); archivo rechazado"
    )


def test_a_zip_within_the_limits_full_of_bad_lines_is_read_in_bounded_memory(database, tmp_path):
    """The issue's 3 MB zip of 600 MB used 6.1 GB; this one inflates 100 MB (1.4 GB before)."""
    path = hostile.datastage_flood(tmp_path, size=100 << 20)
    lines = refused(database, "datastage", path).splitlines()
    assert lines[0] == (
        "Error: 100,000 renglones con error (la revisión se detuvo ahí); nada se importó:"
    )
    assert lines[-1] == "y 99,950 errores más"


def test_a_line_past_the_limit_is_refused(database, tmp_path):
    path = tmp_path / "1875724_linea.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "1875724_501.asc", datastage_build.HEADERS["501"] + "|\r\n" + hostile.ROW_501
        )
        long_line = "3953|6000001|240|" + "x" * delivery.MAX_LINE_BYTES + "|\r\n"
        archive.writestr("1875724_505.asc", datastage_build.HEADERS["505"] + "|\r\n" + long_line)
    assert refused(database, "datastage", path).startswith(
        "Error: 1875724_505.asc:2: la línea tiene más de 16,384 bytes"
    )


def test_a_real_size_delivery_imports(database, tmp_path):
    """12,853 partidas, the size of a real monthly delivery."""
    start = date(2026, 1, 2)
    pedimentos = []
    for n in range(1_286):
        paid = start + timedelta(days=n % 28)
        per = 3 if n == 1_285 else 10
        pedimentos.append(
            {
                "numero": f"262439536{n + 1:06d}",
                "rfc": RFC,
                "nombre": "MAQUILADORA ALFA",
                "clave": "IN",
                "tipo_operacion": "1",
                "tipo_cambio": "18.00120",
                "pagado": f"{paid} 10:00:00",
                "entrada": str(paid),
                "facturas": [(f"F-{n}", f"{paid} 00:00:00", "FCA", "USD", "1250.00", "ACME")],
                "identificadores": [("IM", "1204-2006", "")],
                "partidas": [
                    {
                        "fraccion": "85389099",
                        "nico": "99",
                        "descripcion": "PARTES PARA INTERRUPTOR",
                        "parte": f"P-{i}",
                        "precio": "12.50000",
                        "aduana": "2281.00",
                        "comercial": "2281.00",
                        "usd": "125.00",
                        "umc_qty": "10.000",
                        "umc": "6",
                        "umt_qty": "1.25000",
                        "umt": "1",
                        "pais": "USA",
                    }
                    for i in range(per)
                ],
            }
        )
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", pedimentos)
    code, output = imported(database, "datastage", path)
    assert (code, output.split(" (")[0]) == (
        0,
        "1875724_Solicitudes.zip: 1,286 pedimentos, 12,853 partidas, 0 rectificaciones, "
        "de 1 cliente",
    )


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_csv_record_past_the_column_or_cell_limit_is_refused(tmp_path, end):
    """The reader checks the columns and cells of a record only when it is long enough to break
    a limit (reader._CHECKED_FROM): the edges, with and without a last line break."""
    path = tmp_path / "wide.csv"
    for fields, accepted in ((1024, True), (1025, False)):
        path.write_text("a\n" + "," * (fields - 1) + end, encoding="utf-8")  # empty cells
        outcome = _read(path)
        assert (outcome == "ok") == accepted, outcome
        assert accepted or "la fila 2 tiene más de 1,024 columnas" in outcome
    for size, accepted in ((32_767, True), (32_768, False)):
        path.write_text("a\n" + "x" * size + end, encoding="utf-8")
        outcome = _read(path)
        assert (outcome == "ok") == accepted, outcome
        assert accepted or "la fila 2 tiene una celda de más de 32,767 caracteres" in outcome


def _read(path) -> str:
    try:
        list(reader.read_file(path))
    except reader.InterfaceError as exc:
        return str(exc)
    return "ok"


@pytest.mark.parametrize("kind", ["entradas", "datastage"])
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_a_named_pipe_is_refused_before_it_is_read(database, tmp_path, kind, special):
    """A device never ends and a named pipe waits for a writer: an import of either read on
    forever (field trial: `brokertui import datastage /dev/zero` spun until killed)."""
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "1875724_Solicitudes.zip"
        os.mkfifo(path)
    rfc = ("--rfc", RFC) if kind != "datastage" else ()
    code, output, _ = hostile.measured_cli("--db", database, "import", kind, path, *rfc)
    assert (code, output) == (
        1,
        f"Error: {path.name}: no es un archivo regular (es un dispositivo o una tubería, que "
        "no termina)",
    )
