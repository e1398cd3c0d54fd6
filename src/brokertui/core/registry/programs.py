"""Foreign-trade programs held by clients: IMMEX, PROSEC, ALTEX, ECEX."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlite_utils import Database

from brokertui.core.db import check_version, diff, now, transaction, write
from brokertui.core.errors import Conflict, InvalidInput, NotFound
from brokertui.core.registry.clients import Client, get_client
from brokertui.core.registry.stored import MODALIDADES as MODALIDADES  # for the faces
from brokertui.core.registry.stored import STATUSES as STATUSES
from brokertui.core.registry.stored import Program, read

if TYPE_CHECKING:
    from brokertui.core.registry.program_data import ProgramData

PROGRAM_TYPES = ("IMMEX", "PROSEC", "ALTEX", "ECEX")


def add_program(db: Database, rfc: str, data: dict, *, today: date) -> Program:
    """Register a program for a client."""
    from brokertui.core.models import build
    from brokertui.core.registry.program_data import ProgramData, check_combination

    client = get_client(db, rfc)
    program = build(ProgramData, data)
    check_combination(program)
    if program.authorized_on > today:
        raise InvalidInput(
            "authorized_on", f"la fecha de autorización {program.authorized_on} es futura"
        )
    row = program.model_dump(mode="json") | {
        "client_id": client.id,
        "created_at": now(),
        "updated_at": now(),
    }
    with write(db, "program.add", "program", f"{program.type} {program.number}", row):
        _check_unique(db, get_client(db, rfc), program)
        program_id = db.table("programs").insert(row).last_pk
    assert program_id is not None, "an insert sets last_pk"
    return get_program(db, program_id)


def _check_unique(db: Database, client: Client, program: ProgramData) -> None:
    """The client is active, the number is nobody's and the client holds no live program of
    the type; call inside the write transaction."""
    if not client.active:
        raise Conflict("rfc", f"{client.rfc} está dado de baja desde {client.baja_date}")
    clash = db.execute(
        "SELECT c.rfc FROM programs p JOIN clients c ON c.id = p.client_id "
        "WHERE p.type = ? AND p.number = ?",
        [program.type, program.number],
    ).fetchone()
    if clash:
        raise Conflict(
            "number", f"el {program.type} {program.number} ya está registrado ({clash[0]})"
        )
    live = db.execute(
        "SELECT number FROM programs WHERE client_id = ? AND type = ? AND status != 'cancelado'",
        [client.id, program.type],
    ).fetchone()
    if live:
        raise Conflict("type", f"{client.rfc} ya tiene el {program.type} {live[0]} sin cancelar")


def update_program(
    db: Database,
    program_id: int,
    *,
    status: str | None = None,
    authorized_on: str | date | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> Program:
    """Record a program's status as the SE shows it and correct its fecha de autorización
    (not after `today`); a cancelled program comes back only when the client holds no other
    live one of its type. Given the version the caller read (`expected_version`), a program
    changed since raises StaleRecord."""
    from brokertui.core.models import build
    from brokertui.core.registry.program_data import ProgramData

    with transaction(db):
        program = get_program(db, program_id)
        given = {"status": status, "authorized_on": authorized_on}
        checked = build(
            ProgramData,
            {name: getattr(program, name) for name in ProgramData.model_fields}
            | {k: v for k, v in given.items() if v is not None},
        )
        if authorized_on is not None and today is not None and checked.authorized_on > today:
            raise InvalidInput(
                "authorized_on", f"la fecha de autorización {checked.authorized_on} es futura"
            )
        key = f"{program.type} {program.number}"
        old = {"status": program.status, "authorized_on": program.authorized_on.isoformat()}
        new = {"status": checked.status, "authorized_on": checked.authorized_on.isoformat()}
        check_version(
            db,
            "program",
            key,
            record=f"el {key} de {program.rfc}",
            version=program.version,
            expected=expected_version,
            current=old,
        )
        if program.status == "cancelado" != checked.status:
            _check_no_other_live(db, program)
        version = program.version + 1
        with write(db, "program.status", "program", key, diff(old, new), version=version):
            db.table("programs").update(program.id, new | {"updated_at": now(), "version": version})
    return get_program(db, program.id)


def _check_no_other_live(db: Database, program: Program) -> None:
    """A cancelled program made live again: the client holds no other live one of its type
    (one live program per type); call inside the write transaction."""
    live = db.execute(
        "SELECT number FROM programs WHERE client_id = (SELECT client_id FROM programs "
        "WHERE id = ?) AND type = ? AND status != 'cancelado' AND id != ?",
        [program.id, program.type, program.id],
    ).fetchone()
    if live:
        raise Conflict("status", f"{program.rfc} ya tiene el {program.type} {live[0]} sin cancelar")


_PROGRAM_SELECT = """
SELECT p.id, p.type, p.number, p.authorized_on, p.status, p.modalidad, p.sectors, p.version,
       c.rfc, c.razon_social
FROM programs p JOIN clients c ON c.id = p.client_id
"""


def get_program(db: Database, program_id: int) -> Program:
    rows = list(db.query(_PROGRAM_SELECT + " WHERE p.id = ?", [program_id]))
    if not rows:
        raise NotFound(f"programa {program_id} no existe")
    return read(Program, rows[0])


def find_program(db: Database, rfc: str, program_type: str) -> Program:
    """The client's live program of a type (or its latest cancelled one)."""
    client = get_client(db, rfc)
    row = db.execute(
        "SELECT id FROM programs WHERE client_id = ? AND type = ? "
        "ORDER BY status = 'cancelado', authorized_on DESC LIMIT 1",
        [client.id, (program_type or "").upper()],
    ).fetchone()
    if not row:
        raise NotFound(f"type: {client.rfc} no tiene programa {program_type}")
    return get_program(db, row[0])


def list_programs(db: Database, *, rfc: str | None = None) -> list[Program]:
    """Programs of one client (or of all), by RFC then type."""
    where, params = "", []
    if rfc:
        where, params = " WHERE p.client_id = ?", [get_client(db, rfc).id]
    rows = db.query(_PROGRAM_SELECT + where + " ORDER BY c.rfc, p.type, p.authorized_on", params)
    return [read(Program, row) for row in rows]
