"""Foreign-trade programs held by clients: IMMEX, PROSEC, ALTEX, ECEX."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import field_validator
from sqlite_utils import Database

from brokertui.core import catalogs, identifiers
from brokertui.core.db import check_version, diff, now, transaction, write
from brokertui.core.errors import Conflict, InvalidInput, NotFound
from brokertui.core.models import Record, build
from brokertui.core.registry.clients import Client, get_client
from brokertui.core.text import fold

PROGRAM_TYPES = ("IMMEX", "PROSEC", "ALTEX", "ECEX")
MODALIDADES = ("industrial", "servicios", "albergue", "controladora", "tercerizacion")
STATUSES = ("vigente", "suspendido", "cancelado")

ProgramType = Literal["IMMEX", "PROSEC", "ALTEX", "ECEX"]
Status = Literal["vigente", "suspendido", "cancelado"]


class ProgramData(Record):
    """What a user types to register a program."""

    type: ProgramType
    number: str
    authorized_on: date
    status: Status = "vigente"
    modalidad: str | None = None
    sectors: str = ""

    @field_validator("type", "status", "modalidad", mode="before")
    @classmethod
    def _case(cls, value, info):
        if isinstance(value, str):
            value = value.strip()
            value = value.upper() if info.field_name == "type" else value.lower()
            return value or None if info.field_name == "modalidad" else value
        return value

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        value = re.sub(r"\s+", " ", value).strip().upper()
        if not value:
            raise ValueError("es obligatorio")
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9 ./-]{0,39}", value):
            raise ValueError("sólo letras, dígitos, espacios, '-', '/' y '.' (hasta 40)")
        return value

    @field_validator("authorized_on", mode="before")
    @classmethod
    def _date(cls, value):
        return identifiers.parse_date(value)

    @field_validator("modalidad")
    @classmethod
    def _modalidad(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = fold(value).lower().replace("ó", "o")
        if value not in MODALIDADES:
            raise ValueError(f"debe ser una de: {', '.join(MODALIDADES)}")
        return value

    @field_validator("sectors", mode="before")
    @classmethod
    def _sectors(cls, value) -> str:
        if isinstance(value, list | tuple):
            value = ",".join(value)
        text = "" if value is None else str(value)  # a face may pass a number
        parts = [p for p in re.split(r"[\s,;]+", text.upper()) if p]
        known = catalogs.load("prosec_sectores").entries
        for part in parts:
            if part not in known:
                raise ValueError(f"«{part}» no es un sector PROSEC (I a XXIV)")
        return ",".join(dict.fromkeys(parts))


def check_combination(program: ProgramData) -> None:
    """Rules across fields: modalidad only (and always) for IMMEX, sectors for PROSEC."""
    if program.type == "IMMEX" and not program.modalidad:
        raise InvalidInput("modalidad", f"un IMMEX requiere modalidad ({', '.join(MODALIDADES)})")
    if program.type != "IMMEX" and program.modalidad:
        raise InvalidInput("modalidad", "sólo los programas IMMEX tienen modalidad")
    if program.type == "PROSEC" and not program.sectors:
        raise InvalidInput("sectors", "un PROSEC requiere al menos un sector (I a XXIV)")
    if program.type != "PROSEC" and program.sectors:
        raise InvalidInput("sectors", "sólo los programas PROSEC tienen sectores")


class Program(ProgramData):
    id: int
    version: int = 1  # +1 on each update (update_program)
    rfc: str
    razon_social: str


def add_program(db: Database, rfc: str, data: dict, *, today: date) -> Program:
    """Register a program for a client."""
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


def set_status(
    db: Database, rfc: str, program_type: str, status: str, *, expected_version: int | None = None
) -> Program:
    """Record the status the SE shows for a client's program of a type (vigente, suspendido,
    cancelado): update_program on find_program's program."""
    program = find_program(db, rfc, program_type)
    return update_program(db, program.id, status=status, expected_version=expected_version)


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
    with transaction(db):
        program = get_program(db, program_id)
        given = {"status": status, "authorized_on": authorized_on}
        checked = build(
            ProgramData,
            program.model_dump(include=set(ProgramData.model_fields))
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
    return Program.model_validate(rows[0])


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
    return [Program.model_validate(row) for row in rows]
