"""Issue 14, item 4: reader.read_batches reads a CSV's plain lines by column, a block of text at
a time, and the rest as read_file does. Property: whatever the bytes (quotes, CR, CRLF and LF
line ends across the blocks' edges, empty and blank rows, short and long rows, NUL, other line
separators, three encodings; random text, or rows csv.writer wrote with every cell or some in
quotes), both give the very same rows in the same order, or refuse the file with the very same
message; with the limits of a row made tiny, too."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core.anexo24 import reader
from brokertui.core.anexo24.reader import InterfaceError

CHARS = st.sampled_from(list('ab ,"\r\n\x00\x85\t\u2028é'))
TEXT = st.text(alphabet=CHARS, max_size=60)


@st.composite
def written(draw) -> str:
    """Rows as a spreadsheet or an ERP writes them: each cell in quotes, or only those that
    need them, lines ended alike, three cells each (as many as the first header); cells with
    commas, quotes and line ends inside now and then."""
    out = io.StringIO()
    csv.writer(
        out,
        quoting=draw(st.sampled_from([csv.QUOTE_ALL, csv.QUOTE_MINIMAL])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    ).writerows(
        draw(st.lists(st.lists(st.text(alphabet=CHARS, max_size=3), min_size=3, max_size=3)))
    )
    return out.getvalue()


BODIES = st.one_of(TEXT, written())
HEADERS = ["a,b,a\n", "a\r\n", 'b,"a"\r', "x\n", "a;b\n"]  # the third has a quote in it


def _outcome(read):
    try:
        return "read", read()
    except InterfaceError as exc:
        return "refused", str(exc)


def _same(tmp_path, monkeypatch, header, body, block, size, encoding):
    monkeypatch.setattr(reader, "BLOCK", block)
    path = tmp_path / "f.csv"
    path.write_bytes((header + body).encode(encoding, errors="replace"))
    rows = _outcome(lambda: list(reader.read_file(path, ["a"])))
    batches = _outcome(lambda: list(reader.read_batches(path, ["a"], size, 1 << 20)))
    if batches[0] == "read":
        by_row = [row for batch in batches[1] for row in batch.rows()]
        column = [value.strip() for batch in batches[1] for value in batch.column("a")]
        assert column == [raw.get("a", "") for _, raw in by_row]
        assert all(0 < len(batch) <= size for batch in batches[1])
        batches = ("read", by_row)
    assert batches == rows


@settings(max_examples=400, deadline=None)
@given(
    header=st.sampled_from(HEADERS),
    body=BODIES,
    block=st.integers(1, 40),
    size=st.integers(1, 4),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_batches_read_the_rows_read_file_reads(
    tmp_path_factory, header, body, block, size, encoding
):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(tmp_path_factory.mktemp("f"), monkeypatch, header, body, block, size, encoding)


@settings(max_examples=400, deadline=None)
@given(header=st.sampled_from(HEADERS), body=BODIES, block=st.integers(1, 9))
def test_and_refuse_what_it_refuses_at_the_limits_of_a_row(tmp_path_factory, header, body, block):
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, tiny in [
            ("MAX_ROWS", 5),
            ("MAX_CELL_CHARS", 6),
            ("MAX_COLUMNS", 4),
            ("MAX_ROW_CHARS", 12),
            ("_CHECKED_FROM", 4),
        ]:
            monkeypatch.setattr(reader, name, tiny)
        limit = csv.field_size_limit(8)
        try:
            _same(tmp_path_factory.mktemp("f"), monkeypatch, header, body, block, 2, "utf-8")
        finally:
            csv.field_size_limit(limit)


def test_a_plain_file_is_read_by_column_in_batches(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,B\r\n1, x\r\n\r\n  ,\r\n2,y\r\n3,z", newline="")
    batches = list(reader.read_batches(path, ["a"], 2, 1 << 20))
    assert [(b.numbers, b.cells) for b in batches] == [
        ([2, 5], ["1", " x", "2", "y"]),
        ([6], ["3", "z"]),
    ]
    assert batches[0].rows() == [(2, {"a": "1", "b": "x"}), (5, {"a": "2", "b": "y"})]


def test_a_file_with_every_cell_in_quotes_is_read_by_column_too(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('"a","b"\r\n"1,5"," x"\r\n"2",""\r\n', newline="")
    (batch,) = reader.read_batches(path, ["a"], 5, 1 << 20)
    assert (batch.numbers, batch.cells) == ([2, 3], ["1,5", " x", "2", ""])
