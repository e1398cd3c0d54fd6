"""Bajas of Anexo 24 catalog records: the record is kept, inactive from its fecha de baja."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from brokertui.core.anexo24 import interfaces
from brokertui.core.db import write
from brokertui.core.errors import InvalidInput, NotFound
from brokertui.core.registry import clients

BAJA_TABLES = ("materiales", "productos", *interfaces.OTHER_CATALOGS)


def baja(db: Database, rfc: str, catalogo: str, clave: str, on: date) -> None:
    """Mark a catalog record inactive with its fecha de baja; it is kept (rules.md §5)."""
    if catalogo not in BAJA_TABLES:
        raise InvalidInput("catalogo", f"debe ser uno de {', '.join(BAJA_TABLES)}")
    client = clients.get_client(db, rfc)
    with write(db, "inventory.baja", "client", client.rfc, {"catalogo": catalogo, "clave": clave}):
        if not interfaces.mark_baja(db, client.id, catalogo, clave, on):
            raise NotFound(f"clave: {clave} no está activo en {catalogo}")
