"""The 26 Data Stage members (issue 13, item 4): one spec (members.py) drives the zip writer,
the checks, the parsing and the `ds_*` tables; every member's rows are stored, tied to their
pedimento and partida, and replaced with them (formats.md §1.4, §1.5)."""

import sqlite3
import zipfile

import pytest

from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage import member_tables
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.pedimentos.datastage.members import MEMBERS, OWN_TABLES
from brokertui.core.registry import clients
from tests.builders import MIEMBROS, RFC, partida, pedimento

NUMERO = "262439536000098"


@pytest.fixture
def ds_db(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    return db


def test_the_spec_declares_26_members_and_the_tables_follow_it(ds_db):
    assert len(MEMBERS) == 26 and len(OWN_TABLES) == 18
    for member in OWN_TABLES.values():
        columns = [r[1] for r in ds_db.execute(f"PRAGMA table_info({member.table})")]
        owner = "import_id" if member.level == "entrega" else "pedimento_id"
        assert columns == ["id", owner, *member.names], member.tipo
        assert len(set(member.names)) == len(member.names)
    # formats.md §1.5 header lists, literally (typos included)
    assert MEMBERS["520"].header.split("|")[9] == "MunicpioDestinatario"
    assert MEMBERS["558"].header == (
        "Patente|Pedimento|SeccionAduanera|Fraccion|SecuenciaFraccion|SecuenciaObservacion|"
        "Observaciones|FechaPagoReal"
    )


def test_every_member_is_stored_in_its_table(ds_db, tmp_path):
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(miembros=MIEMBROS)])
    result = datastage.import_zip(ds_db, path)
    assert result.warnings == []
    ped = pedimentos.get_pedimento(ds_db, NUMERO)
    blocks = member_tables.for_pedimento(ds_db, ped["id"])
    assert sorted(blocks) == sorted(t for t in OWN_TABLES if t != "RESUMEN")
    assert blocks["502"][0] | {"id": 0} == {
        "id": 0,
        "pedimento_id": ped["id"],
        "rfc": "TRA010101AAA",  # a code: upper-cased
        "curp": "",
        "nombre": "FLETES DEL NORTE",
        "pais": "",
        "identificador": "",
    }
    assert blocks["508"][0]["total"] == "0.00"  # `.00`
    assert blocks["509"][0]["tasa"] == "16"  # `16.`
    assert blocks["510"][0]["importe"] == "352"  # a leading zero
    assert blocks["555"][0]["total"] == "5"
    assert blocks["702"][0]["importe"] == "-12.50"
    (obs,) = blocks["558"]
    assert (obs["secuencia"], obs["secuencia_obs"], obs["texto"]) == (
        1,
        1,
        "No. De parte: 5HYV-355080-9000",
    )
    (descargo,) = blocks["512"]
    assert descargo["numero_original"] == "252439535000011"  # year from FechaOperacionOrig
    assert (descargo["fecha_original"], descargo["clave_original"]) == ("2025-03-04", "IN")
    assert blocks["SEL"][0]["fecha"] == "2026-01-05"
    table = OWN_TABLES["RESUMEN"].table  # the import's control totals, by import
    (resumen,) = ds_db.query(f"SELECT * FROM {table} WHERE import_id = ?", [ped["import_id"]])
    assert (resumen["folio"], resumen["rfc_o_patente"]) == ("1875724", RFC)


def test_a_later_delivery_replaces_the_member_rows_with_the_pedimento(ds_db, tmp_path):
    datastage.import_zip(
        ds_db, datastage_build.write_zip(tmp_path / "a.zip", [pedimento(miembros=MIEMBROS)])
    )
    fewer = {"558": [MIEMBROS["558"][0] | {"Observaciones": "No. de parte: X-2"}]}
    datastage.import_zip(
        ds_db, datastage_build.write_zip(tmp_path / "b.zip", [pedimento(miembros=fewer)])
    )
    ped = pedimentos.get_pedimento(ds_db, NUMERO)
    blocks = member_tables.for_pedimento(ds_db, ped["id"])
    assert list(blocks) == ["558"] and blocks["558"][0]["texto"] == "No. de parte: X-2"
    assert ds_db.execute("SELECT count(*) FROM ds_transporte").fetchone()[0] == 0


