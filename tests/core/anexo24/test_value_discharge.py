"""Discharge by value (Anexo 24, Apartado A, módulo de salidas, the paragraph on certified
companies: "descargar ... el valor por fracción arancelaria ... del pedimento de importación
temporal más antiguo que contenga valores pendientes de descargo de la fracción arancelaria").

The inventory of `inv_db`: MAT-A (fracción 72085101) entered 100 units for USD 82 on 5 January
(pedimento ...010) and again 100 for USD 82 on 20 January (...020 partida 1); MAT-B (73181599)
500 for USD 5 on 20 January (...020 partida 2). PROD-1 uses 2.5 MAT-A with 4 % merma and 8
MAT-B.
"""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24 import reports
from brokertui.core.errors import InvalidInput
from tests.builders import cli_runner
from tests.core.anexo24.conftest import RFC, TODAY, load


@pytest.fixture
def value_db(inv_db):
    discharge.set_mode(inv_db, RFC, "valor")
    return inv_db


def rows(db) -> list[tuple]:
    return [
        (r["documento"], r["fraccion"], r["pedimento"], r["valor_usd"])
        for r in discharge.export_rows(db, RFC)
    ]


def test_a_product_exit_discharges_its_materials_value_per_fraccion(value_db, tmp_path):
    load(value_db, tmp_path, "salidas", [["EXP-1", "RT", "2026-02-01", "P", "PROD-1", "40"]])
    result = discharge.run(value_db, RFC, hasta=TODAY)
    # MAT-A: 40 × 2.5 × 1.04 = 104 units at USD 0.82 = 85.28: the 82 of the oldest pedimento
    # (case 2) and 3.28 from the next. MAT-B: 320 units at USD 0.01 = 3.20, from its only lot.
    assert rows(value_db) == [
        ("EXP-1", "72085101", "260739536000010", "82"),
        ("EXP-1", "72085101", "260739536000020", "3.28"),
        ("EXP-1", "73181599", "260739536000020", "3.2"),
    ]
    assert (result.modo, result.demands, result.allocations, result.shortfalls) == (
        "valor",
        2,
        3,
        0,
    )
    assert discharge.check(value_db, RFC) == []


def test_each_exit_is_priced_with_the_entries_up_to_its_date(value_db, tmp_path):
    load(
        value_db,
        tmp_path,
        "entradas",
        [
            [
                "26 07 3953 6000030",
                "1",
                "IN",
                "2026-01-25",
                "MAT-A",
                "100",
                "1",
                "100",
                "72085101",
                "USA",
            ]
        ],
        name="later.csv",
    )
    load(
        value_db,
        tmp_path,
        "salidas",
        [
            ["RT-1", "RT", "2026-01-22", "M", "MAT-A", "50"],  # 50 × 164/200 = 41
            ["RT-2", "RT", "2026-02-01", "M", "MAT-A", "50"],  # 50 × 264/300 = 44
        ],
    )
    discharge.run(value_db, RFC, hasta=TODAY)
    assert rows(value_db) == [
        ("RT-1", "72085101", "260739536000010", "41"),
        ("RT-2", "72085101", "260739536000010", "41"),
        ("RT-2", "72085101", "260739536000020", "3"),
    ]
    # Entries of MAT-B, which no exit needs, are left unread: nothing stays locked.
    assert discharge.check(value_db, RFC) == []
    assert discharge.run(value_db, RFC, hasta=TODAY).demands == 0


def test_an_exit_beyond_the_fraccions_value_gets_a_shortfall_line(value_db, tmp_path):
    load(value_db, tmp_path, "salidas", [["V5-1", "V5", "2026-03-01", "M", "MAT-B", "600"]])
    result = discharge.run(value_db, RFC, hasta=TODAY)
    # 600 units at USD 0.01 = 6.00 against the 5.00 of the fracción's only lot.
    assert rows(value_db) == [
        ("V5-1", "73181599", "260739536000020", "5"),
        ("V5-1", "73181599", "", "1"),
    ]
    assert result.shortfall_parts == ["73181599"]


