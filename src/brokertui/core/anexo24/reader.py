"""Reading an interface file (CSV or XLSX) row by row in bounded memory (issue 11, item 6).

A CSV is streamed (`read_batches` reads it a block of text at a time into columns while its
lines are plain, issue 14 item 4). An XLSX is a zip of XML parts that openpyxl reads in
read-only (streaming) mode, after its zip directory and every part have been checked here
(sizes, ratio, and an expat scan counting rows, cells, elements and text) so that nothing
openpyxl then builds in memory can grow past the limits below. The sheet used is the first
whose first non-empty row holds the expected headers (a notes page before the data is
skipped).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, repeat
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from brokertui.core import limits
from brokertui.core.errors import BrokerError
from brokertui.core.text import shown_name

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.workbook.workbook import _WorksheetLike

# Limits of one interface file (README, "Anexo 24"). Rows are streamed, so they bound time and
# the size of one row, not memory: Excel's own limits for a sheet and a cell, and columns far
# beyond the 10 an interface uses (extra ERP columns are read, then ignored).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_024
MAX_CELL_CHARS = 32_767
MAX_ROW_CHARS = 1 << 20  # one row's text (a CSV record)
# An XLSX: openpyxl parses every part but the sheets whole, and holds the shared strings.
MAX_SHEETS = 100
MAX_PARTS = 1_000  # zip members
MAX_CELLS = 20_000_000  # in the whole workbook: 1,048,576 rows of about 20 columns
MAX_SHARED_STRINGS = 1_048_576
MAX_SHARED_BYTES = 64 << 20  # sharedStrings.xml, inflated
MAX_PART_BYTES = 8 << 20  # any other part but the sheets (styles, workbook, relations)
MAX_XLSX_BYTES = 1 << 30  # inflated, in all
MAX_ELEMENTS = 100_000  # XML elements in one row, one shared string, or outside the rows
# Bytes between two '>': expat holds a whole tag, comment or instruction before it reports it
# (a cell's text, even of 32,767 escaped characters, is far below).
MAX_TOKEN_BYTES = 1 << 20
# A record of fewer characters has neither too many columns nor too long a cell.
_CHECKED_FROM = min(MAX_COLUMNS, MAX_CELL_CHARS)
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_SHARED = "xl/sharedStrings.xml"
_XLSX = (".xlsx", ".xlsm")
T = TypeVar("T")


class InterfaceError(BrokerError):
    """A file was refused; the message lists its bad rows."""


Rows = Iterator[tuple[int, dict[str, str]]]
# Characters the columnar path reads at a time (`_plain_batches`).
BLOCK = 1 << 20


class Batch:
    """Rows of a file read together: their numbers, their values by column (`column`, as read,
    not yet stripped) and the rows as `read_rows` gives them (`rows`, built when asked)."""

    def __init__(
        self,
        numbers: list[int],
        rows: list[dict[str, str]] | None = None,
        header: list[str] | None = None,
        cells: list[str] | None = None,
    ):
        self.numbers = numbers
        self._rows = rows  # or: the header's names and every cell, row after row
        self.header, self.cells = header or [], cells or []

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[str]:
        """The column's values, row by row ("" where a row lacks it)."""
        if self._rows is not None:
            return [raw.get(name, "") for raw in self._rows]
        width = len(self.header)
        if name not in self.header:
            return [""] * len(self)
        last = width - 1 - self.header[::-1].index(name)  # as a dict keeps the last one
        return self.cells[last::width]

    def rows(self, count: int | None = None) -> list[tuple[int, dict[str, str]]]:
        """The first `count` rows (all by default): (number, values by header), stripped."""
        numbers = self.numbers[:count]
        if self._rows is not None:
            return list(zip(numbers, self._rows, strict=False))
        header, cells, width = self.header, self.cells, len(self.header)
        return [
            (n, dict(zip(header, map(str.strip, cells[i * width : (i + 1) * width]), strict=True)))
            for i, n in enumerate(numbers)
        ]

    def first(self) -> dict[str, str]:
        return self.rows(1)[0][1]


