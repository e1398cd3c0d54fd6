"""Part numbers for the Anexo 24 (issue 13, item 5): from 551 CodigoMercanciaProducto, else from
the partida's 558 observaciones by the client's pattern (default `No\\.? ?de parte:?\\s*(\\S+)`,
any case, accents ignored), else left to the ERP; the partidas that get a material's part
number become entries through the one seam, and those whose part number no catalog knows are
listed, not dropped."""

import pytest

from brokertui.core.anexo24 import crosscheck
from brokertui.core.db import transaction
from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos import partnumbers
from brokertui.core.pedimentos import rules as pedimento_rules
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import RFC, import_rows, partida, pedimento

DEFAULT = partnumbers.compile_pattern(partnumbers.DEFAULT_PATTERN)


@pytest.mark.parametrize(
    ("texts", "part"),
    [
        (["No. De parte: 5HYV-355080-9000"], "5HYV-355080-9000"),  # the real example
        (["NO DE PARTE 123-A."], "123-A"),
        (["no.de parte:X1, lote 4"], "X1"),
        (["Descripción: pieza ñ; nó. de PÁRTE: ÑU-1"], "ÑU-1"),  # accents before and in it
        (["MERCANCIA NUEVA", "No. de parte: B-2"], "B-2"),  # the second observación
        (["No. de parte:", "C-3"], "C-3"),  # the number on the next line
        (["NUMERO DE SERIE 77"], None),
        ([], None),
    ],
)
def test_the_default_pattern_finds_the_part_number(texts, part):
    assert partnumbers.extract(DEFAULT, texts) == part


@pytest.mark.parametrize(
    ("pattern", "rule"),
    [
        ("No de parte: (", "no es una expresión regular válida"),
        ("No de parte", "debe tener un grupo"),
        ("  ", "es obligatorio"),
        ("(x)" * 100, "a lo más 200 caracteres"),
    ],
)
def test_a_bad_pattern_is_refused_naming_the_field(pattern, rule):
    with pytest.raises(InvalidInput, match=rule) as refused:
        partnumbers.compile_pattern(pattern)
    assert refused.value.field == "patron_numero_parte"


def obs(sec: int, *texts: str) -> list[dict]:
    return [
        {
            "Fraccion": "85389099",
            "SecuenciaFraccion": str(sec),
            "SecuenciaObservacion": str(n),
            "Observaciones": text,
        }
        for n, text in enumerate(texts, start=1)
    ]


@pytest.fixture
def delivered(db, tmp_path):
    """A client with material P-1 and product PROD-1, and a delivery whose partidas carry
    their part numbers every way ANAM brings them."""
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    for kind, row in (
        ("materiales", ["P-1", "Interruptor", "85389099", "6", "1", "0.4", "directo"]),
        ("productos", ["PROD-1", "Gabinete", "85371099", "6", "6"]),
    ):
        import_rows(db, kind, [row])
    ped = pedimento(
        partidas=[
            partida(parte=""),  # 1: from 558
            partida(parte="Q-7"),  # 2: 551, unknown
            partida(parte=""),  # 3: 558, unknown
            partida(parte=""),  # 4: 558, a product
            partida(parte=""),  # 5: nothing: the ERP gives it
            partida(parte=""),  # 6: 558 in another wording
        ],
        miembros={
            "558": [
                *obs(1, "MERCANCIA NUEVA", "No. De parte: P-1"),
                *obs(3, "no. de párte: ZZ-9"),
                *obs(4, "No de parte PROD-1"),
                *obs(6, "Parte # P-1"),
            ]
        },
    )
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "1_Solicitudes.zip", [ped]))
    return db


def entries(db) -> list[tuple]:
    return db.execute("SELECT partida, numero_parte, source FROM entradas ORDER BY 1").fetchall()


def test_a_558_part_number_becomes_an_entry_and_unknown_ones_are_listed(delivered):
    assert entries(delivered) == [(1, "P-1", "pedimento")]
    listed, counts = crosscheck.unknown_parts(delivered, RFC)
    assert [(r["partida"], r["numero_parte"], r["origen"], r["motivo"]) for r in listed] == [
        (2, "Q-7", "551", "no está en materiales"),
        (3, "ZZ-9", "558", "no está en materiales"),
        (4, "PROD-1", "558", "es un producto, no un material"),
    ]
    assert counts == {"551": 1, "558": 3, "captura": 0, "ninguno": 2, "desconocidos": 3}


def test_the_clients_pattern_is_its_own_and_applies_at_the_next_sync(delivered):
    from brokertui.core.anexo24 import entries as seam

    assert pedimento_rules.part_pattern(delivered, RFC) == partnumbers.DEFAULT_PATTERN
    with pytest.raises(InvalidInput, match="patron_numero_parte"):
        pedimento_rules.set_part_pattern(delivered, RFC, "Parte # (")
    pedimento_rules.set_part_pattern(delivered, RFC, r"parte\s*#\s*(\S+)")
    with transaction(delivered):
        seam.sync_from_pedimentos(delivered, clients.get_client(delivered, RFC).id)
    assert entries(delivered) == [(1, "P-1", "pedimento"), (6, "P-1", "pedimento")]
    _, counts = crosscheck.unknown_parts(delivered, RFC)
    assert counts["558"] == 1 and counts["ninguno"] == 4  # the default's wording no longer reads
