"""CLI for broker deliveries (issue 13, items 2 and 7): one import routes a multi-RFC zip, the
unknown RFCs are listed and kept aside, `client add` picks them up from the stored zip, and a
folder of zips imports in one go with a summary."""

import json

import pytest

from brokertui.core.pedimentos.datastage import build as datastage_build
from tests.builders import cli_runner, client_rfc, monthly, partida


@pytest.fixture
def run(tmp_path):
    invoke = cli_runner(tmp_path / "cli.db")
    invoke("client", "add", "--rfc", client_rfc(1), "--razon-social", "Cliente Uno SA")
    return invoke


def test_multi_rfc_zip_routes_lists_kept_aside_and_client_add_picks_them_up(run, tmp_path):
    peds = [monthly(1, 2026, 1), monthly(2, 2026, 1, 0), monthly(2, 2026, 1, 1)]
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", peds)
    out = run("import", "datastage", path)
    assert out.exit_code == 0, out.output
    assert f"  {client_rfc(1):13} {1:>6} {0:>6} {0:>6}" in out.output
    assert "2 pedimentos apartados de 1 RFC que no son clientes" in out.output
    assert f"  {client_rfc(2):13} {2:>6} ped.  CLIENTE 2 DEL BAJÍO, S.A. DE C.V." in out.output
    path.unlink()
    added = run("client", "add", "--rfc", client_rfc(2), "--razon-social", "Cliente Dos SA")
    assert added.exit_code == 0, added.output
    assert "CLI010103A16: 1 entrega Data Stage guardada tenía pedimentos suyos." in added.output
    assert "Pedimentos nuevos 2, actualizados 0, sin cambio 0." in added.output
    listed = json.loads(run("pedimento", "list", "--rfc", client_rfc(2), "--format", "json").output)
    assert len(listed) == 2


def test_rfc_filter_leaves_the_rest_pending_and_says_so(run, tmp_path):
    run("client", "add", "--rfc", client_rfc(2), "--razon-social", "Cliente Dos SA")
    path = datastage_build.write_zip(tmp_path / "d.zip", [monthly(1, 2026, 1), monthly(2, 2026, 1)])
    out = run("import", "datastage", path, "--rfc", client_rfc(1)).output
    assert "1 pedimento de otro cliente queda pendiente en el zip guardado" in out
    out = run("import", "datastage", path, "--rfc", client_rfc(2)).output
    assert "Pedimentos nuevos 1" in out and "ya estaba importado" not in out


def test_folder_import_summary_in_table_and_json(run, tmp_path):
    folder = tmp_path / "2026"
    folder.mkdir()
    for month in (1, 2):
        peds = [monthly(1, 2026, month), monthly(3, 2026, month)]
        datastage_build.write_zip(folder / f"{month}_Solicitudes.zip", peds, folio=str(month))
    bad = [monthly(1, 2026, 3, partidas=[partida(usd="x")])]
    datastage_build.write_zip(folder / "3_Solicitudes.zip", bad, folio="3")
    out = run("import", "datastage", folder)
    assert out.exit_code == 0, out.output
    assert f"{folder}: 2 zips leídos, 0 ya importados." in out.output
    assert f"  {client_rfc(1):13} {2:>6} {0:>6} {0:>6}" in out.output
    assert f"  {client_rfc(3):13} {2:>6} ped.  CLIENTE 3 DEL BAJÍO, S.A. DE C.V." in out.output
    assert "1 archivo rechazado (nada se importó de ellos):" in out.output
    assert "  3_Solicitudes.zip: 1 renglón con error; nada se importó:" in out.output
    again = json.loads(run("import", "datastage", folder, "--format", "json").output)
    assert again["ya_importados"] == 2 and again["clientes"] == []
    assert again["rechazados"][0]["archivo"] == "3_Solicitudes.zip"
    refused = run("import", "datastage", folder, "--rfc", client_rfc(1))
    assert refused.exit_code != 0 and "--rfc" in refused.output


def test_oficio_and_deliveries_per_month(run, tmp_path):
    added = run(
        "oficio", "add", "--rfc", client_rfc(1), "--numero", "800-1", "--fecha", "2026-01-10",
        "--vence", "2026-06-30",
    )  # fmt: skip
    assert added.output == (
        f"Oficio 800-1 registrado para {client_rfc(1)}: vence el 2026-06-30 (en 76 días).\n"
    )
    bad = run("oficio", "add", "--rfc", client_rfc(1), "--numero", "2", "--fecha", "2026-02-01",
              "--vence", "2026-01-01")  # fmt: skip
    assert bad.exit_code == 1 and "vence: debe ser posterior a la fecha del oficio" in bad.output
    listed = json.loads(run("oficio", "list", "--format", "json").output)
    assert listed == [
        {
            "rfc": client_rfc(1),
            "numero": "800-1",
            "fecha": "2026-01-10",
            "vence": "2026-06-30",
            "estado": "vigente",
        }
    ]
    path = datastage_build.write_zip(tmp_path / "1_Solicitudes.zip", [monthly(1, 2026, 1)])
    run("import", "datastage", path)
    months = json.loads(run("datastage", "entregas", "--format", "json").output)
    assert [(m["mes"], m["estado"], m["pedimentos"]) for m in months] == [
        ("2026-03", "por llegar", 0),  # today 2026-04-15: March may still come today
        ("2026-02", "atrasada", 0),
        ("2026-01", "recibida", 1),
    ]
    assert months[2]["entregas"] == "1_Solicitudes.zip" and months[2]["oficio"] == "800-1"
    unknown = run("datastage", "entregas", "--rfc", client_rfc(7))
    assert unknown.exit_code == 1


def test_kept_aside_rfcs_listed(run, tmp_path):
    path = datastage_build.write_zip(tmp_path / "1.zip", [monthly(1, 2026, 1), monthly(4, 2026, 1)])
    run("import", "datastage", path)
    kept = json.loads(run("datastage", "apartados", "--format", "json").output)
    assert kept == [
        {
            "rfc": client_rfc(4),
            "razon_social": "CLIENTE 4 DEL BAJÍO, S.A. DE C.V.",
            "pedimentos": 1,
            "entregas": "1.zip",
        }
    ]
