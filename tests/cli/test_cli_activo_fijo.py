"""The activo fijo CLI: `activo-fijo movimiento`, `import movimientos-activo-fijo`,
`activo-fijo list` and `report activo_fijo` (the dataset: tests/core/anexo24/conftest.py, af_db)."""

import csv
import io
import json

import pytest

from brokertui.cli.activo_fijo import ASSET_COLUMNS
from tests.builders import cli_runner
from tests.core.anexo24.conftest import AF1, RFC, af_db, inv_db, write_csv  # noqa: F401

RT = "26 07 3953 8000001"


@pytest.fixture
def run(request):
    db_file = request.getfixturevalue("af_db").execute("PRAGMA database_list").fetchone()[2]
    return cli_runner(db_file, "2026-06-30")


def assets(run, *extra) -> list[dict]:
    result = run("activo-fijo", "list", "--rfc", RFC, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_movement_discharges_and_the_list_shows_it(run):
    move = ["activo-fijo", "movimiento", "--rfc", RFC, "--pedimento", AF1, "--partida", "1"]
    result = run(*move, "--fecha", "2026-02-01", "--tipo", "cambio_domicilio",
                 "--domicilio", "Planta Sur")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "cambio de domicilio registrado" in result.output
    result = run(*move, "--fecha", "2026-03-01", "--tipo", "retorno", "--cantidad", "2.25",
                 "--documento", RT)  # fmt: skip
    assert result.exit_code == 0, result.output
    first = assets(run)[0]
    assert list(first) == ASSET_COLUMNS  # the columns an empty list's CSV header names
    assert (first["saldo"], first["domicilio"], first["ultimo_movimiento"]) == (
        "0.75",
        "Planta Sur",
        "retorno",
    )
    assert first["limite_permanencia"] is None  # no IMMEX program: no dated limit
    refused = run(*move, "--fecha", "2026-03-02", "--tipo", "retorno", "--cantidad", "1",
                  "--documento", RT)  # fmt: skip
    assert refused.exit_code == 1
    assert "cantidad: 1 excede el saldo del activo fijo (0.75)" in refused.output
    assert "Traceback" not in refused.output


def test_a_file_of_movements_is_all_or_nothing(run, tmp_path):
    header = ["fecha", "tipo", "pedimento", "partida", "cantidad", "documento"]
    good = ["2026-03-01", "donación", AF1, "1", "1", "ACUSE-1"]
    bad = ["2026-03-01", "retorno", AF1, "9", "1", RT]
    path = write_csv(tmp_path / "af.csv", header, [good, bad])
    result = run("import", "movimientos-activo-fijo", str(path), "--rfc", RFC)
    assert result.exit_code == 1
    assert "fila 3: pedimento: no hay un activo fijo" in result.output
    assert assets(run)[0]["saldo"] == "3"
    path = write_csv(tmp_path / "af.csv", header, [good])
    result = run("import", "movimientos-activo-fijo", str(path), "--rfc", RFC)
    assert result.exit_code == 0 and "1 movimiento de activo fijo registrado." in result.output
    assert assets(run)[0]["saldo"] == "2"
    # the optional identification columns (Apartado A fr. II, Módulo de Activo Fijo, numeral 1)
    path = write_csv(
        tmp_path / "af2.csv",
        [*header, "serie", "marca", "modelo"],
        [["2026-03-02", "retorno", AF1, "1", "1", RT, "SN-9", "Haas", "VF-2"]],
    )
    result = run("import", "movimientos-activo-fijo", str(path), "--rfc", RFC)
    assert result.exit_code == 0, result.output
    report = run("report", "activo_fijo", "--rfc", RFC, "--format", "json")
    last = json.loads(report.output)["filas"][-1]
    assert (last["serie"], last["marca"], last["modelo"]) == ("SN-9", "Haas", "VF-2")


def test_the_report_names_each_kind(run):
    move = ["activo-fijo", "movimiento", "--rfc", RFC, "--pedimento", AF1, "--partida", "1"]
    run(*move, "--fecha", "2026-03-01", "--tipo", "destruccion", "--cantidad", "3",
        "--documento", "A-1", "--serie", "SN-1", "--marca", "Haas", "--modelo", "VF-2")  # fmt: skip
    result = run("report", "activo_fijo", "--rfc", RFC, "--format", "json")
    rows = json.loads(result.output)["filas"]
    assert [(r["movimiento"], r["saldo"], r["serie"], r["modelo"]) for r in rows] == [
        ("importación AF", "3", None, None),
        ("importación AF", "1", None, None),
        ("destrucción", "0", "SN-1", "VF-2"),
    ]
    assert assets(run) == [a for a in assets(run, "--todos") if a["saldo"] != "0"]


def test_the_asset_list_shows_the_latest_serie_marca_and_modelo_in_every_format(run):
    """Per movement in the report, and on the list the latest a movement up to the date gave
    (stop 20 review: they were not on the asset list)."""
    move = ["activo-fijo", "movimiento", "--rfc", RFC, "--pedimento", AF1, "--partida", "1"]
    run(*move, "--fecha", "2026-03-01", "--tipo", "retorno", "--cantidad", "1",
        "--documento", RT, "--serie", "SN-1", "--marca", "Haas", "--modelo", "VF-2")  # fmt: skip
    run(*move, "--fecha", "2026-03-05", "--tipo", "retorno", "--cantidad", "1",
        "--documento", "26 07 3953 6000002", "--modelo", "VF-3")  # fmt: skip

    def shown(*more: str) -> tuple:
        first = assets(run, *more)[0]
        return first["serie"], first["marca"], first["modelo"]

    assert shown("--on", "2026-02-28") == ("", "", "")  # before any movement: none known
    assert shown("--on", "2026-03-01") == ("SN-1", "Haas", "VF-2")
    assert shown() == ("SN-1", "Haas", "VF-3")  # each field its latest known value
    listed = run("activo-fijo", "list", "--rfc", RFC, "--format", "csv").output
    first = next(csv.DictReader(io.StringIO(listed)))
    assert (first["serie"], first["marca"], first["modelo"]) == ("SN-1", "Haas", "VF-3")