def test_bad_values_refuse_the_delivery_naming_member_line_and_column(ds_db, tmp_path):
    bad = {
        "558": [MIEMBROS["558"][0] | {"SecuenciaFraccion": "uno"}],
        "553": [MIEMBROS["553"][0] | {"ValorComercialDolares": "1,200.00"}],
        "509": [MIEMBROS["509"][0] | {"ClaveContribucion": ""}],
    }
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(miembros=bad)])
    with pytest.raises(DataStageError) as exc:
        datastage.import_zip(ds_db, path)
    text = str(exc.value)
    assert "1875724_558.asc:2: SecuenciaFraccion «uno» no es un número entero" in text
    assert "1875724_553.asc:2: ValorComercialDolares «1,200.00» no es un número" in text
    assert "1875724_509.asc:2: ClaveContribucion está vacío" in text
    assert ds_db.execute("SELECT count(*) FROM pedimentos").fetchone()[0] == 0


def test_rows_of_unknown_pedimentos_or_partidas_are_warned_not_refused(ds_db, tmp_path):
    members = datastage_build.members_for([pedimento(partidas=[partida()])])
    key = ["3953", "6000555", "240"]  # not in the 501
    paid = "2026-01-05 17:48:15"
    members["SEL"].append(datastage_build.member_row("SEL", key, {"SemaforoFiscal": "1"}, paid))
    members["558"].append(
        datastage_build.member_row(
            "558", ["3953", "6000098", "240"], {"SecuenciaFraccion": "9"}, paid
        )
    )
    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w") as z:
        for tipo, rows in members.items():
            lines = [datastage_build.HEADERS[tipo], *("|".join(r) for r in rows)]
            text = "".join(f"{line}|\r\n" for line in lines)
            z.writestr(f"1875724_{datastage_build.file_tipo(tipo)}.asc", text.encode("latin-1"))
    result = datastage.import_zip(ds_db, path)
    assert result.warnings == [
        "1875724_558.asc: 1 renglón de partidas que no están en el 551",
        "1875724_Sel.asc: 1 renglón de pedimentos que no están en el miembro 501; "
        "se conservan sólo en el zip",
    ]
    assert ds_db.execute("SELECT count(*) FROM ds_seleccion").fetchone()[0] == 0
    assert ds_db.execute("SELECT secuencia FROM ds_observaciones_partida").fetchall() == [(9,)]


def ddl(member) -> str:
    """The `ds_*` table (and its index) the member spec implies: an integer column is INTEGER
    (NOT NULL when required), every other one decimal or plain text, '' when absent."""
    owner, parent = (
        ("import_id", "datastage_imports")
        if member.level == "entrega"
        else ("pedimento_id", "pedimentos")
    )
    kinds = {c.name: c for c in member.stored}
    columns = [
        f"{name} INTEGER{' NOT NULL' if kinds[name].required else ''}"
        if name in kinds and kinds[name].kind == "integer"
        else f"{name} TEXT NOT NULL DEFAULT ''"
        for name in member.names
    ]
    index = {
        "entrega": ("import", "import_id"),
        "pedimento": ("pedimento", "pedimento_id"),
        "partida": ("partida", "pedimento_id, secuencia"),
    }[member.level]
    return (
        f"CREATE TABLE {member.table} (id INTEGER PRIMARY KEY, {owner} INTEGER NOT NULL "
        f"REFERENCES {parent} (id) ON DELETE CASCADE, {', '.join(columns)});\n"
        f"CREATE INDEX {member.table}_{index[0]} ON {member.table} ({index[1]});"
    )


def shape(db, table: str) -> tuple:
    """A table's columns (name, type, not null, default, key), foreign keys and indexes."""
    indexes = [
        (r[1], [c[2] for c in db.execute(f"PRAGMA index_info({r[1]})")])
        for r in db.execute(f"PRAGMA index_list({table})")
    ]
    return (
        [tuple(r[1:]) for r in db.execute(f"PRAGMA table_info({table})")],
        [tuple(r[2:]) for r in db.execute(f"PRAGMA foreign_key_list({table})")],
        sorted(indexes),
    )


def test_migration_0015_is_the_ddl_the_member_spec_implies(ds_db):
    """The 18 `ds_*` tables (migrations/0015_datastage_members.sql, never edited once on main)
    agree with members.py: columns, types, defaults, owner and index, generated from the spec."""
    spec = sqlite3.connect(":memory:")
    spec.executescript(
        "CREATE TABLE pedimentos (id INTEGER PRIMARY KEY);"
        "CREATE TABLE datastage_imports (id INTEGER PRIMARY KEY);"
        + "\n".join(ddl(m) for m in OWN_TABLES.values())
    )
    for member in OWN_TABLES.values():
        assert shape(ds_db.conn, member.table) == shape(spec, member.table), member.tipo
