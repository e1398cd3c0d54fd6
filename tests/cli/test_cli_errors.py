"""No traceback reaches a CLI user: every failure is one Spanish line on stderr, exit status 1
(issue 11 item 5). Unexpected ones name the log file that holds their trace."""

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from brokertui.cli import base, main
from brokertui.core import db, identifiers, log
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.registry import clients
from tests import builders

RFC = "MAB9307148T4"


@pytest.fixture
def run(tmp_path, log_file):
    return builders.cli_runner(tmp_path / "cli.db")


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


def test_a_full_disk_and_other_io_errors_name_the_file(run, tmp_path):
    assert run("client", "add", "--rfc", RFC, "--razon-social", "Alfa").exit_code == 0
    report = ("report", "saldos", "--rfc", RFC, "-o")
    if sys.platform == "linux":  # /dev/full: every write fails with ENOSPC
        assert one_line(run(*report, "/dev/full")).startswith(
            "Error: disco lleno: no queda espacio para escribir"
        )
    (tmp_path / "file").write_text("")
    assert one_line(run(*report, tmp_path / "file" / "saldos.csv")) == (
        f"Error de E/S: Not a directory: {tmp_path / 'file' / 'saldos.csv'}"
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
    assert result.exit_code == 1 and "Traceback" not in result.output
    # (the daily backup, which reads the database first, may add an "Aviso:" line before it)
    assert result.stderr.splitlines()[-1] == (
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
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("Error de E/S: el archivo no es una base")


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`brokertui … | head -1`: the reader went away; no 'Error de E/S: Broken pipe'."""
    env = {**os.environ, "BROKERTUI_DB": str(tmp_path / "cli.db")}
    command = [Path(sys.executable).parent / "brokertui", "catalog", "list", "--format", "json"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        process.stdout.close()
        assert process.stderr.read() == b""
        assert process.wait(timeout=60) == 1


def test_failure_line_keeps_the_confirmation_hint():
    from brokertui.core.errors import NeedsConfirmation

    line = base._failure_line(NeedsConfirmation("rfc", "dígito"), None)
    assert line == "Error: rfc: dígito; repita con --force para aceptarlo"


# -- the cases the hostile tester found (issue 11), each refused at its source --------------


@pytest.fixture
def datastage_client(run):
    result = run("client", "add", "--rfc", builders.RFC, "--razon-social", "Bajío", "--force")
    assert result.exit_code == 0, result.output


def _rewritten(src: Path, dst: Path, member: str, change) -> Path:
    """A copy of the delivery `src` with `change(bytes) -> bytes` applied to one member."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, change(data) if info.filename.endswith(member) else data)
    return dst


def _delivery(tmp_path) -> Path:
    partidas = [builders.partida(), builders.partida(parte="P-2")]
    return datastage_build.write_zip(tmp_path / "d.zip", [builders.pedimento(partidas=partidas)])


def _repeat_last_row(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    return b"\r\n".join([*lines[:-1], lines[-2], b""])


def _second_section(data: bytes) -> bytes:
    """A second 501 row whose SeccionAduanera 241 rebuilds the same 15-digit número (§1.7)."""
    lines = data.split(b"\r\n")
    return b"\r\n".join([*lines[:2], lines[1].replace(b"|240|", b"|241|", 1), *lines[2:]])


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        ("_551.asc", _repeat_last_row, "1875724_551.asc:4: SecuenciaFraccion 2: la partida viene"),
        (
            "_501.asc",
            _second_section,
            "1875724_501.asc:3: Patente, Pedimento y SeccionAduanera dan el número "
            "262439536000098, el mismo que el renglón de la línea 2",
        ),
    ],
)
def test_repeated_partidas_and_numbers_in_a_delivery_are_named(
    run, datastage_client, tmp_path, member, change, message
):
    path = _rewritten(_delivery(tmp_path), tmp_path / "bad.zip", member, change)
    result = run("import", "datastage", path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("Error: 1 renglón con error; nada se importó:")
    assert message in result.stderr
    assert run("pedimento", "list", "--format", "json").output.strip() == "[]"


def test_a_damaged_member_is_named(run, datastage_client, tmp_path):
    path = _delivery(tmp_path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("1875724_551.asc")
    start = info.header_offset + 30 + len(info.filename) + 10
    raw[start : start + 5] = bytes(b ^ 0xFF for b in raw[start : start + 5])
    path.write_bytes(raw)
    assert one_line(run("import", "datastage", path)).startswith(
        "Error: 1875724_551.asc: el miembro está dañado (Error -3 while decompressing"
    )


def test_pedimento_show_of_a_bad_number_names_the_rule(run):
    assert one_line(run("pedimento", "show", "null")).startswith("Error: numero: son 15 dígitos")


def test_a_search_too_long_for_sqlite_is_refused_with_the_limit(run):
    assert one_line(run("client", "list", "--search", "a" * 60_000)) == (
        "Error: search: una búsqueda admite hasta 200 caracteres; tiene 60,000"
    )


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("ajustes", "fecha,tipo,numero_parte,cantidad,motivo"),
        ("materiales", "numero_parte,descripcion,fraccion,umc,umt,factor_umt,tipo"),
    ],
)
def test_a_csv_field_past_the_csv_modules_limit_is_refused(run, tmp_path, kind, header):
    assert run("client", "add", "--rfc", RFC, "--razon-social", "Alfa").exit_code == 0
    path = tmp_path / "big.csv"
    path.write_text(header + "\n" + '"' + "x" * 200_000 + "\n")
    assert one_line(run("import", kind, path, "--rfc", RFC)) == (
        "Error: big.csv: no es un CSV legible: un campo tiene más de 131,072 caracteres"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("report", "entradas", "--rfc", RFC),
        ("reconcile", "--rfc", RFC),
        ("reconcile", "entradas", "--rfc", RFC),
        ("reconcile", "inventario", "--rfc", RFC),
        ("pedimento", "list", "--rfc", RFC),
    ],
)
def test_a_period_that_ends_before_it_starts_is_refused(run, args):
    """It gave an empty report or list, exit 0, as if the client had nothing (field trial)."""
    run("client", "add", "--rfc", RFC, "--razon-social", "Maquiladora Alfa SA")
    line = one_line(run(*args, "--from", "2026-12-01", "--to", "2026-01-01"))
    assert line == "Error: --to: 2026-01-01 es anterior a --from (2026-12-01)"


def test_report_names_are_hyphenated_in_help_and_the_underscore_spelling_still_works(tmp_path):
    """Click's convention (stop 20 review: `recepcion_tardia`); one registry, reports.NAMES."""
    from brokertui.core.anexo24 import reports

    shown = CliRunner().invoke(main, ["report", "--help"], terminal_width=200).output
    assert "REPORTE: entradas, salidas, saldos, saldos-fraccion, materiales-utilizados," in shown
    listed = shown.split("REPORTE:")[1].split(".")[0].replace(",", " ").split()
    assert listed == [n.replace("_", "-") for n in reports.NAMES]
    db = str(tmp_path / "b.db")
    for name in ("saldos_fraccion", "saldos-fraccion"):
        result = CliRunner().invoke(main, ["--db", db, "--crear", "report", name, "--rfc", "X"])
        assert "no es uno de" not in result.output  # the name was taken; the RFC is not known
    wrong = CliRunner().invoke(main, ["--db", db, "report", "saldos_fracion", "--rfc", "X"])
    assert wrong.exit_code != 0 and "'saldos_fracion' no es uno de 'entradas'," in wrong.output
