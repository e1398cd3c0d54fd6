"""Interfaces and the discharge ledger: import, run, undo, run from a date, export, check."""

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core import db as store
from brokertui.core.anexo24 import bajas, interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24.interfaces import InterfaceError
from brokertui.core.anexo24.ledger import store as ledger_store
from brokertui.core.registry import clients
from tests.builders import cli_runner
from tests.core.anexo24.conftest import RFC, TODAY, export, load, write_csv


def test_product_exit_explodes_the_bom_with_merma_and_discharges_fifo(inv_db, tmp_path):
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "P", "PROD-1", "40"]])
    result = discharge.run(inv_db, RFC, hasta=TODAY)
    # MAT-A: 40 × 2.5 × 1.04 = 104 -> 100 from the 5 Jan lot (case 2) and 4 from the next.
    # MAT-B: 40 × 8 = 320 from its only lot (case 1).
    assert [(r["numero_parte"], r["pedimento"], r["cantidad"]) for r in export(inv_db)] == [
        ("MAT-A", "260739536000010", "100"),
        ("MAT-A", "260739536000020", "4"),
        ("MAT-B", "260739536000020", "320"),
    ]
    assert (result.demands, result.allocations, result.shortfalls) == (2, 3, 0)
    assert discharge.check(inv_db, RFC) == []


def test_shortfall_row_has_empty_pedimento_and_the_export_columns(inv_db, tmp_path):
    load(inv_db, tmp_path, "salidas", [["V5-9", "V5", "2026-03-01", "M", "MAT-B", "650.5"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    out = io.StringIO()
    writer = csv.DictWriter(out, discharge.export_columns(inv_db, RFC), lineterminator="\n")
    writer.writeheader()
    writer.writerows(export(inv_db))
    assert out.getvalue().splitlines() == [
        "documento,numero_parte,pedimento,partida,fecha_entrada,cantidad,vencido",
        "V5-9,MAT-B,260739536000020,2,2026-01-20,500,no",
        "V5-9,MAT-B,,,,150.5,no",
    ]


def test_a_run_with_nothing_pending_records_an_empty_run(inv_db, tmp_path):
    # Regression: lots left unread by a run with no demand kept a statement open, and
    # dropping the scratch table then failed as "database busy".
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "30"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    again = discharge.run(inv_db, RFC, hasta=TODAY)
    assert (again.demands, again.allocations, again.reversed) == (0, 0, 0)
    assert len(export(inv_db)) == 1


def test_dry_run_writes_nothing_and_undo_restores_balances(inv_db, tmp_path):
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "30"]])
    preview = discharge.run(inv_db, RFC, hasta=TODAY, dry_run=True)
    assert (preview.allocations, preview.run_id) == (1, None)
    assert export(inv_db) == [] and discharge.runs(inv_db, RFC) == []
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert len(export(inv_db)) == 1
    assert discharge.pending(inv_db, RFC, TODAY) == []
    discharge.undo_last(inv_db, RFC)
    assert export(inv_db) == []
    assert [(p["documento"], p["cantidad"]) for p in discharge.pending(inv_db, RFC, TODAY)] == [
        ("RT-1", "30")
    ]
    assert discharge.summary(inv_db, RFC, TODAY)["pendientes"] == 1
    assert [r["status"] for r in discharge.runs(inv_db, RFC)] == ["undone"]


