"""Issue 14, item 4: an entradas file is checked a batch at a time, column by column
(interfaces._RowCheck.batch), and only while its batches are good. Property: whatever the file,
the import stores exactly what the row by row check stores, and refuses a bad file with the
very same message (row, field and rule)."""

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces
from brokertui.core.anexo24.reader import InterfaceError
from tests.core.anexo24.conftest import RFC, inventory

# Each column's values: good ones in several spellings, and bad ones.
VALUES = {
    "pedimento": ["26 07 3953 6000010", "260739536000011", "26-07-3953-6000012", "x", "", "1"],
    "partida": ["1", "2", "01", "0", "a", ""],
    "clave": ["IN", "in", "AF", "ZZ", ""],
    "fecha_entrada": ["2026-01-05", "05/01/2026", "2026-02-30", "", "2025-12-31"],
    "numero_parte": ["MAT-A", "MAT-B", "MAT-Z", "", " MAT-A "],
    "cantidad": ["10", "0010.50", "1,000", "0", "-1", "1e3", "", ".5", "1.1234567", "5."],
    "umc": ["1", "6", "zz", ""],
    "valor_usd": ["82", "82.10", "0", "", "1,5", "007", "5.", "x\x07", "0.000"],
    "fraccion": ["72085101", "7208.51.01", "", "123"],
    "pais_origen": ["USA", "", "XXX", "mex"],
    "tasa_igi": ["", "5", "0", "x", "2.50"],
}
GOOD = {column: values[0] for column, values in VALUES.items()}


@st.composite
def files(draw):
    """A header (with or without tasa_igi) and rows that are mostly good, some with bad cells."""
    columns = [*interfaces.COLUMNS["entradas"], *(["tasa_igi"] if draw(st.booleans()) else [])]
    count = draw(st.integers(1, 9))
    rows = []
    for n in range(count):
        row = {c: GOOD[c] for c in columns}
        row["pedimento"] = f"26 07 3953 {6000100 + n:07d}"  # distinct keys unless drawn
        for column in draw(st.lists(st.sampled_from(columns), max_size=3)):
            row[column] = draw(st.sampled_from(VALUES[column]))
        rows.append([row[c] for c in columns])
    return columns, draw(st.permutations(rows))


@pytest.fixture
def pair(tmp_path):
    """Two databases alike: one imports with batches, the other row by row."""
    made = []
    for name in ("batched", "by_row"):
        folder = tmp_path / name
        folder.mkdir()
        made.append(inventory(store.connect(folder / "test.db"), folder))
    yield made
    for db in made:
        db.close()


def _outcome(db, path: Path) -> tuple:
    try:
        result = interfaces.import_file(db, "entradas", path, RFC)
    except InterfaceError as exc:
        return ("refused", str(exc))
    stored = db.execute(
        "SELECT pedimento, partida, clave, fecha_entrada, numero_parte, cantidad_micro, umc, "
        "valor_usd, fraccion, pais_origen, tasa_igi, vence, source FROM entradas "
        "WHERE import_id = ? ORDER BY id",
        [result.pop("import_id")],
    ).fetchall()
    return ("imported", result, stored)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=files())
def test_batches_store_and_refuse_exactly_as_rows(pair, tmp_path, monkeypatch, drawn):
    columns, rows = drawn
    path = tmp_path / "entradas.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    batched, by_row = pair
    with monkeypatch.context() as patch:
        patch.setattr(interfaces, "BATCH", 3)  # a good batch may come before a bad one
        fast = _outcome(batched, path)
    with monkeypatch.context() as patch:
        patch.setattr(interfaces, "BATCHED", ())
        slow = _outcome(by_row, path)
    assert fast == slow
    event(slow[0])