def batched(rows: Iterable[tuple[int, dict[str, str]]], size: int, chars: int) -> Iterator[Batch]:
    """`rows` in batches of at most `size` rows and `chars` characters of text."""
    numbers: list[int] = []
    values: list[dict[str, str]] = []
    text = 0
    for number, raw in rows:
        numbers.append(number)
        values.append(raw)
        text += sum(map(len, raw.values()))
        if len(numbers) >= size or text >= chars:
            yield Batch(numbers, values)
            numbers, values, text = [], [], 0
    if numbers:
        yield Batch(numbers, values)


def fingerprint(path: Path) -> str:
    """The file's sha256, read in chunks."""
    limits.check_regular(path, InterfaceError)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise InterfaceError(f"{path}: no se puede leer ({exc.strerror})") from None
    return digest.hexdigest()


def read_file(path: Path, headers: Iterable[str] = ()) -> Rows:
    """`read_rows`, a file it cannot read refused as InterfaceError (every import of an
    interface-shaped file, ajustes included, reads through this)."""
    yield from _readable(path, read_rows(path, headers))


def read_batches(path: Path, headers: Iterable[str], size: int, chars: int) -> Iterator[Batch]:
    """`read_file`'s rows in batches of at most `size` rows and about `chars` characters; a
    CSV's plain lines are read by column (`_plain_batches`), with the same rows and refusals."""
    limits.check_regular(path, InterfaceError)
    if path.suffix.lower() in _XLSX:
        yield from batched(read_file(path, headers), size, chars)
    else:
        yield from _readable(path, _csv_batches(path, tuple(headers), size, chars))


