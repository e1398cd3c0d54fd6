"""The kept balances (core/anexo24/balances.py) after every way an entrada is stored: the
entradas interface (a statement per step), a captured pedimento (entries.sync_from_pedimentos),
an ajuste's lot, opening balances (a new lot, and one already here given a balance), a run and
its undo, an abandoned import deleted and a switch of mode, each compared with the balances
recomputed from scratch (the migrations' own way, 0023 and 0024) in each ledger mode. New lots
get theirs set-based per statement since migration 0035, not by a trigger per row."""

import pytest

from brokertui.core.anexo24 import ajustes, balances, interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimento_store
from tests.core.anexo24.conftest import RFC, TODAY, load

AMOUNT = "CASE c.descargo_modo WHEN 'valor' THEN e.valor_micro ELSE e.cantidad_micro END"
# Each lot: what the allocations in force took from it, and whether that used it up (0023).
LOTS = f"""
SELECT e.id, e.client_id, e.fecha_entrada, e.pedimento, e.partida, coalesce(u.used, 0),
       coalesce(u.used > 0 AND u.used >= coalesce({AMOUNT}, 0), 0)
FROM entradas e JOIN clients c ON c.id = e.client_id
LEFT JOIN (SELECT entrada_id, sum(cantidad_micro) AS used FROM active_allocations
           WHERE entrada_id IS NOT NULL GROUP BY entrada_id) u ON u.entrada_id = e.id
ORDER BY 1
"""
# Each part number's and fracción's lots with a balance, and their sum (0024).
PARTS = f"""
SELECT client_id, numero_parte, fraccion, count(*), sum(left_micro)
FROM (SELECT e.client_id, e.numero_parte, e.fraccion, {AMOUNT} - coalesce(u.used, 0) AS left_micro
      FROM entradas e JOIN clients c ON c.id = e.client_id
      LEFT JOIN (SELECT entrada_id, sum(cantidad_micro) AS used FROM active_allocations
                 WHERE entrada_id IS NOT NULL GROUP BY entrada_id) u ON u.entrada_id = e.id)
WHERE left_micro > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def assert_kept(db) -> None:
    assert db.execute("SELECT * FROM lot_balances ORDER BY 1").fetchall() == (
        db.execute(LOTS).fetchall()
    )
    kept = "SELECT * FROM part_balances WHERE lotes <> 0 OR saldo_micro <> 0 ORDER BY 1, 2, 3"
    assert db.execute(kept).fetchall() == db.execute(PARTS).fetchall()
    assert discharge.check(db, RFC) == []


def captured_pedimento() -> pedimento_model.Pedimento:
    return pedimento_model.parse(
        {
            "encabezado": {"numero": "25 07 3953 5000111", "clave": "IN", "tipo_operacion": "1",
                           "regimen": "ITE", "fecha_entrada": "2025-12-01",
                           "fecha_pago": "2025-12-01", "tipo_cambio": "18", "rfc": RFC},
            "partidas": [{"secuencia": str(n), "fraccion": "7208.51.01", "nico": "00",
                          "descripcion": "LAMINA", "numero_parte": "MAT-A", "valor_usd": "100",
                          "cantidad_umc": "50", "umc": "1", "cantidad_umt": "50", "umt": "1",
                          "pais": "USA"} for n in (1, 2)],
            "facturas": [{"numero": "F-1", "valor_usd": "200", "proveedor": "ACME"}],
        }
    )  # fmt: skip


@pytest.mark.parametrize("modo", ["cantidad", "valor"])
def test_every_writer_of_entradas_keeps_the_balances_of_its_lots(
    inv_db, tmp_path, monkeypatch, modo
):
    discharge.set_mode(inv_db, RFC, modo)
    assert_kept(inv_db)
    monkeypatch.setattr(interfaces, "STEP", 2)  # several statements, over turns
    rows = [
        ["26 07 3953 6000030", str(n), "IN", "2026-02-01", part, "10", "1", value, "", "USA"]
        for n, (part, value) in enumerate(
            [("MAT-A", "8"), ("MAT-B", ""), ("MAT-A", "1.5"), ("MAT-B", "2")], start=1
        )
    ]
    load(inv_db, tmp_path, "entradas", rows, "more.csv")  # a lot without value: none by value
    assert_kept(inv_db)
    pedimento_store.save(inv_db, captured_pedimento(), today=TODAY, force=True)
    assert inv_db.execute("SELECT count(*) FROM entradas WHERE source = 'pedimento'").fetchone()
    assert_kept(inv_db)
    sobrante = {
        "fecha": "2026-02-02", "tipo": "sobrante", "numero_parte": "MAT-B", "cantidad": "3",
        "motivo": "conteo", "pedimento": "26 07 3953 6999999", "partida": "1",
    }  # fmt: skip
    ajustes.add_ajustes(inv_db, RFC, [(1, sobrante)], "ajuste")
    assert_kept(inv_db)
    load(
        inv_db,
        tmp_path,
        "saldos_iniciales",
        [
            ["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "30", "24.60"],  # a new lot
            ["26 07 3953 6000030", "1", "MAT-A", "2026-01-31", "7", "5"],  # one already here
        ],
    )
    assert_kept(inv_db)
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "104"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert_kept(inv_db)
    discharge.undo_last(inv_db, RFC)
    assert_kept(inv_db)
    discharge.set_mode(inv_db, RFC, "valor" if modo == "cantidad" else "cantidad")
    assert_kept(inv_db)


def test_an_import_that_fails_midway_leaves_no_balance_behind(inv_db, tmp_path, monkeypatch):
    """An import that fails after some of its turns deletes what it wrote, balances included."""
    monkeypatch.setattr(interfaces, "STEP", 1)

    def refuse(db, client_id, import_id, name):
        raise interfaces.InterfaceError(f"{name}: rechazado")

    monkeypatch.setitem(interfaces.COMPLETING, "entradas", [refuse])
    before = inv_db.execute("SELECT * FROM lot_balances ORDER BY 1").fetchall()
    rows = [["26 07 3953 6000040", str(n), "IN", "2026-02-01", "MAT-B", "1", "6", "1", "", "USA"]
            for n in (1, 2, 3)]  # fmt: skip
    with pytest.raises(interfaces.InterfaceError, match="rechazado"):
        load(inv_db, tmp_path, "entradas", rows, "failed.csv")
    assert inv_db.execute("SELECT * FROM lot_balances ORDER BY 1").fetchall() == before
    assert_kept(inv_db)


def test_the_balances_of_new_lots_are_read_by_their_ids_only(inv_db):
    """Each statement that stores entradas reads only the new rows, by rowid range: a whole
    scan of entradas per statement made an import of n rows take n² time."""
    parts = [balances.NEW_PARTS.format(amount=amount) for amount in balances.AMOUNT.values()]
    for sql in (balances.NEW_LOTS, *parts):
        plan = [r[3] for r in inv_db.execute(f"EXPLAIN QUERY PLAN {sql}", {"after": 1})]
        assert any("INTEGER PRIMARY KEY (rowid>?)" in step for step in plan), plan
        assert not [step for step in plan if step.startswith("SCAN")], plan
