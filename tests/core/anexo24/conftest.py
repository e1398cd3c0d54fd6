"""Anexo 24 fixtures: a client with materiales, productos, BOM and entradas loaded by interface."""

import csv
from datetime import date

import pytest

from brokertui.core.anexo24 import interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.registry import clients

RFC = "MAB9307148T4"
TODAY = date(2026, 6, 30)


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def load(db, tmp_path, kind, rows, name=None):
    path = write_csv(tmp_path / (name or f"{kind}.csv"), interfaces.COLUMNS[kind], rows)
    return interfaces.import_file(db, kind, path, RFC)


@pytest.fixture
def inv_db(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    load(
        db,
        tmp_path,
        "materiales",
        [
            ["MAT-A", "Lámina", "7208.51.01", "1", "1", "1", "directo"],
            ["MAT-B", "Tornillo", "73181599", "6", "1", "0.01", "directo"],
        ],
    )
    load(db, tmp_path, "productos", [["PROD-1", "Gabinete", "85371099", "6", "6"]])
    load(db, tmp_path, "bom", [["PROD-1", "MAT-A", "2.5", "4"], ["PROD-1", "MAT-B", "8", "0"]])
    load(
        db,
        tmp_path,
        "entradas",
        [
            [
                "26 07 3953 6000010",
                "1",
                "IN",
                "2026-01-05",
                "MAT-A",
                "100",
                "1",
                "82",
                "72085101",
                "USA",
            ],
            [
                "26 07 3953 6000020",
                "1",
                "IN",
                "2026-01-20",
                "MAT-A",
                "100",
                "1",
                "82",
                "72085101",
                "USA",
            ],
            [
                "26 07 3953 6000020",
                "2",
                "IN",
                "2026-01-20",
                "MAT-B",
                "500",
                "6",
                "5",
                "73181599",
                "CHN",
            ],
        ],
    )
    return db


def export(db) -> list[dict]:
    return list(discharge.export_rows(db, RFC))
