"""Activo fijo lots stay out of the material discharge (issue 15, item 1).

Anexo 24 (anexo24-rgce-2024.txt) follows fixed assets in their own module (Apartado A, fracción
II, "Módulo de Activo Fijo"): the módulo de salidas' PEPS discharges "la cantidad de cada
mercancía determinada" (the materials consumed) from the oldest temporary import that holds it,
while a fixed asset is discharged "al momento de su retorno, transferencia, cambio de régimen o
donación" (Apartado B, módulo de proceso de descargos, numeral 4). An AF import (clave AF,
effect `entrada_activo` in the claves catalog) of a part number that also arrives as an insumo
is therefore never taken by the insumo's exits, in either ledger mode.

The inventory of `inv_db` (conftest): MAT-A (fracción 72085101) 100 units for USD 82 on 5
January (pedimento ...6000010) and 100 for USD 82 on 20 January (...6000020 partida 1). Here an
AF import of MAT-A, older than both, brings 3 units for USD 9000 on 2 January (...7000001).
"""

from datetime import date

import pytest

from brokertui.core.anexo24 import entries, reports
from brokertui.core.anexo24 import ledger as discharge
from tests.core.anexo24.conftest import RFC, TODAY, load

AF = "26 07 3953 7000001"
AF_ROW = [AF, "1", "AF", "2026-01-02", "MAT-A", "3", "1", "9000", "72085101", "USA"]


@pytest.fixture(params=("cantidad", "valor"))  # a nivel pedimento: test_value_by_pedimento.py
def af_db(inv_db, tmp_path, request):
    discharge.set_mode(inv_db, RFC, request.param)
    load(inv_db, tmp_path, "entradas", [AF_ROW], "af.csv")
    return inv_db


def ledger(db) -> list[tuple]:
    return [
        (r["documento"], r["pedimento"][-7:], r.get("cantidad", r.get("valor_usd")))
        for r in discharge.export_rows(db, RFC)
    ]


def test_the_claves_of_fixed_assets_come_from_the_catalog():
    assert entries.fixed_asset_claves() == ("AF", "E2", "E4")


def test_an_insumo_exit_takes_only_insumo_lots_and_reports_the_shortfall(af_db, tmp_path):
    load(
        af_db,
        tmp_path,
        "salidas",
        [
            ["RT-1", "RT", "2026-02-01", "M", "MAT-A", "150"],
            ["RT-2", "RT", "2026-03-01", "M", "MAT-A", "100"],
        ],
    )
    result = discharge.run(af_db, RFC, hasta=TODAY)
    if discharge.mode(af_db, 1) == "cantidad":
        # RT-1: 100 from ...010 (case 2) and 50 from ...020; RT-2: the 50 left of ...020 and 50
        # short: the older AF lot is not the insumo's.
        assert ledger(af_db) == [
            ("RT-1", "6000010", "100"),
            ("RT-1", "6000020", "50"),
            ("RT-2", "6000020", "50"),
            ("RT-2", "", "50"),
        ]
    else:
        # Priced at the insumo entries' average, USD 0.82 (the AF import's USD 3000 a unit is no
        # insumo's price): RT-1 is 123 USD, 82 from ...010 and 41 from ...020; RT-2 is 82 USD,
        # the 41 left and 41 short.
        assert ledger(af_db) == [
            ("RT-1", "6000010", "82"),
            ("RT-1", "6000020", "41"),
            ("RT-2", "6000020", "41"),
            ("RT-2", "", "41"),
        ]
    assert result.shortfalls == 1 and result.shortfall_parts
    assert discharge.check(af_db, RFC) == []


def test_the_saldos_show_the_fixed_asset_apart_with_its_whole_balance(af_db, tmp_path):
    load(af_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "250"]])
    discharge.run(af_db, RFC, hasta=TODAY)
    saldos = reports.heading(af_db, "saldos", RFC, on=TODAY)
    rows = list(reports.records(af_db, saldos))
    # Every insumo lot of MAT-A is used up; the AF lot, listed after the insumos (MAT-B's lot),
    # keeps it all.
    assert [(r["numero_parte"], r["pedimento"], r["tipo"]) for r in rows] == [
        ("MAT-B", "260739536000020", "insumo"),
        ("MAT-A", "260739537000001", "activo fijo"),
    ]
    amount = "cantidad" if discharge.mode(af_db, 1) == "cantidad" else "valor_usd"
    assert (str(rows[1][amount]), str(rows[1]["saldo"])) == (
        ("3", "3") if amount == "cantidad" else ("9000", "9000")
    )
    # No insumo balance by fracción comes from it.
    per_fraccion = reports.heading(af_db, "saldos_fraccion", RFC, on=TODAY)
    assert [r["fraccion"] for r in reports.records(af_db, per_fraccion)] == ["73181599"]


def test_a_ledger_that_took_a_fixed_asset_gives_those_exits_other_lots(inv_db, tmp_path):
    """A ledger of an older version (or one run before a catalog that marks the clave) whose
    allocations take a lot now known as a fixed asset: the check tells it, and the next run
    redoes those exits' keys from their dates as a full rerun would."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "150"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    inv_db.execute("UPDATE entradas SET clave = 'AF' WHERE pedimento LIKE '%6000010'")
    inv_db.conn.commit()
    assert discharge.check(inv_db, RFC) == [
        "entrada 260739536000010 partida 1 MAT-A: activo fijo descargado por salidas de "
        "materiales (1 asignación)"
    ]
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert ledger(inv_db) == [("RT-1", "6000020", "100"), ("RT-1", "", "50")]
    assert discharge.check(inv_db, RFC) == []


def test_a_report_date_before_the_fixed_asset_leaves_it_out(af_db):
    saldos = reports.heading(af_db, "saldos", RFC, on=date(2026, 1, 1))
    assert list(reports.records(af_db, saldos)) == []
