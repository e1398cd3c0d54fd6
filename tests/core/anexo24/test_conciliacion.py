"""The inventory conciliation (issue 15, item 3). Anexo 24 (anexo24-rgce-2024.txt, Apartado B,
módulo de procesos, "Módulo de proceso de movimientos y ajustes de manufactura") receives "las
cantidades del inventario inicial y final para un periodo específico de cada material"
(numeral 1) and "conciliará la información ... generada por el sistema corporativo para un
periodo específico, y hará la comparación con la información aduanera" (numeral 3): per
material, inicial + entradas − salidas − ajustes against the final inventory declared, and
against brokertui's saldo; the differences are proposed as ajustes (Apartado B, módulo de
interfase de movimientos de manufactura y ajustes: "Faltantes y sobrantes").

Hand-worked case, period 1 January to 31 March 2026, on `inv_db` (conftest): MAT-A enters 100
on 5 January and 100 on 20 January, MAT-B 500 on 20 January; an activo fijo import of 3 MAT-A
(2 January) and an opening balance of 30 MAT-A (10 November 2025) are no entradas of the period.
RT-1 (10 February) exits 10 PROD-1, whose BOM takes 2.5 MAT-A + 4 % merma (26) and 8 MAT-B
(80); RT-2 (5 March) exits 100 MAT-A; a merma of 5 MAT-A (20 March); RT-3 (10 April) is after
the period. The corporate system declares MAT-A 30 → 85 and MAT-B 0 → 500:
- MAT-A: 30 + 200 − 126 − 5 = 99, declared 85: a faltante of 14;
- MAT-B: 0 + 500 − 80 − 0 = 420, declared 500: a sobrante of 80, on the latest MAT-B lot
  (...6000020 partida 2).
"""

from datetime import date
from decimal import Decimal

import pytest

from brokertui.core.anexo24 import ajustes, conciliacion, inventarios
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24.reader import InterfaceError
from brokertui.core.errors import InvalidInput
from tests.core.anexo24.conftest import RFC, TODAY, load

DESDE, HASTA = date(2026, 1, 1), date(2026, 3, 31)
APRIL, END_APRIL = date(2026, 4, 1), date(2026, 4, 30)
DECLARED = [
    ["MAT-A", "2026-01-01", "2026-03-31", "30", "85"],
    ["MAT-B", "2026-01-01", "2026-03-31", "0", "500"],
]


