"""The CLI's tables show stored data as it is: never Rich markup, never terminal control
(developers' guide: anything stored is data), and name their columns, a discharge run's states
and an obligation's in Spanish."""

import json
import sqlite3

from brokertui.cli.anexo24 import RUN_COLUMNS
from tests.builders import cli_runner
from tests.core.anexo24.conftest import RFC, inv_db, write_csv  # noqa: F401 (the fixture)

MARKUP = "[red]Rojo[/red] [link=http://x.example]L[/link] [bold]"


def test_a_table_shows_markup_as_typed_and_no_control_character(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # Rich's width: each cell on one line
    run = cli_runner(tmp_path / "t.db")
    assert run("--crear", "client", "list").exit_code == 0
    result = run("client", "add", "--rfc", "AAA010101AAA", "--razon-social", MARKUP, "--force")
    assert result.exit_code == 0, result.output
    # a row stored before control characters were refused (or by another program)
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute(
            "UPDATE clients SET entidad_federativa = ? WHERE rfc = 'AAA010101AAA'",
            ["Jal\x1b[2Jisco\u202e"],
        )
    shown = run("client", "list").output
    assert MARKUP in shown, shown
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "Jal\ufffd[2Jisco\ufffd" in shown


def test_discharge_runs_keep_their_keys_and_say_their_states_in_spanish(
    inv_db,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """One way to name columns: JSON and CSV keep the ledger's keys and stored states, as every
    other command does; the table names them in Spanish (base.HEADERS), and --search finds
    what it shows."""
    monkeypatch.setenv("COLUMNS", "200")
    run = cli_runner(tmp_path / "test.db", "2026-06-30")
    salidas = write_csv(
        tmp_path / "salidas-cli.csv",
        ["documento", "clave", "fecha", "tipo_bien", "numero_parte", "cantidad"],
        [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "5"]],
    )
    assert run("import", "salidas", salidas, "--rfc", RFC).exit_code == 0
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    assert run("discharge", "run", "--rfc", RFC).exit_code == 0
    assert run("discharge", "undo", "--rfc", RFC).exit_code == 0
    rows = json.loads(run("discharge", "runs", "--rfc", RFC, "--format", "json").output)
    assert [list(r) for r in rows] == [RUN_COLUMNS] * 2
    assert [(r["status"], r["interrupted"]) for r in rows] == [
        ("undone", False),
        ("committed", False),
    ]
    csv_lines = run("discharge", "runs", "--rfc", RFC, "--format", "csv").output.splitlines()
    assert csv_lines[0] == ",".join(RUN_COLUMNS)
    table = run("discharge", "runs", "--rfc", RFC).output
    header = table.splitlines()[2]
    for spanish in ("inicio", "usuario", "estado", "demandas", "asignaciones", "revertidas"):
        assert f" {spanish} " in header, header
    assert "vigente" in table and "deshecha" in table
    assert "committed" not in table and "started_at" not in table and "interrupted" not in table
    found = run("discharge", "runs", "--rfc", RFC, "--search", "vigente").output
    assert "vigente" in found and "deshecha" not in found


def test_tables_name_their_columns_and_states_in_spanish_and_json_keeps_its_keys(
    demo_db, tmp_path, monkeypatch
):
    """A table is read by a person (Spanish, as the dashboard says it); JSON by a program (the
    keys the README documents)."""
    monkeypatch.setenv("COLUMNS", "200")
    run = cli_runner(tmp_path / "test.db", "2026-06-15")
    deadlines = run("deadlines").output
    header = deadlines.splitlines()[2]
    for spanish in ("programa", "estado", "vence", "último día", "próximo", "fecha", "días"):
        assert f" {spanish} " in header, header
    assert "suspendido" in deadlines and "último día" in deadlines.split("┩")[1]
    assert "suspended" not in deadlines and "due_date" not in deadlines
    rows = json.loads(run("deadlines", "--format", "json").output)
    assert {"status", "next_event", "due_date"} <= set(rows[0])
    assert "suspended" in {r["status"] for r in rows}
    found = run("deadlines", "--search", "suspendido").output  # what the table says
    assert "suspendido" in found and "cancelado" in deadlines and "cancelado" not in found
    programs = run("program", "list").output.splitlines()[2]
    for spanish in ("razón social", "tipo", "número", "autorizado", "estado", "sectores"):
        assert f" {spanish} " in programs, programs
    assert "authorized_on" not in programs
