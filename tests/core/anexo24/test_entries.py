"""The seam from pedimentos to the Anexo 24 entries: the temporary-import partidas of a stored
pedimento (captured or from Data Stage) whose part numbers are catalogued become entries, in the
same transaction as the pedimento."""

import pytest

from brokertui.core.anexo24 import interfaces
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import partida as ds_partida
from tests.builders import pedimento
from tests.core.pedimentos.test_pedimentos import TODAY, values

CAPTURED = "MAB9307148T4"  # the RFC of test_pedimentos.values()
IMPORTED = "BMA2211187E1"  # the RFC of test_datastage.pedimento()


@pytest.fixture
def catalogued(db):
    """Both clients, with material P-1 in their catalogs."""
    for rfc in (CAPTURED, IMPORTED):
        clients.add_client(db, {"rfc": rfc, "razon_social": "Maquiladora SA"})
        row = dict(
            numero_parte="P-1",
            descripcion="PARTES PARA INTERRUPTOR",
            fraccion="85389099",
            umc="6",
            umt="1",
            factor_umt="1",
            tipo="directo",
        )
        interfaces.import_rows(db, "materiales", [(2, row)], rfc, "materiales.csv", rfc)
    return db


def entradas(db) -> list[tuple]:
    return db.execute(
        "SELECT pedimento, partida, numero_parte, cantidad_micro, source FROM entradas"
    ).fetchall()


def test_a_captured_pedimento_brings_its_catalogued_partidas_as_entries(catalogued):
    ped = pedimento_model.parse(values(partida_numero_parte="P-1"))
    pedimentos.save(catalogued, ped, today=TODAY)
    assert entradas(catalogued) == [("262439536000098", 1, "P-1", 12_000_000, "pedimento")]


def test_a_data_stage_import_brings_its_catalogued_partidas_as_entries(catalogued, tmp_path):
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", [pedimento()])
    datastage.import_zip(catalogued, path)
    assert entradas(catalogued) == [("262439536000098", 1, "P-1", 12_000_000, "pedimento")]


def test_a_data_stage_partida_of_no_quantity_or_a_negative_one_is_no_lot(catalogued, tmp_path):
    """A delivery may carry them (the importer keeps the ANAM's sign): they were "Error
    interno" in the seam (to_micro), refusing the delivery, and every later materiales import
    and discharge run of the client (the seam runs there too). Field trial."""
    partidas = [
        ds_partida(umc_qty="-12.000"),
        ds_partida(umc_qty="0"),
        ds_partida(umc_qty="5.000"),
    ]
    path = datastage_build.write_zip(tmp_path / "1.zip", [pedimento(partidas=partidas)])
    assert datastage.import_zip(catalogued, path).partidas == 3
    assert entradas(catalogued) == [("262439536000098", 3, "P-1", 5_000_000, "pedimento")]


def test_the_seam_runs_inside_the_write_transaction(catalogued, monkeypatch):
    def refuse(db, client_id):
        assert db.execute("SELECT count(*) FROM entradas").fetchone()[0] == 1  # synced first
        raise RuntimeError("listener failed")

    monkeypatch.setattr(pedimentos, "_listeners", [*pedimentos._listeners, refuse])
    ped = pedimento_model.parse(values(partida_numero_parte="P-1"))
    with pytest.raises(RuntimeError):
        pedimentos.save(catalogued, ped, today=TODAY)
    assert catalogued.execute("SELECT count(*) FROM pedimentos").fetchone()[0] == 0
    assert entradas(catalogued) == []
