"""The databases the fuzz suites attack (a client with a small Anexo 24 inventory, built once
and copied for each test; the demo database) and the folder of files the command line is
given."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from brokertui.core import db as store
from brokertui.core import log
from brokertui.core.demo import clients as demo
from brokertui.core.pedimentos.datastage import build
from brokertui.core.registry import clients
from tests import builders
from tests.conftest import TODAY
from tests.fuzz.xlsx import workbook

RFC = "MAB9307148T4"
DEMO_RFC = "MNB050315K70"  # the demo client with pedimentos and inventory
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
        builders.import_rows(db, kind, rows, RFC)
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


def _pool(folder: Path) -> None:
    """The input files the commands may be given, valid and hostile."""
    (folder / "materiales.csv").write_text(
        "numero_parte,descripcion,fraccion,umc,umt,factor_umt,tipo\n"
        "FZ-1,Pieza,73181504,6,6,1,directo\n"
    )
    (folder / "hostile.csv").write_bytes(b'a,b\n\x00,\x1b[2J\n"' + b"x" * 140_000 + b"\n")
    header = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip(
            "ABCDEF",
            ("documento", "clave", "fecha", "tipo_bien", "numero_parte", "cantidad"),
            strict=True,
        )
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{header}</row></sheetData></worksheet>'
    )
    (folder / "book.xlsx").write_bytes(workbook([sheet]))
    (folder / "damaged.xlsx").write_bytes(workbook([sheet])[:300])
    ped = builders.pedimento("262439536000300", rfc=DEMO_RFC)
    zip_path = build.write_zip(folder / "delivery.zip", [ped], folio="1999")
    (folder / "cut.zip").write_bytes(zip_path.read_bytes()[:-40])
    ped_json = {"encabezado": {"numero": "262439536000301", "rfc": DEMO_RFC}, "partidas": []}
    (folder / "pedimento.json").write_text(json.dumps(ped_json))
    (folder / "bad.json").write_text("{not json")
    (folder / "empty").write_text("")
    (folder / "folder").mkdir()
    (folder / "backup.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)


@pytest.fixture
def cli_folder(demo_path, tmp_path, monkeypatch):
    """The working folder of a command-line test, holding the pool of input files; the log of
    an internal error goes there too."""
    _pool(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(log, "LOG_FILE", tmp_path / "logs" / "brokertui.log")
    return tmp_path
