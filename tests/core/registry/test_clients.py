"""Client registry and programs (issue: foundation, items 4 and 5)."""

import json
from datetime import date

import pytest

from brokertui.core.db import audit_trail
from brokertui.core.errors import Conflict, InvalidInput, NeedsConfirmation, NotFound
from brokertui.core.registry import clients, programs
from tests.conftest import TODAY

GOOD = {"rfc": "MAB9307148T4", "razon_social": "Maquiladora Alfa, S.A. de C.V."}


def test_add_normalizes_and_stores(db):
    client = clients.add_client(
        db,
        GOOD | {"rfc": "mab9307148t4", "entidad_federativa": "Nuevo León", "calle": " Av.  Uno "},
    )
    assert (client.rfc, client.entidad_federativa, client.calle) == (
        "MAB9307148T4",
        "NLE",
        "Av. Uno",
    )
    assert not client.rfc_check_warning and client.active


def test_check_digit_mismatch_needs_confirmation(db):
    with pytest.raises(NeedsConfirmation) as raised:
        clients.add_client(db, GOOD | {"rfc": "MAB9307148T5"})
    assert raised.value.field == "rfc"
    assert clients.count_clients(db) == 0
    client = clients.add_client(db, GOOD | {"rfc": "MAB9307148T5"}, force=True)
    assert client.rfc_check_warning


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rfc": "XAXX010101000"}, "rfc"),
        ({"razon_social": "  "}, "razon_social"),
        ({"codigo_postal": "1234"}, "codigo_postal"),
        ({"entidad_federativa": "Atlantis"}, "entidad_federativa"),
        ({"calle": "x" * 121}, "calle"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(db, data, field):
    with pytest.raises(InvalidInput) as raised:
        clients.add_client(db, GOOD | data)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")
    assert clients.count_clients(db, include_baja=True) == 0


def test_rfc_is_unique(db):
    clients.add_client(db, GOOD)
    with pytest.raises(Conflict, match="ya existe"):
        clients.add_client(db, GOOD | {"razon_social": "Otra"})


def test_edit_records_the_diff_and_keeps_the_rfc(db):
    clients.add_client(db, GOOD)
    client = clients.update_client(db, "MAB9307148T4", {"codigo_postal": "64000"})
    assert client.codigo_postal == "64000"
    assert audit_trail(db, "client")[0]["detail"] == '{"codigo_postal": ["", "64000"]}'
    with pytest.raises(InvalidInput, match="rfc"):
        clients.update_client(db, "MAB9307148T4", {"rfc": "GODE561231GR8"})
    with pytest.raises(InvalidInput, match="codigo_postal"):
        clients.update_client(db, "MAB9307148T4", {"codigo_postal": "abc"})


def test_baja_keeps_the_record(db):
    clients.add_client(db, GOOD)
    clients.baja_client(db, "MAB9307148T4", date(2026, 3, 1))
    assert clients.count_clients(db) == 0
    assert clients.get_client(db, "MAB9307148T4").baja_date == date(2026, 3, 1)
    assert [c.rfc for c in clients.list_clients(db, include_baja=True)] == ["MAB9307148T4"]
    with pytest.raises(Conflict, match="ya está dado de baja"):
        clients.baja_client(db, "MAB9307148T4", date(2026, 3, 2))
    with pytest.raises(Conflict, match="baja"):
        programs.add_program(
            db,
            "MAB9307148T4",
            {"type": "ALTEX", "number": "1", "authorized_on": "2020-01-01"},
            today=TODAY,
        )


def test_list_pages_sorts_and_searches(demo_db):
    everyone = clients.list_clients(demo_db)
    assert [c.rfc for c in everyone] == sorted(c.rfc for c in everyone)
    pages = [clients.list_clients(demo_db, limit=3, offset=o) for o in (0, 3, 6)]
    assert [c.rfc for page in pages for c in page] == [c.rfc for c in everyone]
    by_name = clients.list_clients(demo_db, sort="razon_social", descending=True)
    assert by_name[0].razon_social.startswith("Plásticos")
    assert [c.rfc for c in clients.list_clients(demo_db, search="sierra")] == ["ASM980127HN4"]
    assert clients.count_clients(demo_db, search="S.A.") == 6


def test_sites(db):
    clients.add_client(db, GOOD)
    clients.add_site(
        db, "MAB9307148T4", {"kind": "Planta", "nombre": "Planta 1", "codigo_postal": "64000"}
    )
    with pytest.raises(InvalidInput, match="kind"):
        clients.add_site(db, "MAB9307148T4", {"kind": "oficina", "nombre": "x"})
    assert [(s.kind, s.nombre) for s in clients.list_sites(db, "MAB9307148T4")] == [
        ("planta", "Planta 1")
    ]


IMMEX = {
    "type": "immex",
    "number": "1204-2006",
    "authorized_on": "2006-08-21",
    "modalidad": "Industrial",
}


def test_program_rules(db):
    clients.add_client(db, GOOD)
    program = programs.add_program(db, "MAB9307148T4", IMMEX, today=TODAY)
    assert (program.type, program.modalidad, program.status) == ("IMMEX", "industrial", "vigente")
    with pytest.raises(Conflict, match="sin cancelar"):
        programs.add_program(db, "MAB9307148T4", IMMEX | {"number": "9-2020"}, today=TODAY)
    prosec = {
        "type": "PROSEC",
        "number": "PS-1",
        "authorized_on": "2010-01-01",
        "sectors": "xix, i",
    }
    assert programs.add_program(db, "MAB9307148T4", prosec, today=TODAY).sectors == "XIX,I"
    assert [p.type for p in programs.list_programs(db, rfc="MAB9307148T4")] == ["IMMEX", "PROSEC"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"modalidad": None}, "modalidad"),
        ({"modalidad": "maquila"}, "modalidad"),
        ({"type": "PITEX"}, "type"),
        ({"number": "  "}, "number"),
        ({"authorized_on": "2026-13-01"}, "authorized_on"),
        ({"authorized_on": "2026-04-16"}, "authorized_on"),  # after today
        ({"type": "PROSEC", "modalidad": None}, "sectors"),
        ({"type": "PROSEC", "modalidad": None, "sectors": "XXX"}, "sectors"),
        ({"type": "ALTEX"}, "modalidad"),
        ({"status": "activo"}, "status"),
    ],
)
def test_program_errors_name_the_field(db, data, field):
    clients.add_client(db, GOOD)
    with pytest.raises(InvalidInput) as raised:
        programs.add_program(db, "MAB9307148T4", IMMEX | data, today=TODAY)
    assert raised.value.field == field
    assert programs.list_programs(db) == []


