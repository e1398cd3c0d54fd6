"""Anexo 24 reports: golden files for a small dataset, XLSX layout, CLI."""

import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24 import reports
from tests.core.anexo24.conftest import RFC, add_fixed_asset, load

GOLDEN = Path(__file__).parent / "golden"
ON = date(2026, 6, 30)


@pytest.fixture
def discharged(inv_db, tmp_path):
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
    discharge.run(inv_db, RFC, hasta=ON)
    return inv_db


# recepcion_tardia depends on when the files were imported (now): test_timeliness.py fixes them
@pytest.mark.parametrize("name", [n for n in reports.NAMES if n != "recepcion_tardia"])
def test_report_matches_its_golden_file(discharged, name, tmp_path):
    if name == "activo_fijo":  # the dataset's only fixed asset, and its movements
        add_fixed_asset(discharged, tmp_path)
    heading = reports.heading(discharged, name, RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
    out = io.StringIO()
    reports.write_csv(discharged, heading, out)
    assert out.getvalue() == (GOLDEN / f"{name}.csv").read_text(encoding="utf-8")


def test_saldos_as_of_an_earlier_date_counts_only_exits_until_then(discharged):
    heading = reports.heading(discharged, "saldos", RFC, on=date(2026, 2, 15))
    saldos = {
        (r["pedimento"][-3:], r["numero_parte"]): str(r["saldo"])
        for r in reports.records(discharged, heading)
    }
    assert saldos == {("020", "MAT-A"): "96", ("020", "MAT-B"): "180"}  # 010 is used up


def test_xlsx_has_heading_typed_cells_frozen_header_and_widths(discharged, tmp_path):
    from openpyxl import load_workbook

    heading = reports.heading(discharged, "saldos", RFC, on=ON)
    reports.write_xlsx(discharged, heading, tmp_path / "saldos.xlsx")
    sheet = load_workbook(tmp_path / "saldos.xlsx").active
    assert [sheet.cell(r, 2).value for r in range(1, 5)] == [
        "Maquiladora Alfa SA",
        RFC,
        "Saldos por pedimento (lote)",
        "al 2026-06-30",
    ]
    assert sheet.cell(6, 1).value == "Pedimento" and sheet.freeze_panes == "A7"
    first = [c.value for c in sheet[7]]
    assert first[0] == "260739536000020" and first[4].date() == date(2026, 1, 20)
    assert isinstance(first[5], (int, float)) and sheet.cell(7, 5).number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width >= 16


def test_cli_report_json_and_xlsx_needs_a_file(discharged, tmp_path):
    db_file = discharged.execute("PRAGMA database_list").fetchone()[2]
    env = {"BROKERTUI_DB": db_file, "BROKERTUI_TODAY": "2026-06-30"}
    result = CliRunner(env=env).invoke(main, ["report", "saldos", "--rfc", RFC, "--format", "json"])
    data = json.loads(result.output)
    assert (data["rfc"], data["razon_social"], data["periodo"]) == (
        RFC,
        "Maquiladora Alfa SA",
        "al 2026-06-30",
    )
    assert data["filas"][0]["saldo"] == "46"
    bad = CliRunner(env=env).invoke(main, ["report", "saldos", "--rfc", RFC, "--format", "xlsx"])
    assert bad.exit_code == 1 and "-o:" in bad.output


def test_ajustes_go_through_the_ledger_and_their_report(discharged, tmp_path):
    from brokertui.core.anexo24 import ajustes

    ajustes.add_ajustes(
        discharged,
        RFC,
        [
            (
                2,
                {
                    "fecha": "2026-04-01",
                    "tipo": "faltante",
                    "numero_parte": "MAT-A",
                    "cantidad": "6",
                    "motivo": "inventario físico",
                },
            ),
            (
                3,
                {
                    "fecha": "2026-04-02",
                    "tipo": "sobrante",
                    "numero_parte": "MAT-B",
                    "cantidad": "15",
                    "pedimento": "26 07 3953 6000020",
                    "partida": "2",
                    "motivo": "conteo cíclico",
                },
            ),
        ],
        "ajustes.csv",
    )
    discharge.run(discharged, RFC, hasta=ON)
    heading = reports.heading(discharged, "saldos", RFC, on=ON)
    saldos = {(r["numero_parte"], str(r["saldo"])) for r in reports.records(discharged, heading)}
    assert saldos == {("MAT-A", "40"), ("MAT-B", "15")}  # 46 - 6 faltante; 15 sobrante
    heading = reports.heading(discharged, "ajustes", RFC, desde=date(2026, 1, 1), hasta=ON)
    assert [(r["tipo"], str(r["cantidad"])) for r in reports.records(discharged, heading)] == [
        ("faltante", "6"),
        ("sobrante", "15"),
    ]
    with pytest.raises(Exception, match="sobrante o una recuperación entra"):
        ajustes.add_ajustes(
            discharged,
            RFC,
            [
                (
                    2,
                    {
                        "fecha": "2026-04-03",
                        "tipo": "desensamble",
                        "numero_parte": "MAT-A",
                        "cantidad": "1",
                        "motivo": "x",
                    },
                )
            ],
            "a.csv",
        )
    assert discharge.check(discharged, RFC) == []


def test_part_numbers_in_force_for_a_new_ajuste(discharged):
    assert reports.part_numbers(discharged, RFC.lower()) == ["MAT-A", "MAT-B"]
    db_file = discharged.execute("PRAGMA database_list").fetchone()[2]
    env = {"BROKERTUI_DB": db_file, "BROKERTUI_TODAY": "2026-06-30"}
    args = ["baja", "--rfc", RFC, "--catalogo", "materiales", "--clave", "MAT-A"]
    assert CliRunner(env=env).invoke(main, args).exit_code == 0
    assert reports.part_numbers(discharged, RFC) == ["MAT-B"]
    assert reports.part_numbers(discharged, "XAXX010101000") == []


@pytest.mark.parametrize(
    ("desde", "hasta", "months"),
    [
        ("2026-01-01", "2026-06-30", ("2026-01", "2026-06", "2025-12-31", "2026-07-01")),
        ("2026-01-15", "2026-03-10", ("2026-02", "2026-02", "2026-01-31", "2026-03-01")),
        ("2024-02-01", "2024-02-29", ("2024-02", "2024-02", "2024-01-31", "2024-03-01")),
        ("2026-01-02", "2026-02-27", ("9", "0", "2026-02-27", "9")),  # no whole month
    ],
)
def test_a_period_is_read_as_its_whole_months_and_the_days_around_them(desde, hasta, months):
    """materiales utilizados sums the ledger's use kept per month for the whole months of
    its period and the allocations of the days before and after them."""
    found = reports._months(date.fromisoformat(desde), date.fromisoformat(hasta))
    assert tuple(found.values()) == months
