"""Fuzz: hostile XLSX workbooks into the Anexo 24 interfaces and the ajustes import.

Workbooks are written as raw XML (so anything can be put in them: control characters,
numbers past every range, date serials past the year 9999, error cells, formulas without a
cached value, a notes sheet first), then perhaps damaged at the zip level. Every workbook is
imported or refused with a clean message, and a refused one writes nothing."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.guard import attempt, fuzz_settings
from tests.fuzz.test_csv import KINDS, VALID, columns, import_csv
from tests.fuzz.values import HOSTILE, field_value, mostly
from tests.fuzz.xlsx import MAIN, workbook

EXAMPLES = 130
NUMBERS = ("1", "0.5", "-3", "1e309", "9" * 30, "NaN", "INF", "1.7976931348623157e308", "1e-400")
FORMULAS = ("1+2", 'HYPERLINK("http://x")', "")
DATE_SERIALS = ("46000", "2958465", "2958466", "99999999", "-1", "0", "60", "1e20")


@st.composite
def cell(draw, column: str) -> str:
    """One <c> element's attributes and content (without the reference)."""
    kind = draw(mostly("text", "number", "date", "bool", "error", "f"))
    if kind == "text":
        value = draw(field_value(VALID.get(column, ("x",))))
        return f' t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if kind == "number":
        return f"><v>{draw(st.sampled_from(NUMBERS))}</v></c>"
    if kind == "date":
        return f' s="1"><v>{draw(st.sampled_from(DATE_SERIALS))}</v></c>'
    if kind == "bool":
        return f' t="b"><v>{draw(st.sampled_from(["1", "0", "2"]))}</v></c>'
    if kind == "error":
        return f' t="e"><v>{draw(st.sampled_from(["#DIV/0!", "#N/A", "#REF!"]))}</v></c>'
    formula = draw(st.sampled_from(FORMULAS))  # no cached value: data_only reads None
    return f"><f>{escape(formula)}</f></c>"


def _letters(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


@st.composite
def sheet(draw, kind: str) -> str:
    header = list(columns(kind))
    if draw(st.integers(0, 4)) == 0:
        header.pop(draw(st.integers(0, len(header) - 1)))
    cells = [[f' t="inlineStr"><is><t>{escape(h)}</t></is></c>' for h in header]]
    for _ in range(draw(st.integers(0, 4))):
        cells.append([draw(cell(h)) for h in header])
    body = "".join(
        f'<row r="{n}">'
        + "".join(f'<c r="{_letters(i)}{n}"{c}' for i, c in enumerate(row))
        + "</row>"
        for n, row in enumerate(cells, 1)
    )
    return f'<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'


@st.composite
def xlsx_bytes(draw, kind: str) -> bytes:
    sheets = [draw(sheet(kind))]
    if draw(st.integers(0, 5)) == 0:  # a notes page first: the data is not on sheet 1
        note = escape(draw(st.sampled_from(HOSTILE)))
        notes = f'<c r="A1" t="inlineStr"><is><t>{note}</t></is></c>'
        sheets.insert(
            0,
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{notes}</row>'
            "</sheetData></worksheet>",
        )
    data = workbook(sheets)
    damage = draw(mostly("none", "flip", "cut", "drop"))
    if damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "drop":  # a part missing from the package
        source = zipfile.ZipFile(io.BytesIO(data))
        gone = draw(st.sampled_from(source.namelist()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in source.namelist():
                if name != gone:
                    archive.writestr(name, source.read(name))
        data = out.getvalue()
    return data


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")
@pytest.mark.parametrize("kind", KINDS)
def test_hostile_xlsx_is_imported_or_refused_cleanly(inventory_db, tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"

    @fuzz_settings(EXAMPLES)
    @given(data=xlsx_bytes(kind))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        attempt("xlsx", inventory_db, lambda: import_csv(inventory_db, kind, path))

    check()