def test_an_exit_that_cannot_be_priced_stays_pending_whole(value_db, tmp_path):
    load(
        value_db,
        tmp_path,
        "materiales",
        [
            ["MAT-A", "Lámina", "72085101", "1", "1", "1", "directo"],
            ["MAT-B", "Tornillo", "73181599", "6", "1", "0.01", "directo"],
            ["MAT-C", "Empaque", "48191001", "6", "1", "1", "indirecto"],
        ],
        name="materiales2.csv",
    )
    load(
        value_db,
        tmp_path,
        "bom",
        [["PROD-1", "MAT-A", "2.5", "4"], ["PROD-1", "MAT-C", "1", "0"]],
        name="bom2.csv",
    )
    load(
        value_db,
        tmp_path,
        "salidas",
        [
            ["EXP-1", "RT", "2026-02-01", "P", "PROD-1", "40"],  # MAT-C never entered
            ["V5-1", "V5", "2026-02-02", "M", "MAT-B", "100"],
        ],
    )
    result = discharge.run(value_db, RFC, hasta=TODAY)
    assert (result.sin_valor, result.sin_valor_parts) == (1, ["MAT-C"])
    assert rows(value_db) == [("V5-1", "73181599", "260739536000020", "1")]
    assert [p["documento"] for p in discharge.pending(value_db, RFC, TODAY)] == ["EXP-1"]
    assert discharge.check(value_db, RFC) == []
    # EXP-1 is older than V5-1, but the next run knows it has seen it: nothing is redone, nor
    # priced again (it stays pending) until an entry of one of its materials comes, dated on or
    # before it: then it is discharged whole.
    again = discharge.run(value_db, RFC, hasta=TODAY)
    assert (again.desde, again.reversed, again.demands, again.sin_valor) == (None, 0, 0, 0)
    assert [p["documento"] for p in discharge.pending(value_db, RFC, TODAY)] == ["EXP-1"]
    row = ["26 07 3953 6000040", "1", "IN", "2026-01-28", "MAT-C", "50", "6", "25", "", "USA"]
    load(value_db, tmp_path, "entradas", [row], name="mat-c.csv")
    priced = discharge.run(value_db, RFC, hasta=TODAY)
    assert priced.demands and not priced.sin_valor
    assert discharge.pending(value_db, RFC, TODAY) == []
    assert {r[0] for r in rows(value_db)} == {"EXP-1", "V5-1"}
    assert discharge.check(value_db, RFC) == []


def test_the_mode_cannot_change_while_allocations_are_in_force(inv_db, tmp_path):
    with pytest.raises(InvalidInput, match="modo"):
        discharge.set_mode(inv_db, RFC, "peso")
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "30"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    with pytest.raises(InvalidInput, match="1 asignación por cantidad en vigor"):
        discharge.set_mode(inv_db, RFC, "valor")
    discharge.undo_last(inv_db, RFC)
    assert discharge.set_mode(inv_db, RFC, "valor") == "valor"
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert rows(inv_db) == [("RT-1", "72085101", "260739536000010", "24.6")]


def test_check_finds_a_lot_discharged_beyond_its_value(value_db, tmp_path):
    load(value_db, tmp_path, "salidas", [["V5-1", "V5", "2026-03-01", "M", "MAT-B", "100"]])
    discharge.run(value_db, RFC, hasta=TODAY)
    value_db.execute("UPDATE allocations SET cantidad_micro = 6000000")
    assert discharge.check(value_db, RFC) == [
        "entrada 260739536000020 partida 2 MAT-B: descargado 6 de 5",
        "salida V5-1 73181599: asignado 6 de 1",
        # the allocation was changed behind the ledger's back: the kept balances are not
        "entrada 260739536000020 partida 2 MAT-B: saldo guardado con 1 descargado; las "
        "asignaciones en vigor suman 6",
        "73181599 en 2026-03: lo descargado por mes guardado no es la suma de sus asignaciones",
    ]


