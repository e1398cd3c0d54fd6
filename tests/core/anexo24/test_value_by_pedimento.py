"""Discharge by value a nivel pedimento, the third ledger mode (anexo24-rgce-2024.txt, Apartado
B, módulo de procesos, proceso de descargos, numeral 5: "descargando dicho valor del pedimento
de importación temporal más antiguo que contenga valores pendientes de descargo a nivel
fracción arancelaria o a nivel pedimento"; and the paragraph after it: "Cuando las empresas
opten por efectuar los descargos a nivel pedimento, el saldo en pedimentos de importación se
interpretará que corresponde a las mercancías con tasa arancelaria mayor, contenida en el
pedimento").

The hand-worked case (a fresh client, no BOM needed):
- MAT-A (fracción 72085101), MAT-B (73181599), MAT-C (85389099).
- Pedimento ...001, 5 January: partida 1 MAT-A 100 u USD 1000 at 5 %; partida 2 MAT-B 50 u
  USD 500 at 15 %; partida 3 MAT-C 10 u USD 200 at 0 %. Its value: USD 1700.
- Pedimento ...002, 10 January: partida 1 MAT-A 100 u USD 1200 at 5 %; partida 2 MAT-C 5 u
  USD 100, its rate unknown.
- Average unit values (valued entries up to the exit): MAT-A USD 10 until 9 January, then
  2200 / 200 = 11; MAT-B 10; MAT-C 20 until 9 January, then 300 / 15 = 20.

Exits, each taking the oldest pedimento with value pending, whatever its goods, and within a
pedimento its lowest rate first (so what is left of it is its highest-rate goods):
- S-1, 8 Jan, MAT-A 30 u = USD 300: ...001 partida 3 (0 %) 200, partida 1 (5 %) 100.
- S-2, 12 Jan, MAT-B 100 u = USD 1000: ...001 partida 1 the 900 left, partida 2 (15 %) 100.
  ...001 now holds USD 400, all of it partida 2: the goods with the highest rate.
- S-3, 15 Jan, MAT-A 50 u = USD 550: ...001 partida 2 the 400 left, ...002 partida 1 150.
- S-4, 20 Jan, MAT-C 60 u = USD 1200: ...002 partida 1 the 1050 left, then partida 2 (rate
  unknown, counted as the highest: taken last) 100, and USD 50 short.
By fracción the same exits would take only their own fracción's lots (S-2 could only take
MAT-B's partida): the key is the pedimento, not the goods.
"""

from datetime import date

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core.anexo24 import interfaces, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.errors import InvalidInput
from brokertui.core.registry import clients
from tests.core.anexo24.conftest import RFC, TODAY, load, write_csv

P1, P2 = "26 07 3953 6000001", "26 07 3953 6000002"
HEADERS = [*interfaces.COLUMNS["entradas"], "tasa_igi"]
ENTRADAS = [
    [P1, "1", "IN", "2026-01-05", "MAT-A", "100", "1", "1000", "72085101", "USA", "5"],
    [P1, "2", "IN", "2026-01-05", "MAT-B", "50", "6", "500", "73181599", "USA", "15"],
    [P1, "3", "IN", "2026-01-05", "MAT-C", "10", "6", "200", "85389099", "USA", "0"],
    [P2, "1", "IN", "2026-01-10", "MAT-A", "100", "1", "1200", "72085101", "USA", "5.0"],
    [P2, "2", "IN", "2026-01-10", "MAT-C", "5", "6", "100", "85389099", "USA", ""],
]
SALIDAS = [
    ["S-1", "RT", "2026-01-08", "M", "MAT-A", "30"],
    ["S-2", "RT", "2026-01-12", "M", "MAT-B", "100"],
    ["S-3", "RT", "2026-01-15", "M", "MAT-A", "50"],
    ["S-4", "RT", "2026-01-20", "M", "MAT-C", "60"],
]


