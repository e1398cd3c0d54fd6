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
from tests.fuzz.values import HOSTILE, field_value

EXAMPLES = 130
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XF = 'numFmtId="{}" fontId="0" fillId="0" borderId="0" xfId="0"'
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    f'</cellStyleXfs><cellXfs count="2"><xf {_XF.format(0)}/>'
    f'<xf {_XF.format(14)} applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
NUMBERS = ("1", "0.5", "-3", "1e309", "9" * 30, "NaN", "INF", "1.7976931348623157e308", "1e-400")
FORMULAS = ("1+2", 'HYPERLINK("http://x")', "")
DATE_SERIALS = ("46000", "2958465", "2958466", "99999999", "-1", "0", "60", "1e20")


@st.composite
def cell(draw, column: str) -> str:
    """One <c> element's attributes and content (without the reference)."""
    kind = draw(st.sampled_from(["text"] * 12 + ["number", "date", "bool", "error", "f"]))
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
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'


def workbook(sheets: list[str]) -> bytes:
    """An XLSX package holding these sheet XMLs, in order."""
    n = range(1, len(sheets) + 1)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                f'ContentType="{_CT}.worksheet+xml"/>'
                for i in n
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{_REL}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(f'<sheet name="Hoja{i}" sheetId="{i}" r:id="rId{i}"/>' for i in n)
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" '
                f'Type="{_REL}/worksheet"/>'
                for i in n
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Target="styles.xml" Type="{_REL}/styles"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
        **{f"xl/worksheets/sheet{i}.xml": xml for i, xml in zip(n, sheets, strict=True)},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml.encode("utf-8", errors="surrogatepass"))
    return out.getvalue()


@st.composite
def xlsx_bytes(draw, kind: str) -> bytes:
    sheets = [draw(sheet(kind))]
    if draw(st.integers(0, 5)) == 0:  # a notes page first: the data is not on sheet 1
        note = escape(draw(st.sampled_from(HOSTILE)))
        notes = f'<c r="A1" t="inlineStr"><is><t>{note}</t></is></c>'
        sheets.insert(
            0,
            f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{notes}</row>'
            "</sheetData></worksheet>",
        )
    data = workbook(sheets)
    damage = draw(st.sampled_from(["none", "none", "none", "none", "flip", "cut", "drop"]))
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