def test_each_lots_balance_is_kept_by_runs_and_undos_and_checked(inv_db, tmp_path):
    """lot_balances and part_balances (what the saldos reports read by index) move with each
    run's commit and undo; check() finds a balance that does not add up."""

    def used() -> dict:
        sql = (
            "SELECT e.pedimento, b.used_micro, b.agotado FROM lot_balances b "
            "JOIN entradas e ON e.id = b.entrada_id WHERE e.numero_parte = 'MAT-A' ORDER BY 1"
        )
        return {p: (u, a) for p, u, a in inv_db.execute(sql)}

    before = used()
    assert set(before.values()) == {(0, 0)}
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "104"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert used() == {"260739536000010": (100_000_000, 1), "260739536000020": (4_000_000, 0)}
    discharge.undo_last(inv_db, RFC)
    assert used() == before
    discharge.run(inv_db, RFC, hasta=TODAY)
    inv_db.execute("UPDATE lot_balances SET used_micro = 3999999 WHERE used_micro = 4000000")
    assert discharge.check(inv_db, RFC) == [
        "entrada 260739536000020 partida 1 MAT-A: saldo guardado con 3.999999 descargado; "
        "las asignaciones en vigor suman 4",
        # and the part's kept balance (part_balances) is no longer the sum of its lots'
        "número de parte MAT-A fracción 72085101: el saldo por parte guardado no es la suma "
        "de sus lotes",
    ]


def older_copy(db, path, version: int):
    """A database at schema `version`, built by the shipped migrations up to it, holding what
    `db` holds in the tables and columns that version has (its triggers set aside meanwhile:
    the rows they would derive are copied too); the next connect() upgrades it."""
    old = store.connect(path, migrate_to=version)
    old.execute("ATTACH DATABASE ? AS src", [str(store.file_path(db))])
    old.execute("PRAGMA foreign_keys = OFF")
    triggers = old.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        old.execute(f"DROP TRIGGER {name}")
    tables = old.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'table' AND name <> '{store.SCHEMA_TABLE}' "
        "AND name NOT LIKE 'sqlite%' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    ).fetchall()
    for (table,) in tables:
        names = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        columns = ", ".join(
            r[1] for r in old.execute(f"PRAGMA table_info({table})") if r[1] in names
        )
        if names:
            old.execute(f"DELETE FROM main.{table}")
            old.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}")
    for _, sql in triggers:
        old.execute(sql)
    old.execute("DETACH DATABASE src")
    old.close()
    return path


def test_upgrading_a_database_keeps_the_balances_of_its_ledger(inv_db, tmp_path):
    """Migrations 0023, 0024 and 0027 on a ledger of the previous version (its runs, an undone
    one and the reversals of a correction): the kept balances and use start as its allocations
    in force give them."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "104"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    load(inv_db, tmp_path, "salidas", [["RT-0", "RT", "2026-01-10", "M", "MAT-A", "7"]], "b.csv")
    discharge.run(inv_db, RFC, hasta=TODAY)
    load(inv_db, tmp_path, "salidas", [["RT-2", "RT", "2026-03-10", "P", "PROD-1", "1"]], "c.csv")
    discharge.run(inv_db, RFC, hasta=TODAY)
    discharge.undo_last(inv_db, RFC)
    kept = inv_db.execute("SELECT * FROM lot_balances ORDER BY 1").fetchall()
    parts = inv_db.execute("SELECT * FROM part_balances WHERE lotes ORDER BY 1, 2, 3").fetchall()
    use = inv_db.execute("SELECT * FROM part_use WHERE salidas ORDER BY 1, 2, 3").fetchall()
    assert use
    assert any(used for *_, used, _ in kept)
    path = older_copy(inv_db, tmp_path / "v22.db", 22)
    upgraded = store.connect(path)
    assert upgraded.execute("SELECT * FROM lot_balances ORDER BY 1").fetchall() == kept
    assert upgraded.execute("SELECT * FROM part_balances ORDER BY 1, 2, 3").fetchall() == parts
    assert upgraded.execute("SELECT * FROM part_use ORDER BY 1, 2, 3").fetchall() == use
    assert discharge.check(upgraded, RFC) == []
    upgraded.close()


IN_FORCE_INDEX = "SELECT id FROM allocations INDEXED BY allocations_key_in_force WHERE {}"


def marks(db) -> dict:
    return dict(db.execute("SELECT id, reversed_by FROM allocations").fetchall())


def test_a_correction_marks_its_reversals_after_its_commit_and_an_undo_restores_them(
    inv_db, tmp_path, monkeypatch
):
    """Migration 0031: a commit writes no reversed_by (its reversals hide their rows through
    pending_marks, then it marks them in turns); an interrupted marking leaves the ledger
    right; an undo brings the rows back and takes its own rows out of the index of rows in
    force."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "104"]])
    first = discharge.run(inv_db, RFC, hasta=TODAY).run_id
    before = export(inv_db)
    load(inv_db, tmp_path, "salidas", [["RT-0", "RT", "2026-01-10", "M", "MAT-A", "7"]], "b.csv")
    monkeypatch.setattr(ledger_store, "_tidy", lambda *args: None)  # as if it died right after
    second = discharge.run(inv_db, RFC, hasta=TODAY)
    assert second.reversed == 2 and set(marks(inv_db).values()) == {None}
    in_force = export(inv_db)
    assert len(in_force) == 3 and in_force != before
    assert discharge.check(inv_db, RFC) == []
    monkeypatch.undo()
    ledger_store._tidy(inv_db, second.run_id, ledger_store._MARK)  # the marking, done later
    assert sorted(v for v in marks(inv_db).values() if v) == [second.run_id] * 2
    assert export(inv_db) == in_force and discharge.check(inv_db, RFC) == []
    assert inv_db.execute(
        "SELECT pending_marks FROM discharge_runs WHERE id = ?", [second.run_id]
    ).fetchone() == (0,)
    discharge.undo_last(inv_db, RFC)
    assert export(inv_db) == before and discharge.check(inv_db, RFC) == []
    # The undone run's rows are marked as its own, out of the index of rows in force.
    assert {a: v for a, v in marks(inv_db).items() if v} == {
        i: second.run_id
        for (i,) in inv_db.execute("SELECT id FROM allocations WHERE run_id = ?", [second.run_id])
    }
    held = inv_db.execute(IN_FORCE_INDEX.format("reversed_by IS NULL")).fetchall()
    assert {
        r[0]
        for r in inv_db.execute(
            f"SELECT run_id FROM allocations WHERE id IN ({','.join(str(i) for (i,) in held)})"
        )
    } == {first}


