"""Issue 15's "done when": a client with insumos, an activo fijo machine of the same part number,
a V5 transfer, a destruction of waste, a change of regime and an opening balance runs its year;
the machine is never taken by insumo exits, each salida kind discharges as Anexo 24 says, the
inventory conciliation shows exactly the planted difference, and every report names its kind.

Hand-worked (anexo24-rgce-2024.txt, Apartado B, módulo de proceso de descargos): MAT-A has an
opening balance of 40 (pedimento ...5000001, 1 December 2025, brought from the former system),
an insumo lot of 100 (...6000010, 5 January) and a fixed asset of the same part number, clave AF
(...7000001, 6 January, 1 unit). PROD-1 uses 2 MAT-A.
- RT-1, retorno of 20 PROD-1 (1 Feb): 40 MAT-A, the opening lot whole (PEPS, numeral 1).
- V5-1, transferencia V5 of 30 MAT-A (1 Mar) to BMA2211187E1: 30 of ...6000010.
- DES-1, destrucción of 10 MAT-A of desperdicio (1 Apr, acta ACTA-7): discharged by PEPS "al
  momento de su ... destrucción" (numeral 3): 10 of ...6000010.
- F4-1, cambio de régimen F4 of 20 MAT-A (1 May): 20 of ...6000010.
- RT-2, retorno of 30 MAT-A (1 Jun): 30 of ...6000010, which keeps 10. The AF lot is never
  taken (numeral 4: a fixed asset is discharged at its own retorno, here AF-RT on 1 July).
- The corporate system declares MAT-A from 1 January to 30 June: initial 40, final 7. Customs:
  40 + 100 entradas − 130 salidas = 10; the planted difference is −3, a faltante.
- The activo fijo report follows the machine to its retorno; its balance goes to 0.
"""

from datetime import date

import pytest

from brokertui.core.anexo24 import activo_fijo, conciliacion, interfaces, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.registry import clients
from tests.core.anexo24.conftest import RFC, write_csv

YEAR_END = date(2026, 12, 31)
OPENING, INSUMO, MACHINE = "260739535000001", "260739536000010", "260739537000001"
SALIDAS_HEADERS = [
    *interfaces.COLUMNS["salidas"],
    "tipo_salida",
    "rfc_receptor",
    "pedimento_receptor",
    "numero_acta",
    "fecha_acta",
]
SALIDAS = [
    ["RT-1", "RT", "2026-02-01", "P", "PROD-1", "20", "", "", "", "", ""],
    ["V5-1", "V5", "2026-03-01", "M", "MAT-A", "30", "", "BMA2211187E1", "26 07 3953 8000001",
     "", ""],
    ["DES-1", "", "2026-04-01", "D", "MAT-A", "10", "destrucción", "", "", "ACTA-7",
     "2026-04-01"],
    ["F4-1", "F4", "2026-05-01", "M", "MAT-A", "20", "", "", "", "", ""],
    ["RT-2", "RT", "2026-06-01", "M", "MAT-A", "30", "", "", "", "", ""],
]  # fmt: skip


def _import(db, tmp_path, kind: str, rows: list, headers=None) -> None:
    path = write_csv(tmp_path / f"{kind}.csv", headers or interfaces.COLUMNS[kind], rows)
    interfaces.import_file(db, kind, path, RFC)


