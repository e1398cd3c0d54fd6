"""Issue 13's "done when", end to end through the CLI from a fresh database: a multi-RFC
delivery with `.00` values, zero originals, empty 551 part numbers with 558 observaciones and
all 26 members imports in one step into the right clients; importing it again, whole or per
client, changes nothing; the pedimento shows every member's data; the entradas cross-check
lists each planted difference and nothing else."""

import json

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import db as store
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage.members import MEMBERS, OWN_TABLES
from tests.builders import MIEMBROS, client_rfc, monthly, partida

A, B, C = client_rfc(1), client_rfc(2), client_rfc(3)  # C is no client
OBSERVADA = {  # partida 1: no part number in 551, one in its 558 observaciones
    "558": [
        {"SecuenciaFraccion": "1", "SecuenciaObservacion": "1", "Observaciones": "MERCANCIA"},
        {
            "SecuenciaFraccion": "1",
            "SecuenciaObservacion": "2",
            "Observaciones": "No. de Parte: P-1",
        },
    ]
}


def numero(who: int, n: int) -> str:
    return monthly(who, 2026, 1, n)["numero"]


def delivery() -> list[dict]:
    sin_parte = [partida(parte=""), partida(parte="", fraccion="73181599")]
    return [
        # A0: every member, `.00` in 505 ValorDolares, 558's part number for partida 1
        monthly(
            1,
            2026,
            1,
            0,
            facturas=[("F-1", "2026-01-02 00:00:00", "FCA", "USD", ".00", "ACME")],
            partidas=sin_parte,
            miembros=MIEMBROS | OBSERVADA,
        ),
        # A1 rectifies A0: 701 with PedimentoOriginal 0, PatenteAduanalOrig 0, blank sección
        monthly(
            1,
            2026,
            1,
            1,
            rectifica=numero(1, 0),
            rectifica_pagado="2026-01-10 10:00:00",
            partidas=sin_parte,
            miembros=OBSERVADA,
        )
        | {"pagado": "2026-01-20 10:00:00"},
        monthly(1, 2026, 1, 2, partidas=[partida(parte="")]),  # A2: only in Data Stage
        monthly(2, 2026, 1, 0),  # B's
        monthly(3, 2026, 1, 0),  # C's: kept aside
    ]


@pytest.fixture
def run(tmp_path):
    env = {"BROKERTUI_DB": str(tmp_path / "fresh.db"), "BROKERTUI_TODAY": "2026-04-15"}

    def invoke(*args):
        out = CliRunner(env=env).invoke(main, [str(a) for a in args])
        assert out.exit_code == 0, out.output
        return out.output

    for rfc, name in ((A, "Cliente Uno SA"), (B, "Cliente Dos SA")):
        invoke("client", "add", "--rfc", rfc, "--razon-social", name)
    return invoke


def state(path) -> dict:
    """Every table a delivery writes, timestamps left out."""
    db = store.connect(path)
    tables = ["pedimentos", "partidas", "facturas", "datastage_versions", "datastage_routes"]
    tables += ["entradas", *(m.table for m in OWN_TABLES.values())]
    out = {
        t: [
            {k: v for k, v in dict(r).items() if not k.endswith("_at")}
            for r in db.query(f"SELECT * FROM {t} ORDER BY rowid")
        ]
        for t in tables
    }
    db.close()
    return out


def test_issue_13_done_when(run, tmp_path):
    write = tmp_path / "entradas.csv"
    write.write_text(  # the ERP: materiales, and the entradas the 558 does not give
        "numero_parte,descripcion,fraccion,umc,umt,factor_umt,tipo\n"
        "P-1,Interruptor,85389099,6,1,0.4,directo\n"
        "P-2,Tornillo,73181599,6,1,0.4,directo\n"
    )
    run("import", "materiales", write, "--rfc", A)
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", delivery())

    # one step, into the right clients; C's kept aside
    out = run("import", "datastage", path)
    assert f"  {A:13} {3:>6} {0:>6} {0:>6}" in out and f"  {B:13} {1:>6} {0:>6} {0:>6}" in out
    assert f"  {C:13} {1:>6} ped.  CLIENTE 3 DEL BAJÍO, S.A. DE C.V." in out
    listed = json.loads(run("pedimento", "list", "--rfc", A, "--format", "json"))
    assert sorted(p["numero"] for p in listed) == sorted(numero(1, n) for n in range(3))
    assert [
        p["numero"] for p in json.loads(run("pedimento", "list", "--rfc", B, "--format", "json"))
    ] == [numero(2, 0)]

    # the pedimento shows every member's data; `.00` read as 0.00; the zero original is none
    shown = json.loads(run("pedimento", "show", numero(1, 0), "--source", "datastage"))
    assert shown["facturas"][0]["valor_usd"] == "0.00"
    blocks = shown["miembros"]
    delivered = {t for t, m in OWN_TABLES.items() if m.level != "entrega"}
    assert set(blocks) == delivered, delivered ^ set(blocks)
    rect = json.loads(run("pedimento", "show", numero(1, 1), "--source", "datastage"))
    assert (rect["rectifica"], rect["original"]) == (numero(1, 0), None)
    assert len(MEMBERS) == 26

    # part numbers: partida 1 of the latest of the chain from 558 became an entry
    entradas = state(tmp_path / "fresh.db")["entradas"]
    assert [(e["pedimento"], e["partida"], e["numero_parte"]) for e in entradas] == [
        (numero(1, 1), 1, "P-1")
    ]

    # the ERP's entradas: partida 2 of A1 with a planted fracción, and a pedimento DS lacks
    write.write_text(
        "pedimento,partida,clave,fecha_entrada,numero_parte,cantidad,umc,valor_usd,fraccion,"
        "pais_origen\n"
        f"{numero(1, 1)},2,IN,2026-01-09,P-2,12,6,1976.88,85389099,HUN\n"
        f"{numero(1, 9)},1,IN,2026-01-09,P-1,12,6,1976.88,85389099,HUN\n"
    )
    run("import", "entradas", write, "--rfc", A)
    before = state(tmp_path / "fresh.db")

    # again, whole and per client: nothing changes
    assert "nada cambió" in run("import", "datastage", path)
    for rfc in (A, B):
        again = run("import", "datastage", path, "--rfc", rfc)
        assert "nada cambió" in again or "nuevos 0, actualizados 0" in again
    assert state(tmp_path / "fresh.db") == before

    # the cross-check: each planted difference, nothing else
    found = json.loads(run("reconcile", "entradas", "--rfc", A, "--format", "json"))
    assert [(d["numero"], d["tipo"], d["partida"], d["campo"]) for d in found] == [
        (numero(1, 1), "partida", 2, "fraccion"),
        (numero(1, 2), "solo_datastage", None, None),
        (numero(1, 9), "solo_anexo24", None, None),
    ]
