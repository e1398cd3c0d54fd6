"""Anexo 24 fixtures: a client with materiales, productos, BOM and entradas loaded by interface."""

import csv
import itertools
import threading
from datetime import date

import pytest

from brokertui.core import db as store
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
    return inventory(db, tmp_path)


def inventory(db, tmp_path):
    """The client, its catalogs and BOM, and its insumo entradas (inv_db)."""
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


_writes = itertools.count()


def colleague_write(path) -> None:
    """A colleague's short write (a new razón social for the client) on a connection of his
    own. Refused (DatabaseBusy) when the write lock stays taken through his whole busy timeout
    (db.BUSY_TIMEOUT_MS, 10 s), as the old long jobs held it; how long he waits otherwise is
    benchmarks/writer_wait_bench.py's (a test timing it fails on a loaded machine)."""
    db = store.connect(path)
    try:
        clients.update_client(db, RFC, {"razon_social": f"Maquiladora Alfa {next(_writes)} SA"})
    finally:
        db.close()


def in_thread(path, job, outcome: dict) -> threading.Thread:
    """`job(db)` on its own connection to `path` in a started thread, as another process of a
    colleague would: outcome['result'] is what it returned, or outcome['error'] what it
    raised."""

    def work():
        db = store.connect(path)
        try:
            outcome["result"] = job(db)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            db.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def export(db) -> list[dict]:
    return list(discharge.export_rows(db, RFC))


def add_fixed_asset(db, tmp_path):
    """An AF import of MAT-A (3 units on 2 January, 26 07 3953 7000001 partida 1), moved to
    Planta Norte on 1 February and 1 unit returned on 1 March (26 07 3953 8000001)."""
    from brokertui.core.anexo24 import activo_fijo

    af = "26 07 3953 7000001"
    row = [af, "1", "AF", "2026-01-02", "MAT-A", "3", "1", "9000", "72085101", "USA"]
    load(db, tmp_path, "entradas", [row], "af.csv")
    clients.add_site(db, RFC, {"kind": "planta", "nombre": "Planta Norte"})
    moves = [
        {"fecha": "2026-02-01", "tipo": "cambio_domicilio", "domicilio": "Planta Norte"},
        {"fecha": "2026-03-01", "tipo": "retorno", "cantidad": "1", "motivo": "garantía",
         "documento": "26 07 3953 8000001"},
    ]  # fmt: skip
    rows = [(n, {"pedimento": af, "partida": "1"} | m) for n, m in enumerate(moves, start=1)]
    activo_fijo.add_movements(db, RFC, rows, "af-movimientos.csv")


AF1, AF2 = "26 07 3953 7000001", "26 07 3953 7000002"  # fixed assets (clave AF)
AF_ROWS = [
    [AF1, "1", "AF", "2026-01-02", "MAT-A", "3", "1", "9000", "72085101", "USA"],
    [AF2, "1", "AF", "2026-01-10", "PRENSA-1", "1", "6", "250000", "84623901", "DEU"],
]


@pytest.fixture
def af_db(inv_db, tmp_path):
    return fixed_assets(inv_db, tmp_path)


def fixed_assets(inv_db, tmp_path):
    """inv_db plus AF imports of MAT-A, 3 units on 2 January (AF1 partida 1), and PRENSA-1, 1
    unit on 10 January (AF2 partida 1), and the plants "Planta Norte" and "Planta Sur"."""
    load(
        inv_db,
        tmp_path,
        "materiales",
        [
            ["MAT-A", "Lámina", "7208.51.01", "1", "1", "1", "directo"],
            ["MAT-B", "Tornillo", "73181599", "6", "1", "0.01", "directo"],
            ["PRENSA-1", "Prensa hidráulica", "84623901", "6", "6", "1", "indirecto"],
        ],
        "materiales2.csv",
    )
    load(inv_db, tmp_path, "entradas", AF_ROWS, "af.csv")
    for name in ("Planta Norte", "Planta Sur"):
        clients.add_site(inv_db, RFC, {"kind": "planta", "nombre": name})
    return inv_db
