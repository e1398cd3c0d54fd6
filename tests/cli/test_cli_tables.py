"""The CLI's tables show stored data as it is: never Rich markup, never terminal control
(developers' guide: anything stored is data), and name their columns, a discharge run's states
and an obligation's in Spanish."""

import json
import re
import sqlite3

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from brokertui.cli.anexo24 import RUN_COLUMNS
from brokertui.cli.base import HEADERS, fitted
from tests.builders import cli_runner, import_rows
from tests.core.anexo24.conftest import RFC, inv_db  # noqa: F401 (the fixture)

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
    import_rows(inv_db, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "5"]], RFC)
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


# Commands whose table is wider than 80 columns on the demo, and the keys of their table whose
# values are shown as JSON has them (a value with no space is a code, date or number).
WIDE = [
    (("deadlines",), ["rfc", "program", "due_date", "final_date", "next_event_date", "days_left"]),
    (("program", "list"), ["rfc", "type", "number", "authorized_on", "status", "sectors"]),
    (("client", "list"), ["rfc", "entidad_federativa", "programas"]),
    (("pedimento", "list"), ["numero", "rfc", "clave", "fecha_pago", "partidas", "origen"]),
    (("dashboard",), ["rfc", "programa", "estado", "proximo", "fecha", "dias", "dias_habiles"]),
    (("datastage", "entregas"), ["rfc", "mes", "estado", "limite", "pedimentos", "oficio"]),
    (("oficio", "list"), ["rfc", "numero", "fecha", "vence", "estado"]),
    (("catalog", "list"), ["name", "entries", "as_of", "origin"]),
]


def test_at_80_columns_no_header_code_date_or_number_is_broken(demo_db, tmp_path, monkeypatch):
    """A table as wide as the terminal (ten columns folded into narrow ones broke every date
    and header: '2026-04-' over '30'): free text wraps between words; a table that cannot fit
    so is shown a row at a time."""
    monkeypatch.setenv("COLUMNS", "80")
    run = cli_runner(tmp_path / "test.db", "2026-06-15")
    for args, keys in WIDE:
        shown = run(*args).output
        assert max(map(cell_len, shown.splitlines())) <= 80, shown
        for key in keys:
            header = HEADERS.get(key, key.replace("_", " "))
            assert all(word in shown for word in header.split()), (args, key)
        for row in json.loads(run(*args, "--format", "json").output):
            codes = {str(row[k]) for k in keys if row[k] is not None} - {""}
            assert {c for c in codes if " " not in c and c not in shown} == set(), (args, row)


def test_a_table_that_fits_stays_a_table_and_one_that_cannot_goes_a_row_at_a_time(
    demo_db, tmp_path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "80")
    run = cli_runner(tmp_path / "test.db", "2026-06-15")
    clients = run("client", "list").output  # names wrap between words
    assert "┃ rfc " in clients and "│ Manufacturas del " in clients
    deadlines = run("deadlines").output  # 8 columns: 4 dates, an RFC, a state...
    first = deadlines.split("\n\n")[1].splitlines()
    assert [line.split("  ")[0] for line in first] == [
        "rfc",
        "programa",
        "estado",
        "vence",
        "último día",
        "próximo",
        "fecha",
        "días",
    ]
    assert re.fullmatch(r"rfc +[A-Z0-9]{12,13}", first[0])
    monkeypatch.setenv("COLUMNS", "120")
    assert "┃ rfc " in run("deadlines").output


def test_a_table_narrows_free_text_first_and_never_below_a_word():
    headers, wraps = ["rfc", "razón social", "vence"], [False, True, False]
    cells = [["MNB050315K70", "Manufacturas del Norte Bravo, S.A. de C.V.", "2026-06-30"]]
    assert fitted(headers, cells, wraps, 80) == [12, 42, 10]  # natural widths
    assert fitted(headers, cells, wraps, 40) == [12, 18, 10]  # only the free text narrower
    assert fitted(headers, cells, wraps, 34) == [12, 12, 10]  # 'Manufacturas', its longest word
    assert fitted(headers, cells, wraps, 33) is None
    assert fitted(headers, cells, [False] * 3, 63) is None  # no wrapping: 64 at least


def test_a_header_longer_than_its_values_wraps_before_any_value_does():
    headers, wraps = ["razón social", "entidad federativa"], [True, False]
    cells = [["Autopartes Sierra Madre, S.A. de C.V.", "COA"]]
    # 'entidad federativa' over 'COA' narrows to 'federativa' before the razón social wraps
    assert fitted(headers, cells, wraps, 50) == [37, 13]
    assert fitted(headers, cells, wraps, 47) == [37, 10]
    assert fitted(headers, cells, wraps, 40) == [30, 10]


@given(
    st.lists(
        st.tuples(
            st.text("ab ñ", max_size=12), st.lists(st.text("ab ñ", max_size=12)), st.booleans()
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(0, 40),
)
def test_fitted_widths_fit_and_break_no_word(columns, room):
    """Against a model: None exactly when the columns' least widths (longest header word;
    longest value, or its longest word where it wraps) exceed the room; else each column
    between its least and natural width, all natural or filling the room."""
    rows = max(len(values) for _, values, _ in columns)
    headers = [header for header, _, _ in columns]
    wraps = [wrap for _, _, wrap in columns]
    cells = [[(values + [""] * rows)[r] for _, values, _ in columns] for r in range(rows)]
    least, natural = [], []
    for n, header in enumerate(headers):
        values = [row[n] for row in cells]
        pieces = [p for v in values for p in (v.split(" ") if wraps[n] else [v])]
        least.append(max(len(word) for word in [*header.split(" "), *pieces]))
        natural.append(max(len(value) for value in [header, *values]))
    widths = fitted(headers, cells, wraps, room)
    if sum(least) > room:
        assert widths is None
    else:
        assert widths is not None
        assert all(lo <= w <= hi for lo, w, hi in zip(least, widths, natural, strict=True))
        assert widths == natural or sum(widths) == room
