"""--expect-version on the CLI's update commands (issue 12, item 2): a stale version is refused
with one Spanish line naming who changed what, exit status 1, nothing written."""

import json
import re

import pytest

from brokertui.core import db as store
from tests.builders import cli_runner
from tests.core.pedimentos.test_pedimentos import values as pedimento_values

RFC = "MAB9307148T4"


@pytest.fixture
def run(tmp_path):
    invoke = cli_runner(tmp_path / "cli.db")
    invoke("client", "add", "--rfc", RFC, "--razon-social", "Alfa SA", "--calle", "Av. Uno")
    return invoke


def shown(run) -> dict:
    return json.loads(run("client", "show", "--rfc", RFC, "--format", "json").output)


def test_client_show_gives_the_version(run):
    assert shown(run)["version"] == 1
    assert re.search(r"^versión +1$", run("client", "show", "--rfc", RFC).output, re.M)


def test_client_edit_with_the_current_version_saves(run):
    result = run("client", "edit", "--rfc", RFC, "--calle", "Av. Dos", "--expect-version", 1)
    assert result.exit_code == 0, result.output
    assert result.output == f"Cliente {RFC} actualizado (versión 2)\n"
    assert (shown(run)["calle"], shown(run)["version"]) == ("Av. Dos", 2)


def test_client_edit_with_a_stale_version_is_refused(run):
    run("client", "edit", "--rfc", RFC, "--calle", "Av. Dos", "--numero-exterior", "12")
    result = run("client", "edit", "--rfc", RFC, "--razon-social", "X", "--expect-version", 1)
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(
        f"Error: version: el cliente {RFC} cambió desde que lo leyó (versión 1, ahora 2): "
        f"{store.os_user()} cambió calle: 'Av. Uno' → 'Av. Dos' el "
    )
    assert "; numero_exterior" not in line  # each change names its user
    assert f"{store.os_user()} cambió numero_exterior: '' → '12'" in line
    assert line.endswith("; no se guardó nada")
    assert shown(run)["razon_social"] == "Alfa SA"


@pytest.mark.parametrize("bad", ["-1", "uno", "1.5", "٢"])
def test_expect_version_takes_ascii_digits(run, bad):
    result = run("client", "edit", "--rfc", RFC, "--calle", "x", "--expect-version", bad)
    assert result.exit_code != 0
    assert "--expect-version" in result.output and "Traceback" not in result.output
    assert shown(run)["calle"] == "Av. Uno"


def test_program_status_and_raoce_set_refuse_a_stale_version(run):
    run(
        "program",
        "add",
        "--rfc",
        RFC,
        "--type",
        "ECEX",
        "--number",
        "E-1",
        "--authorized",
        "2020-01-01",
    )
    ok = run("program", "status", "--rfc", RFC, "--type", "ECEX", "--status", "suspendido")
    assert ok.output.endswith("(versión 2)\n")
    stale = run(
        "program", "status", "--rfc", RFC, "--type", "ECEX", "--status", "cancelado",
        "--expect-version", 1,
    )  # fmt: skip
    assert stale.exit_code == 1
    assert "status: 'vigente' → 'suspendido'" in stale.output
    listed = json.loads(run("program", "list", "--format", "json").output)
    assert (listed[0]["status"], listed[0]["version"]) == ("suspendido", 2)
    dated = run(
        "program", "status", "--rfc", RFC, "--type", "ECEX", "--status", "suspendido",
        "--authorized", "2019-12-31",
    )  # fmt: skip
    assert dated.output.endswith("suspendido, autorizado el 2019-12-31 (versión 3)\n")

    sheet = ["raoce", "set", "--rfc", RFC, "--year", 2026, "--exportaciones", 5]
    assert run(*sheet, "--ventas", 10, "--expect-version", 0).exit_code == 0
    refused = run(*sheet, "--ventas", 20, "--expect-version", 0)
    assert refused.exit_code == 1
    assert "la hoja RAOCE 2026 de MAB9307148T4 cambió" in refused.output
    assert "ventas: (nada) → '10'" in refused.output
    shown_sheet = json.loads(
        run("raoce", "show", "--rfc", RFC, "--year", 2026, "--format", "json").output
    )
    assert (shown_sheet["ventas_totales"], shown_sheet["version"]) == ("10", 1)


def test_pedimento_replace_refuses_a_stale_version(run, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(pedimento_values()))
    assert run("pedimento", "add", path).exit_code == 0
    path.write_text(json.dumps(pedimento_values(partida_cantidad_umc="15")))
    assert run("pedimento", "add", path, "--replace", "--expect-version", 1).exit_code == 0
    path.write_text(json.dumps(pedimento_values(partida_cantidad_umc="20")))
    stale = run("pedimento", "add", path, "--replace", "--expect-version", 1)
    assert stale.exit_code == 1
    assert "partida 1, cantidad_umc: '12' → '15'" in stale.output
    stored = json.loads(run("pedimento", "show", "262439536000098").output)
    assert (stored["version"], stored["partidas"][0]["cantidad_umc"]) == (2, "15")


def test_client_baja_refuses_a_stale_version(run):
    run("client", "edit", "--rfc", RFC, "--colonia", "Centro")
    stale = run("client", "baja", "--rfc", RFC, "--expect-version", 1)
    assert stale.exit_code == 1 and "colonia: '' → 'Centro'" in stale.output
    assert shown(run)["baja_date"] is None
    assert run("client", "baja", "--rfc", RFC, "--expect-version", 2).exit_code == 0
    assert (shown(run)["baja_date"], shown(run)["version"]) == ("2026-04-15", 3)