def test_reports_are_issued_by_value(value_db, tmp_path):
    load(value_db, tmp_path, "salidas", [["EXP-1", "RT", "2026-02-01", "P", "PROD-1", "40"]])
    discharge.run(value_db, RFC, hasta=TODAY)
    on = date(2026, 6, 30)

    def report(name):
        heading = reports.heading(value_db, name, RFC, desde=date(2026, 1, 1), hasta=on, on=on)
        return heading.report, list(reports.records(value_db, heading))

    saldos, lots = report("saldos")
    assert "USD" in saldos.title
    assert [(r["pedimento"], r["partida"], str(r["saldo"])) for r in lots] == [
        ("260739536000020", 1, "78.72"),
        ("260739536000020", 2, "1.8"),
    ]
    _, per_fraccion = report("saldos_fraccion")
    assert [(r["fraccion"], str(r["saldo_usd"])) for r in per_fraccion] == [
        ("72085101", "78.72"),
        ("73181599", "1.8"),
    ]
    _, used = report("materiales_utilizados")
    assert [(r["fraccion"], str(r["descargado"])) for r in used] == [
        ("72085101", "85.28"),
        ("73181599", "3.2"),
    ]


def test_cli_sets_the_mode_and_exports_by_value(tmp_path):
    run = cli_runner(tmp_path / "cli.db", "2026-06-30")
    run("client", "add", "--rfc", RFC, "--razon-social", "Alfa")
    assert "por valor" in run("discharge", "mode", "--rfc", RFC, "valor").output
    assert run("discharge", "mode", "--rfc", RFC).output.strip() == f"{RFC}: descargo por valor"
    out = run("discharge", "mode", "--rfc", RFC, "peso")
    assert out.exit_code != 0
    assert run("discharge", "export", "--rfc", RFC).output.splitlines() == [
        "documento,fraccion,pedimento,partida,fecha_entrada,valor_usd,vencido"
    ]


def test_lots_discharged_to_zero_by_value_leave_the_dashboard(db):
    from brokertui.core import dashboard
    from brokertui.core.demo import clients as demo

    today = date(2026, 4, 15)
    demo.load(db, today)
    before = {lot["numero"] for lot in dashboard.expiring_lots(db, today)}
    discharge.set_mode(db, "MNB050315K70", "valor")
    discharge.run(db, "MNB050315K70", hasta=today)
    # By value the demo's exits use up the USD of the same two pedimentos.
    after = {lot["numero"] for lot in dashboard.expiring_lots(db, today)}
    assert after == before - {"240739534000137", "240739534000274"}


def _raw_entries(db, texts: list[str], *, modo: str = "cantidad") -> None:
    """Alfa (client 1, in `modo`) and an entrada of MAT-A per valor_usd text in `texts`
    (partidas 1, 2, ...), written straight into a database of any version."""
    db.execute(
        "INSERT INTO clients (rfc, razon_social, created_at, updated_at) "
        "VALUES (?, 'Alfa', '', '')",
        [RFC],
    )
    if modo != "cantidad":
        db.execute("UPDATE clients SET descargo_modo = ?", [modo])
    for n, text in enumerate(texts, start=1):
        db.execute(
            "INSERT INTO entradas (client_id, pedimento, partida, clave, fecha_entrada, "
            "numero_parte, cantidad_micro, umc, valor_usd, source) "
            "VALUES (1, '260739536000010', ?, 'IN', '2026-01-05', 'MAT-A', 1, '1', ?, 'interfaz')",
            [n, text],
        )


def test_upgrading_a_database_reads_stored_values_exactly(tmp_path):
    """Migration 0009 on a database of the previous version: entries keep their valor_usd text
    (commas included, as it used to be stored) and gain its exact value; clients start by
    quantity."""
    from brokertui.core import db as store

    path = tmp_path / "old.db"
    old = store.connect(path, migrate_to=8)
    _raw_entries(old, ["1,234.56", "82", "0.000001", ""])
    old.close()
    new = store.connect(path)
    assert [r[0] for r in new.execute("SELECT valor_micro FROM entradas ORDER BY partida")] == [
        1_234_560_000,
        82_000_000,
        1,
        None,
    ]
    assert discharge.mode(new, 1) == "cantidad"
    new.close()


