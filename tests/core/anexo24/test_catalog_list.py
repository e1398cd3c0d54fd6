"""A client's catalogs as lists (core/anexo24/catalog_list.py): paged, searched without case or
accents (a fracción written with dots), sorted by a column, bounded to the client; a baja
shows with its date."""

from datetime import date

import pytest

from brokertui.core.anexo24 import bajas, catalog_list
from brokertui.core.errors import InvalidInput
from tests.core.anexo24.conftest import RFC, load

MATERIALES = [
    (
        f"M-{n:03}",
        f"Placa número {n}",
        "76061201" if n % 2 else "39269099",
        "1",
        "1",
        "1",
        "directo",
    )
    for n in range(1, 26)
]
MATERIALES[4] = ("TUBO-Ñ", "Tubería de cobre ÁCIDA", "74111001", "1", "1", "2.5", "directo")


@pytest.fixture
def cat_db(db, tmp_path):
    from brokertui.core.registry import clients

    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    clients.add_client(db, {"rfc": "GODE561231GR8", "razon_social": "Otro"})
    load(db, tmp_path, "materiales", MATERIALES)
    load(db, tmp_path, "productos", [("P-1", "Arnés", "85443099", "6", "6")])
    load(db, tmp_path, "bom", [("P-1", "TUBO-Ñ", "0.25", "3"), ("P-1", "M-001", "2", "0")])
    return db


def parts(rows):
    return [r.get("numero_parte") or r["material"] for r in rows]


def test_pages_in_part_number_order_and_the_count(cat_db):
    first = catalog_list.rows(cat_db, RFC, "materiales", limit=10)
    second = catalog_list.rows(cat_db, RFC, "materiales", limit=10, offset=10)
    assert parts(first)[:3] == ["M-001", "M-002", "M-003"]
    assert len(first) == 10 and set(parts(first)).isdisjoint(parts(second))
    assert catalog_list.count(cat_db, RFC, "materiales") == 25
    assert catalog_list.count(cat_db, "GODE561231GR8", "materiales") == 0  # the client's only


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("tuberia acida", ["TUBO-Ñ"]),  # accents and case never matter, every word must match
        ("tubo-n", ["TUBO-Ñ"]),
        ("7411.10.01", ["TUBO-Ñ"]),  # a fracción as written in the TIGIE
        ("placa 24", ["M-024"]),
        ("nada", []),
    ],
)
def test_search(cat_db, search, found):
    assert parts(catalog_list.rows(cat_db, RFC, "materiales", search=search)) == found
    assert catalog_list.count(cat_db, RFC, "materiales", search=search) == len(found)


def test_sort_and_the_bom_with_the_material_description(cat_db):
    rows = catalog_list.rows(cat_db, RFC, "materiales", sort="fraccion", descending=True)
    assert [r["fraccion"] for r in rows[:2]] == ["76061201", "76061201"]
    assert rows[-1]["fraccion"] == "39269099"
    with pytest.raises(InvalidInput, match="orden: se ordena por"):
        catalog_list.rows(cat_db, RFC, "materiales", sort="factor_umt")
    bom = catalog_list.rows(cat_db, RFC, "bom", search="cobre")  # the material's description
    assert [(r["producto"], r["material"], r["cantidad"], r["merma_pct"]) for r in bom] == [
        ("P-1", "TUBO-Ñ", "0.25", "3")
    ]


def test_a_baja_is_listed_with_its_date(cat_db):
    bajas.baja(cat_db, RFC, "productos", "P-1", date(2026, 3, 31))
    [row] = catalog_list.rows(cat_db, RFC, "productos")
    assert row["baja_date"] == "2026-03-31"
