"""Exporters shared by the CLI and the screens: rows (dicts with snake_case keys) to JSON/CSV,
and the one rule per format that keeps every file brokertui writes inert (`csv_cell`,
`xlsx_row`, `json_text`): no value a user typed or a file brought can become a spreadsheet
formula, break a row, or reach a terminal as a control sequence."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from brokertui.core import files

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# OWASP "CSV Injection": a cell starting with one of these is read as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but tab, LF and CR (illegal in XLSX, terminal escapes in CSV), DEL and C1.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_JSON_RAW = re.compile("[\x7f-\x9f]")  # the controls json.dumps leaves unescaped
# What write_rows looks for in CSV lines: a cell starting with - (after a comma or a line break,
# maybe after its opening quote) is found by substring; the other formula starts (= + @ tab CR),
# control characters and CR anywhere in one scan (false alarms only cost the careful path).
_DASH_STARTS = (",-", "\n-")
_QUOTED_DASH_STARTS = (',"-', '\n"-')
_RARE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f=+@]")
BLOCK = 2_000  # rows write_rows checks at once


def text(value: object) -> str:
    """A typed value as text: "" for None, a Decimal in fixed point, a date in ISO."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _printable(value: str) -> str:
    """`value` with its line breaks as LF (the csv module leaves a lone CR unquoted, which
    would start a new row; XML reads CR back as LF anyway) and each other control character
    replaced by U+FFFD."""
    return _CONTROL.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))


def csv_cell(value: object) -> str:
    """One value as an inert CSV cell (OWASP CSV injection rule).

    Who wrote the value decides, by its type. A number the product typed (int, float,
    Decimal) or a date is written as its text, so a negative balance stays the number -3.5.
    A str is text from a user, a file or a catalog, even when it looks like a number: if it
    starts with = + - @ tab or CR it gets a leading single quote ("'-2+3"), which spreadsheets
    show as text. Writers therefore pass numbers typed, never pre-formatted. In both cases
    line breaks become LF and other control characters U+FFFD (`_printable`).
    """
    if not isinstance(value, str):
        return _printable(text(value))
    return ("'" if value.startswith(FORMULA_START) else "") + _printable(value)


def csv_row(values: Iterable[Any]) -> list[str]:
    """A row of typed values as inert CSV cells (`csv_cell`), for csv.writer.writerow."""
    return [csv_cell(value) for value in values]


def write_rows(stream: IO[str], rows: Iterable[Sequence], text_columns: Sequence[bool]) -> int:
    """Rows as inert CSV lines on `stream`, the same text as csv.writer writing `csv_row` of
    each row's typed values, at about the cost of joining them; returns how many rows were
    written.

    Each value comes as it will read, "" for none: a text column's as stored, a number or
    date as the product writes it (quantities.to_text, ISO), which csv_cell leaves as it is. A
    block of rows is joined with commas; when a value is no str or needs quotes, csv.writer
    writes the block instead. Then its text is looked at once (`_suspect`): only when a cell
    could start like a formula or hold a control character (a negative number looks so too)
    is the block written again cell by cell, `csv_cell` on the `text_columns`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def written(lines: Iterable[Sequence]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(lines)
        return buffer.getvalue()

    count = 0
    iterator = iter(rows)
    while block := list(islice(iterator, BLOCK)):
        lines = _joined(block, len(text_columns)) or written(block)
        if _suspect(lines):
            lines = written(_careful(row, text_columns) for row in block)
        stream.write(lines)
        count += len(block)
    return count


def _joined(block: list[Sequence], width: int) -> str:
    """The rows as csv.writer would write them when every value is a str that needs no quotes
    (no comma, quote or line break: the counts tell), else ""."""
    try:
        lines = "\n".join(map(",".join, block)) + "\n"
    except TypeError:  # a value that is not a str
        return ""
    plain = (
        width > 1  # a lone empty cell is written ""
        and '"' not in lines
        and lines.count(",") == len(block) * (width - 1)
        and lines.count("\n") == len(block)
    )
    return lines if plain else ""


def _suspect(lines: str) -> bool:
    """Whether CSV lines could hold a cell that csv_cell would write otherwise."""
    return bool(
        lines.startswith(("-", '"-'))
        or any(start in lines for start in _DASH_STARTS)
        or ('"' in lines and any(start in lines for start in _QUOTED_DASH_STARTS))
        or _RARE.search(lines)
    )


def _careful(row: Sequence, text_columns: Sequence[bool]) -> list:
    return [
        csv_cell(value) if is_text else ("" if value is None else value)
        for value, is_text in zip(row, text_columns, strict=True)
    ]


def xlsx_row(sheet: Worksheet, values: Sequence[Any]) -> list:
    """Append `values` to an openpyxl worksheet as one inert row; returns its cells.

    Numbers and dates stay typed cells. Every str is a string cell (data_type "s"), never a
    formula (openpyxl takes a str starting with "=" as one), with the quote prefix when it
    starts like a formula (so editing it in Excel keeps it text); control characters, which
    openpyxl refuses, become U+FFFD and line breaks LF (`_printable`).
    """
    sheet.append([_printable(v) if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    cells = [sheet.cell(row, column) for column in range(1, len(values) + 1)]
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_START):
                cell.quotePrefix = True
    return cells


def json_text(value: object, **kwargs: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, **kwargs)` (other values as `text`) with DEL
    and the C1 controls as \\u escapes too, as JSON already writes the C0 ones: the same data
    once parsed, nothing a terminal acts on when printed."""
    dumped = json.dumps(value, ensure_ascii=False, default=text, **kwargs)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", dumped)


def to_json(rows: Iterable[dict] | dict) -> str:
    return json_text(rows if isinstance(rows, dict) else list(rows), indent=2)


def to_csv(rows: Iterable[dict], columns: list[str]) -> str:
    """Rows as CSV text (header, then each row's `columns`), cells inert (`csv_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(csv_row(row.get(k) for k in columns))
    return out.getvalue()


def write_xlsx(
    path: Path | str,
    *,
    sheet: str,
    heading: Sequence[tuple[str, str]],
    columns: Sequence[str],
    rows: Iterable[dict],
    like: Path | str | None = None,
) -> int:
    """A one-sheet workbook: the `heading` lines (label in bold, value), a blank row, the
    column names (bold, frozen) and each row's `columns`, every cell inert (`xlsx_row`); the
    file private as files.private_open makes it (`like`: the database it belongs with).
    Returns how many rows were written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    page = book.active
    assert isinstance(page, Worksheet), "a new workbook starts with one worksheet"
    page.title = sheet[:31]
    for label, value in heading:
        xlsx_row(page, [label, value])[0].font = Font(bold=True)
    page.append([])
    for cell in xlsx_row(page, list(columns)):
        cell.font = Font(bold=True)
    page.freeze_panes = f"A{page.max_row + 1}"
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 (the count is returned)
        xlsx_row(page, [row.get(c) for c in columns])
    with files.private_open(path, "wb", like=like) as out:
        book.save(out)
    return count
