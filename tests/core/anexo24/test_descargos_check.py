"""Data Stage 512 descargos against brokertui's discharge ledger for the same exits (issue 13,
item 6): a golden case with one planted difference of each kind, matches in UMC and in UMT, and
an exit without 512 rows that is not compared."""

from datetime import date

import pytest

from brokertui.core.anexo24 import descargos_check
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import RFC, import_rows, partida, pedimento


def number(n: int) -> str:
    return f"2624395360000{n:02d}"


def descargo(original: int, unidad: str, cantidad: str) -> dict:
    return {
        "PatenteAduanalOrig": "3953",
        "PedimentoOriginal": f"60000{original:02d}",
        "SeccionAduaneraDespOrig": "240",
        "DocumentoOriginal": "IN",
        "FechaOperacionOrig": "2026-01-04 10:00:00",
        "FraccionOriginal": "85389099",
        "UnidadMedida": unidad,
        "MercanciaDescargada": cantidad,
    }


def salida(n: int, *descargos: dict) -> dict:
    return pedimento(
        number(n),
        clave="RT",
        tipo_operacion="2",
        pagado="2026-02-10 10:00:00",
        entrada=None,
        partidas=[partida(parte="")],
        miembros={"512": list(descargos)} if descargos else {},
    )


@pytest.fixture
def discharged(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    import_rows(db, "materiales", [["P-1", "Interruptor", "85389099", "6", "1", "0.4", "directo"]])
    import_rows(
        db,
        "entradas",
        [
            [number(1), "1", "IN", "2026-01-04", "P-1", "100", "6", "100", "85389099", "HUN"],
            [number(2), "1", "IN", "2026-01-05", "P-1", "100", "6", "100", "85389099", "HUN"],
        ],
    )
    exits = {50: "150", 60: "20", 80: "10", 90: "5", 99: "1"}  # FIFO: 50 takes 1 whole, 2 in part
    import_rows(
        db, "salidas", [[number(n), "RT", "2026-02-10", "M", "P-1", q] for n, q in exits.items()]
    )
    discharge.run(db, RFC, hasta=date(2026, 2, 28))
    deliveries = [
        salida(
            50, descargo(1, "6", "100"), descargo(9, "6", "5")
        ),  # 1 agrees; 9 not ours; 2 missing
        salida(60, descargo(2, "6", "25")),  # the ledger took 20
        salida(80, descargo(2, "1", "4.000")),  # 10 pieces are 4 kg: agrees in UMT
        salida(90, descargo(2, "8", "5")),  # a unit the lots do not have
        salida(99),  # no 512 rows: not compared
    ]
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "1_Solicitudes.zip", deliveries))
    return db


def test_the_golden_case_lists_each_planted_difference_and_nothing_else(discharged):
    found = [
        (r["salida"][-2:], r["original"][-2:], r["tipo"], r["unidad"], r["datastage"], r["ledger"])
        for r in descargos_check.differences(discharged, RFC)
    ]
    assert found == [
        ("50", "02", "solo_ledger", None, None, "20 (1), 50 (6)"),
        ("50", "09", "solo_datastage", "6", "5", None),
        ("60", "02", "cantidad", "6", "25", "20"),
        ("90", "02", "unidad", "8", "5", "1, 6"),
    ]


def test_a_client_discharging_by_value_is_told_so(discharged):
    discharge.undo_last(discharged, RFC)
    discharge.set_mode(discharged, RFC, "valor")
    with pytest.raises(descargos_check.ValueMode, match="por valor"):
        descargos_check.differences(discharged, RFC)
