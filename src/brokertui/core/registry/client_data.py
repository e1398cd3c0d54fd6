"""What a user types to register a client or a site, checked by pydantic (core/models.py);
imported only where a client or site is entered (clients.py reads them back as stored.py's
plain records)."""

from __future__ import annotations

from typing import Annotated, Literal

from brokertui.core.models import (
    CodigoPostal,
    Entidad,
    LongText,
    Lowered,
    PlainText,
    Record,
    RequiredText,
    RfcText,
)


class Address(Record):
    """Domicilio fiscal (all parts optional, each checked when given)."""

    calle: PlainText = ""
    numero_exterior: PlainText = ""
    numero_interior: PlainText = ""
    colonia: PlainText = ""
    municipio: PlainText = ""
    codigo_postal: CodigoPostal = ""
    entidad_federativa: Entidad = ""


class ClientData(Address):
    """What a user types to register a client."""

    rfc: RfcText
    razon_social: LongText


class SiteData(Record):
    """A planta or bodega of a client."""

    kind: Annotated[Literal["planta", "bodega"], Lowered]
    nombre: RequiredText
    calle: PlainText = ""
    numero: PlainText = ""
    colonia: PlainText = ""
    codigo_postal: CodigoPostal = ""
    entidad_federativa: Entidad = ""
