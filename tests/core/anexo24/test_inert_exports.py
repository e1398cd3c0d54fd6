"""Issue 11, item 3: every export is inert. Hostile text already in the database (a formula
razón social, formula-like part numbers and documents, control characters in a motivo) goes
through every report (CSV, XLSX, JSON), the discharge export and the dashboard CSV, and comes
out as text: CSV cells escaped per the OWASP CSV-injection rule, XLSX string cells (never a
formula), no control character; the product's own negative numbers stay numbers."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import export
from brokertui.core.anexo24 import ajustes, reports
from brokertui.core.anexo24 import ledger as discharge
from tests.core.anexo24.conftest import RFC, add_fixed_asset, load

ON = date(2026, 6, 30)
RAZON = '=HYPERLINK("http://x","y")'
PARTS = {"MAT-A": "=1+2", "MAT-B": "-2+3", "PROD-1": "@SUM(A1)"}
DOCUMENTS = {"RT-1": "+cmd", "V5-9": "\tTAB", "DES-1": "\rCR"}
MOTIVO = "Lámina \x1b]52;c;cm0gLXJmIH4=\x07 rota\x00 \x9b2J"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
ACTA, RECEPTOR = "=ACTA()", "+MAB9307148T4"  # a kind's own columns (exit_kinds.py)
HOSTILE = [RAZON, *PARTS.values(), *DOCUMENTS.values(), ACTA, RECEPTOR]


@pytest.fixture
def hostile(inv_db, tmp_path):
    """The reports' dataset, discharged, then its text replaced by hostile values in place
    (data stored before any entry check, or by another tool: what the exporters must face)."""
    load(
        inv_db,
        tmp_path,
        "salidas",
        [
            ["RT-1", "RT", "2026-02-10", "P", "PROD-1", "40"],
            ["V5-9", "V5", "2026-03-01", "M", "MAT-B", "250.5"],
            ["DES-1", "RT", "2026-03-15", "D", "MAT-A", "50"],
        ],
    )
    merma = {"fecha": "2026-03-20", "tipo": "merma", "numero_parte": "MAT-A", "cantidad": "2"}
    ajustes.add_ajustes(inv_db, RFC, [(1, {**merma, "motivo": "rota"})], "ajuste")
    add_fixed_asset(inv_db, tmp_path)
    discharge.run(inv_db, RFC, hasta=ON)
    conn = inv_db.conn
    conn.execute("UPDATE clients SET razon_social = ?", [RAZON])
    for old, new in PARTS.items():
        for table, column in [
            ("materiales", "numero_parte"),
            ("productos", "numero_parte"),
            ("bom", "producto"),
            ("bom", "material"),
            ("entradas", "numero_parte"),
            ("salidas", "numero_parte"),
            ("allocations", "numero_parte"),
            ("ajustes", "numero_parte"),
        ]:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [new, old])
    for old, new in DOCUMENTS.items():
        conn.execute("UPDATE salidas SET documento = ? WHERE documento = ?", [new, old])
    conn.execute("UPDATE ajustes SET motivo = ?", [MOTIVO])
    conn.execute("UPDATE salidas SET numero_acta = ?, rfc_receptor = ?", [ACTA, RECEPTOR])
    conn.execute("UPDATE activo_fijo_movimientos SET motivo = ?, documento = ?", [MOTIVO, "+cmd"])
    conn.execute("UPDATE sites SET nombre = ?", ["=HYPERLINK(1)"])
    return inv_db


def escaped(value: str) -> str:
    """The CSV cell of text starting like a formula: quoted, its CR as LF (csv_cell)."""
    return "'" + value.replace("\r", "\n")


def inert_csv(text: str) -> list[list[str]]:
    """The CSV's rows, after checking every cell: no control character, and a cell that
    starts like a formula is a number the product wrote (never text)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for cell in (cell for row in rows for cell in row):
        assert not CONTROL.search(cell), repr(cell)
        if cell.startswith(export.FORMULA_START):
            assert NUMBER.fullmatch(cell), repr(cell)
    return rows


def cells(rows: list[list[str]]) -> set[str]:
    return {cell for row in rows for cell in row}