@pytest.mark.parametrize("version", [30, 33])
def test_upgrading_marks_the_rows_of_undone_runs(inv_db, tmp_path, version):
    """Version 0030 left them all in the index of rows in force; up to 0033 an undo cut short
    after its status flipped left its own there (migrations 0031, 0034)."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "104"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    discharge.undo_last(inv_db, RFC)
    inv_db.execute("UPDATE allocations SET reversed_by = NULL")
    inv_db.execute("UPDATE discharge_runs SET pending_marks = 2")  # a second undo's, at once
    path = older_copy(inv_db, tmp_path / f"v{version}.db", version)
    upgraded = store.connect(path)
    assert upgraded.execute(IN_FORCE_INDEX.format("reversed_by IS NULL")).fetchall() == []
    assert upgraded.execute("SELECT DISTINCT pending_marks FROM discharge_runs").fetchall() == [
        (0,)
    ]
    assert discharge.check(upgraded, RFC) == []
    upgraded.close()


def test_late_entry_is_redischarged_as_if_in_order(inv_db, tmp_path):
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "150"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert export(inv_db)[0]["pedimento"] == "260739536000010"
    # An entry dated before both lots arrives late: a plain run re-discharges from its date.
    load(
        inv_db,
        tmp_path,
        "entradas",
        [
            [
                "25 07 3953 5000001",
                "1",
                "IN",
                "2025-12-01",
                "MAT-A",
                "60",
                "1",
                "50",
                "72085101",
                "USA",
            ]
        ],
        "late.csv",
    )
    result = discharge.run(inv_db, RFC, hasta=TODAY)
    assert (result.desde, result.reversed) == ("2025-12-01", 2)
    assert [(r["pedimento"], r["cantidad"]) for r in export(inv_db)] == [
        ("250739535000001", "60"),
        ("260739536000010", "90"),
    ]
    assert discharge.check(inv_db, RFC) == []


def test_bad_rows_refuse_the_whole_file(inv_db, tmp_path):
    with pytest.raises(InterfaceError) as exc:
        load(
            inv_db,
            tmp_path,
            "salidas",
            [
                ["RT-2", "RT", "2026-02-31", "M", "MAT-A", "1"],
                ["RT-3", "RT", "2026-02-10", "X", "MAT-A", "-1"],
                ["RT-4", "RT", "2026-02-10", "M", "MAT-Z", "1"],
                ["RT-5", "RT", "2026-02-10", "M", "MAT-A", "1.0000001"],
            ],
        )
    text = str(exc.value)
    assert "fila 2: fecha: «2026-02-31» no es una fecha válida" in text
    assert "fila 3: tipo_bien: debe ser D o M o P; cantidad: debe ser mayor que cero" in text
    assert "fila 4: numero_parte: MAT-Z no está en materiales" in text
    assert "fila 5: cantidad: admite a lo más 6 decimales" in text
    assert discharge.summary(inv_db, RFC, TODAY)["salidas"] == 0


def test_xlsx_interface_and_reimport_replaces_erp_fields(inv_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*interfaces.COLUMNS["materiales"], "columna_extra"])
    sheet.append(["MAT-A", "Lámina calibre 12", 72085101, 1, 1, 1, "directo", "ignorada"])
    book.save(tmp_path / "materiales.xlsx")
    interfaces.import_file(inv_db, "materiales", tmp_path / "materiales.xlsx", RFC)
    row = inv_db.execute(
        "SELECT descripcion, fraccion FROM materiales WHERE numero_parte = 'MAT-A'"
    ).fetchone()
    assert row == ("Lámina calibre 12", "72085101")


def test_cli_run_export_undo_and_check(tmp_path):
    run = cli_runner(tmp_path / "cli.db", "2026-06-30")
    run("client", "add", "--rfc", RFC, "--razon-social", "Alfa")
    for kind, rows in (
        ("materiales", [["MAT-A", "Lámina", "72085101", "1", "1", "1", "directo"]]),
        (
            "entradas",
            [
                [
                    "26 07 3953 6000010",
                    "1",
                    "IN",
                    "2026-01-05",
                    "MAT-A",
                    "10",
                    "1",
                    "8",
                    "72085101",
                    "USA",
                ]
            ],
        ),
        ("salidas", [["RT-1", "RT", "2026-02-10", "M", "MAT-A", "12"]]),
    ):
        path = write_csv(tmp_path / f"{kind}.csv", interfaces.COLUMNS[kind], rows)
        assert run("import", kind, path, "--rfc", RFC).exit_code == 0
    assert "1 demanda, 2 asignaciones, 1 faltante" in run("discharge", "run", "--rfc", RFC).output
    run("discharge", "export", "--rfc", RFC, "-o", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().splitlines()[1:] == [
        "RT-1,MAT-A,260739536000010,1,2026-01-05,10,no",
        "RT-1,MAT-A,,,,2,no",
    ]
    assert run("check", "--rfc", RFC).output.strip() == "Libro de descargos correcto."
    assert "deshecha" in run("discharge", "undo", "--rfc", RFC).output
    assert run("discharge", "export", "--rfc", RFC, "--format", "json").output.strip() == "[\n]"


# -- a late exit re-run from its date equals the in-order result (property) ------------------

exit_st = st.lists(
    st.tuples(st.integers(1, 28), st.sampled_from(["MAT-A", "MAT-B"]), st.integers(1, 90)),
    min_size=2,
    max_size=6,
    unique_by=lambda e: e[0],  # same-day exits go in import order, which a late one changes
)


def _fresh(tmp_path, name):
    database = store.connect(tmp_path / name)
    clients.add_client(database, {"rfc": RFC, "razon_social": "Alfa"})
    for kind, rows in (
        (
            "materiales",
            [
                ["MAT-A", "A", "72085101", "1", "1", "1", "directo"],
                ["MAT-B", "B", "73181599", "6", "1", "1", "directo"],
            ],
        ),
        (
            "entradas",
            [
                [
                    "26 07 3953 6000010",
                    "1",
                    "IN",
                    "2026-02-03",
                    "MAT-A",
                    "100",
                    "1",
                    "1",
                    "72085101",
                    "USA",
                ],
                [
                    "26 07 3953 6000020",
                    "1",
                    "IN",
                    "2026-02-10",
                    "MAT-A",
                    "50",
                    "1",
                    "1",
                    "72085101",
                    "USA",
                ],
                [
                    "26 07 3953 6000020",
                    "2",
                    "IN",
                    "2026-02-01",
                    "MAT-B",
                    "120",
                    "6",
                    "1",
                    "73181599",
                    "USA",
                ],
            ],
        ),
    ):
        path = write_csv(tmp_path / f"{name}-{kind}.csv", interfaces.COLUMNS[kind], rows)
        interfaces.import_file(database, kind, path, RFC)
    return database


@settings(max_examples=20, deadline=None)
@given(exits=exit_st, modo=st.sampled_from(discharge.MODES))
def test_late_exit_gives_the_in_order_result(tmp_path_factory, exits, modo):
    """In either ledger mode (quantity per part, or value per fracción)."""
    tmp_path = tmp_path_factory.mktemp("late")
    rows = [
        [f"D-{i}", "RT", f"2026-03-{day:02d}", "M", part, str(qty)]
        for i, (day, part, qty) in enumerate(exits)
    ]
    in_order = _fresh(tmp_path, "a.db")
    discharge.set_mode(in_order, RFC, modo)
    interfaces.import_file(
        in_order,
        "salidas",
        write_csv(tmp_path / "all.csv", interfaces.COLUMNS["salidas"], rows),
        RFC,
    )
    discharge.run(in_order, RFC, hasta=TODAY)
    late = _fresh(tmp_path, "b.db")
    discharge.set_mode(late, RFC, modo)
    interfaces.import_file(
        late,
        "salidas",
        write_csv(tmp_path / "first.csv", interfaces.COLUMNS["salidas"], rows[1:]),
        RFC,
    )
    discharge.run(late, RFC, hasta=TODAY)
    interfaces.import_file(
        late,
        "salidas",
        write_csv(tmp_path / "last.csv", interfaces.COLUMNS["salidas"], rows[:1]),
        RFC,
    )
    discharge.run(late, RFC, hasta=TODAY)

    def by_exit(database):
        return sorted(tuple(r.values()) for r in discharge.export_rows(database, RFC))

    assert by_exit(late) == by_exit(in_order)
    assert discharge.check(late, RFC) == []
    in_order.close()
    late.close()


def test_other_catalogs_and_bajas_are_kept(inv_db, tmp_path):
    load(
        inv_db,
        tmp_path,
        "proveedores",
        [
            ["PRV-1", "Northland Supply Inc", "98-7654321", "USA", "Laredo, TX"],
            ["PRV-2", "Shenzhen Parts Co", "", "CHN", ""],
        ],
    )
    load(inv_db, tmp_path, "agentes", [["3953", "Agencia Aduanal Bravo", "AAB010101AB1", "agente"]])
    with pytest.raises(InterfaceError, match="fila 2: nombre: es obligatorio"):
        load(inv_db, tmp_path, "clientes", [["CL-1", "", "", "USA", ""]])
    bajas.baja(inv_db, RFC, "proveedores", "PRV-2", date(2026, 5, 1))
    bajas.baja(inv_db, RFC, "materiales", "MAT-B", date(2026, 5, 1))
    rows = inv_db.execute("SELECT clave, baja_date FROM catalogo_anexo24 ORDER BY clave").fetchall()
    assert rows == [("3953", None), ("PRV-1", None), ("PRV-2", "2026-05-01")]
    assert inv_db.execute(
        "SELECT baja_date FROM materiales WHERE numero_parte = 'MAT-B'"
    ).fetchone() == ("2026-05-01",)
    with pytest.raises(Exception, match="no está activo"):
        bajas.baja(inv_db, RFC, "proveedores", "PRV-2", date(2026, 5, 2))
