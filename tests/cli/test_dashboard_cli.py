"""`brokertui dashboard`: the core dashboard's rows, in its order, as table, JSON or CSV."""

import csv
import io
import json
import re
from datetime import date

import pytest

from brokertui.cli.dashboard import PROGRAMS, SEVERITY_ES, dashboard_cmd
from brokertui.core import dashboard
from brokertui.core import db as store
from tests.builders import cli_runner

JUNE = date(2026, 6, 15)


@pytest.fixture
def run(tmp_path):
    invoke = cli_runner(tmp_path / "cli.db", JUNE.isoformat())
    assert invoke("demo").exit_code == 0
    invoke.db_path = tmp_path / "cli.db"
    return invoke


def expected(run, **filters) -> list[dict]:
    db = store.connect(run.db_path)
    try:
        return [row.as_dict() for row in dashboard.load(db, JUNE, **filters).rows]
    finally:
        db.close()


def test_json_is_the_core_rows_in_order(run):
    result = run("dashboard", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows == expected(run)
    assert len(rows) == 19  # with the 24h line of the demo's late file of exits
    # the demo's Data Stage client: its months after the last delivery are late (its oficio
    # de matriz de seguridad was vigente), and the oficio expires in 40 days
    assert [
        (r["programa"], r["estado"]) for r in rows if r["programa"] in ("DStage", "Oficio")
    ] == [
        ("DStage", "atrasada"),
        ("Oficio", "≤60 días"),
    ]
    assert rows[1] == {
        "severidad": "critical",
        "rfc": "MNB050315K70",
        "programa": "Temp.",
        "estado": "vencido",
        "proximo": "permanencia",
        "fecha": "2026-06-03",
        "dias": -12,
        "dias_habiles": None,
        "razon_social": "Manufacturas del Norte Bravo, S.A. de C.V.",
        "pedimento": "240739534000137",
        "detalle": "24 07 3953 4000137 · insumo · 2 part.",
    }


def test_csv_has_spanish_columns_and_the_same_order(run):
    result = run("dashboard", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == [
        "severidad",
        "rfc",
        "programa",
        "estado",
        "proximo",
        "fecha",
        "dias",
        "dias_habiles",
        "razon_social",
        "pedimento",
        "detalle",
    ]
    assert [(r["rfc"], r["programa"], r["fecha"]) for r in rows] == [
        (r["rfc"], r["programa"], r["fecha"] or "") for r in expected(run)
    ]
    assert rows[3]["estado"] == "suspendido" and rows[3]["dias_habiles"] == "11"


def test_table_shows_the_rows_in_order(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line per row
    result = run("dashboard")
    assert result.exit_code == 0, result.output
    assert "Tablero al 2026-06-15 · RAOCE 2026" in result.output
    cells = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.output.splitlines()
        if line.startswith("│")
    ]
    assert [c[:3] for c in cells] == [
        [SEVERITY_ES[r["severidad"]], r["rfc"], r["programa"]] for r in expected(run)
    ]
    assert cells[0][0] == "crítico"  # JSON's 'critical', in Spanish
    assert cells[1][-1] == "24 07 3953 4000137 · insumo · 2 part."
    assert cells[3][3:8] == ["suspendido", "último día", "2026-06-30", "15", "11"]


def test_filters_match_the_core(run):
    lots = json.loads(run("dashboard", "--program", "temp.", "--format", "json").output)
    assert [r["dias"] for r in lots] == [-12, 9, 26, 47, 58, 83]
    urgent = json.loads(run("dashboard", "--urgent", "--format", "json").output)
    assert urgent == expected(run, urgent_only=True)
    assert {r["severidad"] for r in urgent} == {"critical", "warning"}
    one = json.loads(run("dashboard", "--rfc", "ceb110902qw7", "--format", "json").output)
    assert [(r["rfc"], r["programa"]) for r in one] == [("CEB110902QW7", "PROSEC")]
    last_year = json.loads(
        run("dashboard", "--year", "2025", "--program", "IMMEX", "--format", "json").output
    )
    assert last_year == expected(run, year=2025, program="IMMEX")


def test_today_option_and_errors(run):
    later = json.loads(
        run("dashboard", "--today", "2026-07-15", "--program", "Temp.", "--format", "json").output
    )
    assert [r["dias"] for r in later][:2] == [-42, -21]
    unknown = run("dashboard", "--rfc", "XAXX010101000")
    assert unknown.exit_code == 1
    assert "no hay un cliente con el RFC XAXX010101000" in unknown.output
    assert run("dashboard", "--today", "2026-13-01").exit_code == 1
    assert run("dashboard", "--program", "OTRO").exit_code == 1


def test_program_words_cover_every_dashboard_program():
    assert sorted(PROGRAMS.values()) == sorted(dashboard.PROGRAMS)
    assert all(word.replace("-", "").isalnum() for word in PROGRAMS)  # no 'temp.'


def test_program_help_lists_its_words(run):
    (program,) = [p for p in dashboard_cmd.params if p.name == "program"]
    for word in PROGRAMS:
        assert re.search(rf"(^|[ (]){re.escape(word)}[,;)]", program.help), word
    output = run("dashboard", "--help").output
    assert "temporal|oficio|datastage" in output
    assert "Temp." not in output


@pytest.mark.parametrize("spelling", ["temporal", "TEMPORAL", "Temp.", "temp."])
def test_program_takes_the_word_and_the_old_spelling(run, spelling):
    rows = json.loads(run("dashboard", "--program", spelling, "--format", "json").output)
    assert [r["programa"] for r in rows] == [dashboard.TEMPORARY] * 6


def test_program_words_filter_as_their_labels(run):
    for word, label in PROGRAMS.items():
        result = run("dashboard", "--program", word, "--format", "json")
        assert result.exit_code == 0, result.output
        assert {r["programa"] for r in json.loads(result.output)} <= {label}
    refused = run("dashboard", "--program", "otro")
    assert refused.exit_code == 1
    assert "activo-fijo" in refused.output  # the choices offered are the words


def test_dashboard_today_is_hidden_but_still_works(run):
    # the same as the group's --today, kept for scripts that pass it after the command
    assert "--today" not in run("dashboard", "--help").output
    late = run("dashboard", "--today", "2026-07-15", "--program", "temporal", "--format", "json")
    early = run("--today", "2026-07-15", "dashboard", "--program", "temporal", "--format", "json")
    assert late.exit_code == early.exit_code == 0
    assert json.loads(late.output) == json.loads(early.output)
    assert [r["dias"] for r in json.loads(late.output)][:2] == [-42, -21]