@pytest.fixture
def year(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    _import(db, tmp_path, "materiales", [["MAT-A", "Lámina", "72085101", "1", "1", "1", "directo"]])
    _import(db, tmp_path, "productos", [["PROD-1", "Gabinete", "85371099", "6", "6"]])
    _import(db, tmp_path, "bom", [["PROD-1", "MAT-A", "2", "0"]])
    _import(db, tmp_path, "saldos_iniciales", [[OPENING, "1", "MAT-A", "2025-12-01", "40", "400"]])
    _import(
        db,
        tmp_path,
        "entradas",
        [
            [INSUMO, "1", "IN", "2026-01-05", "MAT-A", "100", "1", "1000", "72085101", "USA"],
            [MACHINE, "1", "AF", "2026-01-06", "MAT-A", "1", "1", "50000", "72085101", "USA"],
        ],
    )
    _import(db, tmp_path, "salidas", SALIDAS, SALIDAS_HEADERS)
    _import(db, tmp_path, "inventarios", [["MAT-A", "2026-01-01", "2026-06-30", "40", "7"]])
    activo_fijo.add_movement(
        db,
        RFC,
        {"fecha": "2026-07-01", "tipo": "retorno", "pedimento": MACHINE, "partida": "1",
         "cantidad": "1", "documento": "26 07 3953 8000002"},
    )  # fmt: skip
    result = discharge.run(db, RFC, hasta=YEAR_END)
    assert (result.demands, result.shortfalls) == (5, 0)
    return db


def _report(db, name: str, **dates) -> tuple[str, list[dict]]:
    h = reports.heading(db, name, RFC, **dates)
    return h.report.title, list(reports.records(db, h))


def test_each_salida_kind_discharges_by_peps_and_the_machine_is_never_taken(year):
    ledger = [
        (r["documento"], r["pedimento"], r["cantidad"]) for r in discharge.export_rows(year, RFC)
    ]
    assert ledger == [
        ("RT-1", OPENING, "40"),
        ("V5-1", INSUMO, "30"),
        ("DES-1", INSUMO, "10"),
        ("F4-1", INSUMO, "20"),
        ("RT-2", INSUMO, "30"),
    ]
    assert MACHINE not in {pedimento for _, pedimento, _ in ledger}
    assert discharge.check(year, RFC) == []
    # the machine is discharged by its own retorno, in the activo fijo module
    machine = activo_fijo.assets(year, 1, YEAR_END)
    assert [(a.pedimento, a.saldo_micro) for a in machine] == [(MACHINE, 0)]


def test_the_conciliation_shows_exactly_the_planted_difference(year):
    [line] = conciliacion.conciliate(year, RFC, date(2026, 1, 1), date(2026, 6, 30))
    assert (line.inicial, line.entradas, line.salidas, line.ajustes, line.final) == (
        40_000_000,
        100_000_000,
        130_000_000,
        0,
        7_000_000,
    )
    assert (line.calculado, line.diferencia, line.saldo) == (10_000_000, -3_000_000, 10_000_000)
    assert line.propuesta == "faltante"
    # confirmed, the faltante is an ajuste (Apartado B, ajustes): the next run discharges it by
    # PEPS from the insumo's 10, and the conciliation has no difference left
    assert conciliacion.confirm(year, RFC, date(2026, 1, 1), date(2026, 6, 30)) == 1
    discharge.run(year, RFC, hasta=YEAR_END)
    [line] = conciliacion.conciliate(year, RFC, date(2026, 1, 1), date(2026, 6, 30))
    assert (line.ajustes, line.diferencia, line.saldo) == (3_000_000, 0, 7_000_000)
    _, ajustes = _report(year, "ajustes", desde=date(2026, 1, 1), hasta=YEAR_END)
    assert [(r["tipo"], str(r["cantidad"])) for r in ajustes] == [("faltante", "3")]
    assert discharge.check(year, RFC) == []


def test_every_report_names_its_kind(year):
    _, entradas = _report(year, "entradas", desde=date(2025, 1, 1), hasta=YEAR_END)
    assert [(r["pedimento"], r["clave"], r["origen"]) for r in entradas] == [
        (OPENING, None, "saldo inicial"),  # brought from the former system: no clave
        (INSUMO, "IN", "interfaz"),
        (MACHINE, "AF", "interfaz"),
    ]
    title, salidas = _report(year, "salidas", desde=date(2026, 1, 1), hasta=YEAR_END)
    assert [(r["documento"], r["tipo_salida"], r["bien"]) for r in salidas] == [
        ("RT-1", "retorno", "producto"),
        ("V5-1", "transferencia", "material"),
        ("DES-1", "destrucción", "desperdicio"),
        ("F4-1", "cambio de régimen", "material"),
        ("RT-2", "retorno", "material"),
    ]
    v5 = salidas[1]
    assert (v5["rfc_receptor"], v5["pedimento_receptor"]) == ("BMA2211187E1", "260739538000001")
    assert (salidas[2]["numero_acta"], str(salidas[2]["fecha_acta"])) == ("ACTA-7", "2026-04-01")
    assert salidas[3]["valor_usd"] == 200  # the 20 units' share of the lot's USD 1000
    _, descargos = _report(year, "descargos", desde=date(2026, 1, 1), hasta=YEAR_END)
    assert [(r["documento"], r["tipo_salida"], r["origen"]) for r in descargos] == [
        ("RT-1", "retorno", "saldo inicial"),
        ("V5-1", "transferencia", "interfaz"),
        ("DES-1", "destrucción", "interfaz"),
        ("F4-1", "cambio de régimen", "interfaz"),
        ("RT-2", "retorno", "interfaz"),
    ]
    _, saldos = _report(year, "saldos", on=date(2026, 6, 30))
    assert [(r["pedimento"], str(r["saldo"]), r["tipo"], r["origen"]) for r in saldos] == [
        (INSUMO, "10", "insumo", "interfaz"),
        (MACHINE, "1", "activo fijo", "interfaz"),
    ]
    _, af = _report(year, "activo_fijo", desde=date(2026, 1, 1), hasta=YEAR_END)
    assert [r["movimiento"] for r in af][-1].startswith("retorno")
    title, late = _report(year, "recepcion_tardia", desde=date(2026, 1, 1), hasta=YEAR_END)
    assert title.startswith("Recepción tardía") and {r["tipo"] for r in late} == {
        "entrada",
        "salida",
    }
