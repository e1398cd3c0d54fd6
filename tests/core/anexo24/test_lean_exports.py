"""Issue 14, item 4: the exports stream rows from SQL and write them through export.write_rows,
and their bytes are the same as the careful writers' they replaced (every value typed, then
export.csv_row / json_text cell by cell), on hostile data: formulas, control characters, CR,
commas, quotes, line breaks, accents, negative and fractional numbers, in every ledger mode."""

import csv
import io
import json
import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from brokertui.core import export
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24 import reports
from brokertui.core.anexo24.ledger import in_force
from brokertui.core.quantities import text_sql, to_text
from tests.core.anexo24.conftest import RFC
from tests.core.anexo24.test_inert_exports import ON, hostile  # noqa: F401 (the fixture)

UNQUIET = 'Ñandú, "7" \r\npieza\n2'  # a comma, quotes, CR LF and LF, accents


@pytest.fixture(params=["cantidad", "valor", "pedimento"])
def any_mode(request, hostile):  # noqa: F811 (the fixture)
    """The hostile dataset discharged in each ledger mode, with more text that CSV must quote
    and a quantity of six decimals (negative numbers: the property test below)."""
    db = hostile
    if request.param != "cantidad":
        discharge.undo_last(db, RFC)
        discharge.set_mode(db, RFC, request.param)
        discharge.run(db, RFC, hasta=ON)
    db.conn.execute("UPDATE entradas SET umc = ?, pais_origen = ? WHERE id = 1", [UNQUIET, "-5"])
    db.conn.execute("UPDATE salidas SET tipo_salida = ? WHERE id = 1", [UNQUIET])
    db.conn.execute("UPDATE ajustes SET cantidad_micro = 1500001")
    return db


def careful_csv(db, h: reports.Heading) -> str:
    """The report as written before: typed records, export.csv_row cell by cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for label, value in h.lines():
        writer.writerow(export.csv_row([f"# {label}: {value}"]))
    writer.writerow([c.key for c in h.report.columns])
    for record in reports.records(db, h):
        writer.writerow(export.csv_row(record.values()))
    return out.getvalue()


def careful_json(db, h: reports.Heading) -> list:
    return [
        {k: export.text(v) if isinstance(v, Decimal | date) else v for k, v in r.items()}
        for r in reports.records(db, h)
    ]


def test_every_report_writes_the_same_csv_and_json_as_the_careful_writer(any_mode):
    for name in reports.NAMES:
        h = reports.heading(any_mode, name, RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
        out = io.StringIO()
        reports.write_csv(any_mode, h, out)
        assert out.getvalue() == careful_csv(any_mode, h), name
        out = io.StringIO()
        reports.write_json(any_mode, h, out)
        assert json.loads(out.getvalue())["filas"] == careful_json(any_mode, h), name


def test_the_hostile_rows_are_in_the_reports(any_mode):
    h = reports.heading(any_mode, "ajustes", RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
    out = io.StringIO()
    reports.write_csv(any_mode, h, out)
    assert ",1.500001," in out.getvalue()
    h = reports.heading(any_mode, "salidas", RFC, desde=date(2026, 1, 1), hasta=ON, on=ON)
    out = io.StringIO()
    reports.write_csv(any_mode, h, out)
    assert '"Ñandú, ""7"" \npieza\n2"' in out.getvalue()  # quoted, its CR LF as LF


def careful_discharge_rows(db) -> list[dict]:
    """The discharge export's rows as computed before (a Python dict per allocation)."""
    columns = discharge.export_columns(db, RFC)
    sql = f"{in_force.ALLOC_SELECT} ORDER BY {discharge.ALLOCATION_ORDER}"
    rows = []
    for row in db.query(sql, {"client": 1}):  # by name: the SELECT gains columns
        micro = row["cantidad_micro"]
        values = {
            "documento": row["documento"],
            "numero_parte": row["numero_parte"],
            "fraccion": row["numero_parte"],
            "pedimento": row["pedimento"] or "",
            "partida": "" if row["partida"] is None else row["partida"],
            "fecha_entrada": row["fecha_entrada"] or "",
            "cantidad": to_text(micro),
            "valor_usd": to_text(micro),
            "vencido": "si" if row["vencido"] else "no",
        }
        rows.append({column: values[column] for column in columns})
    return rows


def test_the_discharge_export_is_the_same_as_the_careful_writer(any_mode):
    columns, rows = discharge.export_table(any_mode, RFC, as_text=True)
    out = io.StringIO()
    export.write_rows(out, rows, [True] * len(columns))
    careful = careful_discharge_rows(any_mode)
    assert any(r["documento"].startswith(export.FORMULA_START) for r in careful)
    assert out.getvalue() == export.to_csv(careful, columns).split("\n", 1)[1]
    assert list(discharge.export_rows(any_mode, RFC)) == careful  # the JSON's rows


# Values as the exports give write_rows: text as stored (None or "" for none), plain (which
# CSV may still quote, or which starts with -) or hostile, or the product's numbers as text
# (quantities.to_text), negative ones among them.
PLAIN = st.text(alphabet=st.sampled_from('aZ9 ñé-.,"\n/'), max_size=6)
HOSTILE = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("=+-@\t\r"), max_size=6)
TEXT = st.none() | PLAIN | HOSTILE
NUMBER = st.integers(-(10**13), 10**13).map(to_text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.booleans(), min_size=1, max_size=5).flatmap(
        lambda kinds: st.tuples(
            st.just(kinds),
            st.lists(st.tuples(*(TEXT if k else NUMBER for k in kinds)), max_size=12),
        )
    ),
    st.integers(1, 4),
)
@example(([True, False], [("-a", "1")]), 1)  # a block's first cell
@example(([True, False], [("-,", "1")]), 1)  # the same, quoted
@example(([False, True], [("1", "-,")]), 1)  # after a comma, quoted
@example(([True, False], [("a", "1"), ("-\n", "2")]), 2)  # after a line break, quoted
def test_write_rows_is_csv_row_of_the_typed_values(data, block):
    kinds, rows = data
    typed = [[v if k else Decimal(v) for v, k in zip(row, kinds, strict=True)] for row in rows]
    reference = io.StringIO()
    csv.writer(reference, lineterminator="\n").writerows(export.csv_row(r) for r in typed)
    as_text = [["" if v is None else v for v in row] for row in rows]
    for given_rows in (rows, as_text):  # None or "" for nothing: the same cells
        out = io.StringIO()
        saved, export.BLOCK = export.BLOCK, block  # blocks plain and suspect, side by side
        try:
            assert export.write_rows(out, given_rows, kinds) == len(rows)
        finally:
            export.BLOCK = saved
        assert out.getvalue() == reference.getvalue()


@given(st.integers(-(2**63 - 1), 2**63 - 1) | st.integers(-(10**7), 10**7))
def test_sqlite_writes_a_quantity_as_to_text(micro):
    conn = sqlite3.connect(":memory:")
    sql = f"SELECT {text_sql('x')} FROM (SELECT ? AS x)"
    assert conn.execute(sql, [micro]).fetchone()[0] == to_text(micro)
    assert conn.execute(sql, [None]).fetchone()[0] is None