def test_report_csv_escapes_every_formula_and_control_character(hostile):
    seen: set[str] = set()
    for name in reports.NAMES:
        heading = reports.heading(hostile, name, RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
        out = io.StringIO()
        reports.write_csv(hostile, heading, out)
        rows = inert_csv(out.getvalue())
        assert rows[0] == [f"# Razón social: {RAZON}"]  # one cell, though it holds a comma
        assert len(rows) > 5, name  # the rows are there, not dropped
        seen |= cells(rows)
    assert {escaped(v) for v in [*PARTS.values(), *DOCUMENTS.values()]} <= seen
    assert "Lámina \ufffd]52;c;cm0gLXJmIH4=\ufffd rota\ufffd \ufffd2J" in seen


def test_report_xlsx_has_no_formula_and_keeps_numbers(hostile, tmp_path):
    from openpyxl import load_workbook

    strings: set[str] = set()
    for name in reports.NAMES:
        heading = reports.heading(hostile, name, RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
        reports.write_xlsx(hostile, heading, tmp_path / f"{name}.xlsx")  # no IllegalCharacter
        sheet = load_workbook(tmp_path / f"{name}.xlsx").active
        numbers = 0
        for cell in (cell for row in sheet.iter_rows() for cell in row if cell.value is not None):
            assert cell.data_type != "f", (name, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not CONTROL.search(cell.value)
                strings.add(cell.value)
                if cell.value.startswith(export.FORMULA_START):
                    assert cell.quotePrefix, (name, cell.coordinate)
            elif isinstance(cell.value, (int, float)):
                numbers += 1
        assert sheet.cell(1, 2).value == RAZON and sheet.cell(1, 2).data_type == "s"
        assert numbers, name  # quantities and counts are still numeric cells
    assert {v.replace("\r", "\n") for v in HOSTILE} <= strings  # XML reads a CR back as LF


def test_report_json_keeps_hostile_text_as_json_strings(hostile):
    values: list = []
    for name in reports.NAMES:
        heading = reports.heading(hostile, name, RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
        out = io.StringIO()
        reports.write_json(hostile, heading, out)
        assert not CONTROL.search(out.getvalue().replace("\n", ""))  # JSON escapes them
        data = json.loads(out.getvalue())
        assert data["razon_social"] == RAZON
        values += [v for row in data["filas"] for v in row.values()]
    assert {*PARTS.values(), *DOCUMENTS.values(), MOTIVO} <= {
        v for v in values if isinstance(v, str)
    }


def test_discharge_export_csv_is_inert(hostile, tmp_path):
    env = {"BROKERTUI_DB": str(tmp_path / "test.db")}
    assert hostile.execute("PRAGMA database_list").fetchone()[2] == env["BROKERTUI_DB"]
    result = CliRunner(env=env).invoke(main, ["discharge", "export", "--rfc", RFC])
    assert result.exit_code == 0, result.output
    rows = inert_csv(result.output)
    assert rows[0] == discharge.export_columns(hostile, RFC)
    assert {escaped("=1+2"), escaped("-2+3"), escaped("+cmd"), escaped("\tTAB")} <= cells(rows)
    out = tmp_path / "descargos.json"
    result = CliRunner(env=env).invoke(
        main, ["discharge", "export", "--rfc", RFC, "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "=1+2" in {row["numero_parte"] for row in json.loads(out.read_text())}


def test_dashboard_csv_is_inert_and_negative_days_stay_numbers(demo_db, tmp_path):
    demo_db.conn.execute("UPDATE clients SET razon_social = ?", [RAZON])
    env = {"BROKERTUI_DB": str(tmp_path / "test.db")}
    result = CliRunner(env=env).invoke(
        main, ["dashboard", "--today", "2026-06-15", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = inert_csv(result.output)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert records and {r["razon_social"] for r in records} == {escaped(RAZON)}
    assert any(r["dias"].startswith("-") for r in records)  # overdue: a number, unquoted


def test_csv_cell_decides_by_type():
    assert export.csv_row([Decimal("-3.5"), -2, -0.25, date(2026, 1, 2), None]) == [
        "-3.5",
        "-2",
        "-0.25",
        "2026-01-02",
        "",
    ]
    assert export.csv_row(["-3.5", "=1+2", "+cmd", "@SUM(A1)", "\tx", "\rx", "a-b", "x\x1b"]) == [
        "'-3.5",
        "'=1+2",
        "'+cmd",
        "'@SUM(A1)",
        "'\tx",
        "'\nx",
        "a-b",
        "x\ufffd",
    ]


def test_xlsx_row_writes_text_as_strings_and_numbers_as_numbers(tmp_path):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    export.xlsx_row(book.active, ["=1+2", "-2+3", "a\x00b\x1b", Decimal("-3.5"), -2, "plain"])
    book.save(tmp_path / "row.xlsx")
    row = next(load_workbook(tmp_path / "row.xlsx").active.iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        ("=1+2", "s"),
        ("-2+3", "s"),
        ("a\ufffdb\ufffd", "s"),
        (-3.5, "n"),
        (-2, "n"),
        ("plain", "s"),
    ]
    assert [c.quotePrefix for c in row] == [True, True, False, False, False, False]
