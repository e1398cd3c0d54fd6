"""CLI of the Anexo 24 entradas cross-check: `reconcile entradas` (table, JSON, CSV, XLSX) and
`reconcile tolerancia`; `reconcile --rfc` alone is still the captured-vs-Data Stage one."""

import json
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from brokertui.cli import main
from brokertui.core.anexo24 import crosscheck
from brokertui.core.registry import clients
from tests.builders import RFC, cli_runner
from tests.core.anexo24.test_crosscheck import planted  # noqa: F401 (the fixture)
from tests.core.anexo24.test_descargos_check import discharged  # noqa: F401 (the fixture)
from tests.core.anexo24.test_partnumbers import delivered  # noqa: F401 (the fixture)


@pytest.fixture
def run(planted, tmp_path):  # noqa: F811
    return cli_runner(tmp_path / "test.db")


def test_json_lists_the_golden_differences(run, planted):  # noqa: F811
    result = run("reconcile", "entradas", "--rfc", RFC, "--to", "2026-01-31", "--format", "json")
    assert result.exit_code == 0, result.output
    expected = crosscheck.differences(planted, RFC, hasta=date(2026, 1, 31))
    assert json.loads(result.output) == [d.as_dict() for d in expected]
    assert len(expected) == 9


def test_table_summarises_and_the_tolerance_is_set_per_client(run):
    result = run("reconcile", "entradas", "--rfc", RFC, "--to", "2026-01-31")
    assert "Diferencias 9: sólo en el Anexo 24 1, sólo en Data Stage 1" in result.output
    assert "campos distintos 5" in result.output
    assert f"USD de {RFC}: 5\n" in run("reconcile", "tolerancia", "5", "--rfc", RFC).output
    result = run("reconcile", "entradas", "--rfc", RFC, "--to", "2026-01-31")
    assert "Diferencias 8:" in result.output  # the USD 5.00 of pedimento 3 partida 2 now fits
    bad = run("reconcile", "tolerancia", "--rfc", RFC, "--", "-2")
    assert bad.exit_code == 1 and "tolerancia" in bad.output


def test_plain_reconcile_still_compares_captures(run):
    result = run("reconcile", "--rfc", RFC, "--format", "json")
    rows = json.loads(result.output)  # nothing was captured: every Data Stage one is missing
    assert result.exit_code == 0 and {r["tipo"] for r in rows} == {"solo_datastage"}
    assert len(rows) == 7
    assert run("reconcile").exit_code == 1  # a usage error, as every user error


def test_csv_and_xlsx_exports_are_inert(run, planted, tmp_path):  # noqa: F811
    clients.update_client(planted, RFC, {"razon_social": '=HYPERLINK("http://x","y")'})
    out = tmp_path / "cruce.csv"
    assert run("reconcile", "entradas", "--rfc", RFC, "--format", "csv", "-o", out).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "numero,tipo,partida,campo,anexo24,datastage,descripcion"
    assert len(lines) == 11
    book = tmp_path / "cruce.xlsx"
    result = run("reconcile", "entradas", "--rfc", RFC, "--format", "xlsx", "-o", book)
    assert "10 diferencias" in result.output
    sheet = load_workbook(book).active
    name = sheet.cell(1, 2)
    assert name.value.startswith("=HYPERLINK") and name.data_type == "s" and name.quotePrefix
    assert [c.value for c in sheet[7]][:2] == ["numero", "tipo"]
    assert sheet.max_row == 17
    assert run("reconcile", "entradas", "--rfc", RFC, "--format", "xlsx").exit_code == 1


def test_parts_unknown_to_the_catalogs_and_the_pattern_option(tmp_path, delivered):  # noqa: F811
    run = cli_runner(tmp_path / "test.db")
    listed = json.loads(run("reconcile", "partes", "--rfc", RFC, "--format", "json").output)
    assert [r["numero_parte"] for r in listed] == ["Q-7", "ZZ-9", "PROD-1"]
    table = run("reconcile", "partes", "--rfc", RFC).output
    assert "sin número (lo da la interfaz de entradas) 2; sin catálogo 3." in table
    bad = run("rules", "--rfc", RFC, "--patron-parte", "No de parte: (")
    assert bad.exit_code == 1
    assert "patron_numero_parte: no es una expresión regular válida" in bad.output
    good = run("rules", "--rfc", RFC, "--patron-parte", r"parte\s*#\s*(\S+)")
    assert good.exit_code == 0 and r"patron_parte  parte\s*#\s*(\S+)" in good.output


def test_descargos_512_against_the_ledger(discharged, tmp_path):  # noqa: F811
    env = {"BROKERTUI_DB": str(tmp_path / "test.db")}
    result = CliRunner(env=env).invoke(
        main, ["reconcile", "descargos", "--rfc", RFC, "--format", "json"]
    )
    assert [r["tipo"] for r in json.loads(result.output)] == [
        "solo_ledger",
        "solo_datastage",
        "cantidad",
        "unidad",
    ]