def test_program_numbers_are_unique_and_status_changes(db):
    clients.add_client(db, GOOD)
    clients.add_client(db, {"rfc": "GODE561231GR8", "razon_social": "Gómez"})
    programs.add_program(db, "MAB9307148T4", IMMEX, today=TODAY)
    with pytest.raises(Conflict, match="ya está registrado"):
        programs.add_program(db, "GODE561231GR8", IMMEX, today=TODAY)
    immex = programs.find_program(db, "MAB9307148T4", "immex")  # the type in any case
    assert programs.update_program(db, immex.id, status="cancelado").status == "cancelado"
    programs.add_program(db, "MAB9307148T4", IMMEX | {"number": "77-2026"}, today=TODAY)
    assert programs.find_program(db, "MAB9307148T4", "IMMEX").number == "77-2026"
    with pytest.raises(NotFound):
        programs.find_program(db, "MAB9307148T4", "ECEX")


def test_program_status_and_authorization_date_updated_together(db):
    clients.add_client(db, GOOD)
    first = programs.add_program(db, "MAB9307148T4", IMMEX, today=TODAY)
    moved = programs.update_program(
        db, first.id, status="Suspendido", authorized_on="2020-02-03", today=TODAY
    )
    assert (moved.status, moved.authorized_on, moved.version) == (
        "suspendido",
        date(2020, 2, 3),
        2,
    )
    [change] = [c for c in audit_trail(db) if c["action"] == "program.status"]
    assert json.loads(change["detail"]) == {
        "status": ["vigente", "suspendido"],
        "authorized_on": [first.authorized_on.isoformat(), "2020-02-03"],
    }
    with pytest.raises(
        InvalidInput, match="authorized_on: la fecha de autorización 2099-01-01 es futura"
    ):
        programs.update_program(db, first.id, authorized_on="2099-01-01", today=TODAY)
    # one live program per type: a cancelled one comes back only when no other is live
    programs.update_program(db, first.id, status="cancelado", today=TODAY)
    programs.add_program(db, "MAB9307148T4", IMMEX | {"number": "77-2026"}, today=TODAY)
    with pytest.raises(
        Conflict, match="status: MAB9307148T4 ya tiene el IMMEX 77-2026 sin cancelar"
    ):
        programs.update_program(db, first.id, status="vigente", today=TODAY)
    assert programs.get_program(db, first.id).status == "cancelado"


def test_demo_covers_every_combination(demo_db):
    held = {c.rfc: c.programas for c in clients.list_clients(demo_db)}
    assert len(held) >= 6
    assert {"IMMEX", "PROSEC", "IMMEX, PROSEC", "ALTEX", "ECEX"} <= set(held.values())
    assert any(p.authorized_on.year == TODAY.year for p in programs.list_programs(demo_db))
