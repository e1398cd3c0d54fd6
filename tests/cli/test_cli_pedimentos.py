"""CLI for pedimentos: Data Stage import, listing (JSON contract), capture, reconcile, rules."""

import json

import pytest

from brokertui.core.pedimentos.datastage import build as datastage_build
from tests.builders import RFC, cli_runner, partida, pedimento
from tests.core.pedimentos.test_pedimentos import values as pedimento_values


@pytest.fixture
def run(tmp_path):
    invoke = cli_runner(tmp_path / "cli.db")
    invoke("client", "add", "--rfc", RFC, "--razon-social", "Bajío Máquinas SA")
    return invoke


def test_import_list_json_contract_and_rectification(run, tmp_path):
    rect = pedimento(
        "262439536000120",
        pagado="2026-01-09 10:00:00",
        rectifica="262439536000098",
        rectifica_pagado="2026-01-05 17:48:15",
    )
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", [pedimento(), rect])
    result = run("import", "datastage", path, "--rfc", RFC)
    assert result.exit_code == 0, result.output
    assert "2 pedimentos, 2 partidas, 1 rectificación, de 1 cliente" in result.output
    assert "ya estaba importado" in run("import", "datastage", path).output
    listed = json.loads(run("pedimento", "list", "--rfc", RFC, "--format", "json").output)
    assert listed == [
        {
            "numero": "262439536000120",
            "rfc": RFC,
            "clave": "IN",
            "tipo_operacion": "1",
            "fecha_pago": "2026-01-09",
            "partidas": 1,
            "origen": "datastage",
            "rectifica": "262439536000098",
            "rectificado_por": None,
        },
        {
            "numero": "262439536000098",
            "rfc": RFC,
            "clave": "IN",
            "tipo_operacion": "1",
            "fecha_pago": "2026-01-05",
            "partidas": 1,
            "origen": "datastage",
            "rectifica": None,
            "rectificado_por": "262439536000120",
        },
    ]
    only_old = run("pedimento", "list", "--rfc", RFC, "--to", "2026-01-06", "--format", "csv")
    assert only_old.output.splitlines()[1].startswith("262439536000098,")


def test_bad_zip_exits_non_zero_with_member_line(run, tmp_path):
    bad = pedimento(partidas=[partida(umc_qty="doce")])
    path = datastage_build.write_zip(tmp_path / "d.zip", [bad])
    result = run("import", "datastage", path)
    assert result.exit_code == 1
    assert "1875724_551.asc:2: CantidadUMComercial «doce» no es un número" in result.output
    assert json.loads(run("pedimento", "list", "--format", "json").output) == []


def test_capture_from_json_and_reconcile(run, tmp_path):
    datastage_path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento()])
    run("import", "datastage", datastage_path)
    values = {
        "encabezado": {
            "numero": "26 24 3953 6000098",
            "clave": "IN",
            "tipo_operacion": "1",
            "regimen": "ITE",
            "fecha_pago": "2026-01-05",
            "tipo_cambio": "18.0012",
            "rfc": RFC,
        },
        "partidas": [
            {
                "secuencia": "1",
                "fraccion": "85389099",
                "nico": "99",
                "descripcion": "PARTES",
                "valor_usd": "1900",
                "cantidad_umc": "12",
                "umc": "6",
                "cantidad_umt": "4.8",
                "umt": "1",
                "pais": "HUN",
            }
        ],
    }
    (tmp_path / "p.json").write_text(json.dumps(values))
    added = run("pedimento", "add", tmp_path / "p.json")
    assert added.exit_code == 0, added.output
    assert "Pedimento 262439536000098 guardado con 1 partida." in added.output
    assert "ya fue capturado" in run("pedimento", "add", tmp_path / "p.json").output
    diff = json.loads(run("reconcile", "--rfc", RFC, "--format", "json").output)
    assert [(d["tipo"], d["campo"], d["captura"], d["datastage"]) for d in diff] == [
        ("partida", "valor_usd", "1900", "1976.88")
    ]