def _valor_micro_0009() -> str:
    """The expression migration 0009 gave valor_micro, read from the migration itself."""
    from brokertui.core import db as store

    (text,) = [m.sql for m in store.available_migrations() if m.version == 9]
    return text.split("GENERATED ALWAYS AS (", 1)[1].rsplit(") VIRTUAL", 1)[0]


@given(
    st.one_of(
        st.text(alphabet="0123456789.,-+ e\t", max_size=16),
        st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){0,4}(\.[0-9]{0,8})?\Z"),
        st.text(max_size=12),
    )
)
@settings(max_examples=300)
def test_valor_micro_reads_any_text_as_migration_0009_did(text):
    """Migration 0039 reads an entrada's valor_usd with fewer string functions (SQLite computes
    a generated column for every row inserted): for any text, stored or odd, the same number
    as 0009's expression, its reference."""
    from brokertui.core import db as store

    db = store.connect(":memory:")
    _raw_entries(db, [text])
    stored = db.execute("SELECT valor_micro FROM entradas").fetchone()[0]
    reference = db.execute(f"SELECT {_valor_micro_0009()} FROM (SELECT ? AS valor_usd)", [text])
    assert stored == reference.fetchone()[0]
    db.close()


def test_migration_0039_keeps_every_value_and_the_triggers_that_read_it(tmp_path):
    """A database of version 38 keeps its entries' values through 0039, and deleting an
    entrada still takes its value off its part's kept balance (the triggers of 0024, put back)."""
    from brokertui.core import db as store

    path = tmp_path / "old.db"
    old = store.connect(path, migrate_to=38)
    _raw_entries(old, ["1,234.56", "82", "0.000001", "", "7.1234567"], modo="valor")
    old.execute(
        "INSERT INTO lot_balances (entrada_id, client_id, fecha_entrada, pedimento, partida) "
        "SELECT id, client_id, fecha_entrada, pedimento, partida FROM entradas"
    )
    old.execute(
        "INSERT INTO part_balances VALUES (1, 'MAT-A', '', 4, "
        "(SELECT sum(valor_micro) FROM entradas))"
    )
    before = [r[0] for r in old.execute("SELECT valor_micro FROM entradas ORDER BY id")]
    old.close()
    new = store.connect(path)
    assert [r[0] for r in new.execute("SELECT valor_micro FROM entradas ORDER BY id")] == before
    assert before == [1_234_560_000, 82_000_000, 1, None, 7_123_456]
    new.execute("DELETE FROM entradas WHERE partida = 2")
    assert new.execute("SELECT lotes, saldo_micro FROM part_balances").fetchone() == (
        3,
        1_234_560_000 + 1 + 7_123_456,
    )
    new.close()


def test_a_run_finds_the_pending_exits_a_new_entry_prices_from_the_new_entries(value_db, tmp_path):
    """By value, a run looks for the exits left pending that a new entry can price from the new
    entries (few; each of their filters by its own index), not by searching every pending
    exit's material among all the client's lots by date: 1.7 s of a run with nothing new at
    50,000 lots, 0.07 s since. The statements of a run, traced, planned again."""
    load(value_db, tmp_path, "salidas", [["EXP-1", "RT", "2026-02-01", "M", "MAT-A", "4"]])
    discharge.run(value_db, RFC, hasta=TODAY)
    statements: list[str] = []
    value_db.conn.set_trace_callback(statements.append)
    try:
        discharge.run(value_db, RFC, hasta=TODAY)
    finally:
        value_db.conn.set_trace_callback(None)
    pending = [s for s in statements if "x AS MATERIALIZED" in s]  # the pending exits
    assert len(pending) == 1
    # the run's scratch table it fills (scope.mark), gone with the run
    value_db.execute("CREATE TEMP TABLE IF NOT EXISTS dirty_keys (key TEXT PRIMARY KEY, desde)")
    plan = [r[3] for r in value_db.execute(f"EXPLAIN QUERY PLAN {pending[0]}")]
    lots = [step for step in plan if step.startswith(("SCAN e", "SEARCH e "))]
    assert lots and not any(step.startswith("SCAN") for step in lots), plan  # each by an index
    assert not any("entradas_fecha" in step for step in lots), plan
