"""A list with no rows says so in one Spanish line naming what and for whom (base.emit's
`empty`), never an empty table; exit status 0. JSON stays `[]` and CSV the header line."""

import json

import pytest

from tests.builders import cli_runner

RFC = "MNB050315K70"
TABLE_BORDERS = set("┏┃━┡│└─╇┗")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A database with one client and nothing else (the command's `today` is 2026-04-15)."""
    invoke = cli_runner(tmp_path_factory.mktemp("empty") / "cli.db")
    assert invoke("client", "add", "--rfc", RFC, "--razon-social", "Maquila").exit_code == 0
    return invoke


R = RFC.lower()  # as a user may type it: the line names it as the registry writes it
EMPTY = [
    (
        ["activo-fijo", "list", "--rfc", R],
        f"{RFC} no tiene activos fijos con saldo al 2026-04-15.",
    ),
    (
        ["activo-fijo", "list", "--rfc", R, "--todos", "--on", "2026-01-31"],
        f"{RFC} no tiene activos fijos registrados al 2026-01-31.",
    ),
    (["discharge", "runs", "--rfc", R], f"{RFC} no tiene corridas de descargo."),
    (
        ["discharge", "runs", "--rfc", R, "--search", "zz"],
        f"{RFC} no tiene corridas de descargo que contengan «zz».",
    ),
    (
        ["reconcile", "partes", "--rfc", R],
        f"{RFC} no tiene partidas temporales con número de parte sin catálogo.",
    ),
    (
        ["reconcile", "descargos", "--rfc", R],
        f"Sin diferencias entre los descargos 512 de {RFC} y los de brokertui.",
    ),
    (
        ["reconcile", "entradas", "--rfc", R, "--from", "2026-01-01", "--to", "2026-03-31"],
        f"Sin diferencias entre las entradas del Anexo 24 de {RFC} y Data Stage del "
        "2026-01-01 al 2026-03-31.",
    ),
    (
        ["reconcile", "--rfc", R],
        f"Sin diferencias entre los pedimentos capturados de {RFC} y Data Stage.",
    ),
    (
        ["datastage", "entregas", "--rfc", R],
        f"No hay entregas de Data Stage esperadas ni recibidas de {RFC}.",
    ),
    (
        ["datastage", "apartados"],
        "No hay RFC apartados: cada entrega guardada es de un cliente registrado.",
    ),
    (["oficio", "list"], "No hay oficios de matriz de seguridad registrados."),
    (
        ["pedimento", "list", "--rfc", R, "--from", "2026-01-01"],
        f"No hay pedimentos de {RFC} desde 2026-01-01.",
    ),
    (["client", "list", "--search", "zz"], "No hay clientes vigentes que contengan «zz»."),
    (["program", "list", "--rfc", R], f"No hay programas registrados de {RFC}."),
    (["deadlines", "--year", "2025"], "No hay obligaciones RAOCE 2025."),
    (
        ["calendar", "list", "--year", "2026", "--search", "zz"],
        "No hay días inhábiles adicionales registrados ni festivos de ley de 2026 que "
        "contengan «zz».",
    ),
    (
        ["dashboard", "--urgent", "--rfc", R, "--program", "temporal"],
        f"Tablero al 2026-04-15 · RAOCE 2026: no hay renglones urgentes de {RFC} con "
        "--program temporal.",
    ),
    (["catalog", "list", "--search", "zzzz"], "No hay catálogos que contengan «zzzz»."),
]


@pytest.mark.parametrize(("args", "line"), EMPTY, ids=[" ".join(a[:2]) for a, _ in EMPTY])
def test_an_empty_list_says_so_in_one_line(run, args, line):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == line
    assert not TABLE_BORDERS & set(result.output)  # no empty table around it


def test_a_client_without_sites_or_programs_says_so(run):
    result = run("client", "show", "--rfc", R)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        f"{RFC} no tiene plantas ni bodegas registradas.",
        f"{RFC} no tiene programas registrados.",
    ]


def test_json_and_csv_of_an_empty_list_stay_data(run):
    assert json.loads(run("activo-fijo", "list", "--rfc", R, "--format", "json").output) == []
    header = run("activo-fijo", "list", "--rfc", R, "--format", "csv").output
    # every column, as a list with rows has (it was only 'pedimento')
    assert header.splitlines() == [
        "pedimento,partida,clave,numero_parte,fecha_entrada,cantidad,descargado,saldo,"
        "domicilio,ultimo_movimiento,serie,marca,modelo,limite_permanencia"
    ]
    assert run("oficio", "list", "--format", "csv").output == "rfc,numero,fecha,vence,estado\n"
