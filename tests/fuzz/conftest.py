"""The databases the fuzz suites attack: a client with a small Anexo 24 inventory (built once,
copied for each test) and the demo database for the command line."""

from __future__ import annotations

import sqlite3

import pytest

from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces
from brokertui.core.demo import clients as demo
from brokertui.core.registry import clients
from tests import builders
from tests.conftest import TODAY

RFC = "MAB9307148T4"
INVENTORY = {
    "materiales": [
        ("M-1", "Tornillo", "73181504", "6", "6", "1", "directo"),
        ("M-2", "Lámina", "72085101", "1", "1", "0.5", "indirecto"),
    ],
    "productos": [("P-1", "Arnés", "85443002", "6", "6")],
    "bom": [("P-1", "M-1", "2", "0"), ("P-1", "M-2", "0.5", "3")],
    "entradas": [
        ("262439536000098", "1", "IN", "2026-01-04", "M-1", "100", "6", "50", "", ""),
        ("262439536000098", "2", "IN", "2026-01-04", "M-2", "40", "1", "", "", "USA"),
    ],
    "salidas": [("F-1", "RT", "2026-02-01", "P", "P-1", "3")],
}


def _copy(source: sqlite3.Connection, path) -> store.Database:
    target = sqlite3.connect(path)
    source.backup(target)
    target.close()
    return store.connect(path)


@pytest.fixture(scope="session")
def inventory_template(tmp_path_factory):
    """Client RFC (and the Data Stage builders' client) with materiales, productos, BOM,
    entradas and salidas."""
    db = store.connect(tmp_path_factory.mktemp("fuzz") / "inventory.db")
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa SA"})
    clients.add_client(db, {"rfc": builders.RFC, "razon_social": "Bajío SA"}, force=True)
    for kind, rows in INVENTORY.items():
        columns = interfaces.COLUMNS[kind]
        numbered = [(n, dict(zip(columns, row, strict=True))) for n, row in enumerate(rows, 2)]
        interfaces.import_rows(db, kind, numbered, RFC, f"{kind}.csv", kind)
    yield db
    db.close()


@pytest.fixture
def inventory_db(inventory_template, tmp_path):
    db = _copy(inventory_template.conn, tmp_path / "fuzz.db")
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    db = store.connect(tmp_path_factory.mktemp("fuzz") / "demo.db")
    demo.load(db, TODAY)
    yield db
    db.close()


@pytest.fixture
def demo_path(demo_template, tmp_path):
    """A copy of the demo database, by path (the command line opens its own connection)."""
    _copy(demo_template.conn, tmp_path / "demo.db").close()
    return tmp_path / "demo.db"
