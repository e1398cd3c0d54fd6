"""No traceback reaches a CLI user: every failure is one Spanish line on stderr, exit status 1
(issue 11 item 5). Unexpected ones name the log file that holds their trace."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from brokertui.cli import base, main
from brokertui.core import db, identifiers, log
from brokertui.core.registry import clients

RFC = "MAB9307148T4"


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    path = tmp_path / "logs" / "brokertui.log"
    monkeypatch.setattr(log, "LOG_FILE", path)
    return path


@pytest.fixture
def run(tmp_path, log_file):
    env = {"BROKERTUI_DB": str(tmp_path / "cli.db"), "BROKERTUI_TODAY": "2026-04-15"}

    def invoke(*args):
        return CliRunner(env=env).invoke(main, [str(a) for a in args])

    return invoke


def one_line(result) -> str:
    """The failure's only line (stderr), after checking exit status 1 and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    return result.stderr.strip()


def test_an_unexpected_error_is_one_line_and_its_trace_goes_to_the_log(run, monkeypatch, log_file):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(clients, "list_clients", broken)
    line = one_line(run("client", "list"))
    assert line == f"Error interno: ZeroDivisionError: division by zero (detalle en {log_file})"
    logged = log_file.read_text()
    assert "Traceback" in logged and "ZeroDivisionError: division by zero" in logged
    assert log_file.stat().st_mode & 0o777 == 0o600


def test_an_error_while_parsing_the_groups_options_is_one_line_too(run, monkeypatch):
    def broken(text):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(identifiers, "parse_date", broken)
    assert one_line(run("--today", "9999-12-31", "client", "list")).startswith(
        "Error interno: OverflowError: date value out of range (detalle en "
    )


def test_a_log_that_cannot_be_written_still_gives_the_line(run, monkeypatch, tmp_path):
    (tmp_path / "file").write_text("")
    monkeypatch.setattr(log, "LOG_FILE", tmp_path / "file" / "brokertui.log")
    monkeypatch.setattr(clients, "list_clients", lambda *a, **k: 1 / 0)
    assert one_line(run("client", "list")) == "Error interno: ZeroDivisionError: division by zero"


def test_a_full_database_is_named_and_nothing_is_half_written(run, monkeypatch, tmp_path):
    assert run("client", "add", "--rfc", RFC, "--razon-social", "Alfa").exit_code == 0
    rows = "".join(f"P{n},Pieza {n},84713001,6,6,1,directo\n" for n in range(3000))
    csv_file = tmp_path / "materiales.csv"
    csv_file.write_text("numero_parte,descripcion,fraccion,umc,umt,factor_umt,tipo\n" + rows)
    real = db.connect

    def full(path, **kwargs):
        conn = real(path, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(db, "connect", full)
    line = one_line(run("import", "materiales", csv_file, "--rfc", RFC))
    assert line == (
        "Error: disco lleno: no queda espacio para la base de datos: "
        f"{tmp_path / 'cli.db'}; nada se guardó"
    )
    monkeypatch.setattr(db, "connect", real)
    assert real(tmp_path / "cli.db").execute("SELECT count(*) FROM materiales").fetchone()[0] == 0


def test_a_full_disk_and_other_io_errors_name_the_file(run):
    assert run("client", "add", "--rfc", RFC, "--razon-social", "Alfa").exit_code == 0
    report = ("report", "saldos", "--rfc", RFC, "-o")
    if sys.platform == "linux":  # /dev/full: every write fails with ENOSPC
        assert one_line(run(*report, "/dev/full")).startswith(
            "Error: disco lleno: no queda espacio para escribir"
        )
    assert one_line(run(*report, "/no/such/folder/saldos.csv")) == (
        "Error de E/S: No such file or directory: /no/such/folder/saldos.csv"
    )


def test_a_busy_database_gives_the_busy_message(run, monkeypatch, tmp_path):
    assert run("client", "list").exit_code == 0
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(tmp_path / "cli.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        line = one_line(run("client", "add", "--rfc", RFC, "--razon-social", "Alfa"))
    finally:
        other.execute("ROLLBACK")
    assert line.startswith("Error: La base de datos está ocupada por otro usuario")


def test_a_file_that_is_not_a_database_is_named(tmp_path, log_file):
    path = tmp_path / "notes.db"
    path.write_text("not a database, just notes\n" * 100)
    result = CliRunner().invoke(main, ["--db", str(path), "client", "list"])
    assert one_line(result) == (
        "Error de E/S: el archivo no es una base de datos de brokertui "
        f"(file is not a database): {path}"
    )


def test_a_real_process_prints_one_line_and_exits_1(tmp_path):
    """Through the installed entry point, as a user runs it (no CliRunner in between)."""
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100)
    done = subprocess.run(
        [Path(sys.executable).parent / "brokertui", "--db", path, "client", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "no es una base de datos" in done.stderr


def test_failure_line_keeps_the_confirmation_hint():
    from brokertui.core.errors import NeedsConfirmation

    line = base._failure_line(NeedsConfirmation("rfc", "dígito"), None)
    assert line == "Error: rfc: dígito; repita con --force para aceptarlo"
