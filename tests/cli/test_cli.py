"""The CLI: one-line errors naming the field, formats, env overrides."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from tests.builders import cli_runner


@pytest.fixture
def run(tmp_path):
    return cli_runner(tmp_path / "cli.db")


def test_client_and_program_round_trip(run):
    assert (
        run(
            "client",
            "add",
            "--rfc",
            "MAB9307148T4",
            "--razon-social",
            "Alfa SA",
            "--entidad-federativa",
            "Coahuila",
        ).exit_code
        == 0
    )
    assert (
        run(
            "program",
            "add",
            "--rfc",
            "MAB9307148T4",
            "--type",
            "IMMEX",
            "--number",
            "1-2020",
            "--authorized",
            "2020-01-01",
            "--modalidad",
            "industrial",
        ).exit_code
        == 0
    )
    result = run("client", "list", "--format", "json")
    assert json.loads(result.output) == [
        {
            "calle": "",
            "numero_exterior": "",
            "numero_interior": "",
            "colonia": "",
            "municipio": "",
            "codigo_postal": "",
            "entidad_federativa": "COA",
            "id": 1,
            "rfc": "MAB9307148T4",
            "razon_social": "Alfa SA",
            "rfc_check_warning": False,
            "baja_date": None,
            "programas": "IMMEX",
            "descargo_modo": "cantidad",
            "descargo_nivel": "fraccion",
            "version": 1,
        }
    ]
    rows = list(csv.DictReader(io.StringIO(run("program", "list", "--format", "csv").output)))
    assert rows[0]["type"] == "IMMEX" and rows[0]["authorized_on"] == "2020-01-01"
    shown = json.loads(run("client", "show", "--rfc", "mab9307148t4", "--format", "json").output)
    assert shown["programs"][0]["modalidad"] == "industrial"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rfc", "MAB93071", "--razon-social", "x"], "Error: rfc: debe tener 12 caracteres"),
        (
            ["--rfc", "XAXX010101000", "--razon-social", "x"],
            "Error: rfc: XAXX010101000 es el RFC genérico",
        ),
        (
            ["--rfc", "MAB9307148T4", "--razon-social", "x", "--codigo-postal", "1"],
            "Error: codigo_postal: ",
        ),
        (["--rfc", "MAB9307148T5", "--razon-social", "x"], "repita con --force"),
    ],
)
def test_errors_are_one_line_and_write_nothing(run, args, message):
    result = run("client", "add", *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert result.output.count("\n") == 1
    assert json.loads(run("client", "list", "--format", "json").output) == []


def test_force_accepts_a_bad_check_digit(run):
    result = run("client", "add", "--rfc", "MAB9307148T5", "--razon-social", "x", "--force")
    assert result.exit_code == 0 and "--force" in result.output


def test_unknown_client_and_bad_today(run, tmp_path):
    result = run("client", "show", "--rfc", "MAB9307148T4")
    assert result.exit_code == 1 and "rfc: no hay un cliente" in result.output
    bad = CliRunner().invoke(
        main, ["--db", str(tmp_path / "x.db"), "--today", "mañana", "client", "list"]
    )
    assert bad.exit_code == 1 and "--today" in bad.output


def test_today_drives_program_dates(run):
    run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "x")
    result = run(
        "program",
        "add",
        "--rfc",
        "MAB9307148T4",
        "--type",
        "ECEX",
        "--number",
        "1",
        "--authorized",
        "2026-04-16",
    )
    assert result.exit_code == 1 and "es futura" in result.output


def test_demo_and_reset(run):
    assert "9 clientes" in run("demo").output
    again = run("demo")
    assert again.exit_code == 1 and "--reset" in again.output
    assert run("demo", "--reset").exit_code == 0
    assert len(json.loads(run("client", "list", "--format", "json").output)) == 8


def test_a_reset_the_demo_cannot_build_keeps_the_old_demo(run, tmp_path):
    """`dev.py run --today 1990-01-01` resets the demo around a day it cannot be built at: the
    old demo was deleted first, leaving an empty database (field trial)."""
    run("demo")
    failed = run("--today", "1990-01-01", "demo", "--reset")
    assert failed.exit_code == 1 and "es futura" in failed.output
    assert len(json.loads(run("client", "list", "--format", "json").output)) == 8
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["cli.db", "cli.db.lock", "respaldos"]
    assert run("demo", "--reset").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    assert len(json.loads(run("client", "list", "--format", "json").output)) == 8


def test_edit_and_baja(run):
    run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "x")
    assert run("client", "edit", "--rfc", "MAB9307148T4", "--colonia", "Centro").exit_code == 0
    assert run("client", "baja", "--rfc", "MAB9307148T4").exit_code == 0
    listed = json.loads(run("client", "list", "--all", "--format", "json").output)
    assert listed[0]["colonia"] == "Centro" and listed[0]["baja_date"] == "2026-04-15"


def test_deadlines_json_has_the_documented_keys(run):
    run("demo")
    rows = json.loads(run("deadlines", "--format", "json").output)
    assert len(rows) == 10
    assert {
        "rfc",
        "razon_social",
        "program",
        "program_number",
        "filing_year",
        "fiscal_year",
        "status",
        "due_date",
        "suspension_date",
        "final_date",
        "cancellation_date",
        "days_left",
        "next_event",
        "next_event_date",
    } <= set(rows[0])
    altex = next(r for r in rows if r["program"] == "ALTEX")
    assert (altex["suspension_date"], altex["cancellation_date"]) == (None, "2026-05-30")
    assert {r["status"] for r in rows} == {"open", "not_required"}  # 15 April 2026
    one = json.loads(
        run("deadlines", "--rfc", "asm980127hn4", "--year", "2025", "--format", "json").output
    )
    assert [(r["program"], r["due_date"]) for r in one] == [
        ("IMMEX", "2025-05-30"),
        ("PROSEC", "2025-05-30"),
    ]
    assert run("deadlines", "--rfc", "MAB9307148T4").exit_code == 1


def test_raoce_file_and_calendar(run):
    run("demo")

    def file_raoce(folio):
        return run("raoce", "file", "--rfc", "MNB050315K70", "--program", "IMMEX",
                   "--year", "2026", "--folio", folio, "--date", "2026-04-10")  # fmt: skip

    bad = file_raoce("12")
    assert bad.exit_code == 1 and bad.output.startswith("Error: folio: ")
    ok = file_raoce("1" * 25)
    assert ok.exit_code == 0 and "2026-04-17" in ok.output  # 5 SE business days later
    row = next(
        r
        for r in json.loads(run("deadlines", "--format", "json").output)
        if r["rfc"] == "MNB050315K70"
    )
    assert (row["status"], row["folio"]) == ("filed", "1" * 25)
    added = run(
        "calendar", "add-inhabil", "2026-05-29", "--reason", "Acuerdo SE", "--authority", "SE"
    )
    assert added.exit_code == 0
    altex = next(
        r
        for r in json.loads(run("deadlines", "--format", "json").output)
        if r["program"] == "ALTEX"
    )
    assert altex["due_date"] == "2026-05-28"
    listed = list(csv.DictReader(io.StringIO(run("calendar", "list", "--format", "csv").output)))
    assert listed == [
        {"day": "2026-05-29", "authority": "SE", "reason": "Acuerdo SE", "source": "usuario"}
    ]


def test_a_db_typed_that_does_not_exist_is_refused_unless_crear(tmp_path):
    path = tmp_path / "tipo.db"
    refused = CliRunner().invoke(main, ["--db", str(path), "client", "list"])
    assert (
        refused.exit_code == 1
        and "--db: no existe" in refused.output
        and "--crear" in refused.output
    )
    assert not path.exists()
    made = CliRunner().invoke(main, ["--db", str(path), "--crear", "client", "list"])
    assert made.exit_code == 0 and path.exists()
    again = CliRunner().invoke(main, ["--db", str(path), "client", "list"])
    assert again.exit_code == 0
    # the demo makes its database; BROKERTUI_DB (set once, not typed) still creates it
    demo = tmp_path / "demo.db"
    assert CliRunner().invoke(main, ["--db", str(demo), "demo"]).exit_code == 0
    env = CliRunner(env={"BROKERTUI_DB": str(tmp_path / "env.db")}).invoke(main, ["client", "list"])
    assert env.exit_code == 0
