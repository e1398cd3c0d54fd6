"""`--search` on every CLI list (issue 16, item 1): accent- and case-insensitive, the same
terms as the TUI's `/` (core/search.py)."""

import json

import pytest
from click.testing import CliRunner

from brokertui.cli import main


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    env = {
        "BROKERTUI_DB": str(tmp_path_factory.mktemp("cli") / "cli.db"),
        "BROKERTUI_TODAY": "2026-06-15",
    }

    def invoke(*args):
        result = CliRunner(env=env).invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result

    invoke("demo")
    return invoke


def rows(run, *args) -> list[dict]:
    return json.loads(run(*args, "--format", "json").output)


@pytest.mark.parametrize("typed", ["plast", "queretaro", "PLÁSTICOS TÉCNICOS", "ptq09"])
def test_client_list_search_ignores_case_and_accents(run, typed):
    assert [r["rfc"] for r in rows(run, "client", "list", "--search", typed)] == ["PTQ091125AB2"]


def test_pedimento_list_search_by_number_in_any_written_form(run):
    every = rows(run, "pedimento", "list")
    numero = every[0]["numero"]
    patente, consecutive = numero[4:8], numero[8:]
    for typed in (f"{patente} {consecutive}", patente + consecutive, consecutive):
        found = rows(run, "pedimento", "list", "--search", typed)
        assert [r["numero"] for r in found] == [numero]
    dated = rows(run, "pedimento", "list", "--search", "2025-01-01..2025-12-31")
    assert dated and all(r["fecha_pago"].startswith("2025") for r in dated)
    assert len(dated) < len(every)


def test_the_other_lists_search_too(run):
    assert {r["rfc"] for r in rows(run, "program", "list", "--search", "plast")} == {"PTQ091125AB2"}
    assert {r["rfc"] for r in rows(run, "dashboard", "--search", "plasticos")} == {"PTQ091125AB2"}
    assert {r["rfc"] for r in rows(run, "deadlines", "--search", "PLÁSTICOS")} == {"PTQ091125AB2"}
    names = [r["name"] for r in rows(run, "catalog", "list", "--search", "pais")]
    assert names == ["paises"]


def test_a_date_range_on_a_list_without_dates_is_refused_in_spanish(tmp_path):
    env = {"BROKERTUI_DB": str(tmp_path / "c.db")}
    result = CliRunner(env=env).invoke(main, ["catalog", "list", "--search", "2026-13-01"])
    assert result.exit_code == 1
    assert "search:" in result.output and "Traceback" not in result.output
