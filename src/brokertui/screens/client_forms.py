"""Forms to add or edit a client, a program (and its status), a planta / bodega, an oficio,
and the fecha de baja of a record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from brokertui.core import catalogs
from brokertui.core.models import BajaData, build
from brokertui.core.pedimentos.datastage import oficios
from brokertui.core.registry import client_data, clients, program_data, programs, stored
from brokertui.screens.form import FormScreen
from brokertui.screens.live import Here
from brokertui.screens.text import clean
from brokertui.screens.widgets import FieldSpec

ENTIDADES = [
    *catalogs.load("entidades").entries.values(),
    *catalogs.load("entidades").entries.keys(),
]
CALLE = FieldSpec("calle", "Calle")
COLONIA = FieldSpec("colonia", "Colonia")
CODIGO_POSTAL = FieldSpec("codigo_postal", "Código postal", "5 dígitos")
ENTIDAD = FieldSpec(
    "entidad_federativa", "Entidad federativa", "p. ej. NLE o Nuevo León", ENTIDADES
)
ADDRESS = [
    CALLE,
    FieldSpec("numero_exterior", "Número exterior"),
    FieldSpec("numero_interior", "Número interior"),
    COLONIA,
    FieldSpec("municipio", "Municipio"),
    CODIGO_POSTAL,
    ENTIDAD,
]


class ClientFormScreen(FormScreen):
    """Add a client, or edit one (`client` given: its RFC is locked)."""

    model = client_data.ClientData

    def __init__(self, client: clients.Client | None = None) -> None:
        self.client = client
        self.fields = [
            FieldSpec("rfc", "RFC", "12 o 13 caracteres", locked=client is not None),
            FieldSpec("razon_social", "Razón social"),
            *ADDRESS,
        ]
        super().__init__(asdict(client) if client else None)
        self.version = client.version if client else None
        self.title = "Editar cliente" if client else "Cliente nuevo"

    def warning(self, name: str, value: Any) -> str | None:
        return clients.rfc_warning(value) if name == "rfc" else None

    def here(self) -> Here:
        if self.client is None:
            return Here()
        return Here(self.client.rfc, ("client", self.client.rfc), ("client.edit",))

    def submit(self, values: dict[str, str], force: bool) -> clients.Client:
        if self.client:
            values.pop("rfc")
            return clients.update_client(
                self.app.db, self.client.rfc, values, expected_version=self.version
            )
        return clients.add_client(self.app.db, values, force=force)


class ProgramFormScreen(FormScreen):
    """Register a program for a client."""

    model = program_data.ProgramData

    def __init__(self, rfc: str, today: date) -> None:
        self.rfc = rfc
        self.today = today
        self.fields = [
            FieldSpec("type", "Programa", "IMMEX, PROSEC, ALTEX o ECEX", programs.PROGRAM_TYPES),
            FieldSpec("number", "Número"),
            FieldSpec("authorized_on", "Fecha de autorización", "AAAA-MM-DD"),
            FieldSpec(
                "modalidad", "Modalidad (IMMEX)", "industrial, servicios…", programs.MODALIDADES
            ),
            FieldSpec("sectors", "Sectores (PROSEC)", "p. ej. I, XIX"),
            FieldSpec("status", "Estatus", "vigente, suspendido o cancelado", programs.STATUSES),
        ]
        super().__init__({"status": "vigente"})
        self.title = "Programa nuevo"

    def submit(self, values: dict[str, str], force: bool) -> programs.Program:
        return programs.add_program(self.app.db, self.rfc, values, today=self.today)


class ProgramStatusScreen(FormScreen):
    """A program's status as the SE shows it and its fecha de autorización; asks before
    saving what changes."""

    model = program_data.ProgramData

    def __init__(self, program: programs.Program, today: date) -> None:
        self.program, self.today = program, today
        self.fields = [
            FieldSpec("type", "Programa", locked=True),
            FieldSpec("number", "Número", locked=True),
            FieldSpec("status", "Estatus", "vigente, suspendido o cancelado", programs.STATUSES),
            FieldSpec("authorized_on", "Fecha de autorización", "AAAA-MM-DD"),
        ]
        super().__init__(stored.as_json(program))
        self.version = program.version
        self.title = f"Estatus del programa · {program.rfc}"

    def here(self) -> Here:
        key = f"{self.program.type} {self.program.number}"
        return Here(self.program.rfc, ("program", key), ("program.status",))

    def confirmation(self, values: dict[str, str]) -> str:
        changes = [
            f"{label}: {self.initial.get(name)} → {values[name]}"
            for name, label in (("status", "estatus"), ("authorized_on", "autorización"))
            if values[name] != str(self.initial.get(name))
        ] or ["sin cambios"]
        return (
            f"¿Registrar en el programa {self.program.type} número {self.program.number} de "
            f"{self.program.rfc}?\n" + "\n".join(changes)
        )

    def submit(self, values: dict[str, str], force: bool) -> programs.Program:
        return programs.update_program(
            self.app.db,
            self.program.id,
            status=values["status"],
            authorized_on=values["authorized_on"],
            today=self.today,
            expected_version=self.version,
        )


class BajaFormScreen(FormScreen):
    """The fecha de baja of a record (today unless changed); asks before saving. `apply`
    records it and returns what the form dismisses with."""

    model = BajaData
    fields = [FieldSpec("baja_date", "Fecha de baja", "AAAA-MM-DD")]

    def __init__(self, what: str, today: date, apply: Callable[[date], Any]) -> None:
        self.what, self.apply = clean(what), apply
        super().__init__({"baja_date": today.isoformat()})
        self.title = f"Baja · {self.what}"

    def confirmation(self, values: dict[str, str]) -> str:
        return (
            f"¿Dar de baja {self.what} con fecha {values['baja_date']}? El registro y su "
            "historial se conservan."
        )

    def submit(self, values: dict[str, str], force: bool) -> Any:
        return self.apply(build(BajaData, values).baja_date)


class SiteFormScreen(FormScreen):
    """Register a planta or bodega."""

    model = client_data.SiteData
    fields = [
        FieldSpec("kind", "Tipo", "planta o bodega", ("planta", "bodega")),
        FieldSpec("nombre", "Nombre"),
        CALLE,
        FieldSpec("numero", "Número"),
        COLONIA,
        CODIGO_POSTAL,
        ENTIDAD,
    ]

    def __init__(self, rfc: str) -> None:
        self.rfc = rfc
        super().__init__({"kind": "planta"})
        self.title = "Planta o bodega nueva"

    def submit(self, values: dict[str, str], force: bool) -> clients.Site:
        return clients.add_site(self.app.db, self.rfc, values)


class OficioFormScreen(FormScreen):
    """Record a client's oficio de matriz de seguridad (a renewal is a new one)."""

    model = oficios.OficioData
    fields = [
        FieldSpec("numero", "Número de oficio"),
        FieldSpec("fecha", "Fecha del oficio", "AAAA-MM-DD"),
        FieldSpec("vence", "Vence", "AAAA-MM-DD"),
    ]

    def __init__(self, rfc: str) -> None:
        self.rfc = rfc
        super().__init__()
        self.title = f"Oficio de matriz de seguridad · {rfc}"

    def submit(self, values: dict[str, str], force: bool) -> oficios.Oficio:
        return oficios.record(self.app.db, self.rfc, **values)