@pytest.fixture
def period_db(inv_db, tmp_path):
    load(
        inv_db,
        tmp_path,
        "entradas",
        [
            [
                "26 07 3953 7000001",
                "1",
                "AF",
                "2026-01-02",
                "MAT-A",
                "3",
                "1",
                "9000",
                "72085101",
                "USA",
            ]
        ],
        "af.csv",
    )
    load(
        inv_db,
        tmp_path,
        "saldos_iniciales",
        [["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "30", "24.60"]],
    )
    load(
        inv_db,
        tmp_path,
        "salidas",
        [
            ["RT-1", "RT", "2026-02-10", "P", "PROD-1", "10"],
            ["RT-2", "RT", "2026-03-05", "M", "MAT-A", "100"],
            ["RT-3", "RT", "2026-04-10", "M", "MAT-A", "10"],
        ],
    )
    merma = dict(
        fecha="2026-03-20", tipo="merma", numero_parte="MAT-A", cantidad="5", motivo="corte"
    )
    ajustes.add_ajustes(inv_db, RFC, [(1, merma)], "ajuste")
    load(inv_db, tmp_path, "inventarios", DECLARED)
    return inv_db


def table(lines) -> list[tuple]:
    return [
        (
            d["numero_parte"],
            *(str(d[k]) for k in conciliacion.COLUMNS[3:12]),
            d["propuesta"],
            d["pedimento"],
            d["partida"],
        )
        for d in (line.as_dict() for line in lines)
    ]


def test_the_hand_worked_period(period_db):
    discharge.run(period_db, RFC, hasta=TODAY)
    lines = conciliacion.conciliate(period_db, RFC, DESDE, HASTA)
    # inicial, entradas, salidas, ajustes, calculado, final, diferencia, saldo, diferencia saldo
    assert table(lines) == [
        ("MAT-A", "30", "200", "126", "5", "99", "85", "-14", "99", "-14", "faltante", "", None),
        (
            "MAT-B",
            "0",
            "500",
            "80",
            "0",
            "420",
            "500",
            "80",
            "420",
            "80",
            "sobrante",
            "260739536000020",
            2,
        ),
    ]
    assert lines[0].as_dict()["umc"] == "1" and lines[0].descripcion == "Lámina"
    assert [line.estado for line in lines] == ["con diferencia", "con diferencia"]


def test_a_material_moved_but_not_declared_is_listed_and_a_declared_one_not_moved_too(
    period_db, tmp_path
):
    """Numeral 3 compares the corporate data of the period with the customs information, so a
    material the customs data moves but the corporate system did not declare is listed, named
    `sin inventario declarado`, with its figures. By hand, April 2026: the corporate system
    declares only MAT-B, 420 → 420, which nothing moves in April (cuadra: 420 + 0 − 0 − 0);
    MAT-A is not declared, yet RT-3 exits 10 of it on 10 April: entradas 0, salidas 10,
    ajustes 0 and its saldo on 30 April 30 + 200 − 126 − 5 − 10 = 89; no calculado,
    diferencia or proposal (no declared start or end)."""
    april = [["MAT-B", "2026-04-01", "2026-04-30", "420", "420"]]
    load(period_db, tmp_path, "inventarios", april, "abril.csv")
    discharge.run(period_db, RFC, hasta=TODAY)
    rows = [
        (line.numero_parte, line.estado, *(line.as_dict()[k] for k in conciliacion.COLUMNS[3:13]))
        for line in conciliacion.conciliate(period_db, RFC, APRIL, END_APRIL)
    ]
    qty = Decimal
    assert rows == [
        ("MAT-A", "sin inventario declarado", None, qty(0), qty(10), qty(0), None, None, None,
         qty(89), None, ""),
        ("MAT-B", "cuadra", qty(420), qty(0), qty(0), qty(0), qty(420), qty(420), qty(0),
         qty(420), qty(0), ""),
    ]  # fmt: skip
    assert (
        conciliacion.proposals(
            conciliacion.conciliate(period_db, RFC, APRIL, END_APRIL), APRIL, END_APRIL
        )
        == []
    )


def test_the_saldo_is_the_same_read_from_the_kept_balances(period_db):
    """With no exit after the period discharged (RT-3 pending), each lot's kept balance
    (lot_balances) gives the saldo; with RT-3 discharged, the allocations up to the period's
    end are summed instead. Both give the hand-worked 99 and 420."""
    discharge.run(period_db, RFC, hasta=HASTA)
    assert [line.saldo for line in conciliacion.conciliate(period_db, RFC, DESDE, HASTA)] == [
        99_000_000,
        420_000_000,
    ]
    discharge.run(period_db, RFC, hasta=TODAY)
    assert period_db.execute(
        "SELECT count(*) FROM active_allocations a JOIN salidas s ON s.id = a.salida_id "
        "WHERE s.documento = 'RT-3'"
    ).fetchone()[0]
    assert [line.saldo for line in conciliacion.conciliate(period_db, RFC, DESDE, HASTA)] == [
        99_000_000,
        420_000_000,
    ]


def test_confirmed_proposals_become_ajustes_and_close_the_differences(period_db):
    proposed = conciliacion.proposals(
        conciliacion.conciliate(period_db, RFC, DESDE, HASTA), DESDE, HASTA
    )
    assert [(p["tipo"], p["numero_parte"], p["cantidad"], p["fecha"]) for p in proposed] == [
        ("faltante", "MAT-A", "14", "2026-03-31"),
        ("sobrante", "MAT-B", "80", "2026-03-31"),
    ]
    assert proposed[0]["motivo"] == (
        "Conciliación de inventario del 2026-01-01 al 2026-03-31: final declarado 85, calculado 99"
    )
    assert conciliacion.confirm(period_db, RFC, DESDE, HASTA) == 2
    recorded = period_db.execute(
        "SELECT tipo, numero_parte, cantidad_micro, pedimento, partida FROM ajustes "
        "WHERE fecha = '2026-03-31' ORDER BY id"
    ).fetchall()
    assert recorded == [
        ("faltante", "MAT-A", 14_000_000, "", None),
        ("sobrante", "MAT-B", 80_000_000, "260739536000020", 2),
    ]
    lines = conciliacion.conciliate(period_db, RFC, DESDE, HASTA)
    assert [line.diferencia for line in lines] == [0, 0]
    assert conciliacion.confirm(period_db, RFC, DESDE, HASTA) == 0  # nothing left to propose
    discharge.run(period_db, RFC, hasta=TODAY)
    # brokertui's saldo at the period's end is now the declared inventory.
    assert [line.saldo for line in conciliacion.conciliate(period_db, RFC, DESDE, HASTA)] == [
        85_000_000,
        500_000_000,
    ]
    assert discharge.check(period_db, RFC) == []


def test_only_the_chosen_materials_are_adjusted(period_db):
    assert conciliacion.confirm(period_db, RFC, DESDE, HASTA, {"MAT-B"}) == 1
    assert [line.propuesta for line in conciliacion.conciliate(period_db, RFC, DESDE, HASTA)] == [
        "faltante",
        "",
    ]


def test_a_sobrante_without_any_lot_is_shown_but_not_proposed(period_db, tmp_path):
    load(
        period_db,
        tmp_path,
        "inventarios",
        [["MAT-B", "2025-01-01", "2025-01-31", "0", "5"]],
        "enero.csv",
    )
    lines = conciliacion.conciliate(period_db, RFC, date(2025, 1, 1), date(2025, 1, 31))
    assert [(line.propuesta, line.pedimento) for line in lines] == [("sobrante", "")]
    assert conciliacion.proposals(lines, date(2025, 1, 1), date(2025, 1, 31)) == []


def test_a_period_not_declared_names_the_declared_ones(period_db):
    with pytest.raises(InvalidInput) as refused:
        conciliacion.conciliate(period_db, RFC, date(2026, 1, 1), date(2026, 6, 30))
    assert str(refused.value) == (
        "periodo: MAB9307148T4 no tiene inventarios declarados del 2026-01-01 al 2026-06-30; "
        "periodos declarados: 2026-01-01 a 2026-03-31"
    )


@pytest.mark.parametrize("modo", ["valor", "pedimento"])
def test_by_value_there_is_no_saldo_per_material(period_db, modo):
    discharge.set_mode(period_db, RFC, modo)
    line = conciliacion.conciliate(period_db, RFC, DESDE, HASTA)[0]
    assert line.saldo is None and line.as_dict()["diferencia_saldo"] is None
    assert line.diferencia == -14_000_000


def test_a_corrected_inventory_replaces_the_declared_one(period_db, tmp_path):
    load(
        period_db,
        tmp_path,
        "inventarios",
        [["MAT-A", "2026-01-01", "2026-03-31", "30", "99"]],
        "fix.csv",
    )
    assert inventarios.declared(period_db, 1, DESDE, HASTA) == {
        "MAT-A": (30_000_000, 99_000_000),
        "MAT-B": (0, 500_000_000),
    }
    assert [p.label for p in inventarios.periods(period_db, 1)] == ["2026-01-01 a 2026-03-31"]
    assert conciliacion.conciliate(period_db, RFC, DESDE, HASTA)[0].as_dict()[
        "diferencia"
    ] == Decimal(0)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["MAT-A", "2026-03-31", "2026-01-01", "1", "2"],
            "periodo_fin: no puede ser anterior a periodo_inicio",
        ),
        (
            ["MAT-A", "2026-01-01", "2026-03-31", "-1", "2"],
            "inventario_inicial: no puede ser negativo",
        ),
        (
            ["MAT-Z", "2026-01-01", "2026-03-31", "1", "2"],
            "numero_parte: MAT-Z no está en materiales",
        ),
        (["MAT-A", "2026-01-01", "", "1", "2"], "periodo_fin:"),
        (
            ["MAT-A", "2026-01-01", "2026-03-31", "1", "1,5"],
            "inventario_final: «1,5»: usa punto decimal",
        ),
    ],
)
def test_a_bad_inventory_row_names_its_field_and_nothing_is_imported(
    inv_db, tmp_path, row, problem
):
    with pytest.raises(InterfaceError) as refused:
        load(inv_db, tmp_path, "inventarios", [DECLARED[0], row])
    assert "fila 3: " + problem in str(refused.value)
    assert inv_db.execute("SELECT count(*) FROM inventarios").fetchone()[0] == 0