def _readable(path: Path, items: Iterator[T]) -> Iterator[T]:
    """`items`, read from `path`; a file that cannot be read refused as InterfaceError."""
    try:
        yield from items
    except csv.Error as exc:
        reason = str(exc)
        if "field limit" in reason:
            reason = f"un campo tiene más de {csv.field_size_limit():,} caracteres"
        raise InterfaceError(f"{shown_name(path)}: no es un CSV legible: {reason}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # zipfile's ways to say a package is damaged, encrypted or of an unknown method
        raise InterfaceError(
            f"{shown_name(path)}: no es un XLSX legible: el zip está dañado o cifrado "
            f"({limits.clip(exc)})"
        ) from None
    except (UnicodeError, OSError, ValueError, KeyError, TypeError, ParseError) as exc:
        # a corrupt XLSX (a zip of XML) fails in many ways; none is the user's row
        raise InterfaceError(
            f"{shown_name(path)}: no es un CSV o XLSX legible ({limits.clip(exc)})"
        ) from None


def read_rows(path: Path, headers: Iterable[str] = ()) -> Rows:
    """(row number, values by lower-cased header) of every non-empty data row; the header row
    must hold every name in `headers`."""
    limits.check_regular(path, InterfaceError)
    wanted = tuple(headers)
    if path.suffix.lower() in _XLSX:
        yield from _xlsx_rows(path, wanted)
    else:
        yield from _csv_rows(path, wanted)


def _check_cells(name: str, number: int, values: list[str]) -> None:
    if len(values) > MAX_COLUMNS:
        raise InterfaceError(f"{name}: la fila {number} tiene más de {MAX_COLUMNS:,} columnas")
    if number > MAX_ROWS:
        raise InterfaceError(f"{name}: tiene más de {MAX_ROWS:,} filas")
    if values and max(map(len, values)) > MAX_CELL_CHARS:
        raise InterfaceError(
            f"{name}: la fila {number} tiene una celda de más de {MAX_CELL_CHARS:,} caracteres"
        )


def _missing(name: str, header: list[str], wanted: tuple[str, ...]) -> None:
    missing = [c for c in wanted if c not in header]
    if missing:
        raise InterfaceError(f"{name}: faltan las columnas {', '.join(missing)}")


# -- CSV --------------------------------------------------------------------------------------


def _csv_encoding(path: Path) -> str:
    """UTF-8 (a BOM allowed) when the whole file is valid UTF-8, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


class _Lines:
    """The lines csv.reader asks for, refusing a record (its lines since `pending` was reset)
    longer than MAX_ROW_CHARS."""

    def __init__(self, stream: IO[str], name: str) -> None:
        self.stream, self.name = stream, name
        self.pending = 0
        self.record = 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.pending += len(line)
        if self.pending > MAX_ROW_CHARS:
            raise InterfaceError(
                f"{self.name}: la fila {self.record} tiene más de {MAX_ROW_CHARS:,} caracteres"
            )
        return line


def _csv_records(stream: IO[str], name: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells as read) of every record of the CSV `stream`, each refused past
    the limits of a row."""
    lines = _Lines(stream, name)
    for number, values in enumerate(csv.reader(lines), start=1):
        if lines.pending >= _CHECKED_FROM or number > MAX_ROWS:
            _check_cells(name, number, values)
        lines.pending, lines.record = 0, number + 1
        yield number, values


def _header(name: str, cells: list[str], wanted: tuple[str, ...]) -> list[str]:
    header = [h.strip().lower() for h in cells]
    _other_separator(name, header, wanted)
    _missing(name, header, wanted)
    return header


def _csv_rows(path: Path, wanted: tuple[str, ...]) -> Rows:
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as stream:
        for number, values in _csv_records(stream, shown_name(path)):
            cells = list(map(str.strip, values))
            if number == 1:
                header = _header(shown_name(path), cells, wanted)
            elif any(cells):
                yield number, dict(zip(header, cells, strict=False))


def _csv_batches(path: Path, wanted: tuple[str, ...], size: int, chars: int) -> Iterator[Batch]:
    """The CSV's rows in batches: by column while its lines are plain (`_plain_batches`),
    then, from the first record that is not, read again as `read_rows` reads them."""
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as stream:
        first = next(_csv_records(stream, shown_name(path)), None)
        if first is None:
            return
        header = _header(shown_name(path), first[1], wanted)
        done = yield from _plain_batches(stream, header, size, chars)
    if done is not None:
        rest = ((n, raw) for n, raw in _csv_rows(path, wanted) if n > done)
        yield from batched(rest, size, chars)


def _plain_batches(
    stream: IO[str], header: list[str], size: int, chars: int
) -> Generator[Batch, None, int | None]:
    """Batches of the records after the header while the text is plain: every line a whole
    record with the header's number of cells (`_plain_lines`), none longer than a cell may be,
    and fewer than MAX_ROWS.
    Such lines are the records csv.reader makes of them, and none breaks a limit of
    `_csv_records`. Stops before the first block of text that is not plain, returning the number
    of the last record read (None at the end of the file)."""
    width = len(header)
    number = 1  # the header
    text = ""
    numbers: list[int] = []
    cells: list[str] = []
    pending = 0  # characters of the lines of `cells`
    whole = False  # read to its end
    while True:
        chunk = stream.read(BLOCK)
        text += chunk
        # the lines ended in this text (a last '\r' may be the start of '\r\n')
        end = len(text) - 1 if chunk and text.endswith("\r") else len(text)
        cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1 if chunk else end
        piece, text = text[:cut], text[cut:]
        if len(text) > MAX_ROW_CHARS:
            break
        lines = piece.split("\r\n")
        if not piece.count("\r") == piece.count("\n") == len(lines) - 1:  # not all in CRLF
            lines = piece.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not lines[-1]:
            lines.pop()  # after the last line end
        read = _plain_lines(lines, width, number, quoted='"' in piece)
        if read is None:
            break
        number += len(lines)
        numbers += read[0]
        cells += read[1]
        pending += len(piece)
        while len(numbers) >= size or (numbers and pending >= chars):
            yield Batch(numbers[:size], header=header, cells=cells[: size * width])
            pending = pending * max(len(numbers) - size, 0) // len(numbers)  # about
            numbers, cells = numbers[size:], cells[size * width :]
        if not chunk:
            whole = True
            break
    if numbers:
        yield Batch(numbers, header=header, cells=cells)
    return None if whole else number


def _plain_lines(
    lines: list[str], width: int, number: int, *, quoted: bool
) -> tuple[list[int], list[str]] | None:
    """The numbers and cells of the records `lines` (numbered from `number` + 1) but the
    empty ones, or None when a line is not a whole record of the header's number of cells
    (`quoted`: the block has a quote, `_quoted_cells`)."""
    numbers: Sequence[int] = range(number + 1, number + 1 + len(lines))
    if lines and (numbers[-1] > MAX_ROWS or max(map(len, lines)) > MAX_CELL_CHARS):
        return None
    if "" in lines:  # an empty line is an empty record
        numbers = [n for n, line in zip(numbers, lines, strict=True) if line]
        lines = [line for line in lines if line]
    if not lines:
        return [], []
    if quoted:
        cells = _quoted_cells(lines, width)
        if cells is None:
            return None
    elif set(map(str.count, lines, repeat(",", len(lines)))) == {width - 1}:
        cells = ",".join(lines).split(",")
    else:
        return None
    if not all(map(str.strip, cells[::width])):  # a row of blanks is skipped
        kept = [i for i in range(len(lines)) if "".join(cells[i * width : (i + 1) * width]).strip()]
        numbers = [numbers[i] for i in kept]
        cells = [c for i in kept for c in cells[i * width : (i + 1) * width]]
    return list(numbers), cells


def _quoted_cells(lines: list[str], width: int) -> list[str] | None:
    """The cells of lines with quotes, each line one record of `width` cells as csv.reader
    reads it, or None."""
    inner = [line[1:-1] for line in lines if line[0] == '"' == line[-1] and len(line) > 1]
    counts = {(cells.count('","'), cells.count('"')) for cells in inner}
    if len(inner) == len(lines) and counts == {(width - 1, 2 * width - 2)}:
        return '","'.join(inner).split('","')  # each cell in quotes, none within: at once
    # A line ending within quotes would take the next as its own ('\n' in a cell).
    try:
        records = list(csv.reader([line + "\n" for line in lines]))
    except csv.Error:  # read again as read_file reads it, which says why
        return None
    cells = list(chain.from_iterable(records))
    if len(records) < len(lines) or set(map(len, records)) != {width} or "\n" in "".join(cells):
        return None
    return cells


def _other_separator(name: str, header: list[str], wanted: tuple[str, ...]) -> None:
    """Refuse, saying why, a header of one cell holding the expected names separated by `;`
    (a spreadsheet where the comma is the decimal mark) or by tabs."""
    if len(header) != 1 or not wanted:
        return
    for separator, shown in ((";", "«;»"), ("\t", "tabuladores")):
        if set(wanted) <= {h.strip() for h in header[0].split(separator)}:
            raise InterfaceError(
                f"{name}: sus columnas están separadas por {shown}, no por comas; guárdelo "
                "como CSV delimitado por comas (o como XLSX)"
            )


# -- XLSX -------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):  # no exponent: 1e-05 is the number 0.00001 (parse_decimal)
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def _xlsx_rows(path: Path, wanted: tuple[str, ...]) -> Rows:
    from openpyxl import load_workbook

    check_workbook(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise InterfaceError(f"{shown_name(path)}: el libro no tiene hojas de cálculo")
        header, rows = _data_sheet(book, shown_name(path), wanted)
        for number, cells in rows:
            yield number, dict(zip(header, cells, strict=False))
    finally:
        book.close()


def _data_sheet(
    book: Workbook, name: str, wanted: tuple[str, ...]
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the remaining (row number, values) of the first sheet whose first
    non-empty row holds every wanted header."""
    tried = []
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # a stated size of A1:XFD1048576 would pad every row
        rows = _sheet_rows(sheet)
        header = [h.lower() for h in next(rows, (0, []))[1]]
        if all(c in header for c in wanted):
            return header, rows
        tried.append(sheet.title)
    if len(tried) == 1:
        _missing(name, header, wanted)
    raise InterfaceError(
        f"{name}: ninguna hoja tiene los encabezados {', '.join(wanted)} en su primera fila "
        f"con datos (hojas: {limits.clip(', '.join(tried))})"
    )


def _sheet_rows(sheet: _WorksheetLike) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of the sheet's non-empty rows."""
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if any(cells):
            yield number, cells


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose zip or XML would not fit the limits, before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InterfaceError(
            f"{shown_name(path)}: no es un XLSX válido (no es un archivo zip)"
        ) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_PARTS:
            raise InterfaceError(
                f"{shown_name(path)}: tiene {len(infos):,} partes, más de {MAX_PARTS:,}"
            )
        sheets = sum(1 for i in infos if _SHEET.match(i.filename))
        if sheets > MAX_SHEETS:
            raise InterfaceError(f"{shown_name(path)}: tiene {sheets:,} hojas, más de {MAX_SHEETS}")
        prefix = f"{shown_name(path)}: "
        limits.check_directory(
            infos,
            shown_name(path),
            InterfaceError,
            member_limit=_part_limit,
            total_limit=MAX_XLSX_BYTES,
            prefix=prefix,
        )
        meter = limits.Meter(path, InterfaceError, MAX_XLSX_BYTES, prefix)
        scan = _Scan(shown_name(path))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with meter.open(archive, info, _part_limit(info)) as stream:
                    scan.part(info.filename, stream)


def _part_limit(info: zipfile.ZipInfo) -> int:
    if _SHEET.match(info.filename):
        return MAX_XLSX_BYTES
    return MAX_SHARED_BYTES if info.filename == _SHARED else MAX_PART_BYTES


class _Scan:
    """An expat pass over the parts of one workbook counting what openpyxl would build:
    elements per row, per shared string and outside them, cells per row and in all, rows,
    shared strings, and the text of a cell or a shared string. No DTD is accepted."""

    def __init__(self, name: str):
        self.name = name
        self.cells = self.strings = 0

    def part(self, part: str, stream: IO[bytes]) -> None:
        self.where = part
        self.rows = self.row_cells = self.elements = self.text = 0
        self.in_item = False  # within a cell or a shared string: its text adds up
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.doctype
        gap = 0  # bytes since the last '>'
        try:
            while chunk := stream.read(1 << 16):
                first = chunk.find(b">")
                longest = gap + (len(chunk) if first < 0 else first)
                gap = longest if first < 0 else len(chunk) - 1 - chunk.rfind(b">")
                if longest > MAX_TOKEN_BYTES:  # within a chunk (64 KiB) gaps are shorter
                    self.refuse(
                        f"tiene una etiqueta o un texto de más de {MAX_TOKEN_BYTES:,} bytes"
                    )
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            self.refuse(f"no es XML válido ({limits.clip(exc)})")

    def refuse(self, reason: str) -> None:
        raise InterfaceError(f"{self.name}: {self.where}: {reason}; archivo rechazado")

    def doctype(self, *args: object) -> None:
        self.refuse("declara un DTD, que un XLSX no lleva")

    def start(self, tag: str, attributes: dict) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":  # the usual case first: this runs for every element of every sheet
            self.cell(attributes.get("r", ""))
        elif tag == "row":
            self.row(attributes.get("r", ""))
        elif tag == "si":
            self.strings += 1
            self.elements = self.text = 0
            self.in_item = True
            if self.strings > MAX_SHARED_STRINGS:
                self.refuse(f"tiene más de {MAX_SHARED_STRINGS:,} textos compartidos")
        elif not self.in_item:
            self.text = 0
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            self.refuse(
                f"tiene más de {MAX_ELEMENTS:,} elementos seguidos en una fila o fuera de ellas"
            )

    def row(self, number: str) -> None:
        self.rows += 1
        self.row_cells = self.elements = self.text = 0
        self.in_item = False
        if self.rows > MAX_ROWS or len(number) > 7 or (number.isdigit() and int(number) > MAX_ROWS):
            self.refuse(f"tiene más de {MAX_ROWS:,} filas")

    def cell(self, ref: str) -> None:
        self.cells += 1
        self.row_cells += 1
        self.text = 0
        self.in_item = True
        if self.cells > MAX_CELLS:
            self.refuse(f"el libro tiene más de {MAX_CELLS:,} celdas")
        letters = ref.rstrip("0123456789")  # up to ZZ is column 702: only longer ones count
        if self.row_cells > MAX_COLUMNS or (len(letters) > 2 and _column(letters) > MAX_COLUMNS):
            self.refuse(f"una fila tiene más de {MAX_COLUMNS:,} columnas")

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > MAX_CELL_CHARS:
            self.refuse(f"tiene una celda o un texto de más de {MAX_CELL_CHARS:,} caracteres")


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number
