"""What a user types to register a client or a site, checked by pydantic (core/models.py);
imported only where a client or site is entered (clients.py reads them back as stored.py's
plain records)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import create_model

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
from brokertui.core.registry.stored import ADDRESS_FIELDS

# How each part of the domicilio fiscal (stored.ADDRESS_FIELDS, all optional) is checked when
# given; the others are plain text.
_ADDRESS_CHECKS = {"codigo_postal": CodigoPostal, "entidad_federativa": Entidad}

# What a user types to register a client: its domicilio fiscal, then RFC and razón social.
# (mypy's view of create_model has no overload for fields given as a mapping: its type is Any.)
ClientData = create_model(  # type: ignore[call-overload]
    "ClientData",
    __base__=Record,
    **{name: (_ADDRESS_CHECKS.get(name, PlainText), "") for name in ADDRESS_FIELDS},
    rfc=(RfcText, ...),
    razon_social=(LongText, ...),
)


class SiteData(Record):
    """A planta or bodega of a client."""

    kind: Annotated[Literal["planta", "bodega"], Lowered]
    nombre: RequiredText
    calle: PlainText = ""
    numero: PlainText = ""
    colonia: PlainText = ""
    codigo_postal: CodigoPostal = ""
    entidad_federativa: Entidad = ""
