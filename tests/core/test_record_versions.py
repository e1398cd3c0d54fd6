"""No lost updates (issue 12, item 2): each edited record carries a version, +1 on every update;
a save from an older version is refused with who changed what since (from the audit), and a
field-by-field merge keeps every change."""

import json
from datetime import date

import pytest

from brokertui.core import db as store
from brokertui.core.errors import StaleRecord
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import clients, programs
from tests.core.pedimentos.test_pedimentos import values as pedimento_values

RFC = "MAB9307148T4"
TODAY = date(2026, 4, 15)


@pytest.fixture
def client_db(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa SA", "calle": "Av. Uno"})
    return db


def test_every_update_adds_one_to_the_version_and_audits_it(client_db):
    assert clients.get_client(client_db, RFC).version == 1
    clients.update_client(client_db, RFC, {"calle": "Av. Dos", "numero_exterior": "12"})
    clients.update_client(client_db, RFC, {"calle": "Av. Dos"})  # no change: no new version
    assert clients.get_client(client_db, RFC).version == 2
    assert clients.baja_client(client_db, RFC, TODAY).version == 3
    (edit, baja) = store.changes_since(client_db, "client", RFC, 1)
    assert (edit.version, edit.action, edit.os_user) == (2, "client.edit", store.os_user())
    assert edit.fields == {"calle": ("Av. Uno", "Av. Dos"), "numero_exterior": ("", "12")}
    assert baja.fields == {"baja_date": (None, "2026-04-15")}
    assert store.changes_since(client_db, "client", RFC, 3) == []


def test_a_save_from_an_older_version_is_refused_with_what_changed(client_db):
    clients.update_client(client_db, RFC, {"calle": "Av. Dos"}, expected_version=1)
    with pytest.raises(StaleRecord) as caught:
        clients.update_client(
            client_db,
            RFC,
            {"razon_social": "Alfa SA de CV", "calle": "Av. Uno"},
            expected_version=1,
        )
    stale = caught.value
    assert (stale.expected, stale.version, stale.field) == (1, 2, "version")
    assert stale.current["calle"] == "Av. Dos" and stale.current["razon_social"] == "Alfa SA"
    assert [c.fields for c in stale.changes] == [{"calle": ("Av. Uno", "Av. Dos")}]
    assert "el cliente MAB9307148T4 cambió desde que lo leyó (versión 1, ahora 2)" in str(stale)
    assert f"{store.os_user()} cambió calle: 'Av. Uno' → 'Av. Dos' el " in str(stale)
    assert str(stale).endswith("; no se guardó nada")
    client = clients.get_client(client_db, RFC)  # nothing written
    assert (client.razon_social, client.calle, client.version) == ("Alfa SA", "Av. Dos", 2)


def test_without_an_expected_version_the_save_overwrites(client_db):
    clients.update_client(client_db, RFC, {"calle": "Av. Dos"})
    client = clients.update_client(client_db, RFC, {"calle": "Av. Tres"})
    assert (client.calle, client.version) == ("Av. Tres", 3)


def test_merge_takes_each_side_s_own_changes_and_lists_the_clashes():
    base = {"razon_social": "Alfa", "calle": "Uno", "numero_exterior": "", "colonia": "C"}
    mine = {"razon_social": "Alfa SA", "calle": "Uno", "numero_exterior": "7", "colonia": "C"}
    theirs = {"razon_social": "Alfa", "calle": "Dos", "numero_exterior": "12", "colonia": "C"}
    merged, clashes = store.merge_fields(base, mine, theirs)
    assert merged == {
        "razon_social": "Alfa SA",
        "calle": "Dos",
        "numero_exterior": "7",
        "colonia": "C",
    }
    assert clashes == ["numero_exterior"]
    same = {**mine, "numero_exterior": "12"}  # both made the same change: no clash
    assert store.merge_fields(base, same, theirs)[1] == []


def test_merge_keeps_fields_only_one_side_has():
    base = {"a": "1", "partida 2, x": "old"}
    mine = {"a": "2", "partida 2, x": None}  # I removed partida 2
    theirs = {"a": "1", "partida 2, x": "old", "partida 3, x": "new"}  # they added partida 3
    merged, clashes = store.merge_fields(base, mine, theirs)
    assert merged == {"a": "2", "partida 2, x": None, "partida 3, x": "new"}
    assert clashes == []


def test_program_status_refuses_a_stale_version(client_db):
    data = {"type": "ALTEX", "number": "A-1", "authorized_on": "2020-01-01"}
    assert programs.add_program(client_db, RFC, data, today=TODAY).version == 1
    altex = programs.find_program(client_db, RFC, "ALTEX").id
    programs.update_program(client_db, altex, status="suspendido", expected_version=1)
    with pytest.raises(StaleRecord, match="el ALTEX A-1 de MAB9307148T4 cambió") as caught:
        programs.update_program(client_db, altex, status="cancelado", expected_version=1)
    assert caught.value.changes[0].fields == {"status": ("vigente", "suspendido")}
    program = programs.find_program(client_db, RFC, "ALTEX")
    assert (program.status, program.version) == ("suspendido", 2)


def test_raoce_worksheet_versions_start_at_zero_before_one_is_stored(client_db):
    programs.add_program(
        client_db,
        RFC,
        {"type": "ECEX", "number": "E-1", "authorized_on": "2020-01-01"},
        today=TODAY,
    )
    assert raoce.show(client_db, RFC, 2026)["version"] == 0
    sheet = raoce.set_worksheet(
        client_db, RFC, 2026, ventas="100", exportaciones="50", expected_version=0
    )
    assert sheet["version"] == 1
    with pytest.raises(StaleRecord) as caught:  # someone stored one while I typed mine
        raoce.set_worksheet(
            client_db, RFC, 2026, ventas="90", exportaciones="50", expected_version=0
        )
    assert caught.value.current == {
        "ventas": "100",
        "exportaciones": "50",
        "importaciones": None,
        "tipo_cambio": None,
    }
    assert caught.value.changes[0].fields["ventas"] == (None, "100")
    sheet = raoce.set_worksheet(
        client_db, RFC, 2026, ventas="120", exportaciones="50", expected_version=1
    )
    assert (sheet["ventas_totales"], sheet["version"]) == ("120", 2)
    (row,) = store.changes_since(client_db, "raoce_worksheet", f"{RFC} 2026", 1)
    assert row.fields == {"ventas": ("100", "120")}


def test_a_captured_pedimento_edit_is_versioned_and_audited_field_by_field(client_db):
    first = pedimento_model.parse(pedimento_values())
    pedimentos.save(client_db, first, today=TODAY)
    numero = first.encabezado.numero
    assert pedimentos.get_pedimento(client_db, numero, "captura")["version"] == 1
    changed = pedimento_model.parse(pedimento_values(partida_cantidad_umc="15", tipo_cambio="18.5"))
    pedimentos.save(client_db, changed, today=TODAY, replace=True, expected_version=1)
    assert pedimentos.get_pedimento(client_db, numero, "captura")["version"] == 2
    (edit,) = store.changes_since(client_db, "pedimento", numero, 1)
    assert edit.fields == {
        "tipo_cambio": ("18.00120", "18.5"),
        "partida 1, cantidad_umc": ("12", "15"),
    }
    with pytest.raises(StaleRecord, match="el pedimento 262439536000098 cambió"):
        pedimentos.save(client_db, first, today=TODAY, replace=True, expected_version=1)
    stored = pedimentos.get_pedimento(client_db, numero, "captura")
    assert stored["partidas"][0]["cantidad_umc"] == "15"


def test_flat_pedimento_values_round_trip(client_db):
    pedimentos.save(client_db, pedimento_model.parse(pedimento_values()), today=TODAY)
    form = pedimentos.form_values(pedimentos.get_pedimento(client_db, "262439536000098"))
    flat = pedimentos.flat_values(form)
    assert flat["partida 1, fraccion"] == form["partidas"][0]["fraccion"]
    assert pedimentos.nested_values(flat) == form


def test_the_audit_rows_of_versioned_updates_name_their_version(client_db):
    clients.update_client(client_db, RFC, {"colonia": "Centro"})
    rows = store.audit_trail(client_db, "client", RFC)
    assert [(r["action"], r["version"]) for r in rows] == [("client.edit", 2), ("client.add", None)]
    assert json.loads(rows[0]["detail"]) == {"colonia": ["", "Centro"]}


def test_a_long_list_of_changes_is_cut_in_the_message(client_db):
    for n in range(8):
        clients.update_client(client_db, RFC, {"colonia": f"C{n}"})
    with pytest.raises(StaleRecord) as caught:
        clients.update_client(client_db, RFC, {"colonia": "X"}, expected_version=1)
    assert len(caught.value.changes) == 8
    assert "'C4' → 'C5'" not in str(caught.value)
    assert str(caught.value).endswith("; y 3 cambios más; no se guardó nada")
