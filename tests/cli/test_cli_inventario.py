"""CLI of issue 15 items 3 and 5: `import saldos-iniciales`, `import inventarios` and
`reconcile inventario` (table, JSON, CSV, XLSX, --ajustar), on the hand-worked period of
tests/core/anexo24/test_conciliacion.py."""

import json

import pytest
from openpyxl import load_workbook

from brokertui.core.anexo24 import interfaces
from tests.builders import cli_runner
from tests.core.anexo24.conftest import RFC, inv_db, write_csv  # noqa: F401 (the fixture)
from tests.core.anexo24.test_conciliacion import DECLARED, period_db  # noqa: F401 (fixture)

PERIOD = ("--rfc", RFC, "--from", "2026-01-01", "--to", "2026-03-31")


@pytest.fixture
def run(inv_db, tmp_path):  # noqa: F811
    return cli_runner(tmp_path / "test.db", "2026-06-30")


def csv_file(tmp_path, kind, rows):
    return write_csv(tmp_path / f"{kind}-cli.csv", interfaces.COLUMNS[kind], rows)


def test_import_saldos_iniciales_says_what_it_did_and_refuses_bad_rows(run, tmp_path):
    rows = [
        ["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "30", "24.60"],
        ["26 07 3953 6000020", "1", "MAT-A", "2025-12-01", "40", ""],
    ]
    result = run(
        "import", "saldos-iniciales", csv_file(tmp_path, "saldos_iniciales", rows), "--rfc", RFC
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "saldos_iniciales-cli.csv: 2 lotes con saldo inicial, 1 nuevo y 1 existente con su "
        "saldo reemplazado; el próximo descargo los usa por PEPS.\n"
    )
    bad = csv_file(
        tmp_path, "saldos_iniciales", [["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "-3", ""]]
    )
    result = run("import", "saldos-iniciales", bad, "--rfc", RFC)
    assert result.exit_code == 1
    assert "fila 2: saldo: debe ser mayor que cero" in result.output
    assert "nada se importó" in result.output


def test_import_saldos_iniciales_refuses_a_lot_already_discharged(run, tmp_path):
    salidas = csv_file(tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "5"]])
    assert run("import", "salidas", salidas, "--rfc", RFC).exit_code == 0
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    rows = [["26 07 3953 6000010", "1", "MAT-A", "2025-12-01", "40", ""]]
    result = run(
        "import", "saldos-iniciales", csv_file(tmp_path, "saldos_iniciales", rows), "--rfc", RFC
    )
    assert result.exit_code == 1
    assert "fila 2: pedimento: el lote ya tiene descargos en vigor en brokertui" in result.output
    assert "deshaga primero las corridas" in result.output


def test_reconcile_inventario_table_exports_and_ajustar(run, period_db, tmp_path):  # noqa: F811
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    table = run("reconcile", "inventario", *PERIOD)
    assert table.exit_code == 0, table.output
    assert (
        "Materiales 2, con diferencia 2; ajustes propuestos 2; regístrelos con --ajustar."
        in table.output
    )
    rows = json.loads(run("reconcile", "inventario", *PERIOD, "--format", "json").output)
    assert [(r["numero_parte"], r["diferencia"], r["propuesta"]) for r in rows] == [
        ("MAT-A", "-14", "faltante"),
        ("MAT-B", "80", "sobrante"),
    ]
    lines = run("reconcile", "inventario", *PERIOD, "--format", "csv").output.splitlines()
    assert lines[0] == (
        "numero_parte,descripcion,umc,inventario_inicial,entradas,salidas,ajustes,calculado,"
        "inventario_final,diferencia,saldo_brokertui,diferencia_saldo,propuesta,pedimento,partida,"
        "estado"
    )
    assert lines[1] == "MAT-A,Lámina,1,30,200,126,5,99,85,-14,99,-14,faltante,,,con diferencia"
    out = tmp_path / "conciliacion.xlsx"
    result = run("reconcile", "inventario", *PERIOD, "--format", "xlsx", "-o", out)
    assert result.output == f"Conciliación de inventario: 2 materiales en {out}\n"
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[3][:2] == ["Periodo", "del 2026-01-01 al 2026-03-31"]
    assert values[6][:10] == ["MAT-A", "Lámina", "1", 30, 200, 126, 5, 99, 85, -14]
    assert run("reconcile", "inventario", *PERIOD, "--format", "xlsx").exit_code == 1
    done = run("reconcile", "inventario", *PERIOD, "--ajustar")
    assert done.output == "2 ajustes de conciliación registrados; el próximo descargo los aplica.\n"
    assert (
        run("reconcile", "inventario", *PERIOD, "--ajustar").output
        == "Sin diferencias que ajustar.\n"
    )


def test_import_inventarios_and_a_period_not_declared(run, tmp_path):
    result = run("import", "inventarios", csv_file(tmp_path, "inventarios", DECLARED), "--rfc", RFC)
    assert result.output.startswith("inventarios-cli.csv: 2 inventarios de material declarados")
    result = run(
        "reconcile", "inventario", "--rfc", RFC, "--from", "2026-01-01", "--to", "2026-01-31"
    )
    assert result.exit_code == 1
    assert (
        "no tiene inventarios declarados del 2026-01-01 al 2026-01-31; periodos declarados: "
        "2026-01-01 a 2026-03-31" in result.output
    )
    assert (
        run(
            "reconcile", "inventario", "--rfc", RFC, "--from", "ayer", "--to", "2026-01-31"
        ).exit_code
        == 1
    )


def test_import_checks_dates_against_the_today_given(run, tmp_path):
    """`--today` (cli_runner's) is the today of the import's "no later than today" check, not
    the machine's date (core/clock; tests/core/anexo24/test_future_dates.py for each kind)."""
    late = csv_file(tmp_path, "salidas", [["RT-9", "RT", "2026-07-01", "M", "MAT-A", "5"]])
    result = run("import", "salidas", late, "--rfc", RFC)
    assert result.exit_code == 1
    assert "fila 2: fecha: no puede ser posterior a hoy (2026-06-30)" in result.output
    on_the_day = csv_file(tmp_path, "salidas", [["RT-9", "RT", "2026-06-30", "M", "MAT-A", "5"]])
    assert run("import", "salidas", on_the_day, "--rfc", RFC).exit_code == 0
