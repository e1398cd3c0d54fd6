"""Issue 14, item 4: entradas and salidas files are checked a batch at a time, column by column
(interfaces.RowChecker.batch), and only while their batches are good. Property: whatever the
file, the import stores exactly what the row by row check stores, and refuses a bad file with
the very same message (row, field and rule); its dry run shows the very same rows and errors.
What either stored passes SQLite's integrity check, CHECK constraints included."""

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from brokertui.core import db as store
from brokertui.core.anexo24 import interface_kinds, interfaces
from brokertui.core.anexo24.reader import InterfaceError
from tests.core.anexo24.conftest import RFC, inventory

# Each column's values: the first good, then good ones in other spellings, and bad ones.
VALUES = {
    "entradas": {
        "pedimento": ["26 07 3953 6000010", "260739536000011", "26-07-3953-6000012", "x", ""],
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
    },
    "salidas": {
        "documento": ["RT-1", "RT-2", "", "DOC\x1b"],
        "clave": ["RT", "rt", "V1", "F5", "", "ZZ"],
        "fecha": ["2026-03-01", "01/03/2026", "2026-02-30", ""],
        "tipo_bien": ["M", "P", "D", "m", "x", ""],
        "numero_parte": ["MAT-A", "PROD-1", "MAT-B", "MAT-Z", ""],
        "cantidad": ["5", "2.5", "0", "1,5", "", "007"],
        "tipo_salida": ["", "retorno", "donación", "x"],
        "periodo": ["", "2026-03", "2026-13"],
        "activo_fijo": ["", "no", "sí", "x"],
    },
}
KEY = {"entradas": "pedimento", "salidas": "documento"}  # made distinct per row unless drawn
OPTIONAL = {"entradas": ["tasa_igi"], "salidas": ["tipo_salida", "periodo", "activo_fijo"]}


@st.composite
def files(draw, kind):
    """A header (with or without optional columns) and rows mostly good, some with bad cells."""
    columns = [*interfaces.COLUMNS[kind]]
    columns += [c for c in OPTIONAL[kind] if draw(st.booleans())]
    values = VALUES[kind]
    rows = []
    for n in range(draw(st.integers(1, 9))):
        row = {c: values[c][0] for c in columns}
        row[KEY[kind]] = f"26 07 3953 {6000100 + n:07d}" if kind == "entradas" else f"RT-{n}"
        for column in draw(st.lists(st.sampled_from(columns), max_size=3)):
            row[column] = draw(st.sampled_from(values[column]))
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


def _outcome(db, kind: str, path: Path) -> tuple:
    """The file's dry run, then its import: what each showed or stored."""
    shown = interface_kinds.preview_file(db, kind, path, RFC, head=4)
    try:
        result = interfaces.import_file(db, kind, path, RFC)
    except InterfaceError as exc:
        return (shown, "refused", str(exc))
    cursor = db.execute(
        f"SELECT * FROM {kind} WHERE import_id = ? ORDER BY id", [result["import_id"]]
    )
    names = [d[0] for d in cursor.description]
    stored = [
        {n: v for n, v in zip(names, row, strict=True) if n not in ("id", "import_id")}
        for row in cursor
    ]
    return (shown, "imported", result | {"import_id": None}, stored)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@pytest.mark.parametrize("kind", ["entradas", "salidas"])
def test_batches_store_and_refuse_exactly_as_rows(pair, tmp_path, monkeypatch, kind, data):
    columns, rows = data.draw(files(kind))
    path = tmp_path / f"{kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    batched, by_row = pair
    with monkeypatch.context() as patch:
        patch.setattr(interfaces, "BATCH", 3)  # a good batch may come before a bad one
        fast = _outcome(batched, kind, path)
    with monkeypatch.context() as patch:
        patch.setattr(interfaces, "BATCHED", ())
        slow = _outcome(by_row, kind, path)
    assert fast == slow
    # the import's writer leaves SQLite's CHECK constraints to the file's checks
    # (db.checked_rows): what it stored passes them all the same
    for db in pair:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    event(slow[1])