@pytest.fixture
def ped_db(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    load(
        db,
        tmp_path,
        "materiales",
        [
            ["MAT-A", "Lámina", "72085101", "1", "1", "1", "directo"],
            ["MAT-B", "Tornillo", "73181599", "6", "1", "1", "directo"],
            ["MAT-C", "Conector", "85389099", "6", "6", "1", "directo"],
        ],
    )
    interfaces.import_file(db, "entradas", write_csv(tmp_path / "e.csv", HEADERS, ENTRADAS), RFC)
    discharge.set_mode(db, RFC, "pedimento")
    load(db, tmp_path, "salidas", SALIDAS)
    return db


def ledger(db) -> list[tuple]:
    return [
        (r["documento"], r["pedimento"][-1:], r["partida"], r["valor_usd"])
        for r in discharge.export_rows(db, RFC)
    ]


def saldos(db, on: date) -> list[tuple]:
    h = reports.heading(db, "saldos", RFC, on=on)
    return [
        (r["pedimento"][-1:], r["partida"], r["tasa_igi"], str(r["saldo"]))
        for r in reports.records(db, h)
    ]


def test_the_golden_case_discharges_the_oldest_pedimento_lowest_rate_first(ped_db):
    first = discharge.run(ped_db, RFC, hasta=date(2026, 1, 12))
    assert (first.modo, first.demands, first.shortfalls) == ("pedimento", 2, 0)
    assert ledger(ped_db) == [
        ("S-1", "1", 3, "200"),
        ("S-1", "1", 1, "100"),
        ("S-2", "1", 1, "900"),
        ("S-2", "1", 2, "100"),
    ]
    # The balance of ...001 is read as its highest-rate goods: partida 2 (15 %), USD 400.
    assert saldos(ped_db, date(2026, 1, 12)) == [
        ("1", 2, "15", "400"),
        ("2", 1, "5.0", "1200"),
        ("2", 2, None, "100"),
    ]
    second = discharge.run(ped_db, RFC, hasta=TODAY)
    assert (second.demands, second.shortfalls) == (2, 1)
    assert ledger(ped_db)[4:] == [
        ("S-3", "1", 2, "400"),
        ("S-3", "2", 1, "150"),
        ("S-4", "2", 1, "1050"),
        ("S-4", "2", 2, "100"),
        ("S-4", "", "", "50"),
    ]
    assert saldos(ped_db, TODAY) == []
    assert discharge.check(ped_db, RFC) == []


def test_a_late_exit_redoes_the_ledger_from_its_date_as_a_full_rerun_would(ped_db, tmp_path):
    discharge.run(ped_db, RFC, hasta=TODAY)
    load(ped_db, tmp_path, "salidas", [["S-0", "RT", "2026-01-06", "M", "MAT-B", "10"]], "l.csv")
    result = discharge.run(ped_db, RFC, hasta=TODAY)
    # S-0 (USD 100) takes ...001 partida 3 first; S-1 is then 100 from partida 3 and 200 from
    # partida 1, and so on: every later exit's rows change, nothing before 6 January does.
    assert result.desde == "2026-01-06" and result.reversed == 9
    assert ledger(ped_db)[:3] == [
        ("S-0", "1", 3, "100"),
        ("S-1", "1", 3, "100"),
        ("S-1", "1", 1, "200"),
    ]
    assert ledger(ped_db)[-1] == ("S-4", "", "", "150")
    assert discharge.check(ped_db, RFC) == []


def test_the_reports_name_the_mode_and_the_export_has_no_key_column(ped_db):
    discharge.run(ped_db, RFC, hasta=TODAY)
    titles = {name: reports.heading(ped_db, name, RFC).report.title for name in reports.NAMES}
    assert titles["saldos"] == "Saldos por pedimento (lote) en USD, descargo a nivel pedimento"
    assert titles["descargos"] == "Descargos (asignaciones PEPS) por valor a nivel pedimento"
    assert "a nivel pedimento" in titles["materiales_utilizados"]
    used = reports.records(
        ped_db, reports.heading(ped_db, "materiales_utilizados", RFC, hasta=TODAY)
    )
    assert [(r["pedimento"], str(r["descargado"]), str(r["faltante"])) for r in used] == [
        (None, "0", "50"),
        ("260739536000001", "1700", "0"),
        ("260739536000002", "1300", "0"),
    ]
    assert discharge.export_columns(ped_db, RFC) == [
        "documento",
        "pedimento",
        "partida",
        "fecha_entrada",
        "valor_usd",
        "vencido",
    ]


def test_the_mode_is_chosen_per_client_and_refused_while_allocations_are_in_force(ped_db):
    runner = CliRunner()
    env = {"BROKERTUI_DB": str(ped_db.conn.execute("PRAGMA database_list").fetchone()[2])}
    shown = runner.invoke(main, ["discharge", "mode", "--rfc", RFC], env=env)
    assert shown.output.strip() == f"{RFC}: descargo por pedimento"
    assert clients.get_client(ped_db, RFC).ledger_mode == "pedimento"
    discharge.run(ped_db, RFC, hasta=TODAY)
    with pytest.raises(InvalidInput, match="por pedimento en vigor"):
        discharge.set_mode(ped_db, RFC, "valor")
    with pytest.raises(InvalidInput, match="cantidad, valor o pedimento"):
        discharge.set_mode(ped_db, RFC, "partida")


def test_a_bad_tasa_igi_refuses_the_file_naming_the_column(ped_db, tmp_path):
    bad = [[P1, "9", "IN", "2026-01-05", "MAT-A", "1", "1", "1", "72085101", "USA", "-3"]]
    with pytest.raises(interfaces.InterfaceError, match="fila 2: tasa_igi"):
        interfaces.import_file(ped_db, "entradas", write_csv(tmp_path / "b.csv", HEADERS, bad), RFC)


def test_the_partidas_556_rate_comes_before_the_interfaces(ped_db):
    """The customs data's rate (Data Stage 556, IGI: contributions.TASA_IGI) comes first: with
    1 % for ...001 partida 2, S-1's USD 300 takes partida 3 (0 %) 200, then partida 2 100."""
    client_id = ped_db.execute("SELECT id FROM clients").fetchone()[0]
    pedimento_id = ped_db.execute(
        "INSERT INTO pedimentos (numero, source, client_id, clave, tipo_operacion, fecha_pago, "
        "created_at, created_by, updated_at) VALUES ('260739536000001', 'datastage', ?, 'IN', "
        "'1', '2026-01-05', '', '', '')",
        [client_id],
    ).lastrowid
    ped_db.execute(
        "INSERT INTO ds_tasas_partida (pedimento_id, fraccion, secuencia, clave, tasa, "
        "tipo_tasa) VALUES (?, '73181599', 2, '6', '1.00000', '1')",
        [pedimento_id],
    )
    discharge.run(ped_db, RFC, hasta=date(2026, 1, 8))
    assert ledger(ped_db) == [("S-1", "1", 3, "200"), ("S-1", "1", 2, "100")]
    assert saldos(ped_db, date(2026, 1, 8))[:2] == [
        ("1", 1, "5", "1000"),
        ("1", 2, "1.00000", "400"),
    ]
