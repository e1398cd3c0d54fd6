"""Oficios de matriz de seguridad: the only module that writes table matriz_oficios.

ANAM sends a client's Data Stage only while it holds a vigente oficio: "debe contar con el
oficio de matriz de seguridad vigente", and once authorised the previous month's data comes
"dentro de los primeros 15 días naturales de cada mes" (anam-pedimento-data-request.txt §2;
formats.md §1.1). The user records each oficio (number, date, expiry) as ANAM issued it; a
renewal is a new oficio, the old ones are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import field_validator
from sqlite_utils import Database

from brokertui.core import identifiers
from brokertui.core.db import now, os_user, write
from brokertui.core.errors import Conflict, InvalidInput
from brokertui.core.models import Record, RequiredText, build
from brokertui.core.plural import counted
from brokertui.core.registry import clients


@dataclass(frozen=True)
class Oficio:
    numero: str
    fecha: date
    vence: date

    def vigente(self, on: date) -> bool:
        return self.fecha <= on <= self.vence

    def countdown(self, on: date) -> str:
        """How far its expiry is from `on`: 'en 40 días', 'vence hoy', 'vencido'."""
        days = (self.vence - on).days
        return "vencido" if days < 0 else "vence hoy" if days == 0 else f"en {counted(days, 'día')}"

    def as_dict(self) -> dict:
        return {
            "numero": self.numero,
            "fecha": self.fecha.isoformat(),
            "vence": self.vence.isoformat(),
        }


class OficioData(Record):
    """What a user types to record an oficio (the form checks each field as it is left)."""

    numero: RequiredText
    fecha: date
    vence: date

    @field_validator("fecha", "vence", mode="before")
    @classmethod
    def _date(cls, value: object) -> date:
        return identifiers.parse_date(value)


def parse(numero: object, fecha: object, vence: object) -> Oficio:
    """An oficio as typed; InvalidInput naming the field and the rule otherwise."""
    data = build(OficioData, {"numero": numero, "fecha": fecha, "vence": vence})
    if data.vence <= data.fecha:
        raise InvalidInput("vence", "debe ser posterior a la fecha del oficio")
    return Oficio(data.numero, data.fecha, data.vence)


def record(db: Database, rfc: str, numero: object, fecha: object, vence: object) -> Oficio:
    """Record a client's oficio (a renewal adds one); the same number twice is refused."""
    oficio = parse(numero, fecha, vence)
    client = clients.get_client(db, rfc)
    with write(db, "oficio.add", "client", client.rfc, oficio.as_dict()):
        if db.execute(
            "SELECT 1 FROM matriz_oficios WHERE client_id = ? AND numero = ?",
            [client.id, oficio.numero],
        ).fetchone():
            raise Conflict("numero", f"el oficio {oficio.numero} ya está registrado")
        db.execute(
            "INSERT INTO matriz_oficios (client_id, numero, fecha, vence, created_at, "
            "created_by) VALUES (?, ?, ?, ?, ?, ?)",
            [
                client.id,
                oficio.numero,
                oficio.fecha.isoformat(),
                oficio.vence.isoformat(),
                now(),
                os_user(),
            ],
        )
    return oficio


def of_client(db: Database, client_id: int) -> list[Oficio]:
    """A client's oficios, the latest expiry first."""
    return [
        Oficio(numero, date.fromisoformat(fecha), date.fromisoformat(vence))
        for numero, fecha, vence in db.execute(
            "SELECT numero, fecha, vence FROM matriz_oficios WHERE client_id = ? "
            "ORDER BY vence DESC, fecha DESC",
            [client_id],
        )
    ]


def by_client(db: Database) -> dict[int, list[Oficio]]:
    """Every client's oficios, the latest expiry first."""
    out: dict[int, list[Oficio]] = {}
    for client_id, numero, fecha, vence in db.execute(
        "SELECT client_id, numero, fecha, vence FROM matriz_oficios ORDER BY vence DESC, fecha DESC"
    ):
        out.setdefault(client_id, []).append(
            Oficio(numero, date.fromisoformat(fecha), date.fromisoformat(vence))
        )
    return out