def test_capture_error_names_block_row_and_field(run, tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"encabezado": {}, "partidas": []}))
    result = run("pedimento", "add", tmp_path / "p.json")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: numero: es obligatorio"


VALID = pedimento_values(rfc=RFC)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("café".encode("latin-1"), "archivo: no está en UTF-8"),
        (b"[1, 2]", 'archivo: debe ser un objeto JSON ({"encabezado": {...}, "partidas": [...]})'),
        (b'"hola"', 'archivo: debe ser un objeto JSON ({"encabezado": {...}, "partidas": [...]})'),
        (b"null", 'archivo: debe ser un objeto JSON ({"encabezado": {...}, "partidas": [...]})'),
        (b"[" * 100_000, "archivo: no es JSON válido (anida demasiados niveles)"),
        (b'{"encabezado": "x"}', "encabezado: debe ser un objeto JSON ({...})"),
        (b'{"encabezado": {"numero": ["x"]}}', "numero: debe ser texto"),
        (b'{"encabezado": {"numero": true}}', "numero: debe ser texto"),
        (
            json.dumps(VALID | {"encabezado": VALID["encabezado"] | {"aduana": "240"}}).encode(),
            "aduana: no es un campo de este registro",
        ),
        (json.dumps(VALID | {"partidas": 5}).encode(), "partidas: debe ser una lista de objetos"),
        (json.dumps(VALID | {"facturas": [5]}).encode(), "facturas: debe ser una lista de objetos"),
    ],
    ids=lambda value: None if isinstance(value, str) else "",
)
def test_capture_refuses_any_json_in_spanish_naming_the_field(run, tmp_path, content, message):
    """Field trial: these were "Error interno" tracebacks (UnicodeDecodeError, AttributeError,
    RecursionError, TypeError) or pydantic's English ("Input should be a valid string")."""
    path = tmp_path / "p.json"
    path.write_bytes(content)
    result = run("pedimento", "add", path)
    assert (result.exit_code, result.output.strip()) == (1, f"Error: {message}")


def test_capture_reads_a_bom_and_numbers_written_as_json_numbers(run, tmp_path):
    """Notepad saves UTF-8 with a BOM; JSON numbers are read as the digits written (exact)."""
    path = tmp_path / "p.json"
    text = json.dumps(pedimento_values(rfc=RFC))
    text = text.replace('"18.00120"', "18.00120").replace(
        '"cantidad_umc": "12"', '"cantidad_umc": 12'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    added = run("pedimento", "add", path)
    assert added.exit_code == 0, added.output
    stored = json.loads(run("pedimento", "show", "262439536000098").output)
    assert (stored["tipo_cambio"], stored["partidas"][0]["cantidad_umc"]) == ("18.00120", "12")


def test_capture_takes_each_partida_s_tasa_igi(run, tmp_path):
    """The partida's IGI rate (Anexo 24, Apartado B, módulo de aduanas, numeral 5), 0 to 100."""
    path = tmp_path / "p.json"
    path.write_text(json.dumps(pedimento_values(rfc=RFC, partida_tasa_igi="120")))
    refused = run("pedimento", "add", path)
    assert refused.exit_code == 1
    assert refused.output.strip() == "Error: partida 1, tasa_igi: es un porcentaje de 0 a 100"
    path.write_text(json.dumps(pedimento_values(rfc=RFC, partida_tasa_igi="12.5")))
    assert run("pedimento", "add", path).exit_code == 0
    stored = json.loads(run("pedimento", "show", "262439536000098").output)
    assert stored["partidas"][0]["tasa_igi"] == "12.5"


def test_rules_switch_per_client(run):
    shown = run("rules", "--rfc", RFC, "--on", "garantia", "--off", "textiles").output
    assert "garantia      sí" in shown and "textiles      no" in shown
    bad = run("rules", "--rfc", RFC, "--on", "azucar")
    assert bad.exit_code == 1 and "regla: debe ser una de" in bad.output
