"""Reading Data Stage members a block at a time, column by column (blocks.py, issue 13, item 7)
gives exactly what reading them row by row gives: the same stored rows, warnings and
pedimento versions, and the versions stored before it (changing them would mark every stored
pedimento as updated at its next import)."""

import random
import zipfile

import pytest

from brokertui.core import db as store
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage.blocks import Plan
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.pedimentos.datastage.members import OWN_TABLES
from brokertui.core.registry import clients
from tests.builders import MIEMBROS, RFC, partida, pedimento
from tests.core.pedimentos.test_value_forms import delivery, write_varied

TABLES = (
    "pedimentos",
    "partidas",
    "facturas",
    "identificadores",
    "contribuciones",
    "datastage_versions",
    *(m.table for m in OWN_TABLES.values()),
)
STAMPS = {"imported_at", "created_at", "updated_at", "captured_at", "recibido"}
# The versions the row-by-row reading (main at 273e526) gave RICH's pedimentos.
VERSIONS = [
    ("262439536000001", "c97534928e4524bc950402a5493249b7"),
    ("262439536000002", "705fd08c349bfa324c3677e678131c7f"),
    ("262439536000003", "1994fc1b51c77d2c3ae22e36fc45c7bf"),
]


def rich() -> list[dict]:
    """Three pedimentos with every member (`.00`, `5.`) and one of an RFC no client has."""
    return [
        pedimento(
            numero=f"26243953600{n:04d}",
            miembros=MIEMBROS,
            partidas=[partida(usd=".00", precio="5."), partida(fraccion="39269099")],
        )
        for n in range(1, 4)
    ] + [pedimento(numero="262439536009999", rfc="OTR010101AAA")]


def imported(path, tmp_path, name: str) -> tuple[dict, list[str]]:
    """Every table a delivery fills (timestamps left out) and the import's warnings."""
    db = store.connect(tmp_path / f"{name}.db")
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    result = datastage.import_zip(db, path)
    dump = {
        table: [
            {k: v for k, v in dict(r).items() if k not in STAMPS}
            for r in db.query(f"SELECT * FROM {table} ORDER BY rowid")
        ]
        for table in TABLES
    }
    return dump, result.warnings


def row_by_row(monkeypatch) -> None:
    monkeypatch.setattr(Plan, "of", classmethod(lambda cls, *args: None))


def spaced(source, target) -> None:
    """The same delivery with a space each side of every `|` (its values are trimmed: no
    block is plain)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info).replace(b"|", b" | "))


@pytest.mark.parametrize("seed", range(6))
def test_columns_and_rows_read_a_varied_corpus_alike(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    write_varied(tmp_path / "d.zip", delivery(rng), rng)
    fast = imported(tmp_path / "d.zip", tmp_path, "fast")
    row_by_row(monkeypatch)
    assert imported(tmp_path / "d.zip", tmp_path, "slow") == fast


def test_versions_are_those_stored_before_in_every_written_form(tmp_path, monkeypatch):
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", rich())
    spaced(path, tmp_path / "spaced.zip")
    fast, warnings = imported(path, tmp_path, "fast")
    assert [(r["numero"], r["digest"]) for r in fast["datastage_versions"]] == VERSIONS
    assert imported(tmp_path / "spaced.zip", tmp_path, "spaced") == (fast, warnings)
    row_by_row(monkeypatch)
    assert imported(path, tmp_path, "slow") == (fast, warnings)


def test_strays_orphans_and_repeats_are_found_in_blocks_as_row_by_row(tmp_path, monkeypatch):
    orphan = {"556": [{"Fraccion": "85389099", "SecuenciaFraccion": "7", "ClaveContribucion": "6"}]}
    peds = [*rich(), pedimento(numero="262439536000004", miembros=orphan)]
    path = datastage_build.write_zip(tmp_path / "full.zip", peds)
    stray = tmp_path / "1875724_Solicitudes.zip"  # ...0004 only in the ds_* members
    own = {datastage_build.file_tipo(tipo) for tipo in OWN_TABLES}
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(stray, "w") as new:
        for info in old.infolist():
            lines = old.read(info).split(b"\n")
            if info.filename.split("_")[1][:-4] not in own:
                lines = [line for line in lines if b"|6000004|" not in line]
            new.writestr(info.filename, b"\n".join(lines))
    for source in (path, stray):
        monkeypatch.undo()
        fast = imported(source, tmp_path, f"fast-{source.stem}")
        row_by_row(monkeypatch)
        assert imported(source, tmp_path, f"slow-{source.stem}") == fast
        assert fast[1], "the orphan (or the strays) are warned"


def test_a_repeated_partida_is_refused_naming_both_lines_either_way(tmp_path, monkeypatch):
    path = datastage_build.write_zip(tmp_path / "one.zip", rich()[:2])
    repeated = tmp_path / "1875724_Solicitudes.zip"  # the 551's third line written twice
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(repeated, "w") as new:
        for info in old.infolist():
            lines = old.read(info).split(b"\r\n")
            if info.filename.endswith("_551.asc"):
                lines.insert(3, lines[2])
            new.writestr(info.filename, b"\r\n".join(lines))
    messages = []
    for forced in (False, True):
        if forced:
            row_by_row(monkeypatch)
        with pytest.raises(DataStageError) as refused:
            imported(repeated, tmp_path, f"r{forced}")
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "_551.asc:4: SecuenciaFraccion 2: la partida viene repetida (línea 3)" in messages[0]
