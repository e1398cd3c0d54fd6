"""The registry's records as stored and read back: clients, their sites and their programs.

Plain dataclasses, not checked again when read (their values were checked when entered, by the
pydantic models of client_data.py and program_data.py): listing or showing them needs no
pydantic, which would cost a one-line command a third of its start (issue 14, item 5). Field
order is the one JSON output shows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Literal, TypeVar

# A program's modalidad (IMMEX) and status, as program_data.py checks them.
MODALIDADES = ("industrial", "servicios", "albergue", "controladora", "tercerizacion")
STATUSES = ("vigente", "suspendido", "cancelado")


@dataclass(kw_only=True)
class Address:
    """A client's domicilio fiscal: the one list of its parts, each optional (client_data.py
    checks each by its name, clients.py edits them)."""

    calle: str = ""
    numero_exterior: str = ""
    numero_interior: str = ""
    colonia: str = ""
    municipio: str = ""
    codigo_postal: str = ""
    entidad_federativa: str = ""


ADDRESS_FIELDS = tuple(f.name for f in fields(Address))


@dataclass(kw_only=True)
class Client(Address):
    """A stored client (its RFC was validated when it was added, perhaps with --force); its
    address first, as JSON shows it."""

    id: int
    rfc: str
    razon_social: str
    rfc_check_warning: bool = False
    baja_date: date | None = None
    programas: str = ""
    descargo_modo: Literal["cantidad", "valor"] = "cantidad"  # the discharge ledger's mode
    descargo_nivel: Literal["fraccion", "pedimento"] = "fraccion"  # by value: per what
    version: int = 1  # +1 on each update of its data (update_client, baja_client)

    @property
    def active(self) -> bool:
        return self.baja_date is None

    @property
    def ledger_mode(self) -> str:
        """The discharge ledger's mode: 'cantidad', 'valor' (per fracción) or 'pedimento' (by
        value a nivel pedimento)."""
        if self.descargo_modo == "valor" and self.descargo_nivel == "pedimento":
            return "pedimento"
        return self.descargo_modo


@dataclass(kw_only=True)
class Site:
    """A planta or bodega of a client."""

    kind: Literal["planta", "bodega"]
    nombre: str
    calle: str = ""
    numero: str = ""
    colonia: str = ""
    codigo_postal: str = ""
    entidad_federativa: str = ""
    id: int
    baja_date: date | None = None


@dataclass(kw_only=True)
class Program:
    """A client's program of comercio exterior (IMMEX, PROSEC, ALTEX, ECEX)."""

    type: Literal["IMMEX", "PROSEC", "ALTEX", "ECEX"]
    number: str
    authorized_on: date
    status: Literal["vigente", "suspendido", "cancelado"] = "vigente"
    modalidad: str | None = None
    sectors: str = ""
    id: int
    version: int = 1  # +1 on each update (update_program)
    rfc: str
    razon_social: str


R = TypeVar("R", Client, Site, Program)


def read(record: type[R], row: dict) -> R:
    """The record of a stored row (other columns, such as timestamps, left out): its dates as
    dates, its flags as bool."""
    values = {f.name: row[f.name] for f in fields(record) if f.name in row}
    for name in ("baja_date", "authorized_on"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    if "rfc_check_warning" in values:
        values["rfc_check_warning"] = bool(values["rfc_check_warning"])
    return record(**values)


def as_json(record: Client | Site | Program, *, exclude: Collection[str] = ()) -> dict:
    """The record's fields as JSON values (dates in ISO), but those in `exclude`."""
    return {
        k: v.isoformat() if isinstance(v, date) else v
        for k, v in asdict(record).items()
        if k not in exclude
    }
